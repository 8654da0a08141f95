"""The documents of a turn, indexed the way citations refer to them, and their quotable text.

**What counts as a document, and its ``document_index``.** Walking the request's ``messages`` in order,
and each message's content blocks in order, then this response's content blocks in order, each of these
is the next document (indices start at 0):

1. a top-level ``document`` content block of a message;
2. a ``document`` block inside the content list of a client ``tool_result`` block (in order);
3. the document inside a successful ``web_fetch_tool_result`` block (``content.type ==
   "web_fetch_result"``), whether it is in an earlier assistant turn of the request or in this response.

Nothing else is a document: ``system`` text, ``text`` blocks, failed fetches
(``web_fetch_tool_result_error``) and ``web_search_tool_result`` entries are not counted. This is the
same rule as :mod:`webfetch_kit.citations` (``verify`` / ``render_html``) uses to find a source.

**Quotable text.** A ``text`` source quotes ``source.data``: ``char_location`` indices are offsets into it.
A base64 PDF quotes its pages' extracted text (:func:`webfetch_kit.extract.pdf_page_texts`):
``page_location`` page numbers are 1-based, ``end_page_number`` exclusive. A ``content`` source quotes
its text blocks (``content_block_location``, block indices, end exclusive).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import ContentError
from ..extract import pdf_page_texts

__all__ = ["DocumentRef", "document_text", "find_documents", "pdf_pages"]

Kind = Literal["text", "pdf", "content", "other"]


@dataclass(frozen=True)
class DocumentRef:
    """One citable document: its index, title, kind, whether citations are on, and its text units.

    ``units`` is ``(text,)`` for a text document, the page texts for a PDF, the block texts for a
    ``content`` document.
    """

    index: int
    title: str | None
    kind: Kind
    citations: bool
    units: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _pdf_pages_cached(digest: str, data: bytes) -> tuple[str, ...]:
    try:
        return pdf_page_texts(data)
    except ContentError:
        return ()


def pdf_pages(b64: str) -> tuple[str, ...]:
    """The text of each page of a base64 PDF (empty if it cannot be read)."""
    try:
        data = base64.b64decode(b64, validate=False)
    except (binascii.Error, ValueError):
        return ()
    return _pdf_pages_cached(hashlib.sha256(data).hexdigest(), data)


def _units(document: Mapping[str, Any]) -> tuple[Kind, tuple[str, ...]]:
    source = document.get("source")
    if not isinstance(source, Mapping):
        return "other", ()
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        return "text", (source["data"],)
    if source.get("type") == "base64" and source.get("media_type") == "application/pdf":
        data = source.get("data")
        return "pdf", pdf_pages(data) if isinstance(data, str) else ()
    if source.get("type") == "content":
        content = source.get("content")
        if isinstance(content, str):
            return "content", (content,)
        if isinstance(content, list):
            texts = tuple(
                str(b.get("text", "")) for b in content if isinstance(b, Mapping) and b.get("type") == "text"
            )
            return "content", texts
    return "other", ()


def document_text(document: Mapping[str, Any]) -> str:
    """The readable text of a ``document`` block (pages or blocks joined by a newline)."""
    return "\n".join(_units(document)[1])


def _ref(index: int, document: Mapping[str, Any]) -> DocumentRef:
    kind, units = _units(document)
    citations = document.get("citations")
    enabled = isinstance(citations, Mapping) and bool(citations.get("enabled"))
    title = document.get("title")
    return DocumentRef(index, title if isinstance(title, str) else None, kind, enabled, units)


def _document_of(block: Mapping[str, Any]) -> Mapping[str, Any] | None:
    if block.get("type") == "document":
        return block
    if block.get("type") == "web_fetch_tool_result":
        content = block.get("content")
        if isinstance(content, Mapping) and content.get("type") == "web_fetch_result":
            document = content.get("content")
            if isinstance(document, Mapping):
                return document
    return None


def find_documents(
    messages: Sequence[Mapping[str, Any]], response_blocks: Iterable[Mapping[str, Any]] = ()
) -> list[DocumentRef]:
    """Every document of the request's messages, then of this response's blocks, with its index."""
    blocks: list[Mapping[str, Any]] = [b for m in messages for b in m["content"]]
    blocks.extend(response_blocks)
    found: list[DocumentRef] = []
    for block in blocks:
        inner = block.get("content") if block.get("type") == "tool_result" else None
        nested = [b for b in inner if isinstance(b, Mapping)] if isinstance(inner, list) else [block]
        for candidate in nested:
            document = _document_of(candidate)
            if document is not None and (candidate is block or candidate.get("type") == "document"):
                found.append(_ref(len(found), document))
    return found
