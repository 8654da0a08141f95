"""HTML for :func:`webfetch_kit.citations.render_html`: the answer, its sources with marked spans, a list.

Everything taken from a response or a source is escaped with :func:`html.escape`; the page carries its
own ``<style>`` and no script, font or stylesheet from anywhere. Ids start with a prefix derived from the
response, so several reports can share one notebook page.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .model import CitationReport, status_summary
from .numbering import number_documents, request_messages, response_blocks
from .verify import verify_blocks

if TYPE_CHECKING:
    from .model import SourceDocument, VerificationResult

__all__ = [
    "STYLE",
    "citation_report",
    "document_section",
    "mismatch_diff",
    "quoted_section",
    "render_html",
    "render_report",
]

STYLE = """
.wfk-citations{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;line-height:1.5;color:#1f2328;
 max-width:60rem}
.wfk-citations h3{font-size:1.05rem;margin:1rem 0 .4rem;border-bottom:1px solid #d0d7de}
.wfk-citations h4{font-size:.95rem;margin:.8rem 0 .2rem}
.wfk-citations .wfk-answer p{white-space:pre-wrap;margin:.3rem 0}
.wfk-citations .wfk-claim{background:#eef6ff}
.wfk-citations .wfk-marker a,.wfk-citations .wfk-anchor{font-size:.75em;text-decoration:none;color:#0969da}
.wfk-citations .wfk-marker.wfk-bad a,.wfk-citations .wfk-anchor.wfk-bad{color:#cf222e;font-weight:bold}
.wfk-citations .wfk-tool{font-family:ui-monospace,monospace;font-size:.8rem;color:#57606a;margin:.2rem 0}
.wfk-citations .wfk-meta{font-size:.8rem;color:#57606a}
.wfk-citations .wfk-src{white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:.82rem;
 background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.5rem .7rem}
.wfk-citations mark.wfk-mark{background:#fff3b0;padding:0}
.wfk-citations mark.wfk-multi{background:#ffd86b}
.wfk-citations mark.wfk-bad{background:#ffd7d5;outline:1px dashed #cf222e}
.wfk-citations .wfk-gap{color:#8c959f}
.wfk-citations .wfk-page{display:block;font-weight:bold;color:#57606a;border-top:1px dotted #8c959f;
 margin-top:.3rem}
.wfk-citations .wfk-badge{display:inline-block;border-radius:4px;padding:0 .35rem;font-size:.75rem;color:#fff}
.wfk-citations .wfk-ok .wfk-badge{background:#1a7f37}
.wfk-citations .wfk-mismatch .wfk-badge{background:#cf222e}
.wfk-citations .wfk-unresolved .wfk-badge,.wfk-citations .wfk-unverifiable .wfk-badge{background:#9a6700}
.wfk-citations .wfk-refs li{margin:.3rem 0}
.wfk-citations .wfk-diff{font-size:.82rem;margin:.2rem 0 0 1rem}
.wfk-citations .wfk-diff q{white-space:pre-wrap;font-family:ui-monospace,monospace}
"""

_GAP = '<span class="wfk-gap">…</span>'
# Windows closer than this are merged rather than separated by "…".
_MIN_GAP = 16
# How far a context window may widen to reach a word boundary.
_SNAP = 40
# Longest source excerpt shown beside a mismatch in the citation list.
_DIFF_CHARS = 400


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    number: int
    status: str
    detail: str


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _label(span: _Span) -> str:
    return f"[{span.number}] {span.status}: {span.detail}"


def _link(url: str | None) -> str:
    if not url:
        return ""
    if url.startswith(("http://", "https://")):
        return f'<a href="{_e(url)}" rel="noopener noreferrer">{_e(url)}</a>'
    return _e(url)


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


def _render_text(
    text: str,
    spans: Sequence[_Span],
    *,
    prefix: str,
    doc_key: str,
    context_chars: int,
    show_full: bool,
    page_starts: Sequence[int] = (),
    extra_windows: Sequence[tuple[int, int]] = (),
    mark_class: str = "wfk-mark",
) -> str:
    """Escape ``text``, wrap each piece covered by spans in ``<mark>``, keep only context windows."""
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

    def anchors_at(offset: int) -> str:
        starting = sorted((s for s in spans if s.start == offset), key=lambda s: s.number)
        return "".join(
            f'<a class="wfk-anchor{" wfk-bad" if s.status != "ok" else ""}" id="{prefix}-s{s.number}" '
            f'href="#{prefix}-a{s.number}" title="{_e(_label(s))}">[{s.number}]</a>'
            for s in starting
        )

    out: list[str] = []
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
            out.append(f'<span class="wfk-page">Page {new_page}</span>')
            if a > page_start:
                out.append(_GAP)  # this page is shown from the middle
            page = new_page
        elif skipped:
            out.append(_GAP)
        out.append(anchors_at(a))
        covering = [s for s in spans if s.start <= a and b <= s.end and s.start < s.end]
        piece = _e(text[a:b])
        if covering:
            classes = mark_class
            if len(covering) > 1:
                classes += " wfk-multi"
            if any(s.status != "ok" for s in covering):
                classes += " wfk-bad"
            numbers = " ".join(str(s.number) for s in covering)
            title = "; ".join(_label(s) for s in covering)
            piece = (
                f'<mark id="{prefix}-{doc_key}-{a}" class="{classes}" data-cites="{numbers}" '
                f'title="{_e(title)}">{piece}</mark>'
            )
        out.append(piece)
        last_end = b
    if last_end == n or (n == 0 and last_end is None):
        out.append(anchors_at(n))
    elif last_end is not None:
        out.append(_GAP)
    return f'<div class="wfk-src">{"".join(out)}</div>'


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


def _offsets(parts: Sequence[str], sep: str) -> list[int]:
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + len(sep)
    return starts


def document_section(
    document: SourceDocument,
    results: Sequence[VerificationResult],
    *,
    prefix: str,
    context_chars: int,
    show_full: bool,
    mark_class: str = "wfk-mark",
) -> str:
    spans: list[_Span] = []
    extra: list[tuple[int, int]] = []
    page_starts: list[int] = []
    text = document.text or ""
    for result in results:
        row = result.citation
        start, end = row.start if row.start is not None else 0, row.end if row.end is not None else 0
        where: tuple[int, int]
        if document.pages is not None:
            pages = document.pages
            page_starts = _offsets(pages, "\n\n")
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
            block_starts = _offsets(blocks, "\n\n")
            if 0 <= start < end <= len(blocks):
                where = (block_starts[start], block_starts[end - 1] + len(blocks[end - 1]))
            else:
                where = (0, 0)
        else:
            lo, hi = max(0, min(start, len(text))), max(0, min(end, len(text)))
            where = (lo, max(lo, hi))
        spans.append(_Span(where[0], where[1], row.number, result.status, result.detail))
    meta = " · ".join(
        part for part in (_link(document.url), _e(document.media_type or ""), _e(document.origin)) if part
    )
    body = _render_text(
        text,
        spans,
        prefix=prefix,
        doc_key=f"d{document.index}",
        context_chars=context_chars,
        show_full=show_full,
        page_starts=page_starts,
        extra_windows=extra,
        mark_class=mark_class,
    )
    title = _e(document.title) if document.title else "<em>untitled</em>"
    return (
        f'<article id="{prefix}-doc{document.index}"><h4>Document {document.index}: {title}</h4>'
        f'<div class="wfk-meta">{meta}</div>{body}</article>'
    )


def quoted_section(
    key: str,
    title: str | None,
    url: str | None,
    results: Sequence[VerificationResult],
    prefix: str,
    *,
    mark_class: str = "wfk-mark",
) -> str:
    """A source without text here (a web search result): its cited passages, marked."""
    quotes = []
    for result in results:
        span = _Span(0, 1, result.citation.number, result.status, result.detail)
        bad = " wfk-bad" if result.status != "ok" else ""
        quotes.append(
            f'<div class="wfk-src"><a class="wfk-anchor{bad}" id="{prefix}-s{span.number}" '
            f'href="#{prefix}-a{span.number}" title="{_e(_label(span))}">[{span.number}]</a>'
            f'<mark id="{prefix}-{key}-{span.number}" class="{mark_class}{bad}" data-cites="{span.number}" '
            f'title="{_e(_label(span))}">{_e(result.actual)}</mark></div>'
        )
    heading = _e(title) if title else "<em>untitled</em>"
    return f'<article><h4>{heading}</h4><div class="wfk-meta">{_link(url)}</div>{"".join(quotes)}</article>'


def _location(result: VerificationResult) -> str:
    row = result.citation
    if row.unit is None or row.start is None or row.end is None:
        return ""
    if row.unit == "page":
        return f"pages {row.start}–{row.end} (end exclusive)"
    return f"{row.unit}s {row.start}–{row.end}"


def _short(text: str) -> str:
    return text if len(text) <= _DIFF_CHARS else text[:_DIFF_CHARS] + "…"


def _reference_list(results: Sequence[VerificationResult], prefix: str) -> str:
    items = []
    for result in results:
        row = result.citation
        source = (
            row.document_title
            or row.url
            or (f"document {row.document_index}" if row.document_index is not None else "")
        )
        diff = mismatch_diff(result)
        items.append(
            f'<li id="{prefix}-r{row.number}" class="wfk-{result.status}">'
            f'<a href="#{prefix}-a{row.number}">[{row.number}]</a> '
            f'<span class="wfk-badge">{_e(result.status)}</span> '
            f"<code>{_e(row.type)}</code> {_e(_location(result))} — {_e(source)}"
            f'<div class="wfk-meta">{_e(result.detail)}</div>{diff}</li>'
        )
    return f'<section class="wfk-refs"><h3>Citations</h3><ul>{"".join(items)}</ul></section>'


def _tool_line(block: dict[str, Any], j: int, documents: Sequence[SourceDocument]) -> str:
    kind = str(block.get("type"))
    if kind == "server_tool_use":
        tool_input = block.get("input") or {}
        arg = tool_input.get("url") or tool_input.get("query") or "" if isinstance(tool_input, dict) else ""
        return f'<div class="wfk-tool">→ {_e(block.get("name", ""))} {_e(arg)}</div>'
    if kind == "web_fetch_tool_result":
        content = block.get("content") or {}
        if content.get("type") == "web_fetch_result":
            suffix = f"response.content[{j}]"
            numbers = [d.index for d in documents if d.origin.endswith(suffix)]
            doc = f" → document {numbers[0]}" if numbers else ""
            return f'<div class="wfk-tool">← fetched {_e(content.get("url", ""))}{doc}</div>'
        return f'<div class="wfk-tool">← web_fetch error: {_e(content.get("error_code", ""))}</div>'
    if kind == "web_search_tool_result":
        content = block.get("content")
        if isinstance(content, list):
            return f'<div class="wfk-tool">← web_search: {len(content)} results</div>'
        error = content.get("error_code", "") if isinstance(content, dict) else ""
        return f'<div class="wfk-tool">← web_search error: {_e(error)}</div>'
    return f'<div class="wfk-tool">[{_e(kind)}]</div>'


def _answer(
    response: Sequence[dict[str, Any]],
    results: Sequence[VerificationResult],
    documents: Sequence[SourceDocument],
    anchored: set[int],
    prefix: str,
) -> str:
    by_block: dict[int, list[VerificationResult]] = {}
    for result in results:
        by_block.setdefault(result.citation.block_index, []).append(result)
    parts: list[str] = []
    paragraph: list[str] = []
    for j, block in enumerate(response):
        if block.get("type") != "text":
            if paragraph:
                parts.append(f"<p>{''.join(paragraph)}</p>")
                paragraph = []
            parts.append(_tool_line(block, j, documents))
            continue
        text = _e(block.get("text", ""))
        cited = by_block.get(j, [])
        if not cited:
            paragraph.append(text)
            continue
        markers = []
        for result in cited:
            number = result.citation.number
            target = f"{prefix}-s{number}" if number in anchored else f"{prefix}-r{number}"
            bad = " wfk-bad" if result.status != "ok" else ""
            flag = "⚠" if result.status != "ok" else ""
            markers.append(
                f'<sup class="wfk-marker{bad}" id="{prefix}-a{number}"><a href="#{target}" '
                f'title="{_e(f"[{number}] {result.status}: {result.detail}")}">{flag}[{number}]</a></sup>'
            )
        # Markers sit right after the claim's last visible character; its trailing whitespace (the
        # stand-in ends quoted blocks with a newline) follows them, so [n] stays on the claim's line.
        raw = block.get("text", "")
        body, tail = raw.rstrip(), raw[len(raw.rstrip()) :]
        paragraph.append(f'<span class="wfk-claim">{_e(body)}</span>{"".join(markers)}{_e(tail)}')
    if paragraph:
        parts.append(f"<p>{''.join(paragraph)}</p>")
    return f'<section class="wfk-answer"><h3>Answer</h3>{"".join(parts)}</section>'


def mismatch_diff(result: VerificationResult) -> str:
    """The cited text beside the source text for a citation that did not verify ("" when it did)."""
    if result.status == "ok":
        return ""
    expected = (
        f"<q>{_e(_short(result.expected))}</q>" if result.expected is not None else "<em>no source text</em>"
    )
    return (
        f'<div class="wfk-diff"><div>cited: <q>{_e(_short(result.actual))}</q></div>'
        f'<div class="wfk-expected">source: {expected}</div></div>'
    )


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
    sources = (
        f'<section class="wfk-sources"><h3>Sources</h3>{"".join(sections)}</section>' if sections else ""
    )
    summary = status_summary(results)
    return (
        f'<div class="wfk-citations" id="{prefix}"><style>{STYLE}</style>'
        f'<div class="wfk-meta">{len(results)} citation{"" if len(results) == 1 else "s"}: '
        f"{_e(summary)}</div>"
        f"{_answer(response, results, documents, anchored, prefix)}{sources}"
        f"{_reference_list(results, prefix) if results else ''}</div>"
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
    key = hashlib.sha256(repr(response).encode("utf-8", "replace")).hexdigest()[:8]
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
