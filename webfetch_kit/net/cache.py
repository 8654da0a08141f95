"""The fetch cache: successful fetches kept by canonical URL, with the time they were retrieved.

The documentation: "The web fetch tool caches results to improve performance and reduce redundant
requests. This means the content returned may not always be the latest version available at the URL."
So a cache hit returns the original ``retrieved_at``, and ``use_cache=False`` (tool versions 20260309
and later) bypasses the cache and refreshes it.

Bounds: entries expire after ``ttl`` seconds and the cache holds at most ``max_entries`` entries and
``max_bytes`` of document text and PDF bytes (least recently used go first). Entries live in memory; with
``directory=`` they are also written there as JSON (never pickle: a cache directory is not trusted code)
and read back by a later process. The clock is injectable for tests.

A cache is a hop (SECURITY.md): an entry remembers the redirects its fetch followed (``redirects``), so
that a hit can be checked hop by hop by the policy and ledger of the fetcher serving it. And a cache read
from disk is input: each file is validated field by field when loaded (types, modes, sizes, a
``retrieved_at`` that is not in the future, the key it claims); anything odd is a miss and the file is
removed, so a damaged or planted file can neither fail a URL nor be served fresh forever.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..reading.extract import EXTRACT_MODES, Document, ExtractMode

__all__ = ["CachedFetch", "FetchCache"]

log = logging.getLogger(__name__)

_FORMAT = 4  # 2: entries carry text_tokens; 3: and extract_mode (part of the key); 4: and redirects


@dataclass(frozen=True)
class CachedFetch:
    """What a cache hit gives back: the document as first extracted, and when it was retrieved."""

    canonical_url: str
    final_url: str
    document: Document
    retrieved_at: float
    """Seconds since the epoch, from the cache's clock, when the content was fetched."""
    bytes_read: int
    status: int
    content_type: str
    text_tokens: int
    """Tokens of ``document.text`` (the kit's offline count), counted once when fetched."""
    extract_mode: ExtractMode = "api"
    """How HTML became text; with ``canonical_url`` the cache key."""
    redirects: tuple[str, ...] = ()
    """The redirect hops the fetch followed, in order (the last one is ``final_url``)."""

    @property
    def key(self) -> str:
        """The cache key: the extraction mode and the canonical URL."""
        return _key(self.canonical_url, self.extract_mode)

    @property
    def size(self) -> int:
        return len(self.document.text.encode("utf-8")) + len(self.document.source_bytes or b"")


def _key(canonical_url: str, extract_mode: str) -> str:
    return f"{extract_mode} {canonical_url}"


def _document_to_json(document: Document) -> dict[str, Any]:
    data = asdict(document)
    data["source_bytes"] = (
        base64.b64encode(document.source_bytes).decode("ascii") if document.source_bytes is not None else None
    )
    data["pages"] = list(document.pages)
    data["notes"] = list(document.notes)
    return data


class _Invalid(Exception):
    """A cache file that is not what this module writes."""


def _typed(data: dict[str, Any], name: str, kinds: tuple[type, ...]) -> Any:
    if name not in data:
        raise _Invalid(f"{name} is missing")
    value = data[name]
    if isinstance(value, bool) and bool not in kinds:  # bool is an int to isinstance
        raise _Invalid(f"{name} is a boolean")
    if not isinstance(value, kinds):
        raise _Invalid(f"{name} is a {type(value).__name__}")
    return value


def _strings(data: dict[str, Any], name: str) -> tuple[str, ...]:
    value = _typed(data, name, (list,))
    if not all(isinstance(item, str) for item in value):
        raise _Invalid(f"{name} holds a value that is not a string")
    return tuple(value)


def _count(data: dict[str, Any], name: str) -> int:
    value: int = _typed(data, name, (int,))
    if value < 0:
        raise _Invalid(f"{name} is negative")
    return value


def _mode(value: Any) -> ExtractMode:
    if value not in EXTRACT_MODES:
        raise _Invalid(f"extract mode {value!r} is unknown")
    mode: ExtractMode = value
    return mode


_DOCUMENT_FIELDS = frozenset(f.name for f in fields(Document))


def _document_from_json(data: Any) -> Document:
    if not isinstance(data, dict) or set(data) != _DOCUMENT_FIELDS:
        raise _Invalid("the document's fields are not a Document's")
    kind = _typed(data, "kind", (str,))
    if kind not in ("html", "text", "pdf"):
        raise _Invalid(f"document kind {kind!r} is unknown")
    raw = _typed(data, "source_bytes", (str, type(None)))
    try:
        source = base64.b64decode(raw, validate=True) if raw is not None else None
    except ValueError:
        raise _Invalid("source_bytes is not base64") from None
    if (source is not None) != (kind == "pdf"):
        raise _Invalid("source_bytes belong to PDFs, and only to them")
    return Document(
        text=_typed(data, "text", (str,)),
        title=_typed(data, "title", (str, type(None))),
        media_type=_typed(data, "media_type", (str,)),
        source_bytes=source,
        pages=_strings(data, "pages"),
        url=_typed(data, "url", (str,)),
        charset=_typed(data, "charset", (str, type(None))),
        kind=kind,
        notes=_strings(data, "notes"),
        mode=_mode(data["mode"]),
    )


