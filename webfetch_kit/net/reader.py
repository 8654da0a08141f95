"""Reading fetched bytes under a time bound: reading's pure slow step, run where it can be killed.

:mod:`webfetch_kit.reading` is pure and bounded in *work* (markup, element and page caps) but not in time:
trafilatura's own timeout only applies to its command line, and pypdf has had infinite-loop advisories
(a 71 KB PDF whose 100 pages share one 19 MB content stream keeps a core busy for over an hour). This
module is the one place that decides how extraction work runs:

* **In the pool** (:mod:`webfetch_kit.net.pool`, one worker process per core): PDFs always (their size
  says nothing about their cost), and HTML unless the inline rule below applies. The worker runs
  :meth:`~webfetch_kit.reading.extract.Reading.run` under the time bound; at the bound it hands back
  ``Reading.document(stopped)`` (HTML: the visible text, noted ``extraction_timeout`` and
  ``fallback_body_text``; PDF: the pages read so far, noted ``pdf_timeout``) and is killed and replaced.
  A worker that cannot even answer (native code holding its GIL) is killed after the pool's grace, and
  the same fallback is built here from an unread :class:`~webfetch_kit.reading.extract.Reading` (HTML:
  the visible text; PDF: ``unavailable``, "could not be opened"), as it is when no worker became free.
  A worker that *died* (a crash in native code) makes the read ``unavailable``: reading the same bytes
  here could crash the caller's process.
* **Counted where it was read.** :func:`read_counted` also counts the document's tokens
  (:func:`~webfetch_kit.tokens.count_tokens`), and a worker that read the page counts them there, beside
  the slow step and under the same bound: on trafilatura's evaluation pages counting is 2.6 ms of a
  page's 42 ms in ``text`` mode and 7.2 ms of 24 ms in ``api`` mode (whose Markdown keeps the whole
  page), work that would otherwise fall on the one parent process that also does every page's HTTP.
  What the worker did not count (an inline read, a fallback built at the bound) is counted here.
* **Inline**, in the calling thread: plain text (no slow step), and HTML of at most
  :data:`INLINE_HTML_BYTES` while no worker is warm (has finished starting), so that a single small fetch in a
  fresh kernel does not wait a worker's start-up. Such a read cannot overrun by much: see the constant.
  When reads overlap (``fetch_many``) the pool is started, and once a worker is warm every HTML read
  goes to it, so the cores are used.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from ..errors import ContentError, TokenizerError
from ..problem import Problem
from ..reading.extract import Document, ExtractMode, Reading, start_reading
from ..reading.pdf import MAX_PDF_PAGES, PdfReading, PdfResult
from ..tokens import count_tokens
from .pool import ExtractionPool, PoolAnswer

__all__ = [
    "DEFAULT_HTML_TIMEOUT",
    "DEFAULT_PDF_TIMEOUT",
    "INLINE_HTML_BYTES",
    "pdf_page_texts",
    "read_bounded",
    "read_counted",
    "shared_pool",
]

DEFAULT_HTML_TIMEOUT = 5.0
"""Seconds trafilatura may take before the visible text is used instead."""
DEFAULT_PDF_TIMEOUT = 20.0
"""Seconds pypdf may take; the pages read by then are kept."""

INLINE_HTML_BYTES = 16 * 1024
"""HTML bodies up to this size are read inline while no pool worker is warm.

Measured with ``bench/bench_pool.py`` on 2 cores: a cold worker's start-up (a fresh interpreter importing
trafilatura, lxml and pypdf) to its first answer 0.48-0.49 s (1.9 s on a busy machine), a warm job's round
trip 0.30 ms more than inline, the 25 corpus pages of ≤ 16 KB 6.1-6.8 ms/page inline against 8.2-9.6
ms/page through the pool: a cold start costs 70-80 small pages, so a lone small fetch must not wait for
it. The densest markup of this size (an element every 8 bytes, ~2,000 elements) reads inline in
0.19-0.27 s, far inside the 5 s bound, so an inline read cannot overrun its bound by much; above this size
markup can approach the element caps where trafilatura takes seconds, and only the pool can stop it.
"""

# What a worker imports before it is ready, so that its first job pays no import.
_WARM = ("webfetch_kit.net.reader", "trafilatura", "pypdf", "html_to_markdown", "lxml.html")

_shared: ExtractionPool | None = None
_shared_lock = threading.Lock()
_in_flight = 0


def shared_pool() -> ExtractionPool:
    """The process's extraction pool (one worker per core), made on first use; fetchers share it."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ExtractionPool(warm=_WARM)
        return _shared


