"""Verification: list a response's citations and check each against its source.

What :func:`verify` checks, by citation type:

* ``char_location``: ``cited_text == text[start_char_index:end_char_index]`` exactly (end exclusive).
* ``page_location``: pages are 1-based and ``end_page_number`` is exclusive; the cited text must occur in
  the text of those pages (:func:`webfetch_kit.net.reader.pdf_page_texts`, pypdf). The comparison
  collapses every run of whitespace to one space, then, failing that, ignores whitespace altogether (PDF
  text extraction differs between extractors in line breaks and spacing, never in words); ``detail``
  says which.
* ``content_block_location``: the cited text must equal the text blocks ``[start:end)`` concatenated
  (exactly, or after whitespace normalisation, which ``detail`` then says).
* ``web_search_result_location``: the URL must be one of the results of a ``web_search_tool_result``.
* ``search_result_location``: as content blocks, over the request's ``search_result`` blocks.

A failed check is status ``"mismatch"`` with the source's text (``expected``) beside the cited text
(``actual``); a document that cannot be found is ``"unresolved"``; a document without text to check
(a PDF by URL or file id) is ``"unverifiable"``.

A malformed citation is a ``"mismatch"`` too, never an exception: an index (``document_index``,
``search_result_index``, the start and end fields) that is missing, not an integer (``"5"``, ``None``,
``5.0``, ``True``, ``[1]``), below its lowest value (0; 1 for page numbers) or larger than any index
(past ``sys.maxsize``), a start after its end, a ``cited_text`` that is not a string, a ``type`` that is
not a string, or a title or URL field (``document_title``, ``title``, ``url``, ``source``) that is
neither a string nor None. ``detail`` starts with "malformed citation:" and names every fault; fields are
read through :mod:`.fields`, so no value (``10**5000`` included) can make a message raise.
A well-formed ``document_index`` past the last document is ``"unresolved"``, as above. SDK objects
arrive validated; these come from dicts (a saved response, a hand-edited one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields
from typing import TYPE_CHECKING, Any, Literal, overload

from ..blocks import content_blocks
from .fields import MAX_INDEX, a_type, describe, index_of, kind_of, text_of
from .model import CitationRow, CitationStatus, SourceDocument, VerificationResult
from .numbering import documents_in, number_documents, request_messages, response_blocks

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "citations_of",
    "normalize_whitespace",
    "verify",
    "verify_blocks",
]

# Citation type -> (start field, end field, unit). End indices are exclusive in all three.
_LOCATION_FIELDS: dict[str, tuple[str, str, str]] = {
    "char_location": ("start_char_index", "end_char_index", "char"),
    "page_location": ("start_page_number", "end_page_number", "page"),
    "content_block_location": ("start_block_index", "end_block_index", "block"),
    "search_result_location": ("start_block_index", "end_block_index", "block"),
}
# Fields a citation may carry as a string or null (the SDK's types): shown on the page, never numbers.
_TEXT_FIELDS = ("document_title", "title", "url", "source")
# Citation types whose ``document_index`` numbers a document (documents_in's rule).
_DOCUMENT_TYPES = ("char_location", "page_location", "content_block_location")


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


def _citations(block: Mapping[str, Any]) -> list[Any]:
    """A text block's ``citations`` as a list (anything else there holds no citation)."""
    citations = block.get("citations")
    return list(citations) if isinstance(citations, list | tuple) else []


