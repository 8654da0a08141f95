"""Turning a fetched body into a :class:`Document`: HTML main text, plain text as is, PDFs per page.

The web fetch tool returns "the full text content" of a page and, for PDFs, the file itself as base64
with "automatic text extraction" (its docs); anything else is ``unsupported_content_type`` ("only text
and PDF"). :func:`extract_document` does the same offline:

* **Type**: decided from the ``Content-Type`` header and the leading bytes together
  (see :mod:`webfetch_kit.reading.sniff`: a PDF served as ``text/html`` is a PDF; HTML served as
  ``application/pdf`` is HTML; ``text/plain`` stays text even when it holds markup; JSON, images,
  binary data and unresolvable lies raise ``ContentError("unsupported_content_type")``).
* **Charset** (HTML and text): BOM, header ``charset``, ``<meta charset>``/``http-equiv``, detection;
  ``Document.charset`` is the codec used, a ``charset_source`` note says which source decided.
* **HTML**: main text and title by trafilatura, bounded in size (2,000,000 characters of markup,
  25,000 elements) and time (5 s by default), with a noted fallback to the visible text of
  ``<body>``; JavaScript-only pages are noted ``javascript_only`` (see :mod:`webfetch_kit.reading.html`).
* **Text** (``text/plain``, markdown, csv and other ``text/*``): decoded, newlines normalised to ``\\n``,
  otherwise as is. Its title is its first non-empty line (markdown ``#`` marks removed) when that line
  has at most 100 characters, else ``None``.
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
import functools
from dataclasses import dataclass

from ..errors import ContentError
from ..problem import Problem
from .html import JS_ONLY_MAX_TEXT, MAX_HTML_CHARS, MAX_HTML_ELEMENTS, extract_html
from .pdf import MAX_PDF_PAGES, read_pdf
from .sniff import decide_type, decode_body, parse_content_type

__all__ = [
    "DEFAULT_HTML_TIMEOUT",
    "DEFAULT_PDF_TIMEOUT",
    "JS_ONLY_MAX_TEXT",
    "MAX_HTML_CHARS",
    "MAX_HTML_ELEMENTS",
    "MAX_PDF_PAGES",
    "MAX_TEXT_TITLE_CHARS",
    "PAGE_SEPARATOR",
    "Document",
    "extract_document",
    "page_of_offset",
    "page_spans",
    "pdf_page_texts",
    "read_document",
]

PAGE_SEPARATOR = "\n\f\n"
DEFAULT_HTML_TIMEOUT = 5.0
DEFAULT_PDF_TIMEOUT = 20.0
MAX_TEXT_TITLE_CHARS = 100


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
    html_timeout: float = DEFAULT_HTML_TIMEOUT,
    max_html_chars: int = MAX_HTML_CHARS,
    max_pdf_pages: int = MAX_PDF_PAGES,
    pdf_timeout: float = DEFAULT_PDF_TIMEOUT,
) -> Document:
    """Turn a fetched body into a :class:`Document` (HTML main text, plain text, or a PDF with its pages).

    Args:
        body: the raw response body (already de-compressed).
        content_type: the ``Content-Type`` header value; may be empty.
        url: the URL the body came from (kept on the document, helps HTML metadata).
        html_timeout: seconds to wait for trafilatura before falling back to the visible text.
        max_html_chars: cap on the HTML markup handed to the parser.
        max_pdf_pages: extract text from at most this many PDF pages.
        pdf_timeout: seconds to wait for pypdf.

    Returns:
        The document; its ``notes`` record every decision that was not the plain default.

    Raises:
        ContentError: the body cannot become a document; its ``problem`` is what :func:`read_document`
            returns (``unsupported_content_type`` for anything but text and PDF and for damaged PDFs,
            ``url_not_accessible`` for password-protected PDFs, ``unavailable`` when a PDF cannot be
            opened in time).

    Example:
        >>> doc = extract_document(b"Hello\\r\\nworld", "text/plain; charset=utf-8")
        >>> doc.text, doc.title, doc.kind
        ('Hello\\nworld', 'Hello', 'text')
    """
    document = read_document(
        body,
        content_type,
        url,
        html_timeout=html_timeout,
        max_html_chars=max_html_chars,
        max_pdf_pages=max_pdf_pages,
        pdf_timeout=pdf_timeout,
    )
    if isinstance(document, Problem):
        raise ContentError(document)
    return document


def read_document(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    html_timeout: float = DEFAULT_HTML_TIMEOUT,
    max_html_chars: int = MAX_HTML_CHARS,
    max_pdf_pages: int = MAX_PDF_PAGES,
    pdf_timeout: float = DEFAULT_PDF_TIMEOUT,
) -> Document | Problem:
    """:func:`extract_document` for callers that handle failure as a value (the fetcher, the search index).

    Returns:
        The document, or the :class:`~webfetch_kit.problem.Problem` that :func:`extract_document` raises
        as a ``ContentError``.
    """
    decision = decide_type(body, content_type)
    if isinstance(decision, Problem):
        return decision
    notes = list(decision.notes)
    if decision.kind == "pdf":
        result = read_pdf(body, max_pages=max_pdf_pages, timeout=pdf_timeout)
        if isinstance(result, Problem):
            return result
        return Document(
            text=PAGE_SEPARATOR.join(result.pages),
            title=result.title,
            media_type="application/pdf",
            source_bytes=body,
            pages=result.pages,
            url=url,
            charset=None,
            kind="pdf",
            notes=(*notes, *result.notes),
        )
    _, params = parse_content_type(content_type)
    decoded = decode_body(body, params.get("charset"), html=decision.kind == "html")
    notes.append(f"charset_source: {decoded.source}")
    notes.extend(decoded.notes)
    if decision.kind == "html":
        html = extract_html(decoded.text, url, timeout=html_timeout, max_chars=max_html_chars)
        text, title = html.text, html.title
        notes.extend(html.notes)
    else:
        text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
        title = _text_title(text)
    return Document(
        text=text,
        title=title,
        media_type="text/plain",
        source_bytes=None,
        pages=(),
        url=url,
        charset=decoded.charset,
        kind=decision.kind,
        notes=tuple(notes),
    )


@functools.lru_cache(maxsize=32)
def pdf_page_texts(data: bytes, *, max_pages: int = MAX_PDF_PAGES) -> tuple[str, ...]:
    """The text of each page of a PDF (the first ``max_pages`` pages), e.g. to verify page citations.

    Cached for the last 32 PDFs: citations, the emulator and its token counting read the same fetched
    PDF again on every turn of a conversation. Only complete reads are cached: a read cut short by the
    time bound raises instead of caching a partial page list.

    Raises:
        ContentError: the bytes are not a readable PDF, it needs a password, or reading it timed out
            (``unavailable``).
    """
    if b"%PDF-" not in data[:1024]:
        raise ContentError(Problem("unsupported_content_type", "not a PDF (no %PDF- header)"))
    result = read_pdf(data, max_pages=max_pages, timeout=DEFAULT_PDF_TIMEOUT)
    if isinstance(result, Problem):
        raise ContentError(result)
    timed_out = [note for note in result.notes if note.startswith("pdf_timeout")]
    if timed_out:
        raise ContentError(Problem("unavailable", timed_out[0]))
    return result.pages


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
    for line in text.split("\n"):
        stripped = line.strip().lstrip("#").strip()
        if stripped:
            return stripped if len(stripped) <= MAX_TEXT_TITLE_CHARS else None
    return None
