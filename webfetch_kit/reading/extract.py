"""Turning a fetched body into a :class:`Document`: HTML main text, plain text as is, PDFs per page.

Pure: bytes in, a Document (or a Problem) out; no threads, no clocks. :func:`start_reading` does the fast
steps and leaves the slow one (trafilatura, pypdf) to :meth:`Reading.run`, so that the fetcher can run it
under a time bound (:mod:`webfetch_kit.net.reader`); :func:`extract_document` runs it in full.

The web fetch tool returns "the full text content" of a page and, for PDFs, the file itself as base64
with "automatic text extraction" (its docs); anything else is ``unsupported_content_type`` ("only text
and PDF"). :func:`extract_document` does the same offline:

* **Type**: decided from the ``Content-Type`` header and the leading bytes together
  (see :mod:`webfetch_kit.reading.sniff`: a PDF served as ``text/html`` is a PDF; HTML served as
  ``application/pdf`` is HTML; ``text/plain`` stays text even when it holds markup; JSON, images,
  binary data and unresolvable lies are ``unsupported_content_type``).
* **Charset** (HTML and text): BOM, header ``charset``, ``<meta charset>``/``http-equiv``, detection;
  ``Document.charset`` is the codec used, a ``charset_source`` note says which source decided.
* **HTML**: main text and title by trafilatura, bounded in size (2,000,000 characters of markup,
  25,000 elements; the fetcher adds a time bound, 5 s by default), with a noted fallback to the visible
  text of ``<body>``; JavaScript-only pages are noted ``javascript_only`` (see
  :mod:`webfetch_kit.reading.html`).
* **Text** (``text/plain``, markdown, csv and other ``text/*``): decoded, capped at
  :data:`MAX_TEXT_CHARS` characters (2,000,000, like HTML's markup; note ``text_truncated``), newlines
  normalised to ``\\n``, otherwise as is. Its title is its first non-empty line (markdown ``#`` marks
  removed) when that line has at most 100 characters, else ``None``.
* **PDF**: ``source_bytes`` keeps the file for the base64 document block; ``pages`` holds the text of
  each page (pypdf, resource limits, first 100 pages, see :mod:`webfetch_kit.reading.pdf`); ``text`` is the
  pages joined with :data:`PAGE_SEPARATOR` (``"\\n\\f\\n"``: newline, form feed, newline; page texts
  never contain a form feed). :func:`page_spans` and :func:`page_of_offset` map character offsets of
  ``text`` back to 1-based page numbers. ``title`` is the PDF's metadata title, if any.

``notes`` are short ``"key: explanation"`` strings (``Document.has_note("javascript_only")``); every
fallback, cap, timeout or type disagreement leaves one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..errors import ConfigError, ContentError
from ..problem import Problem
from .html import (
    EXTRACT_MODES,
    FAST,
    JS_ONLY_MAX_TEXT,
    MAX_HTML_CHARS,
    MAX_HTML_ELEMENTS,
    ExtractMode,
    HtmlReading,
    HtmlResult,
    prepare_html,
)
from .pdf import MAX_PDF_PAGES, PdfReading
from .sniff import decide_type, decode_body, parse_content_type

__all__ = [
    "EXTRACT_MODES",
    "FAST",
    "JS_ONLY_MAX_TEXT",
    "MAX_HTML_CHARS",
    "MAX_HTML_ELEMENTS",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "MAX_TEXT_TITLE_CHARS",
    "PAGE_SEPARATOR",
    "Document",
    "ExtractMode",
    "Reading",
    "extract_document",
    "page_of_offset",
    "page_spans",
    "read_body",
    "start_reading",
]

PAGE_SEPARATOR = "\n\f\n"
"""Between the pages of a PDF's text: newline, form feed, newline (page texts never hold a form feed).
The one separator: extraction, citations and the emulator all join a PDF's pages with it."""
MAX_TEXT_TITLE_CHARS = 100
_NON_SPACE = re.compile(r"\S")
MAX_TEXT_CHARS = 2_000_000
"""Cap on the characters of a text document (``text/plain``, markdown, csv...), as HTML's markup is capped
(:data:`MAX_HTML_CHARS`): a 10 MB body without spaces cost 490-820 MB at its peak uncapped."""


