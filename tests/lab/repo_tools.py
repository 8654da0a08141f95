"""What the tests of `make lab`, `make wheelhouse` and `make notebooks` share: the repository's root, its
scripts/ (not a package) loaded as modules, and what `make -n` would run."""

from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path
from types import ModuleType

__all__ = ["ROOT", "load_script", "make_dry_run"]

ROOT = Path(__file__).resolve().parents[2]


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a fresh module."""
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_dry_run(*args: str) -> str:
    """The commands ``make -n ARGS`` prints in the repository, without running them."""
    return subprocess.run(
        ["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
