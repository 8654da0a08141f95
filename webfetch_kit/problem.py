"""One shape for "an error code and a sentence": :class:`Problem`.

Every refusal and failure the tools report -- a policy verdict, a guard refusal, a body that cannot become
a document, a failed fetch or search -- carries one ``Problem``: ``code`` is one of the SDK's documented
error codes (``anthropic.types.WebFetchToolResultErrorCode`` or ``WebSearchToolResultErrorCode``) and
``reason`` one plain sentence for a person (kept out of the API block, which has only the code).
Exceptions are for programmer errors (see :mod:`webfetch_kit.errors`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import TypeAlias

    from anthropic.types import WebFetchToolResultErrorCode, WebSearchToolResultErrorCode

    # The SDK's literals, for annotations only: importing the SDK costs ~0.8 s, and a policy check,
    # a fetch or a search never needs it at run time.
    FetchErrorCode: TypeAlias = WebFetchToolResultErrorCode
    SearchErrorCode: TypeAlias = WebSearchToolResultErrorCode
    ErrorCode: TypeAlias = WebFetchToolResultErrorCode | WebSearchToolResultErrorCode

__all__ = ["Problem"]


@dataclass(frozen=True)
class Problem:
    """A tool-level refusal or failure: the documented error ``code`` and a one-sentence ``reason``."""

    code: ErrorCode
    reason: str

    def __str__(self) -> str:
        return f"{self.code}: {self.reason}"
