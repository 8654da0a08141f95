"""Bounded content decoding: a gzip bomb must stop at the cap, not after it has filled memory.

httpx decodes gzip even when ``identity`` was asked for, and a cap applied after decoding lets a small
read expand without limit (SECURITY.md). The fetcher therefore reads raw bytes and decodes them here,
with a limit on the decoded size. Encodings whose output cannot be bounded here are refused.
"""

from __future__ import annotations

import zlib

__all__ = ["BoundedDecoder", "DecodedTooLarge", "UnboundedEncoding"]

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