@dataclass(frozen=True)
class Document:
    """A fetched body as the web fetch tool would hand it to the model.

    Stage: reading's output (bytes → Document); the fetcher caches it and turns it into a result block.
    ``media_type`` is ``"text/plain"`` for HTML and text (a text source) and ``"application/pdf"``
    for PDFs, whose ``source_bytes`` go into a base64 source. ``pages`` is empty except for PDFs.
    """

    text: str
    title: str | None
    media_type: str
    source_bytes: bytes | None
    pages: tuple[str, ...]
    url: str
    charset: str | None
    kind: str
    notes: tuple[str, ...]
    mode: ExtractMode = "api"
    """How an HTML page became ``text`` (``"api"``, ``"main"`` or ``"text"``); PDFs and text files are
    read the same in every mode."""

    @property
    def is_pdf(self) -> bool:
        """True for a PDF document (base64 source)."""
        return self.kind == "pdf"

    @property
    def javascript_only(self) -> bool:
        """True when the page renders its content with JavaScript (its text is near-empty)."""
        return self.has_note("javascript_only")

    @property
    def used_fallback(self) -> bool:
        """True when the main-text extractor gave nothing and the visible body text was used."""
        return self.has_note("fallback_body_text")

    @property
    def page_count(self) -> int:
        """Number of pages whose text was extracted (0 for HTML and text)."""
        return len(self.pages)

    def has_note(self, key: str) -> bool:
        """True when a note with this key (the part before ``":"``) is present."""
        return self.note(key) is not None

    def note(self, key: str) -> str | None:
        """The first note with this key, or ``None``."""
        for note in self.notes:
            if note.split(":", 1)[0] == key:
                return note
        return None


def extract_document(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    max_html_chars: int = MAX_HTML_CHARS,
    max_pdf_pages: int = MAX_PDF_PAGES,
    max_text_chars: int = MAX_TEXT_CHARS,
    fast: bool = FAST,
) -> Document:
    """Turn a fetched body into a :class:`Document` (HTML main text, plain text, or a PDF with its pages).

    Pure and bounded in work (the caps), not in time: the fetcher runs the slow step under a time bound
    (:func:`webfetch_kit.net.reader.read_bounded`).

    Args:
        body: the raw response body (already de-compressed).
        content_type: the ``Content-Type`` header value; may be empty.
        url: the URL the body came from (kept on the document, helps HTML metadata).
        mode: how HTML becomes text: ``"api"`` (the default) the whole page as Markdown, as the real tool
            returns it; ``"main"`` the main content as Markdown with links; ``"text"`` plain main text.
            See :mod:`webfetch_kit.reading.html`.
        max_html_chars: cap on the HTML markup handed to the parser.
        max_pdf_pages: extract text from at most this many PDF pages.
        max_text_chars: cap on the characters of a text document (noted ``text_truncated``).
        fast: trafilatura's ``fast`` for HTML main text (modes ``"text"`` and ``"main"``); the default
            and why: :data:`webfetch_kit.reading.html.FAST`.

    Returns:
        The document; its ``notes`` record every decision that was not the plain default.

    Raises:
        ContentError: the body cannot become a document; its ``problem`` is what :func:`read_body`
            returns (``unsupported_content_type`` for anything but text and PDF and for damaged PDFs,
            ``url_not_accessible`` for password-protected PDFs, ``unavailable`` for AES-encrypted PDFs
            without the ``cryptography`` package).

    Example:
        >>> doc = extract_document(b"Hello\\r\\nworld", "text/plain; charset=utf-8")
        >>> doc.text, doc.title, doc.kind
        ('Hello\\nworld', 'Hello', 'text')
    """
    document = read_body(
        body,
        content_type,
        url,
        mode=mode,
        max_html_chars=max_html_chars,
        max_pdf_pages=max_pdf_pages,
        max_text_chars=max_text_chars,
        fast=fast,
    )
    if isinstance(document, Problem):
        raise ContentError(document)
    return document


def read_body(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    max_html_chars: int = MAX_HTML_CHARS,
    max_pdf_pages: int = MAX_PDF_PAGES,
    max_text_chars: int = MAX_TEXT_CHARS,
    fast: bool = FAST,
) -> Document | Problem:
    """:func:`extract_document` for callers that handle failure as a value (the search index).

    Returns:
        The document, or the :class:`~webfetch_kit.problem.Problem` that :func:`extract_document` raises
        as a ``ContentError``.
    """
    reading = start_reading(
        body,
        content_type,
        url,
        mode=mode,
        max_html_chars=max_html_chars,
        max_pdf_pages=max_pdf_pages,
        max_text_chars=max_text_chars,
        fast=fast,
    )
    if isinstance(reading, Problem):
        return reading
    reading.run()
    return reading.document()


