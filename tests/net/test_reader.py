"""Reading under a time bound (webfetch_kit.net.reader): reading's slow step on net's bounded workers."""

from __future__ import annotations

from pathlib import Path

import pytest

from webfetch_kit.errors import ContentError
from webfetch_kit.net.bounded import EXTRACTION_SLOTS
from webfetch_kit.net.reader import pdf_page_texts, read_bounded
from webfetch_kit.problem import Problem
from webfetch_kit.reading.extract import extract_document

ROOT = Path(__file__).resolve().parents[2]
PAPERS = ROOT / "data" / "corpus" / "papers.example.net"
ARTICLE = ROOT / "tests" / "fixtures" / "extract" / "article.html"


def _tide_log() -> bytes:
    # 20,000 paragraphs: under the element cap, but trafilatura needs seconds for them.
    paragraphs = "".join(
        f"<p>Paragraph {i} of the tide log, with some text in it.</p>" for i in range(20_000)
    )
    return f"<html><head><title>Tide log</title></head><body>{paragraphs}</body></html>".encode()


def test_an_overrunning_extraction_gives_the_noted_fallback() -> None:
    doc = read_bounded(_tide_log(), "text/html", html_timeout=0.01)
    assert not isinstance(doc, Problem)
    assert doc.note("extraction_timeout") == "extraction_timeout: trafilatura took longer than 0.01 s"
    assert doc.used_fallback
    assert doc.title == "Tide log"
    assert doc.text.startswith("Paragraph 0 of the tide log, with some text in it.\nParagraph 1 of")


def test_a_finished_extraction_is_the_pure_one() -> None:
    body = ARTICLE.read_bytes()
    assert read_bounded(body, "text/html", url="https://x.example/a") == extract_document(
        body, "text/html", "https://x.example/a"
    )
    assert read_bounded(b"\x89PNG\r\n\x1a\n", "image/png") == Problem(
        "unsupported_content_type",
        "content type image/png is not supported (only text and PDF are supported)",
    )


def test_pdf_page_texts_matches_document_pages() -> None:
    body = (PAPERS / "token-budgets.pdf").read_bytes()
    assert pdf_page_texts(body) == extract_document(body, "application/pdf").pages
    with pytest.raises(ContentError) as caught:
        pdf_page_texts(ARTICLE.read_bytes())
    assert caught.value.error_code == "unsupported_content_type"


def test_a_timed_out_pdf_read_raises_and_is_not_cached() -> None:
    original = (PAPERS / "tide-pools.pdf").read_bytes()
    data = original + b"\n% a copy with its own cache key\n"
    # Every extraction slot held: the read cannot start, so it is cut short by its time bound for sure.
    held = [EXTRACTION_SLOTS.acquire(timeout=5) for _ in range(8)]
    try:
        assert all(held)
        with pytest.raises(ContentError) as caught:
            pdf_page_texts(data, timeout=0.05)
    finally:
        for _ in held:
            EXTRACTION_SLOTS.release()
    assert caught.value.problem == Problem("unavailable", "the PDF could not be opened within 0.05 s")
    assert pdf_page_texts(data) == pdf_page_texts(original)
    assert len(pdf_page_texts(data)) > 1