@contextmanager
def _counted() -> Iterator[int]:
    """How many reads are in progress, this one included."""
    global _in_flight
    with _shared_lock:
        _in_flight += 1
        now = _in_flight
    try:
        yield now
    finally:
        with _shared_lock:
            _in_flight -= 1


# --- jobs (run in a worker process; see webfetch_kit.net.worker) -----------------------------------


@dataclass
class _Read:
    """What a read job hands back: the document, and its token count when the job was asked to count.

    ``tokens`` is None when the job did not count (not asked, or its bound came first: the caller counts
    then); ``tokenizer_failure`` is the encoder's complaint, raised again in the caller
    as the :class:`~webfetch_kit.errors.TokenizerError` it was.
    """

    document: Document | Problem
    tokens: int | None = None
    tokenizer_failure: str | None = None


@dataclass
class _ReadJob:
    """One body read in a worker: the fast steps at construction, the slow one in :meth:`run`."""

    reading: Reading | Problem
    count: bool = False
    _done: Document | Problem | None = None
    _tokens: int | None = None
    _failure: str | None = None

    def run(self) -> None:
        if not isinstance(self.reading, Reading):
            return
        self.reading.run()
        if self.count:  # inside the slow step, so under the same time bound
            self._done = self.reading.document()
            if isinstance(self._done, Document):
                try:
                    self._tokens = int(count_tokens(self._done.text))
                except TokenizerError as exc:
                    self._failure = str(exc)

    def finish(self, stopped: str | None) -> _Read:
        if isinstance(self.reading, Problem):
            return _Read(self.reading)
        if self._done is not None:
            # The reading finished (the bound may have cut only the count short: then the caller counts).
            # Each field is set only once complete, so what is here can be handed back as it is.
            read = _Read(self._done, self._tokens, self._failure)
        else:
            read = _Read(self.reading.document(stopped))
        if isinstance(read.document, Document) and read.document.source_bytes is not None:
            # The parent has the bytes: not sent back.
            read.document = replace(read.document, source_bytes=None)
        return read


def _read_job(body: bytes, content_type: str, url: str, mode: ExtractMode, count: bool = False) -> _ReadJob:
    return _ReadJob(start_reading(body, content_type, url, mode=mode), count)


@dataclass
class _PdfJob:
    reading: PdfReading

    def run(self) -> None:
        self.reading.run()

    def finish(self, stopped: str | None) -> PdfResult | Problem:
        return self.reading.result(stopped)


def _pdf_job(data: bytes, max_pages: int) -> _PdfJob:
    return _PdfJob(PdfReading(data, max_pages))


# --- the parent's side ---------------------------------------------------------------------------


