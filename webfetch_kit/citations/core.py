"""Citations in a response: list them, check them against their sources, and show them highlighted.

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

Verification (:func:`verify`):

* ``char_location``: ``cited_text == text[start_char_index:end_char_index]`` exactly (end exclusive).
* ``page_location``: pages are 1-based and ``end_page_number`` is exclusive; the cited text must occur in
  the text of those pages (``net.reader.pdf_page_texts``, pypdf). The comparison collapses every run of
  whitespace to one space, then, failing that, ignores whitespace altogether (PDF text extraction
  differs between extractors in line breaks and spacing, never in words); ``detail`` says which.
* ``content_block_location``: the cited text must equal the text blocks ``[start:end)`` concatenated
  (exactly, or after whitespace normalisation, which ``detail`` then says).
* ``web_search_result_location``: the URL must be one of the results of a ``web_search_tool_result``.
* ``search_result_location``: as content blocks, over the request's ``search_result`` blocks.

A failed check is status ``"mismatch"`` with the source's text (``expected``) beside the cited text
(``actual``); a document that cannot be found is ``"unresolved"``; a document without text to check
(a PDF by URL or file id) is ``"unverifiable"``.
"""

from __future__ import annotations

import base64
import binascii
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, overload

from ..blocks import content_blocks, plain
from ..errors import ContentError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CitationReport",
    "CitationRow",
    "CitationStatus",
    "SourceDocument",
    "VerificationResult",
    "citations_of",
    "documents_in",
    "normalize_whitespace",
    "number_documents",
    "read_document",
    "status_summary",
    "verify",
]

CitationStatus = Literal["ok", "mismatch", "unresolved", "unverifiable"]

# Citation type -> (start field, end field, unit). End indices are exclusive in all three.
_LOCATION_FIELDS: dict[str, tuple[str, str, str]] = {
    "char_location": ("start_char_index", "end_char_index", "char"),
    "page_location": ("start_page_number", "end_page_number", "page"),
    "content_block_location": ("start_block_index", "end_block_index", "block"),
    "search_result_location": ("start_block_index", "end_block_index", "block"),
}


@dataclass(frozen=True)
class SourceDocument:
    """A document a citation can point at, numbered by :func:`documents_in`.

    ``text`` is the plain text (text documents), the pages joined by blank lines (PDFs) or the text
    blocks joined by blank lines (content documents); ``pages`` holds a PDF's text page by page and
    ``blocks`` a content document's blocks (images as empty strings). ``origin`` says where the
    document sits, e.g. ``"web_fetch_tool_result at response.content[2]"``.
    """

    index: int
    title: str | None
    url: str | None
    text: str | None
    pages: tuple[str, ...] | None
    media_type: str | None
    origin: str
    blocks: tuple[str, ...] | None = None
    retrieved_at: str | None = None
    citations_enabled: bool = False


