"""Prompt-cache accounting as the prompt caching documentation describes it, over hashed prefixes.

Rules and where they come from (prompt caching documentation, late 2025, and SDK 2.12 types):

- "Prompt caching references the entire prompt - tools, system, and messages (in that order) up to and
  including the block designated with cache_control." An entry's key is the model plus the SHA-256 of
  the canonical prefix up to and including the breakpoint block (:mod:`.prefix`). Changing a tool
  definition (toggling web search, or citations on web fetch) changes every later prefix hash, so the
  system and message entries after it miss.
- "You can define up to 4 cache breakpoints" (checked in :mod:`.validation`).
- TTL: "The cache has a minimum 5-minute lifetime" / ``ttl: "1h"``; "the cache is refreshed for no
  additional cost each time the cached content is used". A hit resets the entry's expiry.
- "The minimum cacheable prompt length is ... 1024 tokens for ... Sonnet 4.5 ... 4096 tokens for Opus
  4.5 and Haiku 4.5" (per model, from the price table): "Shorter prompts cannot be cached, even if
  marked with cache_control" -- no error, nothing written.
- "The system automatically checks for cache hits at all previous content block boundaries (up to
  approximately 20 blocks before your explicit breakpoint)": for each breakpoint at block ``b`` the
  emulator looks for a live entry at blocks ``b, b-1, ..., b-20`` and takes the longest hit over all
  breakpoints.
- Sizes are the accounting model's estimated Claude tokens (:mod:`.prefix`), as in ``usage``.
- "A cache entry only becomes available after the first response begins": :meth:`PromptCache.plan`
  only reads; :meth:`PromptCache.commit` writes the plan's entries (and refreshes the hit) when the
  emulator's response is complete, just before its first byte is sent.

What a plan reports, with ``hit`` the last block read from the cache: ``read`` = tokens of blocks
``0..hit``; each breakpoint after ``hit`` whose prefix reaches the minimum writes the tokens since the
previous cached or written block, at that breakpoint's TTL; ``uncached`` = the rest ("input_tokens ...
after the last cache breakpoint").
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .prefix import PrefixBlock

__all__ = ["LOOKBACK_BLOCKS", "PRUNE_AT", "TTL_SECONDS", "CachePlan", "PromptCache"]

LOOKBACK_BLOCKS = 20
PRUNE_AT = 1024
"""Once the cache holds more entries than this, expired ones are dropped at the next commit."""
TTL_SECONDS = {"5m": 300.0, "1h": 3600.0}


@dataclass(frozen=True)
class CachePlan:
    """How one request's prefix splits into cache reads, writes (by TTL) and uncached tokens."""

    model: str
    read_tokens: int
    write_5m_tokens: int
    write_1h_tokens: int
    uncached_tokens: int
    hit: tuple[str, str] | None
    writes: tuple[tuple[str, str], ...]

    @property
    def write_tokens(self) -> int:
        """Tokens written to the cache, both TTLs."""
        return self.write_5m_tokens + self.write_1h_tokens


@dataclass
class _Entry:
    ttl: str
    expires_at: float


class PromptCache:
    """The emulator's prompt cache: one lock, an injectable clock, entries keyed by model and hash."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], _Entry] = {}
        self._prune_at = PRUNE_AT

    def _alive(self, key: tuple[str, str], now: float) -> _Entry | None:
        entry = self._entries.get(key)
        return entry if entry is not None and now < entry.expires_at else None

    def plan(
        self,
        model: str,
        blocks: Sequence[PrefixBlock],
        breakpoints: Sequence[tuple[int, str]],
        min_tokens: int,
    ) -> CachePlan:
        """Account a request's prefix against the cache without changing it.

        Args:
            model: the model (part of every key).
            blocks: the prefix blocks in order (:func:`.prefix.prefix_blocks`).
            breakpoints: ``(block index, ttl)`` of each ``cache_control`` marker.
            min_tokens: the model's minimum cacheable prompt length.
        """
        cumulative: list[int] = []
        total = 0
        for block in blocks:
            total += block.tokens
            cumulative.append(total)
        points = sorted({index: ttl for index, ttl in reversed(breakpoints)}.items())
        hit = -1
        with self._lock:
            now = self._clock()
            for index, _ttl in points:
                for position in range(index, max(-1, index - LOOKBACK_BLOCKS - 1), -1):
                    if position <= hit:
                        break
                    if self._alive((model, blocks[position].digest), now) is not None:
                        hit = position
                        break
        read = cumulative[hit] if hit >= 0 else 0
        covered = hit
        written = {"5m": 0, "1h": 0}
        writes: list[tuple[str, str]] = []
        for index, ttl in points:
            if index <= covered or cumulative[index] < min_tokens:
                continue
            written[ttl] += cumulative[index] - (cumulative[covered] if covered >= 0 else 0)
            writes.append((blocks[index].digest, ttl))
            covered = index
        return CachePlan(
            model=model,
            read_tokens=read,
            write_5m_tokens=written["5m"],
            write_1h_tokens=written["1h"],
            uncached_tokens=total - read - written["5m"] - written["1h"],
            hit=(model, blocks[hit].digest) if hit >= 0 else None,
            writes=tuple(writes),
        )

    def commit(self, plan: CachePlan) -> None:
        """Write the plan's entries and refresh the entry it read (at response completion)."""
        with self._lock:
            now = self._clock()
            if plan.hit is not None:
                entry = self._entries.get(plan.hit)
                if entry is not None:
                    entry.expires_at = max(entry.expires_at, now + TTL_SECONDS[entry.ttl])
            for digest, ttl in plan.writes:
                key = (plan.model, digest)
                old = self._entries.get(key)
                expires = now + TTL_SECONDS[ttl]
                if old is None or old.expires_at < expires:
                    self._entries[key] = _Entry(ttl, expires)
            if len(self._entries) > self._prune_at:
                # Expired entries are never read again: drop them, so a long session stays small.
                self._entries = {k: e for k, e in self._entries.items() if now < e.expires_at}
                self._prune_at = max(PRUNE_AT, 2 * len(self._entries))

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for e in self._entries.values() if now < e.expires_at)
