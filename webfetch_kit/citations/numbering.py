"""Document numbering: which document a citation's ``document_index`` points at.

A citation points into a *document* by number (``document_index``). The number follows one rule, kept in
one function, :func:`documents_in`:

    Documents are numbered 0, 1, 2, … in the order they appear in the request's ``messages`` (every
    message, user and assistant, each message's content blocks in order), followed by the ``document``s of
    this response's own ``web_fetch_tool_result`` blocks in order. A document is

    * a ``document`` block in a message,
    * a ``document`` block inside the content of a ``tool_result`` block (client tools),
    * the ``content`` document of a successful ``web_fetch_tool_result`` (``web_fetch_result``).

    Every document counts, whether or not its ``citations`` are enabled. ``search_result`` blocks are
    numbered separately (``search_result_index``, as the SDK documents); web search results are not
    documents (their citations carry the URL instead of a number). ``system`` is not searched: it holds
    text only.

This is the rule the citations documentation states (``document_index`` is 0-based over the documents
provided in the request) extended to web fetch results, which the API adds to the context as documents
where they occur. Counting documents inside ``tool_result`` blocks follows the SDK's description of the
sibling counter, ``search_result_index``: "in the order they appear across messages and tool results".
If the API is found to number differently, change this one function.

If ``conversation`` contains the response itself (``messages.append({"role": "assistant", "content":
response.content})`` before calling), only the messages before it are the request.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

from ..blocks import content_blocks, plain
from ..errors import ContentError
from .model import SourceDocument

__all__ = [
    "documents_in",
    "number_documents",
    "read_document",
    "request_messages",
    "response_blocks",
]


# ---------------------------------------------------------------------------------------------------
# Reading SDK objects and plain dicts alike


def response_blocks(message: Any) -> list[dict[str, Any]]:
    """The content blocks of a ``Message``, a message dict, or a list of blocks."""
    if isinstance(message, Mapping):
        return content_blocks(message.get("content"))
    if hasattr(message, "content"):
        return content_blocks(message.content)
    if isinstance(message, list | tuple):
        return content_blocks(message)
    raise TypeError(
        f"expected an anthropic Message, a message dict or a list of content blocks, got {type(message)!r}"
    )


def _message_blocks(message: Any) -> list[dict[str, Any]]:
    if isinstance(message, Mapping):
        return content_blocks(message.get("content"))
    return content_blocks(getattr(message, "content", None))


def request_messages(
    response: list[dict[str, Any]], conversation: Iterable[Any]
) -> list[list[dict[str, Any]]]:
    """The request's messages as block lists, cut before the response if the caller appended it."""
    messages = [_message_blocks(m) for m in conversation]
    for i, blocks in enumerate(messages):
        if blocks and blocks == response:
            return messages[:i]
    return messages


# ---------------------------------------------------------------------------------------------------
# The document-index rule


def _source_document(
    block: Mapping[str, Any], *, index: int, origin: str, url: str | None, retrieved_at: str | None
) -> SourceDocument:
    source = block.get("source") or {}
    kind = source.get("type")
    title = block.get("title")
    text: str | None = None
    pages: tuple[str, ...] | None = None
    blocks: tuple[str, ...] | None = None
    media_type = source.get("media_type")
    if kind == "text":
        text = str(source.get("data", ""))
    elif kind == "base64" and media_type == "application/pdf":
        try:
            from ..net.reader import pdf_page_texts
            from ..reading.extract import PAGE_SEPARATOR

            pages = pdf_page_texts(base64.b64decode(str(source.get("data", "")), validate=True))
        except (binascii.Error, ValueError, ContentError):
            pages = None
        text = PAGE_SEPARATOR.join(pages) if pages is not None else None
    elif kind == "content":
        media_type = "content"
        content = source.get("content")
        if isinstance(content, str):
            blocks = (content,)
        else:
            blocks = tuple(
                str(b.get("text", "")) if b.get("type") == "text" else "" for b in content_blocks(content)
            )
        text = "\n\n".join(blocks)
    elif kind == "url":
        url = url or source.get("url")
        media_type = media_type or "application/pdf"
    elif kind == "file":
        origin = f"{origin} (file {source.get('file_id')})"
    citations = block.get("citations")
    return SourceDocument(
        index=index,
        title=title,
        url=url,
        text=text,
        pages=pages,
        media_type=media_type,
        origin=origin,
        blocks=blocks,
        retrieved_at=retrieved_at,
        citations_enabled=isinstance(citations, Mapping) and bool(citations.get("enabled")),
    )


def read_document(block: Mapping[str, Any]) -> SourceDocument:
    """The readable text (pages, blocks) of one ``document`` block, outside any numbering."""
    return _source_document(plain(block), index=0, origin="document", url=None, retrieved_at=None)


def _documents_of_block(
    block: Mapping[str, Any], where: str
) -> Iterable[tuple[dict[str, Any], str, Any, Any]]:
    """(document block, origin, url, retrieved_at) for each document held by one content block."""
    kind = block.get("type")
    if kind == "document":
        yield dict(block), f"document at {where}", None, None
    elif kind == "tool_result" and isinstance(block.get("content"), list):
        for k, inner in enumerate(content_blocks(block["content"])):
            if inner.get("type") == "document":
                yield inner, f"document in tool_result at {where}.content[{k}]", None, None
    elif kind == "web_fetch_tool_result":
        result = block.get("content") or {}
        if result.get("type") == "web_fetch_result" and isinstance(result.get("content"), Mapping):
            origin = f"web_fetch_tool_result at {where}"
            yield dict(result["content"]), origin, result.get("url"), result.get("retrieved_at")


def documents_in(message: Any, conversation: Iterable[Any] = ()) -> list[SourceDocument]:
    """Every document a citation in ``message`` can point at, numbered as the API numbers them.

    The rule (see the module docstring): documents are numbered 0, 1, … in order of appearance across
    the request's messages (``document`` blocks, documents inside ``tool_result`` blocks, and the
    documents of ``web_fetch_tool_result`` blocks in earlier assistant turns), followed by the
    documents of this response's own ``web_fetch_tool_result`` blocks.

    Args:
        message: the response: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages`` (dicts or SDK objects). If it also holds the response,
            only the messages before it count.

    Returns:
        The documents in index order.
    """
    response = response_blocks(message)
    return number_documents(request_messages(response, conversation), response)


def number_documents(
    request: Iterable[Iterable[Mapping[str, Any]]], response: Iterable[Mapping[str, Any]] = ()
) -> list[SourceDocument]:
    """The rule of :func:`documents_in` on content blocks already split into request and response.

    Args:
        request: the content blocks of each request message, in order.
        response: this response's content blocks (so far).

    Returns:
        The documents in index order.
    """
    located: list[tuple[dict[str, Any], str, Any, Any]] = []
    for i, blocks in enumerate(request):
        for j, block in enumerate(content_blocks(list(blocks))):
            located.extend(_documents_of_block(block, f"messages[{i}].content[{j}]"))
    for j, block in enumerate(content_blocks(list(response))):
        located.extend(_documents_of_block(block, f"response.content[{j}]"))
    return [
        _source_document(block, index=n, origin=origin, url=url, retrieved_at=retrieved_at)
        for n, (block, origin, url, retrieved_at) in enumerate(located)
    ]
