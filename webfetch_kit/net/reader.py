"""Reading fetched bytes under a time bound: reading's pure slow step, run on net's bounded workers.

:mod:`webfetch_kit.reading` is pure and bounded in *work* (markup, element and page caps) but not in time:
trafilatura's own timeout only applies to its command line, and pypdf has had infinite-loop advisories.
Here the slow step (:meth:`~webfetch_kit.reading.extract.Reading.run`) runs on a capped daemon worker
(:func:`~webfetch_kit.net.bounded.run_on_worker`); when it overruns, the reading gives its noted fallback
(HTML: the visible text) or the pages read so far (PDF). This module is the one place that decides how
extraction work is run, so replacing the thread workers (by a killable process pool, say) is local to it.
"""

from __future__ import annotations

import functools

from ..errors import ContentError
from ..problem import Problem
from ..reading.extract import Document, ExtractMode, start_reading
from ..reading.pdf import MAX_PDF_PAGES, PdfReading
from .bounded import EXTRACTION_SLOTS, run_on_worker

__all__ = ["DEFAULT_HTML_TIMEOUT", "DEFAULT_PDF_TIMEOUT", "pdf_page_texts", "read_bounded"]

DEFAULT_HTML_TIMEOUT = 5.0
"""Seconds trafilatura may take before the visible text is used instead."""
DEFAULT_PDF_TIMEOUT = 20.0
"""Seconds pypdf may take; the pages read by then are kept."""


def read_bounded(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "text",
    html_timeout: float = DEFAULT_HTML_TIMEOUT,
    pdf_timeout: float = DEFAULT_PDF_TIMEOUT,
) -> Document | Problem:
    """:func:`~webfetch_kit.reading.extract.extract_document`, with its slow step under a time bound.

    Args:
        body: the raw response body (already de-compressed).
        content_type: the ``Content-Type`` header value; may be empty.
        url: the URL the body came from.
        mode: how HTML becomes text (``"api"``, ``"main"``, ``"text"``; see ``extract_document``).
        html_timeout: seconds to wait for trafilatura (or the Markdown converter) before falling back
            to the visible text (noted ``extraction_timeout`` and ``fallback_body_text``).
        pdf_timeout: seconds to wait for pypdf (the pages read by then are kept, noted ``pdf_timeout``;
            ``unavailable`` when the file could not even be opened).

    Returns:
        The document, or the problem (``unsupported_content_type``, ``url_not_accessible``,
        ``unavailable``).
    """
    reading = start_reading(body, content_type, url, mode=mode)
    if isinstance(reading, Problem):
        return reading
    if reading.kind == "text":
        return reading.document()
    timeout = pdf_timeout if reading.kind == "pdf" else html_timeout
    worker = run_on_worker(reading.run, timeout, slots=EXTRACTION_SLOTS, name=f"webfetch-kit-{reading.kind}")
    if worker.error is not None:  # reading.run reports bad input itself; anything else is a bug
        raise worker.error
    return reading.document(None if worker.finished else f"{timeout:g} s")


@functools.lru_cache(maxsize=32)
def pdf_page_texts(
    data: bytes, *, max_pages: int = MAX_PDF_PAGES, timeout: float = DEFAULT_PDF_TIMEOUT
) -> tuple[str, ...]:
    """The text of each page of a PDF (the first ``max_pages`` pages), e.g. to verify page citations.

    Cached for the last 32 PDFs: citations, the emulator and its token counting read the same fetched
    PDF again on every turn of a conversation. Only complete reads are cached: a read cut short by the
    time bound raises instead of caching a partial page list.

    Raises:
        ContentError: the bytes are not a readable PDF, it needs a password, or reading it took longer
            than ``timeout`` seconds (``unavailable``).
    """
    if b"%PDF-" not in data[:1024]:
        raise ContentError(Problem("unsupported_content_type", "not a PDF (no %PDF- header)"))
    reading = PdfReading(data, max_pages)
    worker = run_on_worker(reading.run, timeout, slots=EXTRACTION_SLOTS, name="webfetch-kit-pdf")
    if worker.error is not None:
        raise worker.error
    result = reading.result(None if worker.finished else f"{timeout:g} s")
    if isinstance(result, Problem):
        raise ContentError(result)
    timed_out = [note for note in result.notes if note.startswith("pdf_timeout")]
    if timed_out:
        raise ContentError(Problem("unavailable", timed_out[0]))
    return result.pages
