"""What the cost functions need from a fetcher: the shape of :class:`webfetch_kit.Fetcher` they read.

Protocols, so that a test (or another executor) can stand in for the kit's ``Fetcher``; the kit's own
``FetchOutcome`` and ``Document`` have every attribute listed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

__all__ = ["DocumentLike", "FetcherLike", "OutcomeLike"]


class DocumentLike(Protocol):
    """A fetched document: its text, media type, PDF pages (empty for text)."""

    @property
    def text(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def pages(self) -> Sequence[str]: ...


class OutcomeLike(Protocol):
    """One fetch: the document or an error code, and the sizes the fetcher measured."""

    @property
    def url(self) -> str: ...

    @property
    def ok(self) -> bool: ...

    @property
    def error_code(self) -> str | None: ...

    @property
    def document(self) -> DocumentLike | None: ...

    @property
    def content_bytes(self) -> int:
        """The page's raw size when it was fetched (kept on a cache hit)."""
        ...

    @property
    def tokens_before(self) -> int | None:
        """The offline count of the text before ``max_content_tokens``, counted once when fetched."""
        ...

    @property
    def tokens_after(self) -> int | None:
        """The same count after the fetcher's own ``max_content_tokens``."""
        ...

    @property
    def from_cache(self) -> bool: ...


class FetcherLike(Protocol):
    """Anything that fetches several URLs and returns outcomes in order, like ``Fetcher.fetch_many``."""

    def fetch_many(self, urls: Sequence[str], *, progress: bool = ...) -> Sequence[OutcomeLike]: ...
