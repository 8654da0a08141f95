"""Reading under a time bound (webfetch_kit.net.reader): reading's slow step in killable worker processes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile_pdf import FIRST_PAGE_TEXT, hostile_pdf
from pool_support import let_workers_import_this_folder

from webfetch_kit import tokens
from webfetch_kit.errors import ContentError, TokenizerError
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.net.reader import _WARM, INLINE_HTML_BYTES, pdf_page_texts, read_bounded, read_counted
from webfetch_kit.problem import Problem
from webfetch_kit.reading.extract import Document, extract_document
from webfetch_kit.tokens import count_tokens

ROOT = Path(__file__).resolve().parents[2]
PAPERS = ROOT / "data" / "corpus" / "papers.example.net"
ARTICLE = ROOT / "tests" / "fixtures" / "extract" / "article.html"
WEB_FETCH = ROOT / "data" / "corpus" / "docs.example.com" / "guide" / "web-fetch.html"


@pytest.fixture
def pool() -> Iterator[ExtractionPool]:
    """A one-worker pool of this test's own, held warm for the test."""
    workers = ExtractionPool(1)
    with workers.acquire():
        yield workers
    assert workers.pids == ()


def warm_pid(pool: ExtractionPool) -> int:
    """Start the worker and wait until it has read a real PDF; its process id."""
    pdf_page_texts((PAPERS / "tide-pools.pdf").read_bytes() + b"\n% warm-up copy\n", pool=pool, timeout=60)
    (pid,) = pool.pids
    return pid


def _tide_log() -> bytes:
    # 20,000 paragraphs: under the element cap, but trafilatura needs seconds for them.
    paragraphs = "".join(
        f"<p>Paragraph {i} of the tide log, with some text in it.</p>" for i in range(20_000)
    )
    return f"<html><head><title>Tide log</title></head><body>{paragraphs}</body></html>".encode()


def test_an_overrunning_extraction_gives_the_noted_fallback() -> None:
    doc = read_bounded(_tide_log(), "text/html", html_timeout=0.01, mode="text")
    assert not isinstance(doc, Problem)
    assert doc.note("extraction_timeout") == "extraction_timeout: trafilatura took longer than 0.01 s"
    assert doc.used_fallback
    assert doc.title == "Tide log"
    assert doc.text.startswith("Paragraph 0 of the tide log, with some text in it.\nParagraph 1 of")


@pytest.mark.parametrize("path", [ARTICLE, WEB_FETCH], ids=["inline-sized", "pool-sized"])
def test_a_finished_extraction_is_the_pure_one(pool: ExtractionPool, path: Path) -> None:
    body = path.read_bytes()
    for mode in ("text", "api"):
        assert read_bounded(body, "text/html", url="https://x.example/a", mode=mode, pool=pool) == (
            extract_document(body, "text/html", "https://x.example/a", mode=mode)
        )
    assert read_bounded(b"\x89PNG\r\n\x1a\n", "image/png", pool=pool) == Problem(
        "unsupported_content_type",
        "content type image/png is not supported (only text and PDF are supported)",
    )


def test_small_html_is_read_inline_while_no_worker_is_warm_and_large_html_starts_one(
    pool: ExtractionPool,
) -> None:
    small = ARTICLE.read_bytes()
    assert len(small) <= INLINE_HTML_BYTES < WEB_FETCH.stat().st_size
    assert isinstance(read_bounded(small, "text/html", mode="text", pool=pool), Document)
    assert pool.pids == ()  # no worker was started for it
    assert isinstance(read_bounded(WEB_FETCH.read_bytes(), "text/html", mode="text", pool=pool), Document)
    assert len(pool.pids) == 1


def test_a_pdf_comes_back_with_its_bytes(pool: ExtractionPool) -> None:
    body = (PAPERS / "tide-pools.pdf").read_bytes()
    doc = read_bounded(body, "application/pdf", pool=pool)
    assert doc == extract_document(body, "application/pdf")
    assert isinstance(doc, Document) and doc.source_bytes == body


def test_pdf_page_texts_matches_document_pages() -> None:
    body = (PAPERS / "token-budgets.pdf").read_bytes()
    assert pdf_page_texts(body) == extract_document(body, "application/pdf").pages
    with pytest.raises(ContentError) as caught:
        pdf_page_texts(ARTICLE.read_bytes())
    assert caught.value.error_code == "unsupported_content_type"


def test_an_overrunning_pdf_keeps_the_pages_read_and_its_worker_is_killed(pool: ExtractionPool) -> None:
    old = warm_pid(pool)
    doc = read_bounded(hostile_pdf(light_first=True), "application/pdf", pdf_timeout=3, pool=pool)
    assert isinstance(doc, Document)
    assert doc.pages == (FIRST_PAGE_TEXT,)
    assert doc.note("pdf_timeout") == "pdf_timeout: text extracted from 1 of 100 pages in 3 s"
    assert not Path(f"/proc/{old}").exists()  # killed, not left running for an hour
    # The slot has a fresh worker: an ordinary page is read in full.
    page = read_bounded(WEB_FETCH.read_bytes(), "text/html", mode="text", pool=pool)
    assert isinstance(page, Document) and not page.has_note("extraction_timeout")
    assert pool.pids != (old,)


