"""Where the kit finds its data files (corpus, pricing table)."""

from __future__ import annotations

import os
from pathlib import Path

from .errors import CorpusError

__all__ = ["data_dir"]

# The workbench is installed editable from its checkout (`make lab`), so data/ sits beside the package.
_CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"


def data_dir() -> Path:
    """The project's ``data/`` directory (override with ``WEBFETCH_DATA_DIR``)."""
    configured = os.environ.get("WEBFETCH_DATA_DIR")
    path = Path(configured) if configured else _CHECKOUT_DATA
    if not path.is_dir():
        raise CorpusError(
            f"data directory {path} not found: install webfetch-kit from its checkout with `make lab` "
            "(pip install -e .) or set WEBFETCH_DATA_DIR to the project's data/ folder"
        )
    return path
