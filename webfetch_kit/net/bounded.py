"""Bounds on work done for untrusted input: decoding a body, and waiting for a resolver in time.

httpx decodes gzip even when ``identity`` was asked for, and a cap applied after decoding lets a small
read expand without limit (a decompression bomb). The fetcher therefore reads raw bytes and decodes them here,
with a limit on the decoded size. Encodings whose output cannot be bounded here are refused.

The resolver runs on capped daemon threads (:func:`run_on_worker`): DNS is not covered by httpx's
timeouts, and a lookup only waits (it holds no GIL), so abandoning it is enough. Parsers are different:
an abandoned parse keeps a core busy, so they run in worker processes that are killed at their deadline
(:mod:`webfetch_kit.net.pool`, through :mod:`webfetch_kit.net.reader`).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = [
    "BoundedDecoder",
    "DecodedTooLarge",
    "UnboundedEncoding",
    "WorkerResult",
    "run_on_worker",
]

T = TypeVar("T")

_SUPPORTED = ("identity", "gzip", "x-gzip", "deflate")


class DecodedTooLarge(Exception):
    """The decoded body grew past the limit."""


class UnboundedEncoding(Exception):
    """A Content-Encoding this decoder cannot bound (brotli, zstd, compress, stacked unknowns...)."""


class BoundedDecoder:
    """Decodes a (possibly gzip/deflate-encoded) body chunk by chunk, never past ``max_output`` bytes."""

    def __init__(self, content_encoding: str, max_output: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or any(c not in _SUPPORTED for c in codings):
            raise UnboundedEncoding(content_encoding)
        self._max_output = max_output
        self._size = 0
        self._deflate_raw_retry = False
        coding = codings[0] if codings else "identity"
        self._decompressor: zlib._Decompress | None
        if coding in ("gzip", "x-gzip"):
            self._decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding == "deflate":
            # "deflate" is zlib-wrapped by the RFC but raw deflate in the wild; try zlib first.
            self._decompressor = zlib.decompressobj(zlib.MAX_WBITS)
            self._deflate_raw_retry = True
        else:
            self._decompressor = None

    @property
    def size(self) -> int:
        """Decoded bytes produced so far."""
        return self._size

    def feed(self, chunk: bytes) -> bytes:
        """Decode one raw chunk; raise :class:`DecodedTooLarge` once the output passes the limit."""
        if self._decompressor is None:
            return self._account(chunk)
        out = bytearray()
        data = chunk
        while data:
            room = self._max_output - self._size - len(out) + 1
            try:
                piece = self._decompressor.decompress(data, room)
            except zlib.error:
                if not self._deflate_raw_retry:
                    raise
                self._deflate_raw_retry = False
                self._decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
                piece = self._decompressor.decompress(data, room)
            self._deflate_raw_retry = False
            out += piece
            if self._size + len(out) > self._max_output:
                raise DecodedTooLarge(f"decoded body exceeds {self._max_output:,} bytes")
            data = self._decompressor.unconsumed_tail
            if not piece and not data:
                break
        return self._account(bytes(out))

    def _account(self, data: bytes) -> bytes:
        self._size += len(data)
        if self._size > self._max_output:
            raise DecodedTooLarge(f"decoded body exceeds {self._max_output:,} bytes")
        return data


@dataclass(frozen=True)
class WorkerResult(Generic[T]):
    """How a bounded worker ended: ``finished`` with ``value`` or ``error``, or not (see ``no_slot``)."""

    finished: bool
    value: T | None = None
    error: BaseException | None = None
    no_slot: bool = False


def run_on_worker(
    work: Callable[[], T], timeout: float, *, slots: threading.Semaphore, name: str
) -> WorkerResult[T]:
    """Run ``work()`` on a daemon thread and wait at most ``timeout`` seconds (waiting for a slot included).

    Python cannot stop a thread, so work that overruns keeps running in the background until it ends.
    ``slots`` caps how many such threads exist at once: when every slot is held, new work is not started
    and reports ``no_slot`` after the timeout, so hostile input cannot pile up threads without limit.
    """
    started = time.monotonic()
    if not slots.acquire(timeout=max(0.0, timeout)):
        return WorkerResult(False, no_slot=True)
    done = threading.Event()
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:  # reported to the waiting caller, not lost in the thread
            box["error"] = exc
        finally:
            slots.release()
            done.set()

    try:
        threading.Thread(target=target, name=name, daemon=True).start()
    except BaseException:
        slots.release()
        raise
    if not done.wait(max(0.0, timeout - (time.monotonic() - started))):
        return WorkerResult(False)
    return WorkerResult(True, box.get("value"), box.get("error"))