def _rows(response: list[dict[str, Any]], documents: Sequence[SourceDocument]) -> list[CitationRow]:
    rows: list[CitationRow] = []
    for block_index, block in enumerate(response):
        if block.get("type") != "text":
            continue
        for citation_index, entry in enumerate(_citations(block)):
            # A malformed citation still gets its row (verification says what is wrong with it); only
            # integers reach the row's indices and only strings its texts, so nothing downstream
            # compares a string with a number or formats a value that cannot be formatted.
            citation: Mapping[str, Any] = entry if isinstance(entry, Mapping) else {}
            kind = kind_of(citation.get("type"))
            start = end = None
            unit = None
            if kind in _LOCATION_FIELDS:
                start_field, end_field, unit = _LOCATION_FIELDS[kind]
                start, end = index_of(citation.get(start_field)), index_of(citation.get(end_field))
            document_index = index_of(citation.get("document_index"))
            title = text_of(citation.get("document_title"))
            url = None
            if document_index is not None and 0 <= document_index < len(documents):
                document = documents[document_index]
                url = document.url
                title = title if title is not None else document.title
            elif kind == "web_search_result_location":
                url, title = text_of(citation.get("url")), text_of(citation.get("title"))
            elif kind == "search_result_location":
                url, title = text_of(citation.get("source")), text_of(citation.get("title"))
            cited_text = citation.get("cited_text", "")
            rows.append(
                CitationRow(
                    number=len(rows) + 1,
                    block_index=block_index,
                    citation_index=citation_index,
                    text=text_of(block.get("text")) or "",
                    type=kind,
                    document_index=document_index,
                    document_title=title,
                    url=url,
                    start=start,
                    end=end,
                    unit=unit,
                    cited_text=cited_text if isinstance(cited_text, str) else "",
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
    rows = _rows(response_blocks(message), documents_in(message, conversation))
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
    raw: Any,
) -> VerificationResult:
    problems = _malformed(raw)
    if problems:
        # The document, where it can be found, is kept: the page shows the source the citation names.
        named, source = row.document_index, None
        if row.type in _DOCUMENT_TYPES and named is not None and 0 <= named < len(documents):
            source = documents[named]
        return _result(row, "mismatch", None, "malformed citation: " + "; ".join(problems), source)
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


def _raw_citations(response: list[dict[str, Any]]) -> list[Any]:
    return [citation for block in response if block.get("type") == "text" for citation in _citations(block)]


def _index_problem(citation: Mapping[str, Any], name: str, lowest: int) -> str | None:
    """What is wrong with the index ``name`` of a citation, or None when it is an integer >= ``lowest``."""
    if name not in citation:
        return f"it has no {name}"
    value = citation[name]
    if not isinstance(value, int) or isinstance(value, bool):
        kind = "" if value is None else f" ({a_type(value)})"
        return f"{name} is {describe(value)}{kind}, not an integer"
    if value > MAX_INDEX:
        return f"{name} is {describe(value)}, larger than any index"
    if value < lowest:
        pages = " (pages are numbered from 1)" if lowest == 1 else ""
        return f"{name} is {describe(value)}, below {lowest}{pages}"
    return None


def _malformed(raw: Any) -> list[str]:
    """Every way ``raw`` is not a well-formed citation: indices that are not integers in range, a range
    that ends before it starts, a ``cited_text`` that is not a string ([] for a well-formed one).

    Whether the indices point at anything (a document, pages, characters that exist) is the checks' job.
    """
    if not isinstance(raw, Mapping):
        return [f"a citation is an object, got {type(raw).__name__} {describe(raw)}"]
    problems = []
    if not isinstance(raw.get("cited_text"), str):
        problems.append(
            "it has no cited_text"
            if "cited_text" not in raw
            else f"cited_text is {describe(raw['cited_text'])}, not a string"
        )
    kind = raw.get("type")
    if "type" in raw and not isinstance(kind, str):
        problems.append(f"type is {describe(kind)} ({a_type(kind)}), not a string")
        return problems
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"{name} is {describe(value)} ({a_type(value)}), not a string")
    if kind not in _LOCATION_FIELDS:
        return problems
    start_field, end_field, unit = _LOCATION_FIELDS[kind]
    index_field = "search_result_index" if kind == "search_result_location" else "document_index"
    lowest = 1 if unit == "page" else 0
    index_problem = _index_problem(raw, index_field, 0)
    range_problems = [_index_problem(raw, name, lowest) for name in (start_field, end_field)]
    problems += [p for p in (index_problem, *range_problems) if p is not None]
    if range_problems == [None, None] and raw[start_field] > raw[end_field]:
        problems.append(f"{start_field} {raw[start_field]} is after {end_field} {raw[end_field]}")
    return problems


def verify(message: Any, conversation: Iterable[Any] = ()) -> list[VerificationResult]:
    """Check every citation of ``message`` against its source document.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages`` (documents from earlier turns are found there).

    Returns:
        One :class:`VerificationResult` per citation, in order; mismatches are reported, never dropped.
    """
    response = response_blocks(message)
    request = request_messages(response, list(conversation))
    return verify_blocks(response, request, number_documents(request, response))


def verify_blocks(
    response: list[dict[str, Any]], request: list[list[dict[str, Any]]], documents: Sequence[SourceDocument]
) -> list[VerificationResult]:
    search_results, web_results = _search_results_in(response, request)
    rows = _rows(response, documents)
    return [
        _verify_row(row, documents, search_results, web_results, raw)
        for row, raw in zip(rows, _raw_citations(response), strict=True)
    ]
