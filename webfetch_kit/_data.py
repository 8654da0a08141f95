"""The kit's data files: where ``data/`` is, and the corpus manifest (the pages the local web serves).

Reading the corpus is plain file I/O shared by its consumers (the corpus server in :mod:`webfetch_kit.lab`,
the offline search index in :mod:`webfetch_kit.search`), so it lives here rather than in either of them.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import ConfigError, CorpusError

__all__ = [
    "CORPUS_HOSTS",
    "LAB_HOST",
    "LOOKALIKE_HOST",
    "CorpusDocument",
    "corpus_dir",
    "data_dir",
    "documents",
    "read_csv_rows",
    "read_manifest",
]

# The workbench is installed editable from its checkout (`make lab`), so data/ sits beside the package.
_CHECKOUT_DATA = Path(__file__).resolve().parent.parent / "data"

#: The host whose routes misbehave on purpose (see :mod:`webfetch_kit.lab.routes`).
LAB_HOST = "lab.example.net"

#: ``dоcs.example.com`` with a Cyrillic ``о`` (U+043E), as its IDNA A-label.
LOOKALIKE_HOST = "xn--dcs-sed.example.com"

#: Every virtual host the corpus server answers for (A-labels), including the misbehaving lab host.
CORPUS_HOSTS: tuple[str, ...] = (
    "docs.example.com",
    "blog.example.org",
    "news.example.com",
    "papers.example.net",
    LOOKALIKE_HOST,
    LAB_HOST,
)

_MANIFEST_KEYS = ("host", "path", "file", "title", "content_type", "published", "description")


@dataclass(frozen=True)
class CorpusDocument:
    """One document of the corpus, as listed in ``data/corpus/manifest.json``.

    Stage: the corpus on disk, before anything is served or read. The corpus server serves its file; the
    search index reads it into a :class:`~webfetch_kit.search.index.SearchDocument`.
    """

    host: str
    path: str
    url: str
    file: Path
    title: str
    content_type: str
    published: str | None
    description: str


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


def corpus_dir() -> Path:
    """The folder holding the corpus (``data/corpus``)."""
    path = data_dir() / "corpus"
    if not path.is_dir():
        raise CorpusError(f"corpus folder {path} not found")
    return path


def read_manifest(root: Path) -> list[dict[str, Any]]:
    manifest = root / "manifest.json"
    try:
        raw = json.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CorpusError(f"corpus manifest {manifest} not found") from exc
    except json.JSONDecodeError as exc:
        raise CorpusError(f"corpus manifest {manifest} is not valid JSON: {exc}") from exc
    entries = raw.get("documents") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise CorpusError(f"corpus manifest {manifest} must be an object with a 'documents' list")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise CorpusError(f"manifest entry {index} is not an object")
        missing = [key for key in _MANIFEST_KEYS if key not in entry]
        if missing:
            raise CorpusError(f"manifest entry {index} ({entry.get('file')!r}) lacks {', '.join(missing)}")
    return entries


def documents(root: Path | None = None) -> list[CorpusDocument]:
    """Every document of the corpus, in manifest order.

    Args:
        root: A corpus folder laid out like ``data/corpus`` (default: the project's corpus).

    Returns:
        One :class:`CorpusDocument` per manifest entry; ``file`` is an absolute path.

    Raises:
        CorpusError: The manifest is missing or malformed.
    """
    base = (root or corpus_dir()).resolve()
    return [
        CorpusDocument(
            host=entry["host"],
            path=entry["path"],
            url=f"https://{entry['host']}{entry['path']}",
            file=base / entry["file"],
            title=entry["title"],
            content_type=entry["content_type"],
            published=entry["published"],
            description=entry["description"],
        )
        for entry in read_manifest(base)
    ]


def read_csv_rows(path: Path, columns: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    """The rows of a ``data/`` table as ``(where, cells)``: ``where`` is ``"path:line"`` for messages, and
    ``cells`` maps each column to its stripped text (``""`` when empty).

    Raises:
        ConfigError: the header lacks one of ``columns`` (the message lists them).
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise ConfigError(f"{path}: missing column(s) {', '.join(missing)}")
        return [
            (f"{path}:{line}", {k: (v or "").strip() for k, v in raw.items() if k is not None})
            for line, raw in enumerate(reader, start=2)
        ]
