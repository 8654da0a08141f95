"""The fetch cache: successful fetches kept by canonical URL, with the time they were retrieved.

The documentation: "The web fetch tool caches results to improve performance and reduce redundant
requests. This means the content returned may not always be the latest version available at the URL."
So a cache hit returns the original ``retrieved_at``, and ``use_cache=False`` (tool versions 20260309
and later) bypasses the cache and refreshes it.

Bounds: entries expire after ``ttl`` seconds and the cache holds at most ``max_entries`` entries and
``max_bytes`` of document text and PDF bytes (least recently used go first). Entries live in memory; with
``directory=`` they are also written there as JSON (never pickle: a cache directory is not trusted code)
and read back by a later process. The clock is injectable for tests.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..reading.extract import Document, ExtractMode

__all__ = ["CachedFetch", "FetchCache"]

_FORMAT = 3  # 2: entries carry text_tokens; 3: and extract_mode (part of the key)


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
    extract_mode: ExtractMode = "text"
    """How HTML became text; with ``canonical_url`` the cache key."""

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


def _document_from_json(data: dict[str, Any]) -> Document:
    known = {f.name for f in fields(Document)}
    values = {k: v for k, v in data.items() if k in known}
    if values.get("source_bytes") is not None:
        values["source_bytes"] = base64.b64decode(values["source_bytes"])
    values["pages"] = tuple(values.get("pages", ()))
    values["notes"] = tuple(values.get("notes", ()))
    return Document(**values)


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

    def get(self, canonical_url: str, extract_mode: ExtractMode = "text") -> CachedFetch | None:
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
            if entry is None:
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
            if self.directory is not None:
                payload = asdict(entry)
                payload["document"] = _document_to_json(entry.document)
                payload["format"] = _FORMAT
                self._path(entry.key).write_text(json.dumps(payload), encoding="utf-8")

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
        if self.directory is None:
            return None
        path = self._path(key)
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            if payload.get("format") != _FORMAT:
                return None
            payload.pop("format")
            payload["document"] = _document_from_json(payload["document"])
            entry = CachedFetch(**payload)
            return entry if entry.key == key else None
        except (OSError, ValueError, TypeError, KeyError):
            return None
