"""HTML for :func:`webfetch_kit.citations.render_html`: the answer, its sources with marked spans, a list.

The page is rendered from Jinja2 templates with autoescape (``citations/templates/``: ``report.html.j2``
and the macros in ``macros.html.j2``, styled by ``citations.css``), so everything taken from a response
or a source is escaped by default. The page carries its own ``<style>`` and no script, font or stylesheet
from anywhere. Ids start with a prefix derived from the response, so several reports can share one
notebook page. This module decides *what* is shown (which windows of a source, where marks start and
end, which citations cover a piece); the templates decide how it is written.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .fields import describe, fingerprint, kind_of, text_of
from .model import CitationReport, CitationRow, status_summary
from .numbering import number_documents, request_messages, response_blocks
from .templating import environment
from .verify import verify_blocks

if TYPE_CHECKING:
    from .model import SourceDocument, VerificationResult

__all__ = [
    "STYLE",
    "citation_report",
    "document_section",
    "location_label",
    "mismatch_diff",
    "quoted_section",
    "render_html",
    "render_report",
]

# The page's stylesheet: the kit's own CSS, so it is Markup (inside <style>, entities are not decoded).
STYLE = Markup(resources.files(__package__).joinpath("templates", "citations.css").read_text("utf-8"))

# Windows closer than this are merged rather than separated by "…".
_MIN_GAP = 16
# How far a context window may widen to reach a word boundary.
_SNAP = 40
# Longest source excerpt shown beside a mismatch in the citation list.
_DIFF_CHARS = 400


def _macros() -> Any:
    """The macros of ``macros.html.j2`` (the template module is built once and kept by Jinja)."""
    return environment(__package__).get_template("macros.html.j2").module


@dataclass(frozen=True)
class _Span:
    """Where one citation is marked in a source's text (characters ``[start, end)``)."""

    start: int
    end: int
    number: int
    status: str
    detail: str


@dataclass(frozen=True)
class _Piece:
    """One piece of a rendered source: ``kind`` is ``"text"``, ``"anchors"``, ``"gap"`` or ``"page"``.

    A text piece covered by citations (``spans``) is marked; ``id`` is the mark's id.
    """

    kind: str
    text: str = ""
    spans: tuple[_Span, ...] = ()
    id: str = ""
    page: int = 0


_GAP = _Piece("gap")