def _entry_from_json(payload: Any) -> CachedFetch:
    if not isinstance(payload, dict):
        raise _Invalid("the file does not hold an object")
    if payload.get("format") != _FORMAT:
        raise _Invalid(f"format {payload.get('format')!r} is not {_FORMAT}")
    retrieved_at = _typed(payload, "retrieved_at", (int, float))
    if not math.isfinite(retrieved_at):
        raise _Invalid("retrieved_at is not a finite number")
    return CachedFetch(
        canonical_url=_typed(payload, "canonical_url", (str,)),
        final_url=_typed(payload, "final_url", (str,)),
        document=_document_from_json(payload.get("document")),
        retrieved_at=float(retrieved_at),
        bytes_read=_count(payload, "bytes_read"),
        status=_count(payload, "status"),
        content_type=_typed(payload, "content_type", (str,)),
        text_tokens=_count(payload, "text_tokens"),
        extract_mode=_mode(payload.get("extract_mode")),
        redirects=_strings(payload, "redirects"),
    )


class FetchCache:
    """An LRU cache of successful fetches with a TTL, bounded in entries and bytes, thread-safe."""

    def __init__(
        self,
        *,
        ttl: float = 15 * 60,
        max_entries: int = 512,
        max_bytes: int = 256 * 1024 * 1024,
        directory: str | Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if ttl <= 0 or max_entries <= 0 or max_bytes <= 0:
            raise ConfigError("FetchCache needs ttl, max_entries and max_bytes greater than 0")
        self.ttl = ttl
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self.directory = Path(directory) if directory is not None else None
        if self.directory is not None:
            self.directory.mkdir(parents=True, exist_ok=True)
        self._entries: OrderedDict[str, CachedFetch] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def get(self, canonical_url: str, extract_mode: ExtractMode = "api") -> CachedFetch | None:
        """The fresh entry for ``canonical_url`` read in ``extract_mode``, or None (expired: dropped)."""
        key = _key(canonical_url, extract_mode)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                entry = self._load(key)
                if entry is not None:
                    self._insert(entry)
            if entry is not None and self.clock() - entry.retrieved_at > self.ttl:
                self._remove(key)
                entry = None
            if entry is None or key not in self._entries:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, entry: CachedFetch) -> None:
        """Store ``entry`` (replacing any older one), then evict down to the bounds."""
        if entry.size > self.max_bytes:
            return
        with self._lock:
            self._remove(entry.key)
            self._insert(entry)
            if self.directory is not None and entry.key in self._entries:
                payload = asdict(entry)
                payload["document"] = _document_to_json(entry.document)
                payload["redirects"] = list(entry.redirects)
                payload["format"] = _FORMAT
                # Written whole, then renamed: a reader never sees half a file.
                path = self._path(entry.key)
                partial = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                partial.write_text(json.dumps(payload), encoding="utf-8")
                os.replace(partial, path)

    def clear(self) -> None:
        """Forget every entry (and delete the on-disk copies)."""
        with self._lock:
            for key in list(self._entries):
                self._remove(key)
            if self.directory is not None:
                for path in self.directory.glob("*.json"):
                    path.unlink(missing_ok=True)

    def _insert(self, entry: CachedFetch) -> None:
        self._entries[entry.key] = entry
        self._bytes += entry.size
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._entries))
            self._remove(oldest)

    def _remove(self, key: str) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old.size
            if self.directory is not None:
                self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / (hashlib.sha256(key.encode("utf-8")).hexdigest() + ".json")

    def _load(self, key: str) -> CachedFetch | None:
        """The entry on disk for ``key`` if the file is exactly what :meth:`put` writes; else None.

        A file that fails validation is removed (a later fetch writes a good one): a wrong type, an
        unknown mode, a size over ``max_bytes``, a ``retrieved_at`` in the future (it would stay fresh
        forever), another key than its name says. Files of another format version are left alone.
        """
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            return self._discard(path, f"unreadable: {exc!r}")
        try:
            payload = json.loads(text)
        except ValueError:
            return self._discard(path, "not JSON")
        if isinstance(payload, dict) and payload.get("format") != _FORMAT:
            return None  # another version of the kit's file: not ours to judge or delete
        try:
            entry = _entry_from_json(payload)
        except _Invalid as exc:
            return self._discard(path, str(exc))
        if entry.key != key:
            return self._discard(path, "it holds another URL or mode than its name says")
        if entry.retrieved_at > self.clock():
            return self._discard(path, "retrieved_at is in the future")
        if entry.size > self.max_bytes:
            return self._discard(path, f"{entry.size:,} bytes exceed max_bytes={self.max_bytes:,}")
        return entry

    def _discard(self, path: Path, why: str) -> CachedFetch | None:
        log.warning("fetch cache: %s ignored and removed (%s)", path, why)
        path.unlink(missing_ok=True)
        return None