def read_bounded(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    html_timeout: float = DEFAULT_HTML_TIMEOUT,
    pdf_timeout: float = DEFAULT_PDF_TIMEOUT,
    pool: ExtractionPool | None = None,
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
        pool: the worker processes to use; default :func:`shared_pool`.

    Returns:
        The document, or the problem (``unsupported_content_type``, ``url_not_accessible``,
        ``unavailable``).
    """
    return _read(body, content_type, url, mode, html_timeout, pdf_timeout, pool, count=False).document


def read_counted(
    body: bytes,
    content_type: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    html_timeout: float = DEFAULT_HTML_TIMEOUT,
    pdf_timeout: float = DEFAULT_PDF_TIMEOUT,
    pool: ExtractionPool | None = None,
) -> tuple[Document, int] | Problem:
    """:func:`read_bounded` and the document's :func:`~webfetch_kit.tokens.count_tokens`, counted where
    the document was read (in the worker, when the pool read it). Same arguments.

    Raises:
        TokenizerError: the offline encoder failed on the document's text (wherever it was counted).
    """
    read = _read(body, content_type, url, mode, html_timeout, pdf_timeout, pool, count=True)
    if isinstance(read.document, Problem):
        return read.document
    if read.tokenizer_failure is not None:
        raise TokenizerError(read.tokenizer_failure)
    tokens = read.tokens if read.tokens is not None else int(count_tokens(read.document.text))
    return read.document, tokens


def _read(
    body: bytes,
    content_type: str,
    url: str,
    mode: ExtractMode,
    html_timeout: float,
    pdf_timeout: float,
    pool: ExtractionPool | None,
    *,
    count: bool,
) -> _Read:
    workers = pool if pool is not None else shared_pool()
    with workers.acquire(), _counted() as reads:
        if reads > 1:
            workers.start()  # reads overlap: the cores are worth a worker's start-up
        if len(body) <= INLINE_HTML_BYTES and not workers.warm:
            reading = start_reading(body, content_type, url, mode=mode)
            if isinstance(reading, Problem) or reading.kind == "text":
                return _Read(reading if isinstance(reading, Problem) else reading.document())
            if reading.kind == "html":
                reading.run()
                return _Read(reading.document())
        # A text body above the inline size goes too: the worker types it, and it has no slow step.
        pdf = _looks_like_pdf(body, content_type)
        timeout = pdf_timeout if pdf else html_timeout
        label = f"{timeout:.3g} s"
        args = (body, content_type, url, mode, count)
        answer = workers.run(_read_job, args, timeout=timeout, label=label, heavy=pdf)
        if answer.status in ("done", "stopped"):
            read: _Read = answer.value
            if isinstance(read.document, Document) and read.document.is_pdf:
                read.document = replace(read.document, source_bytes=body)
            return read
        return _Read(_without_a_worker(answer, body, content_type, url, mode, label))


def _looks_like_pdf(body: bytes, content_type: str) -> bool:
    # Only picks the time bound and the pool's heavy lane; the worker decides the type (reading.sniff).
    return b"%PDF-" in body[:1024] or "pdf" in content_type.lower()


def _without_a_worker(
    answer: PoolAnswer, body: bytes, content_type: str, url: str, mode: ExtractMode, label: str
) -> Document | Problem:
    if answer.status == "lost":
        return Problem("unavailable", f"the extraction worker ended while reading this body: {answer.detail}")
    # killed or no_worker: the slow step did not finish (or never ran); the unread reading's fallback.
    reading = start_reading(body, content_type, url, mode=mode)
    if isinstance(reading, Problem):
        return reading
    return reading.document(None if reading.kind == "text" else label)


@functools.lru_cache(maxsize=32)
def pdf_page_texts(
    data: bytes,
    *,
    max_pages: int = MAX_PDF_PAGES,
    timeout: float = DEFAULT_PDF_TIMEOUT,
    pool: ExtractionPool | None = None,
) -> tuple[str, ...]:
    """The text of each page of a PDF (the first ``max_pages`` pages), e.g. to verify page citations.

    Read in the extraction pool (``pool``, default :func:`shared_pool`) under ``timeout``. Cached for the
    last 32 PDFs: citations, the emulator and its token counting read the same fetched PDF again on every
    turn of a conversation. Only complete reads are cached: a read cut short by the time bound raises
    instead of caching a partial page list.

    Raises:
        ContentError: the bytes are not a readable PDF, it needs a password, or reading it took longer
            than ``timeout`` seconds (``unavailable``).
    """
    if pool is None:
        pool = shared_pool()
    if b"%PDF-" not in data[:1024]:
        raise ContentError(Problem("unsupported_content_type", "not a PDF (no %PDF- header)"))
    label = f"{timeout:.3g} s"
    answer = pool.run(_pdf_job, (data, max_pages), timeout=timeout, label=label, heavy=True)
    if answer.status == "lost":
        raise ContentError(Problem("unavailable", f"the PDF reader ended while reading: {answer.detail}"))
    result: PdfResult | Problem = (
        answer.value if answer.status in ("done", "stopped") else PdfReading(data, max_pages).result(label)
    )
    if isinstance(result, Problem):
        raise ContentError(result)
    timed_out = [note for note in result.notes if note.startswith("pdf_timeout")]
    if timed_out:
        raise ContentError(Problem("unavailable", timed_out[0]))
    return result.pages