def _merge(windows: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(windows):
        if merged and lo <= merged[-1][1] + _MIN_GAP:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _snap(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Widen a window to the nearest whitespace (at most ``_SNAP`` characters) so words stay whole."""
    lo = 0 if lo <= _SNAP else lo
    hi = len(text) if hi >= len(text) - _SNAP else hi
    if lo > 0:
        before = max(text.rfind(" ", lo - _SNAP, lo), text.rfind("\n", lo - _SNAP, lo))
        lo = before + 1 if before >= 0 else lo
    if hi < len(text):
        after = [i for i in (text.find(" ", hi, hi + _SNAP), text.find("\n", hi, hi + _SNAP)) if i >= 0]
        hi = min(after) if after else hi
    return lo, hi


def _pieces(
    text: str,
    spans: Sequence[_Span],
    *,
    prefix: str,
    doc_key: str,
    context_chars: int,
    show_full: bool,
    page_starts: Sequence[int] = (),
    extra_windows: Sequence[tuple[int, int]] = (),
) -> list[_Piece]:
    """Cut ``text`` at every span boundary, keep only the context windows, mark what spans cover."""
    n = len(text)
    if show_full:
        windows = [(0, n)]
    else:
        wanted = [(s.start - context_chars, s.end + context_chars) for s in spans]
        wanted.extend(extra_windows)
        windows = _merge(_snap(text, lo, hi) for lo, hi in wanted or [(0, 2 * context_chars)])
    cuts = {0, n}
    for span in spans:
        cuts.update((span.start, span.end))
    for lo, hi in windows:
        cuts.update((lo, hi))
    cuts.update(p for p in page_starts if 0 <= p <= n)
    bounds = sorted(cuts)

    def page_of(offset: int) -> int:
        return sum(1 for p in page_starts if p <= offset)

    def anchors_at(offset: int) -> list[_Piece]:
        starting = tuple(sorted((s for s in spans if s.start == offset), key=lambda s: s.number))
        return [_Piece("anchors", spans=starting)] if starting else []

    out: list[_Piece] = []
    last_end: int | None = None
    page = 0
    for a, b in itertools.pairwise(bounds):
        if a == b or not any(lo <= a and b <= hi for lo, hi in windows):
            continue
        skipped = (last_end is None and a > 0) or (last_end is not None and last_end != a)
        new_page = page_of(a) if page_starts else 0
        if page_starts and new_page != page:
            page_start = page_starts[new_page - 1]
            if last_end is not None and last_end < page_start:
                out.append(_GAP)  # the rest of the previous page is left out
            out.append(_Piece("page", page=new_page))
            if a > page_start:
                out.append(_GAP)  # this page is shown from the middle
            page = new_page
        elif skipped:
            out.append(_GAP)
        out.extend(anchors_at(a))
        covering = tuple(s for s in spans if s.start <= a and b <= s.end and s.start < s.end)
        out.append(_Piece("text", text=text[a:b], spans=covering, id=f"{prefix}-{doc_key}-{a}"))
        last_end = b
    if last_end == n or (n == 0 and last_end is None):
        out.extend(anchors_at(n))
    elif last_end is not None:
        out.append(_GAP)
    return out


def _find(region: str, cited: str) -> tuple[int, int] | None:
    """Where ``cited`` occurs in ``region``: exactly, else with any whitespace between its characters."""
    if not cited.strip():
        return None
    at = region.find(cited)
    if at >= 0:
        return at, at + len(cited)
    squeezed = "".join(cited.split())
    match = re.search(r"\s*".join(re.escape(ch) for ch in squeezed), region)
    return (match.start(), match.end()) if match else None


def _starts(text: str, parts: Sequence[str]) -> list[int]:
    """Where each part begins in ``text``, the parts joined by one separator (whatever it is).

    The separator's length is read off the text rather than assumed, so the offsets stay right whichever
    separator the numbering joins PDF pages (or content blocks) with.
    """
    if not parts:
        return []
    sep = (len(text) - sum(len(p) for p in parts)) // (len(parts) - 1) if len(parts) > 1 else 0
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + sep
    return starts


def document_section(
    document: SourceDocument,
    results: Sequence[VerificationResult],
    *,
    prefix: str,
    context_chars: int,
    show_full: bool,
    mark_class: str = "wfk-mark",
) -> Markup:
    """One source (an ``<article>``): its title and origin, its text with each result's span marked."""
    spans: list[_Span] = []
    extra: list[tuple[int, int]] = []
    page_starts: list[int] = []
    text = document.text or ""
    for result in results:
        row = result.citation
        # A range with a missing (malformed) end marks nothing: an empty span at the start.
        start, end = (row.start, row.end) if row.start is not None and row.end is not None else (0, 0)
        where: tuple[int, int]
        if document.pages is not None:
            pages = document.pages
            page_starts = _starts(text, pages)
            if 1 <= start < end <= len(pages) + 1:
                lo = page_starts[start - 1]
                hi = page_starts[end - 2] + len(pages[end - 2])
                found = _find(text[lo:hi], row.cited_text)
                if found is not None:
                    where = (lo + found[0], lo + found[1])
                else:
                    where = (lo, lo)
                    extra.append((lo, min(hi, lo + 2 * context_chars)))
            else:
                where = (0, 0)
        elif document.blocks is not None:
            blocks = document.blocks
            block_starts = _starts(text, blocks)
            if 0 <= start < end <= len(blocks):
                where = (block_starts[start], block_starts[end - 1] + len(blocks[end - 1]))
            else:
                where = (0, 0)
        else:
            lo, hi = max(0, min(start, len(text))), max(0, min(end, len(text)))
            where = (lo, max(lo, hi))
        spans.append(_Span(where[0], where[1], row.number, result.status, result.detail))
    pieces = _pieces(
        text,
        spans,
        prefix=prefix,
        doc_key=f"d{document.index}",
        context_chars=context_chars,
        show_full=show_full,
        page_starts=page_starts,
        extra_windows=extra,
    )
    return Markup(_macros().document_section(document, pieces, prefix, mark_class))


def quoted_section(
    key: str,
    title: str | None,
    url: str | None,
    results: Sequence[VerificationResult],
    prefix: str,
    *,
    mark_class: str = "wfk-mark",
) -> Markup:
    """A source without text here (a web search result): its cited passages, marked."""
    return Markup(_macros().quoted_section(key, title, url, results, prefix, mark_class))


def location_label(row: CitationRow) -> str:
    """Where a citation points, in words: ``"page 2"``, ``"pages 2–3"``, ``"blocks 0–1"``, ``"chars 5–24"``.

    Pages and blocks are counted as :func:`~webfetch_kit.citations.verify`'s details count them, first
    to last (the citation's end index is exclusive); characters are the citation's own half-open
    ``start–end`` indices, as in ``text[start:end]``. ``""`` for citations without a range (web search
    results) or with a malformed one.
    """
    if row.unit is None or row.start is None or row.end is None:
        return ""
    if row.unit in ("page", "block"):
        last = row.end - 1
        return f"{row.unit} {row.start}" if last == row.start else f"{row.unit}s {row.start}–{last}"
    return f"{row.unit}s {row.start}–{row.end}"


def _short(text: str) -> str:
    return text if len(text) <= _DIFF_CHARS else text[:_DIFF_CHARS] + "…"


def mismatch_diff(result: VerificationResult) -> Markup:
    """The cited text beside the source text for a citation that did not verify ("" when it did)."""
    if result.status == "ok":
        return Markup("")
    expected = _short(result.expected) if result.expected is not None else None
    return Markup(_macros().mismatch_diff(_short(result.actual), expected))


@dataclass(frozen=True)
class _Reference:
    """One entry of the citation list."""

    result: VerificationResult
    location: str
    source: str
    diff: Markup


def _references(results: Sequence[VerificationResult]) -> list[_Reference]:
    references = []
    for result in results:
        row = result.citation
        source = (
            row.document_title
            or row.url
            or (f"document {row.document_index}" if row.document_index is not None else "")
        )
        references.append(_Reference(result, location_label(row), source, mismatch_diff(result)))
    return references


def _shown(value: Any) -> str:
    """A tool block's field as text for its line: a string as it is, anything else described safely."""
    return "" if value is None else value if isinstance(value, str) else describe(value)


def _tool_line(block: dict[str, Any], j: int, documents: Sequence[SourceDocument]) -> str:
    """The one-line summary of a tool block in the answer (``→ web_fetch https://…``)."""
    kind = kind_of(block.get("type"))
    content = block.get("content")
    if kind == "server_tool_use":
        tool_input = block.get("input")
        arg = (tool_input.get("url") or tool_input.get("query")) if isinstance(tool_input, dict) else None
        return f"→ {_shown(block.get('name'))} {_shown(arg)}"
    if kind == "web_fetch_tool_result":
        content = content if isinstance(content, dict) else {}
        if content.get("type") == "web_fetch_result":
            suffix = f"response.content[{j}]"
            numbers = [d.index for d in documents if d.origin.endswith(suffix)]
            doc = f" → document {numbers[0]}" if numbers else ""
            return f"← fetched {_shown(content.get('url'))}{doc}"
        return f"← web_fetch error: {_shown(content.get('error_code'))}"
    if kind == "web_search_tool_result":
        if isinstance(content, list):
            return f"← web_search: {len(content)} results"
        error = content.get("error_code") if isinstance(content, dict) else None
        return f"← web_search error: {_shown(error)}"
    return f"[{kind}]"


@dataclass(frozen=True)
class _Marker:
    """A citation's ``[n]`` after its claim; ``target`` is the id it links to."""

    number: int
    status: str
    detail: str
    target: str


@dataclass(frozen=True)
class _Part:
    """A text block in an answer paragraph; a cited one has markers, placed before its ``tail``."""

    body: str
    markers: tuple[_Marker, ...] = ()
    tail: str = ""


@dataclass(frozen=True)
class _AnswerItem:
    """A paragraph of text blocks (``parts``), or one tool block's line (``tool``)."""

    parts: list[_Part] = field(default_factory=list)
    tool: str | None = None


def _answer(
    response: Sequence[dict[str, Any]],
    results: Sequence[VerificationResult],
    documents: Sequence[SourceDocument],
    anchored: set[int],
    prefix: str,
) -> list[_AnswerItem]:
    by_block: dict[int, list[VerificationResult]] = {}
    for result in results:
        by_block.setdefault(result.citation.block_index, []).append(result)
    items: list[_AnswerItem] = []
    paragraph = _AnswerItem()
    for j, block in enumerate(response):
        if block.get("type") != "text":
            if paragraph.parts:
                items.append(paragraph)
                paragraph = _AnswerItem()
            items.append(_AnswerItem(tool=_tool_line(block, j, documents)))
            continue
        raw = text_of(block.get("text")) or ""
        cited = by_block.get(j, [])
        if not cited:
            paragraph.parts.append(_Part(raw))
            continue
        markers = tuple(
            _Marker(
                number=r.citation.number,
                status=r.status,
                detail=r.detail,
                target=f"{prefix}-s{r.citation.number}"
                if r.citation.number in anchored
                else f"{prefix}-r{r.citation.number}",
            )
            for r in cited
        )
        # Markers sit right after the claim's last visible character; its trailing whitespace (the
        # stand-in ends quoted blocks with a newline) follows them, so [n] stays on the claim's line.
        body = raw.rstrip()
        paragraph.parts.append(_Part(body, markers, raw[len(body) :]))
    if paragraph.parts:
        items.append(paragraph)
    return items


def render_report(
    response: Sequence[dict[str, Any]],
    documents: Sequence[SourceDocument],
    results: Sequence[VerificationResult],
    *,
    prefix: str,
    context_chars: int,
    show_full: bool,
) -> str:
    """The whole report: answer, sources (cited spans marked), and the list of citations with status."""
    by_document: dict[int, list[VerificationResult]] = {}
    quoted: dict[tuple[str, str | None], list[VerificationResult]] = {}
    for result in results:
        row = result.citation
        if result.document is not None and result.status != "unverifiable":
            by_document.setdefault(result.document.index, []).append(result)
        elif row.type in ("web_search_result_location", "search_result_location"):
            quoted.setdefault((row.url or "", row.document_title), []).append(result)
    sections = []
    anchored: set[int] = set()
    for index in sorted(by_document):
        cited = by_document[index]
        sections.append(
            document_section(
                documents[index], cited, prefix=prefix, context_chars=context_chars, show_full=show_full
            )
        )
        anchored.update(r.citation.number for r in cited)
    for k, ((url, title), cited) in enumerate(quoted.items()):
        sections.append(quoted_section(f"q{k}", title, url, cited, prefix))
        anchored.update(r.citation.number for r in cited)
    template = environment(__package__).get_template("report.html.j2")
    return template.render(
        prefix=prefix,
        style=STYLE,
        results=results,
        summary=status_summary(results),
        answer_items=_answer(response, results, documents, anchored, prefix),
        sections=sections,
        references=_references(results),
    )


def citation_report(
    message: Any, conversation: Iterable[Any] = (), *, context_chars: int = 300, show_full: bool = False
) -> CitationReport:
    """Rows, verification and HTML of a response in one object that displays itself in a notebook.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages``.
        context_chars: characters of source shown either side of each cited span.
        show_full: show whole source documents instead of context windows.

    Returns:
        A :class:`CitationReport`.
    """
    if context_chars < 0:
        raise ValueError(f"context_chars must be >= 0, got {context_chars}")
    response = response_blocks(message)
    request = request_messages(response, list(conversation))
    documents = number_documents(request, response)
    results = verify_blocks(response, request, documents)
    key = hashlib.sha256(fingerprint(response).encode("utf-8", "replace")).hexdigest()[:8]
    html_text = render_report(
        response, documents, results, prefix=f"wfk{key}", context_chars=context_chars, show_full=show_full
    )
    return CitationReport(rows=tuple(r.citation for r in results), results=tuple(results), html=html_text)


def render_html(
    message: Any, conversation: Iterable[Any] = (), *, context_chars: int = 300, show_full: bool = False
) -> str:
    """Self-contained HTML: the answer with numbered citation markers, each source with its spans marked.

    The page has its own ``<style>`` and nothing external (no scripts, fonts or stylesheets). Source
    text is HTML-escaped. Each ``<mark>`` carries a ``title`` with its citations' verification status;
    mismatched citations are flagged in red. Spans that overlap or touch are split at every boundary, and
    a piece covered by several citations lists all their numbers. Long sources show ``context_chars``
    around each span with "…" for the gaps unless ``show_full``; PDFs show page numbers.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages``.
        context_chars: characters of source shown either side of each cited span.
        show_full: show whole source documents instead of context windows.

    Returns:
        The HTML as a string (display it with ``IPython.display.HTML``).
    """
    return citation_report(message, conversation, context_chars=context_chars, show_full=show_full).html
