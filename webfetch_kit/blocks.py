"""Content blocks of the web fetch and web search tools, built and checked with the SDK's own types.

Builders return plain dicts typed as the SDK's ``*Param`` TypedDicts: the same JSON the API returns in a
response and accepts back in the next request. ``parse_content_block`` runs a dict through the SDK's
response models (``anthropic.types.ContentBlock``), which is how tests prove a shape is exact.

Where the documentation page (November 2025) and the SDK disagree, the SDK wins: the error block's type is
``web_fetch_tool_result_error`` (the page says ``web_fetch_tool_error``) and a malformed URL is
``invalid_tool_input`` (the page says ``invalid_input``).
"""

from __future__ import annotations

import base64
import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

if TYPE_CHECKING:
    from anthropic.types import (
        ContentBlock,
        DocumentBlockParam,
        ServerToolUseBlockParam,
        WebFetchToolResultBlockParam,
        WebSearchResultBlockParam,
        WebSearchToolResultBlockParam,
    )
    from pydantic import TypeAdapter

__all__ = [
    "WEB_FETCH_ERROR_CODES",
    "WEB_SEARCH_ERROR_CODES",
    "WebFetchErrorCode",
    "WebSearchErrorCode",
    "content_blocks",
    "document_block",
    "parse_content_block",
    "plain",
    "server_tool_use_block",
    "web_fetch_error_block",
    "web_fetch_result_block",
    "web_search_error_block",
    "web_search_result",
    "web_search_result_block",
]

# Mirrors anthropic.types.WebFetchToolResultErrorCode / WebSearchToolResultErrorCode (SDK 2.12);
# tests/test_blocks.py fails if the installed SDK's lists differ.
WebFetchErrorCode = Literal[
    "invalid_tool_input",
    "url_too_long",
    "url_not_allowed",
    "url_not_in_prior_context",
    "url_not_accessible",
    "unsupported_content_type",
    "too_many_requests",
    "max_uses_exceeded",
    "unavailable",
    "content_too_large",
]
WebSearchErrorCode = Literal[
    "invalid_tool_input",
    "unavailable",
    "max_uses_exceeded",
    "too_many_requests",
    "query_too_long",
    "request_too_large",
]
WEB_FETCH_ERROR_CODES: tuple[str, ...] = get_args(WebFetchErrorCode)
WEB_SEARCH_ERROR_CODES: tuple[str, ...] = get_args(WebSearchErrorCode)


def document_block(
    *,
    text: str | None = None,
    pdf: bytes | None = None,
    title: str | None = None,
    citations: bool = False,
) -> DocumentBlockParam:
    """A ``document`` block holding plain text or a base64 PDF (exactly one of ``text`` and ``pdf``)."""
    if (text is None) == (pdf is None):
        raise ValueError("document_block needs exactly one of text= or pdf=")
    block: dict[str, Any] = {"type": "document"}
    if pdf is not None:
        block["source"] = {
            "type": "base64",
            "media_type": "application/pdf",
            "data": base64.b64encode(pdf).decode("ascii"),
        }
    else:
        block["source"] = {"type": "text", "media_type": "text/plain", "data": text}
    if title is not None:
        block["title"] = title
    block["citations"] = {"enabled": citations}
    return block  # type: ignore[return-value]


def web_fetch_result_block(
    tool_use_id: str, url: str, document: DocumentBlockParam, retrieved_at: str | None
) -> WebFetchToolResultBlockParam:
    """A successful ``web_fetch_tool_result``: the fetched URL, its document and when it was retrieved."""
    content: dict[str, Any] = {"type": "web_fetch_result", "url": url, "content": document}
    if retrieved_at is not None:
        content["retrieved_at"] = retrieved_at
    return {"type": "web_fetch_tool_result", "tool_use_id": tool_use_id, "content": content}  # type: ignore[typeddict-item]


def web_fetch_error_block(tool_use_id: str, error_code: str) -> WebFetchToolResultBlockParam:
    """A failed ``web_fetch_tool_result`` carrying one of ``WEB_FETCH_ERROR_CODES``."""
    if error_code not in WEB_FETCH_ERROR_CODES:
        raise ValueError(
            f"unknown web fetch error code {error_code!r}; known: {', '.join(WEB_FETCH_ERROR_CODES)}"
        )
    return {
        "type": "web_fetch_tool_result",
        "tool_use_id": tool_use_id,
        "content": {"type": "web_fetch_tool_result_error", "error_code": error_code},  # type: ignore[typeddict-item]
    }


def web_search_result(
    *, url: str, title: str, encrypted_content: str, page_age: str | None = None
) -> WebSearchResultBlockParam:
    """One ``web_search_result`` entry of a search result block."""
    result: WebSearchResultBlockParam = {
        "type": "web_search_result",
        "url": url,
        "title": title,
        "encrypted_content": encrypted_content,
    }
    if page_age is not None:
        result["page_age"] = page_age
    return result


def web_search_result_block(
    tool_use_id: str, results: Iterable[WebSearchResultBlockParam]
) -> WebSearchToolResultBlockParam:
    """A successful ``web_search_tool_result`` with its list of results."""
    return {"type": "web_search_tool_result", "tool_use_id": tool_use_id, "content": list(results)}


def web_search_error_block(tool_use_id: str, error_code: str) -> WebSearchToolResultBlockParam:
    """A failed ``web_search_tool_result`` carrying one of ``WEB_SEARCH_ERROR_CODES``."""
    if error_code not in WEB_SEARCH_ERROR_CODES:
        raise ValueError(
            f"unknown web search error code {error_code!r}; known: {', '.join(WEB_SEARCH_ERROR_CODES)}"
        )
    error: Any = {"type": "web_search_tool_result_error", "error_code": error_code}
    return {"type": "web_search_tool_result", "tool_use_id": tool_use_id, "content": error}


def server_tool_use_block(
    tool_use_id: str, name: Literal["web_fetch", "web_search"], tool_input: Mapping[str, object]
) -> ServerToolUseBlockParam:
    """The ``server_tool_use`` block that announces a server tool call and its input."""
    return {"type": "server_tool_use", "id": tool_use_id, "name": name, "input": dict(tool_input)}


@functools.cache
def _content_block_adapter() -> TypeAdapter[ContentBlock]:
    # Building the adapter compiles the SDK's whole ContentBlock union (about 6 ms); build it once.
    from anthropic.types import ContentBlock
    from pydantic import TypeAdapter

    return TypeAdapter(ContentBlock)


def parse_content_block(block: Mapping[str, Any]) -> ContentBlock:
    """Validate a block dict with the SDK's response models; raises pydantic's ValidationError if wrong."""
    return _content_block_adapter().validate_python(dict(block))


def plain(value: Any) -> Any:
    """SDK models (pydantic) become plain dicts; mappings, lists and tuples are copied through, deeply.

    Everything that reads a conversation (the ledger, citations) reads SDK objects and dicts alike
    through this one function.
    """
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="python")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


def content_blocks(content: Any) -> list[dict[str, Any]]:
    """A message's ``content`` as a list of block dicts: a string is one text block; non-blocks dropped."""
    content = plain(content)
    if content is None:
        return []
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, Iterable) and not isinstance(content, bytes | dict):
        return [block for block in (plain(item) for item in content) if isinstance(block, dict)]
    return []