def test_a_timed_out_pdf_read_raises_and_is_not_cached(pool: ExtractionPool) -> None:
    original = (PAPERS / "tide-pools.pdf").read_bytes()
    data = original + b"\n% a copy with its own cache key\n"
    warm_pid(pool)
    # The only worker is busy with a PDF that never finishes: the read cannot start, so it is cut short
    # by its time bound for sure.
    busy = threading.Thread(
        target=read_bounded, args=(hostile_pdf(), "application/pdf"), kwargs={"pdf_timeout": 2, "pool": pool}
    )
    busy.start()
    try:
        while not any(slot.busy for slot in pool._slots):
            threading.Event().wait(0.01)
        with pytest.raises(ContentError) as caught:
            pdf_page_texts(data, timeout=0.05, pool=pool)
    finally:
        busy.join()
    assert caught.value.problem == Problem("unavailable", "the PDF could not be opened within 0.05 s")
    assert pdf_page_texts(data, pool=pool) == pdf_page_texts(original, pool=pool)
    assert len(pdf_page_texts(data, pool=pool)) > 1


def test_a_pdf_that_never_finishes_raises_with_the_pages_it_got(pool: ExtractionPool) -> None:
    warm_pid(pool)
    with pytest.raises(ContentError) as caught:
        pdf_page_texts(hostile_pdf(light_first=True), timeout=3, pool=pool)
    assert caught.value.problem == Problem(
        "unavailable", "pdf_timeout: text extracted from 1 of 100 pages in 3 s"
    )


# --- counted where it was read -------------------------------------------------------------------


@pytest.fixture
def broken_worker_pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExtractionPool]:
    """A one-worker pool whose worker imported ``broken_tokenizer``: every count made there fails."""
    let_workers_import_this_folder(monkeypatch)
    workers = ExtractionPool(1, warm=(*_WARM, "broken_tokenizer"))
    with workers.acquire():
        yield workers
    assert workers.pids == ()


@pytest.mark.parametrize("path", [ARTICLE, WEB_FETCH], ids=["inline-sized", "pool-sized"])
def test_read_counted_gives_the_document_and_its_count(pool: ExtractionPool, path: Path) -> None:
    body = path.read_bytes()
    for mode in ("text", "api"):
        expected = extract_document(body, "text/html", "https://x.example/a", mode=mode)
        assert isinstance(expected, Document)
        counted = read_counted(body, "text/html", url="https://x.example/a", mode=mode, pool=pool)
        assert counted == (expected, int(count_tokens(expected.text)))
    assert read_counted(b"\x89PNG\r\n\x1a\n", "image/png", pool=pool) == Problem(
        "unsupported_content_type",
        "content type image/png is not supported (only text and PDF are supported)",
    )


def test_a_page_read_in_a_worker_is_counted_there(broken_worker_pool: ExtractionPool) -> None:
    # The worker's tokenizer is broken, this process's is not: the failure can only come from there.
    assert len(WEB_FETCH.read_bytes()) > INLINE_HTML_BYTES  # read in the worker, warm or not
    with pytest.raises(TokenizerError) as caught:
        read_counted(WEB_FETCH.read_bytes(), "text/html", mode="api", pool=broken_worker_pool)
    assert str(caught.value) == "the worker's packaged encoding is damaged"
    # read_bounded does not count: the same worker reads the same page.
    assert read_bounded(WEB_FETCH.read_bytes(), "text/html", mode="api", pool=broken_worker_pool) == (
        extract_document(WEB_FETCH.read_bytes(), "text/html", mode="api")
    )


def test_a_fallback_built_at_the_bound_is_counted_by_the_caller(
    broken_worker_pool: ExtractionPool,
) -> None:
    # Stopped at its bound, the worker hands back the visible text uncounted; it is counted here (the
    # broken worker tokenizer is never asked).
    counted = read_counted(_tide_log(), "text/html", html_timeout=0.01, mode="text", pool=broken_worker_pool)
    assert not isinstance(counted, Problem)
    document, count = counted
    assert document.note("extraction_timeout") == "extraction_timeout: trafilatura took longer than 0.01 s"
    assert count == int(count_tokens(document.text)) > 200_000


def test_an_inline_read_is_counted_in_this_process(
    pool: ExtractionPool, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(text: str) -> list[int]:
        raise TokenizerError("this process's encoding is damaged")

    monkeypatch.setattr(tokens, "_encode", broken)
    assert not pool.warm and len(ARTICLE.read_bytes()) <= INLINE_HTML_BYTES
    with pytest.raises(TokenizerError) as caught:
        read_counted(ARTICLE.read_bytes(), "text/html", mode="text", pool=pool)
    assert str(caught.value) == "this process's encoding is damaged"
    assert pool.pids == ()  # read (and counted) inline: no worker was started


def test_a_bound_that_cuts_only_the_count_keeps_the_finished_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker's job as the worker runs it (here in this process): the reading finished, the count was
    # still going when the bound came: the finished main text comes back, uncounted, for the caller to
    # count, rather than the visible-text fallback noted extraction_timeout.
    from webfetch_kit.net import reader

    counting, release = threading.Event(), threading.Event()

    def slow_count(text: str) -> int:
        counting.set()
        release.wait()
        return 0

    monkeypatch.setattr(reader, "count_tokens", slow_count)
    job = reader._read_job(ARTICLE.read_bytes(), "text/html", "", "text", True)
    running = threading.Thread(target=job.run)
    running.start()
    try:
        counting.wait()
        read = job.finish("5 s")
    finally:
        release.set()
        running.join()
    assert read.document == extract_document(ARTICLE.read_bytes(), "text/html", mode="text")
    assert (read.tokens, read.tokenizer_failure) == (None, None)