@dataclass
class Reading:
    """A body on its way to a :class:`Document`: typed and decoded, its one slow step left to :meth:`run`.

    ``kind`` is ``"html"``, ``"text"`` or ``"pdf"``. :meth:`run` is pure (trafilatura or pypdf; nothing
    for text) and may be run on a worker under a time bound; :meth:`document` then gives the document,
    with the noted fallback (HTML) or the pages read so far (PDF) when the run was ``stopped``.
    """

    kind: str
    body: bytes
    url: str
    notes: tuple[str, ...]
    mode: ExtractMode = "api"
    charset: str | None = None
    text: str = ""
    html: HtmlReading | HtmlResult | None = None
    pdf: PdfReading | None = None

    def run(self) -> None:
        """The slow, pure step: main-text extraction for HTML, page text for a PDF."""
        if isinstance(self.html, HtmlReading):
            self.html.run()
        elif self.pdf is not None:
            self.pdf.run()

    def document(self, stopped: str | None = None) -> Document | Problem:
        """The document (or the PDF's problem).

        Args:
            stopped: why :meth:`run` was stopped before it finished (the time bound it ran past, e.g.
                ``"5 s"``), or None when it ran to its end.
        """
        if self.pdf is not None:
            result = self.pdf.result(stopped)
            if isinstance(result, Problem):
                return result
            return Document(
                text=PAGE_SEPARATOR.join(result.pages),
                title=result.title,
                media_type="application/pdf",
                source_bytes=self.body,
                pages=result.pages,
                url=self.url,
                charset=None,
                kind="pdf",
                notes=(*self.notes, *result.notes),
                mode=self.mode,
            )
        if self.html is not None:
            html = self.html.result(stopped) if isinstance(self.html, HtmlReading) else self.html
            text, title, notes = html.text, html.title, (*self.notes, *html.notes)
        else:
            text, title, notes = self.text, _text_title(self.text), self.notes
        return Document(
            text=text,
            title=title,
            media_type="text/plain",
            source_bytes=None,
            pages=(),
            url=self.url,
            charset=self.charset,
            kind=self.kind,
            notes=notes,
            mode=self.mode,
        )


def start_reading(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    max_html_chars: int = MAX_HTML_CHARS,
    max_pdf_pages: int = MAX_PDF_PAGES,
    max_text_chars: int = MAX_TEXT_CHARS,
    fast: bool = FAST,
) -> Reading | Problem:
    """Type, decode and (for HTML) parse a body: the fast steps of :func:`extract_document`.

    Returns:
        The :class:`Reading` whose :meth:`Reading.run` is left to do, or the problem
        (``unsupported_content_type``).

    Raises:
        ConfigError: ``mode`` is not ``"api"``, ``"main"`` or ``"text"``.
    """
    if mode not in EXTRACT_MODES:
        raise ConfigError(f"mode must be one of {list(EXTRACT_MODES)}, got {mode!r}")
    decision = decide_type(body, content_type)
    if isinstance(decision, Problem):
        return decision
    notes = list(decision.notes)
    if decision.kind == "pdf":
        return Reading("pdf", body, url, tuple(notes), mode, pdf=PdfReading(body, max_pdf_pages))
    _, params = parse_content_type(content_type)
    decoded = decode_body(body, params.get("charset"), html=decision.kind == "html")
    notes.append(f"charset_source: {decoded.source}")
    notes.extend(decoded.notes)
    if decision.kind == "html":
        html = prepare_html(decoded.text, url, mode=mode, max_chars=max_html_chars, fast=fast)
        return Reading("html", body, url, tuple(notes), mode, decoded.charset, html=html)
    text, charset = decoded.text, decoded.charset
    if len(text) > max_text_chars:
        # Capped before anything copies it (newline normalisation, the title, token counting later).
        notes.append(f"text_truncated: text capped at {max_text_chars} characters (of {len(text)})")
        text = text[:max_text_chars]
    del decoded
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Reading("text", body, url, tuple(notes), mode, charset, text=text)


def page_spans(document: Document) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` character offsets of each page's text in ``document.text`` (PDFs only).

    ``document.text[start:end] == document.pages[i]``; separators lie between the spans.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for page in document.pages:
        spans.append((start, start + len(page)))
        start += len(page) + len(PAGE_SEPARATOR)
    return tuple(spans)


def page_of_offset(document: Document, index: int) -> int:
    """The 1-based page number holding character ``index`` of ``document.text``.

    An offset inside a separator belongs to the page before it; ``len(document.text)`` (an exclusive
    end offset) belongs to the last page.

    Raises:
        ValueError: the document has no pages (HTML or text) or ``index`` is out of range.
    """
    if not document.pages:
        raise ValueError(f"a {document.kind} document has no pages")
    if not 0 <= index <= len(document.text):
        raise ValueError(f"offset {index} is outside the text (0..{len(document.text)})")
    starts = [start for start, _ in page_spans(document)]
    return bisect.bisect_right(starts, index) or 1


def _text_title(text: str) -> str | None:
    # Line by line from the first non-space character, without splitting (copying) the whole text.
    position = 0
    while (found := _NON_SPACE.search(text, position)) is not None:
        end = text.find("\n", found.start())
        end = len(text) if end == -1 else end
        stripped = text[found.start() : end].strip().lstrip("#").strip()
        if stripped:
            return stripped if len(stripped) <= MAX_TEXT_TITLE_CHARS else None
        position = end
    return None