@dataclass(frozen=True)
class CitationRow:
    """One citation of a response, flattened for a table.

    ``number`` counts citations 1, 2, … through the response (the ``[n]`` markers of
    :func:`render_html`); ``block_index`` is the text block's position in ``message.content`` and
    ``citation_index`` the citation's position in that block's ``citations``. ``start``/``end`` are in
    ``unit`` (``"char"``, ``"page"`` or ``"block"``; end exclusive) and ``None`` for web search results.
    """

    number: int
    block_index: int
    citation_index: int
    text: str
    type: str
    document_index: int | None
    document_title: str | None
    url: str | None
    start: int | None
    end: int | None
    unit: str | None
    cited_text: str


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of checking one citation against its source.

    ``expected`` is what the source holds at the cited location (``None`` when there is no source text),
    ``actual`` the citation's ``cited_text``; ``detail`` explains the outcome in one sentence.
    """

    citation: CitationRow
    status: CitationStatus
    expected: str | None
    actual: str
    detail: str
    document: SourceDocument | None = None

    @property
    def ok(self) -> bool:
        """True when the cited text was found where the citation says."""
        return self.status == "ok"


@dataclass(frozen=True)
class CitationReport:
    """Rows, verification results and the rendered HTML of one response; displays itself in Jupyter."""

    rows: tuple[CitationRow, ...]
    results: tuple[VerificationResult, ...]
    html: str

    @property
    def ok(self) -> bool:
        """True when every citation verified."""
        return all(result.ok for result in self.results)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return f"CitationReport({len(self.rows)} citations: {status_summary(self.results)})"


def status_summary(results: Iterable[VerificationResult]) -> str:
    """``"2 mismatch, 5 ok"``: how many citations have each status ("no citations" when none)."""
    counts = Counter(result.status for result in results)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no citations"


# ---------------------------------------------------------------------------------------------------
# Reading SDK objects and plain dicts alike


def _response_blocks(message: Any) -> list[dict[str, Any]]:
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


def _request_messages(
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
    response = _response_blocks(message)
    return number_documents(_request_messages(response, conversation), response)


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


def _search_results_in(
    response: list[dict[str, Any]], request: list[list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(``search_result`` blocks numbered by ``search_result_index``, web search result entries)."""
    search_results: list[dict[str, Any]] = []
    web_results: list[dict[str, Any]] = []
    for blocks in [*request, response]:
        for block in blocks:
            kind = block.get("type")
            if kind == "search_result":
                search_results.append(block)
            elif kind == "tool_result" and isinstance(block.get("content"), list):
                search_results.extend(
                    b for b in content_blocks(block["content"]) if b.get("type") == "search_result"
                )
            elif kind == "web_search_tool_result" and isinstance(block.get("content"), list):
                web_results.extend(r for r in content_blocks(block["content"]) if r.get("url"))
    return search_results, web_results


# ---------------------------------------------------------------------------------------------------
# Rows


def _rows(response: list[dict[str, Any]], documents: Sequence[SourceDocument]) -> list[CitationRow]:
    rows: list[CitationRow] = []
    for block_index, block in enumerate(response):
        if block.get("type") != "text":
            continue
        for citation_index, citation in enumerate(block.get("citations") or ()):
            kind = str(citation.get("type"))
            start = end = None
            unit = None
            if kind in _LOCATION_FIELDS:
                start_field, end_field, unit = _LOCATION_FIELDS[kind]
                start, end = citation.get(start_field), citation.get(end_field)
            document_index = citation.get("document_index")
            title = citation.get("document_title")
            url = None
            if isinstance(document_index, int) and 0 <= document_index < len(documents):
                document = documents[document_index]
                url = document.url
                title = title if title is not None else document.title
            elif kind == "web_search_result_location":
                url, title = citation.get("url"), citation.get("title")
            elif kind == "search_result_location":
                url, title = citation.get("source"), citation.get("title")
            rows.append(
                CitationRow(
                    number=len(rows) + 1,
                    block_index=block_index,
                    citation_index=citation_index,
                    text=str(block.get("text", "")),
                    type=kind,
                    document_index=document_index if isinstance(document_index, int) else None,
                    document_title=title,
                    url=url,
                    start=start,
                    end=end,
                    unit=unit,
                    cited_text=str(citation.get("cited_text", "")),
                )
            )
    return rows


@overload
def citations_of(
    message: Any, conversation: Iterable[Any] = (), *, as_frame: Literal[False] = False
) -> list[CitationRow]: ...
@overload
def citations_of(
    message: Any, conversation: Iterable[Any] = (), *, as_frame: Literal[True]
) -> pd.DataFrame: ...
def citations_of(
    message: Any, conversation: Iterable[Any] = (), *, as_frame: bool = False
) -> list[CitationRow] | pd.DataFrame:
    """The citations of a response, one row each.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages``; needed to find the URL and title of documents from
            earlier turns (without it, documents are numbered from this response alone).
        as_frame: return a pandas ``DataFrame`` (columns are :class:`CitationRow`'s fields).

    Returns:
        A list of :class:`CitationRow`, or a ``DataFrame`` with ``as_frame=True``.
    """
    rows = _rows(_response_blocks(message), documents_in(message, conversation))
    if not as_frame:
        return rows
    import pandas as pd

    columns = [f.name for f in fields(CitationRow)]
    return pd.DataFrame([asdict(row) for row in rows], columns=columns)


