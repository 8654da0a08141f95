"""The documents of a turn, numbered as citations refer to them, and their quotable text.

The numbering rule lives in one place, :func:`webfetch_kit.citations.number_documents` (see
:func:`webfetch_kit.citations.documents_in` for the rule in words): the stand-in model cites with the same
``document_index`` that ``citations.verify`` later resolves. This module only adapts each document to what
the stand-in quotes from.

**Web search results** are quotable too (:func:`find_search_results`): the page text a result's
``encrypted_content`` carries when the kit made it (:func:`webfetch_kit.search.decode_encrypted_content`);
a result made elsewhere (the real API's) is opaque and is not quoted. They are cited with
``web_search_result_location``, not numbered as documents.

**Quotable text.** A ``text`` source quotes ``source.data``: ``char_location`` indices are offsets into it.
A base64 PDF quotes its pages' extracted text (:func:`webfetch_kit.net.reader.pdf_page_texts`):
``page_location`` page numbers are 1-based, ``end_page_number`` exclusive. A ``content`` source quotes
its blocks (``content_block_location``, block indices, end exclusive; non-text blocks are empty).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..citations import SourceDocument, number_documents, read_document
from ..problem import Problem
from ..reading.extract import PAGE_SEPARATOR
from ..search.encrypted import read_encrypted_content

__all__ = ["DocumentRef", "SearchResultRef", "document_text", "find_documents", "find_search_results"]

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


def _units(document: SourceDocument) -> tuple[Kind, tuple[str, ...]]:
    if document.blocks is not None:
        return "content", document.blocks
    if document.pages is not None:
        return "pdf", document.pages
    if document.text is not None:
        return "text", (document.text,)
    return "other", ()


def document_text(document: Mapping[str, Any]) -> str:
    """The readable text of a ``document`` block (a PDF's pages joined by ``PAGE_SEPARATOR``, as extraction
    joins them; a ``content`` document's blocks by a newline)."""
    kind, units = _units(read_document(document))
    return (PAGE_SEPARATOR if kind == "pdf" else "\n").join(units)


def find_documents(
    messages: Sequence[Mapping[str, Any]], response_blocks: Iterable[Mapping[str, Any]] = ()
) -> list[DocumentRef]:
    """Every document of the request's messages, then of this response's blocks, with its index."""
    found = []
    for document in number_documents([m["content"] for m in messages], list(response_blocks)):
        kind, units = _units(document)
        title = document.title if isinstance(document.title, str) else None
        found.append(DocumentRef(document.index, title, kind, document.citations_enabled, units))
    return found


@dataclass(frozen=True)
class SearchResultRef:
    """One web search result the stand-in can quote: its URL, title, text and where it sits.

    ``tool_use_id`` and ``position`` (the result's place in its block) make its ``encrypted_index``.
    """

    url: str
    title: str | None
    text: str
    tool_use_id: str
    position: int


def _search_blocks(
    messages: Sequence[Mapping[str, Any]], response_blocks: Iterable[Mapping[str, Any]]
) -> Iterable[Mapping[str, Any]]:
    for message in messages:
        if message.get("role") == "assistant":
            yield from message["content"]
    yield from response_blocks


def find_search_results(
    messages: Sequence[Mapping[str, Any]], response_blocks: Iterable[Mapping[str, Any]] = ()
) -> list[SearchResultRef]:
    """Every kit-made web search result of the conversation and this response, in order."""
    found: list[SearchResultRef] = []
    for block in _search_blocks(messages, response_blocks):
        content = block.get("content")
        if block.get("type") != "web_search_tool_result" or not isinstance(content, list):
            continue
        for position, result in enumerate(content):
            if not isinstance(result, Mapping):
                continue
            decoded = read_encrypted_content(str(result.get("encrypted_content", "")))
            if isinstance(decoded, Problem):  # not the kit's: opaque, as the API's own results are
                continue
            title = result.get("title")
            found.append(
                SearchResultRef(
                    url=str(result.get("url", "")),
                    title=title if isinstance(title, str) else None,
                    text=decoded.text,
                    tool_use_id=str(block.get("tool_use_id", "")),
                    position=position,
                )
            )
    return found