# ---------------------------------------------------------------------------------------------------
# Verification


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends (the page-text comparison)."""
    return " ".join(text.split())


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _verify_char(row: CitationRow, document: SourceDocument) -> VerificationResult:
    text = document.text
    if text is None or document.pages is not None:
        return _result(
            row, "mismatch", None, "char_location cites a document that is not plain text", document
        )
    start, end = row.start, row.end
    if start is None or end is None or not 0 <= start <= end <= len(text):
        expected = text[max(start or 0, 0) : max(end or 0, 0)]
        return _result(
            row,
            "mismatch",
            expected,
            f"characters {start}–{end} are outside the document ({len(text)} characters)"
            + _found_elsewhere(text, row.cited_text),
            document,
        )
    expected = text[start:end]
    if expected == row.cited_text:
        return _result(row, "ok", expected, f"cited text equals text[{start}:{end}]", document)
    note = " (equal after whitespace normalisation)" if _same_words(expected, row.cited_text) else ""
    return _result(
        row,
        "mismatch",
        expected,
        f"text[{start}:{end}] differs from cited_text{note}" + _found_elsewhere(text, row.cited_text),
        document,
    )


def _found_elsewhere(text: str, cited: str) -> str:
    at = text.find(cited) if cited else -1
    return f"; the cited text occurs at characters {at}–{at + len(cited)}" if at >= 0 else ""


def _same_words(a: str, b: str) -> bool:
    return normalize_whitespace(a) == normalize_whitespace(b)


def _page_match(region: str, cited: str) -> str | None:
    """How ``cited`` occurs in ``region``: ``"whitespace-normalised"``, ``"ignoring whitespace"`` or None."""
    if normalize_whitespace(cited) in normalize_whitespace(region):
        return "whitespace-normalised"
    if _squeeze(cited) in _squeeze(region):
        return "ignoring whitespace"
    return None


def _verify_page(row: CitationRow, document: SourceDocument) -> VerificationResult:
    pages = document.pages
    if pages is None:
        if document.text is not None:
            return _result(
                row, "mismatch", None, "page_location cites a document that is not a PDF", document
            )
        return _result(row, "unverifiable", None, "the PDF's text is not available here", document)
    start, end = row.start, row.end
    if start is None or end is None or not 1 <= start < end <= len(pages) + 1:
        return _result(
            row,
            "mismatch",
            None,
            f"pages {start}–{end} (end exclusive) are not a page range of this {len(pages)}-page PDF",
            document,
        )
    region = "\n".join(pages[start - 1 : end - 1])
    label = f"page {start}" if end == start + 1 else f"pages {start}–{end - 1}"
    how = _page_match(region, row.cited_text)
    if how is not None:
        return _result(row, "ok", region, f"cited text found on {label} ({how})", document)
    elsewhere = [n for n, page in enumerate(pages, 1) if _page_match(page, row.cited_text)]
    note = f"; it occurs on page {elsewhere[0]}" if elsewhere else ""
    return _result(row, "mismatch", region, f"cited text not found on {label}{note}", document)


def _verify_blocks(
    row: CitationRow, blocks: tuple[str, ...] | None, what: str, document: Any
) -> VerificationResult:
    if blocks is None:
        return _result(
            row, "mismatch", None, f"content_block_location cites {what} without content blocks", document
        )
    start, end = row.start, row.end
    if start is None or end is None or not 0 <= start < end <= len(blocks):
        return _result(
            row, "mismatch", None, f"blocks {start}–{end} are outside {what} ({len(blocks)} blocks)", document
        )
    joined = "".join(blocks[start:end])
    label = f"block {start}" if end == start + 1 else f"blocks {start}–{end - 1}"
    if joined == row.cited_text:
        return _result(row, "ok", joined, f"cited text equals {label}", document)
    if _same_words(" ".join(blocks[start:end]), row.cited_text):
        return _result(row, "ok", joined, f"cited text equals {label} (whitespace-normalised)", document)
    return _result(row, "mismatch", joined, f"{label} of {what} differs from cited_text", document)


def _result(
    row: CitationRow, status: CitationStatus, expected: str | None, detail: str, document: Any
) -> VerificationResult:
    return VerificationResult(
        citation=row,
        status=status,
        expected=expected,
        actual=row.cited_text,
        detail=detail,
        document=document if isinstance(document, SourceDocument) else None,
    )


def _verify_row(
    row: CitationRow,
    documents: Sequence[SourceDocument],
    search_results: Sequence[dict[str, Any]],
    web_results: Sequence[dict[str, Any]],
    raw: Mapping[str, Any],
) -> VerificationResult:
    if row.type == "web_search_result_location":
        if not web_results:
            return _result(
                row, "unresolved", None, "no web_search_tool_result results in the conversation", None
            )
        titles = [str(r.get("title", "")) for r in web_results if r.get("url") == row.url]
        if titles:
            return _result(row, "ok", titles[0], "the URL is among the web search results", None)
        return _result(row, "mismatch", None, f"{row.url} is not among the web search results", None)
    if row.type == "search_result_location":
        index = raw.get("search_result_index")
        if not isinstance(index, int) or not 0 <= index < len(search_results):
            return _result(row, "unresolved", None, f"there is no search_result {index}", None)
        blocks = tuple(str(b.get("text", "")) for b in content_blocks(search_results[index].get("content")))
        return _verify_blocks(row, blocks, f"search_result {index}", None)
    if row.type not in _LOCATION_FIELDS:
        return _result(row, "unverifiable", None, f"citation type {row.type!r} is not checked", None)
    index = row.document_index
    if index is None or not 0 <= index < len(documents):
        return _result(
            row,
            "unresolved",
            None,
            f"there is no document {index} (found {len(documents)} in the conversation and response)",
            None,
        )
    document = documents[index]
    if document.text is None and document.pages is None:
        return _result(
            row, "unverifiable", None, "the document has no text here (URL or file source)", document
        )
    if row.type == "char_location":
        result = _verify_char(row, document)
    elif row.type == "page_location":
        result = _verify_page(row, document)
    else:
        result = _verify_blocks(row, document.blocks, f"document {index}", document)
    cited_title = raw.get("document_title")
    if cited_title is not None and document.title is not None and cited_title != document.title:
        detail = f"{result.detail}; the citation names the document {cited_title!r}, found {document.title!r}"
        result = VerificationResult(row, result.status, result.expected, result.actual, detail, document)
    return result


def _raw_citations(response: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        citation
        for block in response
        if block.get("type") == "text"
        for citation in (block.get("citations") or ())
    ]


def verify(message: Any, conversation: Iterable[Any] = ()) -> list[VerificationResult]:
    """Check every citation of ``message`` against its source document.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages`` (documents from earlier turns are found there).

    Returns:
        One :class:`VerificationResult` per citation, in order; mismatches are reported, never dropped.
    """
    response = _response_blocks(message)
    request = _request_messages(response, list(conversation))
    return _verify(response, request, number_documents(request, response))


def _verify(
    response: list[dict[str, Any]], request: list[list[dict[str, Any]]], documents: Sequence[SourceDocument]
) -> list[VerificationResult]:
    search_results, web_results = _search_results_in(response, request)
    rows = _rows(response, documents)
    return [
        _verify_row(row, documents, search_results, web_results, raw)
        for row, raw in zip(rows, _raw_citations(response), strict=True)
    ]
