"""Tests for webfetch_kit.reading.extract: type sniffing, charsets, HTML main text, PDFs, bounds and errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from webfetch_kit.errors import ContentError
from webfetch_kit.problem import Problem
from webfetch_kit.reading.extract import (
    PAGE_SEPARATOR,
    Document,
    extract_document,
    page_of_offset,
    page_spans,
    start_reading,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"
PAPERS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "papers.example.net"
ARTICLE_URL = "https://blog.example.org/2024/03/tidal-power-severn"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def paper(name: str) -> bytes:
    path = PAPERS / name
    if not path.exists():
        pytest.skip(f"corpus PDF {name} not built (run scripts/make_corpus_pdfs.py)")
    return path.read_bytes()


# --- HTML -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def article() -> Document:
    return extract_document(fixture("article.html"), "text/html; charset=utf-8", ARTICLE_URL, mode="text")


def test_article_main_text_and_title(article: Document) -> None:
    assert article.kind == "html"
    assert article.media_type == "text/plain"
    assert article.source_bytes is None
    assert article.pages == ()
    assert article.url == ARTICLE_URL
    assert article.charset == "utf-8"
    assert article.title == "Tidal power stations return to the Severn estuary"
    assert article.text.startswith("After forty years of feasibility studies")
    assert "The estuary has the second-highest tidal range in the world" in article.text
    assert "“If you only ever build one, you pay for the learning every time,”" in article.text
    assert article.text.rstrip().endswith("before the lagoon is fully enclosed.")
    # tables are kept
    assert "Cardiff–Weston barrage" in article.text
    assert not article.javascript_only
    assert not article.used_fallback
    assert article.note("charset_source") == "charset_source: header"


@pytest.mark.parametrize(
    "boilerplate",
    [
        "About us",  # navigation
        "Skip to content",
        "We use cookies",  # cookie banner
        "Get the weekly briefing",  # sidebar
        "Solar panels from",  # advert
        "birdwatcher_77",  # comments
        "Leave a Reply",
        "Registered in England and Wales",  # footer
        "Previous: Offshore wind auction",  # post navigation
        "gtag(",  # scripts
    ],
)
def test_article_drops_boilerplate(article: Document, boilerplate: str) -> None:
    assert boilerplate not in article.text


def test_no_main_content_falls_back_to_visible_body_text_with_a_note() -> None:
    doc = extract_document(fixture("parked.html"), "text/html", mode="text")
    assert doc.used_fallback
    assert doc.text == (
        "This domain has been registered and is parked free of charge. "
        "The owner has not yet published a website here."
    )
    assert doc.title == "harbour-tides.example – this domain is parked"


def test_javascript_only_page_is_noted_and_near_empty() -> None:
    doc = extract_document(fixture("js_only.html"), "text/html", "https://app.example.com/")
    assert doc.javascript_only
    assert doc.has_note("javascript_only")
    assert len(doc.text) < 200
    assert "function" not in doc.text
    assert doc.title == "Acme Dashboard"


@pytest.mark.parametrize("name", ["article.html", "parked.html", "charset_shift_jis.html"])
def test_static_pages_are_not_javascript_only(name: str) -> None:
    assert not extract_document(fixture(name), "text/html").javascript_only


# --- plain text -------------------------------------------------------------------------------------


def test_plain_text_kept_as_is_with_newlines_normalised() -> None:
    body = fixture("latin1_minutes.txt")
    assert b"\r\n" in body
    doc = extract_document(body, "text/plain; charset=windows-1252")
    assert doc.kind == "text"
    assert doc.media_type == "text/plain"
    assert "\r" not in doc.text
    assert doc.text == body.decode("cp1252").replace("\r\n", "\n")
    assert doc.title == "Minutes of the harbour committee"
    assert doc.charset == "cp1252"
    assert doc.note("charset_source") == "charset_source: header"


def test_markdown_is_text_with_heading_title() -> None:
    doc = extract_document(fixture("notes.md"), "text/markdown; charset=utf-8")
    assert doc.kind == "text"
    assert doc.text == fixture("notes.md").decode("utf-8")
    assert doc.title == "Release notes for harbour-tides 2.4"


def test_text_title_is_none_when_first_line_is_long() -> None:
    doc = extract_document(fixture("long_first_line.txt"), "text/plain")
    assert doc.title is None


# --- sniffing: header and bytes together ------------------------------------------------------------


def test_pdf_served_as_html_is_a_pdf() -> None:
    body = paper("tide-pools.pdf")
    doc = extract_document(body, "text/html; charset=utf-8")
    assert doc.kind == "pdf"
    assert doc.media_type == "application/pdf"
    assert doc.note("content_type_mismatch") == "content_type_mismatch: declared text/html, body is pdf"


@pytest.mark.parametrize("content_type", ["application/octet-stream", "", "binary/octet-stream"])
def test_pdf_without_useful_content_type_is_sniffed(content_type: str) -> None:
    assert extract_document(paper("tide-pools.pdf"), content_type).kind == "pdf"


def test_declared_pdf_with_junk_before_header_is_a_pdf() -> None:
    body = b"\r\n<!-- served by cms -->\r\n" + paper("tide-pools.pdf")
    doc = extract_document(body, "application/pdf")
    assert doc.kind == "pdf"
    assert doc.has_note("pdf_header_after_junk")
    assert doc.source_bytes == body


def test_html_served_as_pdf_is_html() -> None:
    doc = extract_document(fixture("article.html"), "application/pdf")
    assert doc.kind == "html"
    assert doc.title == "Tidal power stations return to the Severn estuary"
    assert (
        doc.note("content_type_mismatch") == "content_type_mismatch: declared application/pdf, body is html"
    )


def test_html_served_as_text_plain_stays_text() -> None:
    body = fixture("article.html")
    doc = extract_document(body, "text/plain; charset=utf-8")
    assert doc.kind == "text"
    assert doc.text == body.decode("utf-8")
    assert doc.has_note("html_markup_in_text")


def test_html_without_content_type_is_sniffed() -> None:
    doc = extract_document(fixture("article.html"), "")
    assert doc.kind == "html"
    assert doc.has_note("content_type_sniffed")


def test_json_served_as_text_plain_is_text() -> None:
    doc = extract_document(fixture("data.json"), "text/plain")
    assert doc.kind == "text"
    assert doc.text == fixture("data.json").decode()


@pytest.mark.parametrize(
    ("name", "content_type", "detail"),
    [
        ("data.json", "application/json", "content type application/json is not supported"),
        ("data.json", "text/html; charset=utf-8", "declared text/html but the body is JSON"),
        ("pixel.png", "image/png", "content type image/png is not supported"),
        ("pixel.png", "text/html", "declared text/html but the body is PNG image"),
        ("pixel.png", "text/plain", "declared text/plain but the body is PNG image"),
        (
            "pixel.png",
            "application/octet-stream",
            "declared application/octet-stream and the body is PNG image",
        ),
        (
            "blob.bin",
            "application/octet-stream",
            "declared application/octet-stream and the body is binary data",
        ),
        ("blob.bin", "", "declared (none) and the body is binary data"),
        ("blob.bin", "text/html", "declared text/html but the body is binary data"),
        (
            "notes.md",
            "application/pdf",
            "declared application/pdf but the body is not a PDF (no %PDF- header)",
        ),
        ("notes.md", "audio/mpeg", "content type audio/mpeg is not supported"),
    ],
)
def test_unsupported_content_types(name: str, content_type: str, detail: str) -> None:
    with pytest.raises(ContentError) as caught:
        extract_document(fixture(name), content_type)
    assert caught.value.error_code == "unsupported_content_type"
    assert caught.value.reason == f"{detail} (only text and PDF are supported)"


# --- charsets ---------------------------------------------------------------------------------------


def test_windows_1252_from_meta_http_equiv() -> None:
    # the page says iso-8859-1 and uses cp1252 curly quotes and euro signs, as browsers allow
    doc = extract_document(fixture("charset_windows1252.html"), "text/html")
    assert doc.charset == "cp1252"
    assert doc.note("charset_source") == "charset_source: meta"
    assert doc.title == "Café Müller – Nos recettes préférées"
    assert "le “café crème” se boit lentement" in doc.text
    assert "4,50 € la part" in doc.text
    assert "Les œufs viennent de la ferme de l’Abbaye" in doc.text


def test_wrong_header_charset_falls_through_to_meta() -> None:
    doc = extract_document(fixture("charset_windows1252.html"), "text/html; charset=utf-8")
    assert doc.charset == "cp1252"
    assert doc.note("charset_source") == "charset_source: meta"
    assert doc.has_note("charset_wrong")
    assert "4,50 € la part" in doc.text


def test_shift_jis_from_meta() -> None:
    doc = extract_document(fixture("charset_shift_jis.html"), "text/html", mode="text")
    assert doc.charset == "cp932"
    assert doc.title == "京都の紅葉と古い寺院"
    assert "永観堂の紅葉は今年も見事で" in doc.text
    assert "ホーム" not in doc.text  # navigation


def test_shift_jis_from_header() -> None:
    doc = extract_document(fixture("charset_shift_jis.html"), "text/html; charset=Shift_JIS")
    assert doc.note("charset_source") == "charset_source: header"
    assert "南禅寺の水路閣" in doc.text


def test_bom_outranks_a_wrong_header() -> None:
    doc = extract_document(fixture("utf8_bom.html"), "text/html; charset=iso-8859-1")
    assert doc.charset == "utf-8"
    assert doc.note("charset_source") == "charset_source: bom"
    assert doc.title == "Résumé of the Łódź meeting"
    assert "Attendees from Kraków, Gdańsk and Poznań" in doc.text
    assert "\ufeff" not in doc.text


def test_undeclared_legacy_text_is_detected() -> None:
    doc = extract_document(fixture("latin1_minutes.txt"), "text/plain")
    assert doc.charset == "cp1252"
    assert doc.note("charset_source") == "charset_source: detected"
    assert "Mr Søren Ødegård (chair), Mme Hélène Lefèvre, Herr Jürgen Groß, Sr. José Muñoz." in doc.text


def test_undeclared_utf8_is_detected() -> None:
    doc = extract_document(fixture("notes.md"), "text/markdown")
    assert doc.charset == "utf-8"
    assert doc.note("charset_source") == "charset_source: detected"


def _utf8_page_with_a_stray_latin1_byte(meta: bool) -> bytes:
    # A UTF-8 page whose template kept one Latin-1 "ä" (0xE4) in a script comment.
    head = '<meta charset="utf-8">' if meta else ""
    page = (
        f"<html><head>{head}<title>Mäscot, das Schaf</title></head><body><article>"
        "<p>Mäscot ist ein weißes Schaf aus Wolle, gefüllt mit Füllwatte und großer Sorgfalt.</p>"
        "<p>Es steht gern auf der grünen Wiese, frisst Gänseblümchen und blökt leise.</p>"
        "</article><script>/* M\udce4scot Breit */</script></body></html>"
    )
    return page.encode("utf-8", "surrogateescape")


@pytest.mark.parametrize(("meta", "source"), [(True, "meta"), (False, "detected")])
def test_utf8_with_a_stray_byte_stays_utf8(meta: bool, source: str) -> None:
    # Not the single-byte charset charset-normalizer guesses for the whole body (iso8859-14, cp1250...).
    doc = extract_document(_utf8_page_with_a_stray_latin1_byte(meta), "text/html", mode="text")
    assert doc.charset == "utf-8"
    assert doc.note("charset_source") == f"charset_source: {source}"
    assert doc.note("charset_replaced") == (
        "charset_replaced: 1 undecodable byte sequence(s) replaced with U+FFFD using utf-8"
    )
    assert not doc.has_note("charset_wrong")
    assert doc.title == "Mäscot, das Schaf"
    assert "frisst Gänseblümchen und blökt leise." in doc.text


def test_a_legacy_page_declared_utf8_is_not_mostly_utf8() -> None:
    # Every non-ASCII byte of a cp1252 page fails as UTF-8: the declaration is wrong, detection decides.
    page = "<html><head><meta charset='utf-8'><title>Café Müller</title></head><body>"
    page += "<p>Le café crème se boit lentement, à la française, près de la fenêtre.</p>" * 5
    doc = extract_document((page + "</body></html>").encode("cp1252"), "text/html", mode="text")
    assert doc.charset == "cp1252"
    assert doc.note("charset_wrong") == ("charset_wrong: meta declares 'utf-8' but the bytes are not utf-8")
    assert not doc.has_note("charset_replaced")
    assert doc.title == "Café Müller"


# --- bounds: pathological HTML ----------------------------------------------------------------------


def _megabytes_of_tags() -> bytes:
    return ("<html><body>" + "<span><b><i>x</i></b></span>" * 200_000 + "</body></html>").encode()


def test_pathological_page_is_capped_and_bounded_in_work() -> None:
    # The work is bounded by the caps (markup, elements), which the notes show; no clock needed.
    body = _megabytes_of_tags()
    assert len(body) > 5_000_000
    doc = extract_document(body, "text/html", mode="text")
    assert doc.note("html_truncated") == "html_truncated: markup capped at 2000000 characters (of 5600026)"
    assert doc.note("html_too_complex") == (
        "html_too_complex: more than 25000 elements; main-text extraction skipped"
    )
    assert doc.used_fallback
    assert doc.text.startswith("xxx")


def test_deep_nesting_and_attribute_soup_are_bounded_in_work() -> None:
    # Attribute soup skips trafilatura (its time grows with attributes): the work is bounded, not the wait.
    deep = "<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>"
    nested = extract_document(deep.encode(), "text/html", mode="text")
    # libxml2 stops nesting at 256 levels (the text below is lost): a small tree, an empty fallback.
    assert (nested.text, nested.notes) == (
        "",
        (
            "charset_source: detected",
            "fallback_body_text: visible text of <body> used instead of the main text",
        ),
    )
    attrs = " ".join(f'data-a{i}="{"v" * 40}"' for i in range(2_000))
    soup = "<html><body>" + f"<p {attrs}>para</p>" * 200 + "</body></html>"
    doc = extract_document(soup.encode(), "text/html", mode="text")
    assert doc.note("html_too_complex") == (
        "html_too_complex: more than 20000 attributes; main-text extraction skipped"
    )
    assert doc.has_note("html_truncated")  # 200 paragraphs of 100 KB: the first 18 fit the cap
    assert doc.used_fallback and doc.text == "\n".join(["para"] * 18)


def test_unclosed_scripts_are_stripped_in_one_pass() -> None:
    # An unclosed <script> swallows the rest of the page (as in a browser): one script, not 50,000.
    body = ("<html><body><p>Intro text.</p>" + "<script>var x = '<p>';" * 50_000).encode()
    from webfetch_kit.reading.html import _drop_raw_text

    markup, scripts = _drop_raw_text(body.decode())
    assert markup == "<html><body><p>Intro text.</p><script></script>"
    assert (scripts.count, scripts.external) == (1, 0)
    doc = extract_document(body, "text/html", mode="text")
    assert "var x" not in doc.text
    assert doc.text == "Intro text."


_ARTICLE_BODY = (
    "Schneiden Sie den Stoff zu einem Quadrat. Falten Sie ihn zweimal und zeichnen Sie mit einer Schnur "
    "einen Viertelkreis. Schneiden Sie entlang der Linie und säumen Sie den Rand mit kleinen Stichen."
)


def _page_with_json_ld(script_type: str) -> bytes:
    # The article is rendered by a script; the markup holds a heading, and JSON-LD holds the text.
    data = json.dumps(
        {"@context": "https://schema.org", "@type": "Article", "articleBody": _ARTICLE_BODY},
        ensure_ascii=False,
    )
    return (
        "<html><head><title>Runde Tischdecke</title>"
        f'<script type="{script_type}">{data}</script></head>'
        "<body><h1>Runde Tischdecke</h1><div id='app'></div><script src='/app.js'></script></body></html>"
    ).encode()


def test_json_ld_is_kept_for_trafilatura() -> None:
    # trafilatura reads a JSON-LD articleBody when the markup has little text: blanking it lost the article.
    doc = extract_document(_page_with_json_ld("application/ld+json"), "text/html", mode="text")
    assert doc.text == _ARTICLE_BODY
    assert not doc.used_fallback


def test_other_script_data_is_still_dropped() -> None:
    from webfetch_kit.reading.html import _drop_raw_text

    doc = extract_document(_page_with_json_ld("application/json"), "text/html", mode="text")
    assert "Schnur" not in doc.text
    markup, scripts = _drop_raw_text(_page_with_json_ld("application/ld+json").decode())
    assert _ARTICLE_BODY in markup and "app.js" in markup
    assert (scripts.count, scripts.external) == (2, 1)
    assert _drop_raw_text("<script TYPE='application/ld+json'>{}") == (
        "<script TYPE='application/ld+json'></script>",
        scripts.__class__(1, 2, 0),
    )


_TIDE_PARAGRAPHS = (
    "The tide comes in twice a day, pulled by the moon and, less strongly, by the sun.",
    "At spring tides the two pull together and the range between high and low water is greatest.",
    "At neap tides they pull at right angles and the range is smallest; harbours plan around both.",
)


def _tide_article(paragraphs: tuple[str, ...]) -> bytes:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    # The style pushes the body past the 1,445 bytes sniffed for binary data (a control byte there is binary).
    style = "<style>" + "p { margin: 0 }\n" * 100 + "</style>"
    page = (
        f"<html><head><title>Tides</title>{style}</head><body><nav><a href='/'>Home</a></nav><article>{body}"
    )
    return (page + "</article><footer>Contact</footer></body></html>").encode()


@pytest.mark.parametrize("character", ["\x07", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_control_characters_are_removed_before_trafilatura(character: str) -> None:
    # A BEL (U+0007) in a footnote made trafilatura's tree conversion fail: the page fell back to <body>.
    # U+FFFE and U+FFFF are looked for apart from the one-byte controls (see _without_invalid_xml_chars).
    bell = (_TIDE_PARAGRAPHS[0].replace(", pulled", f"{character}, pulled"), *_TIDE_PARAGRAPHS[1:])
    doc = extract_document(_tide_article(bell), "text/html", mode="text")
    assert not doc.used_fallback
    assert doc.text == "\n".join(_TIDE_PARAGRAPHS)


def test_main_text_is_nfc_as_trafilatura_returns_it() -> None:
    # "e" + COMBINING ACUTE ACCENT (as some editors write it) comes out as "é", as trafilatura.extract gives it.
    decomposed = ("Jane\u0301 Koos measured the tide at Saint-Male\u0301.", *_TIDE_PARAGRAPHS[1:])
    doc = extract_document(_tide_article(decomposed), "text/html", mode="text")
    assert doc.text.splitlines()[0] == "Jan\u00e9 Koos measured the tide at Saint-Mal\u00e9."


def test_a_stopped_html_reading_gives_the_noted_visible_text() -> None:
    # What the fetcher gets when trafilatura overruns its time bound (net.reader): no clock needed here.
    body = b"<html><head><title>Tide log</title></head><body><p>One.</p><p>Two.</p></body></html>"
    reading = start_reading(body, "text/html", mode="text")
    assert not isinstance(reading, Problem) and reading.kind == "html"
    doc = reading.document(stopped="0.25 s")
    assert not isinstance(doc, Problem)
    assert doc.note("extraction_timeout") == "extraction_timeout: trafilatura took longer than 0.25 s"
    assert doc.used_fallback
    assert (doc.title, doc.text) == ("Tide log", "One.\nTwo.")


def test_a_stopped_pdf_reading_keeps_the_pages_read_so_far() -> None:
    from webfetch_kit.reading.pdf import PdfReading

    reading = PdfReading(b"%PDF-1.7", pages=["only the first page"], page_count=5)
    result = reading.result(stopped="20 s")
    assert not isinstance(result, Problem)
    assert result.pages == ("only the first page",)
    assert result.notes == ("pdf_timeout: text extracted from 1 of 5 pages in 20 s",)
    unopened = PdfReading(b"%PDF-1.7").result(stopped="20 s")
    assert unopened == Problem("unavailable", "the PDF could not be opened within 20 s")


def test_reading_imports_no_threads_and_no_clock() -> None:
    import ast

    import webfetch_kit.reading as reading

    for path in Path(reading.__file__).parent.glob("*.py"):
        names = {
            alias.name.split(".")[0]
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
        }
        assert not names & {"threading", "time", "concurrent", "asyncio"}, path.name


def test_markup_cap_is_configurable() -> None:
    doc = extract_document(fixture("article.html"), "text/html", max_html_chars=4_000)
    assert doc.note("html_truncated") == (
        f"html_truncated: markup capped at 4000 characters (of {_stripped_length()})"
    )


def _stripped_length() -> int:
    from webfetch_kit.reading.html import _drop_raw_text

    return len(_drop_raw_text(fixture("article.html").decode())[0])


def test_a_100_kb_page_keeps_its_main_text() -> None:
    # Its extraction time is a benchmark (bench/bench_extract.py), not a test.
    html = fixture("article.html").decode()
    start, end = html.index('<div class="entry-content">'), html.index('<footer class="entry-footer">')
    body_part = html[start:end]
    copies = 100_000 // len(body_part)
    page = html[:end] + body_part * copies + html[end:]
    body = page.encode()
    assert 95_000 < len(body) < 130_000
    doc = extract_document(body, "text/html", ARTICLE_URL, mode="text")
    assert not doc.used_fallback
    assert "The estuary has the second-highest tidal range in the world" in doc.text


# --- PDF --------------------------------------------------------------------------------------------


def test_pdf_pages_text_and_source_bytes() -> None:
    body = paper("agents-that-fetch.pdf")
    doc = extract_document(body, "application/pdf", "https://papers.example.net/agents-that-fetch.pdf")
    assert doc.is_pdf
    assert doc.kind == "pdf"
    assert doc.media_type == "application/pdf"
    assert doc.source_bytes == body
    assert doc.charset is None
    assert doc.page_count == 6
    assert doc.title == "Agents That Fetch: Provenance Rules for Tool-Using Language Models"
    assert doc.pages[0].startswith("Agents That Fetch")
    assert "Abstract" in doc.pages[0]
    assert doc.text == PAGE_SEPARATOR.join(doc.pages)
    assert all("\f" not in page for page in doc.pages)
    assert doc.notes == ()


def test_pdf_source_bytes_round_trip_through_base64() -> None:
    import base64

    from pypdf import PdfReader

    body = paper("ssrf-survey.pdf")
    doc = extract_document(body, "application/pdf")
    assert doc.source_bytes is not None
    data = base64.standard_b64encode(doc.source_bytes).decode("ascii")
    assert data.startswith("JVBERi0")  # "%PDF-"
    decoded = base64.standard_b64decode(data)
    assert decoded == body
    assert len(PdfReader(io.BytesIO(decoded)).pages) == doc.page_count


def test_page_spans_and_page_of_offset() -> None:
    doc = extract_document(paper("agents-that-fetch.pdf"), "application/pdf")
    spans = page_spans(doc)
    assert len(spans) == doc.page_count
    for number, ((start, end), page) in enumerate(zip(spans, doc.pages, strict=True), start=1):
        assert doc.text[start:end] == page
        assert page_of_offset(doc, start) == number
        assert page_of_offset(doc, end - 1) == number
        assert page_of_offset(doc, end) == number  # the separator belongs to the page before it
    assert page_of_offset(doc, len(doc.text)) == doc.page_count
    sentence = doc.pages[3][10:60]
    assert page_of_offset(doc, doc.text.index(sentence)) == 4
    with pytest.raises(ValueError, match="outside the text"):
        page_of_offset(doc, len(doc.text) + 1)


def test_page_of_offset_needs_a_pdf(article: Document) -> None:
    with pytest.raises(ValueError, match="a html document has no pages"):
        page_of_offset(article, 0)
    assert page_spans(article) == ()


def test_pdf_page_cap_is_noted() -> None:
    doc = extract_document(paper("agents-that-fetch.pdf"), "application/pdf", max_pdf_pages=2)
    assert doc.page_count == 2
    assert doc.note("pdf_pages_capped") == "pdf_pages_capped: text extracted from the first 2 of 6 pages"
    assert doc.source_bytes == paper("agents-that-fetch.pdf")


def test_encrypted_pdf_needs_a_password() -> None:
    with pytest.raises(ContentError) as caught:
        extract_document(paper("encrypted.pdf"), "application/pdf")
    assert caught.value.error_code == "url_not_accessible"
    assert caught.value.reason == "the PDF is encrypted and needs a password to open"


def test_owner_password_only_pdf_opens() -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(paper("tide-pools.pdf"))))
    writer.encrypt(user_password="", owner_password="harbour", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    doc = extract_document(buffer.getvalue(), "application/pdf")
    assert doc.has_note("pdf_encrypted")
    assert doc.pages == extract_document(paper("tide-pools.pdf"), "application/pdf").pages


def test_truncated_pdf_is_a_clean_content_error() -> None:
    with pytest.raises(ContentError) as caught:
        extract_document(paper("truncated.pdf"), "application/pdf")
    assert caught.value.error_code == "unsupported_content_type"
    assert caught.value.reason.startswith("the PDF is damaged or truncated (")
    assert "Traceback" not in caught.value.reason
    assert len(caught.value.reason) < 250


def test_pdf_header_only_is_a_clean_content_error() -> None:
    body = paper("tide-pools.pdf")[:9]  # "%PDF-1.x\n"
    with pytest.raises(ContentError) as caught:
        extract_document(body, "application/pdf")
    assert caught.value.error_code == "unsupported_content_type"
    assert caught.value.reason.startswith("the PDF is")


# --- edges ------------------------------------------------------------------------------------------


def test_empty_html_body_is_an_empty_document() -> None:
    doc = extract_document(b"", "text/html; charset=utf-8")
    assert (doc.kind, doc.text, doc.title) == ("html", "", None)
    assert doc.has_note("empty_document")


def test_utf16_text_with_bom_is_text_not_binary() -> None:
    body = fixture("notes.md").decode("utf-8").encode("utf-16")  # BOM + little-endian
    doc = extract_document(body, "text/plain")
    assert doc.charset == "utf-16-le"
    assert doc.text == fixture("notes.md").decode("utf-8")


def test_importing_extract_loads_no_parser() -> None:
    import subprocess
    import sys

    code = (
        "import sys, webfetch_kit.reading.extract; "
        "print([m for m in ('trafilatura', 'pypdf', 'lxml', 'charset_normalizer') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_characters_that_grow_when_lowercased_do_not_shift_script_removal() -> None:
    # "İ".lower() is two characters long; the script's end must still be found in the page itself.
    body = (
        "<html><body><p>" + "İstanbul " * 30 + "</p><script>var secret = 1;</script>"
        "<p>Text after the script survives.</p></body></html>"
    ).encode()
    document = extract_document(body, "text/html; charset=utf-8")
    assert "Text after the script survives." in document.text
    assert "secret" not in document.text


def test_undeclared_utf16_with_a_byte_order_mark_is_text() -> None:
    body = b"\xff\xfe" + "Hello from a UTF-16 file.".encode("utf-16-le")
    assert extract_document(body, "").text == "Hello from a UTF-16 file."
    with pytest.raises(ContentError, match="binary data"):
        extract_document(b"\x00\x01\x02 not text", "")


# --- extraction modes ------------------------------------------------------------------------------

_MODES_PAGE = b"""<!doctype html><html><head><title>Tide tables</title></head><body>
<a href="#main">Skip to content</a>
<nav><a href="/">Home</a> <a href="guide/tides">Tides</a></nav>
<main id="main"><h1>Reading tide tables</h1>
<p>High water comes twice a day; see <a href="../charts/harbour.html">the harbour chart</a> for depths and
read the notes before you plan a walk on the flats at low water.</p>
<p><img src="img/tide.png" alt="A tide curve"></p>
<h2>In code</h2>
<pre><code class="language-python">def next_high(t):
    return t + 12.42</code></pre>
<p>The period is twelve hours and twenty-five minutes, so each high water comes later each day.</p>
</main></body></html>"""


def test_api_mode_is_the_whole_page_as_markdown_like_the_real_tool() -> None:
    doc = extract_document(_MODES_PAGE, "text/html", "https://docs.example.com/guide/", mode="api")
    assert doc.mode == "api" and doc.title == "Tide tables"
    assert doc.text.startswith("Tide tables\n\n[Skip to content](#main)\n\n[Home](/) [Tides](guide/tides)\n")
    assert "# Reading tide tables" in doc.text
    assert "[the harbour chart](../charts/harbour.html)" in doc.text  # relative hrefs as written
    assert "![A tide curve](img/tide.png)" in doc.text
    assert "```python\ndef next_high(t):\n    return t + 12.42\n```" in doc.text  # indentation kept
    assert "## In code" in doc.text


def test_main_mode_is_the_main_content_as_markdown_and_text_mode_is_plain() -> None:
    main = extract_document(_MODES_PAGE, "text/html", mode="main")
    assert main.mode == "main"
    assert "[the harbour chart](../charts/harbour.html)" in main.text
    assert "Skip to content" not in main.text
    text = extract_document(_MODES_PAGE, "text/html", mode="text")
    assert text.mode == "text"
    default = extract_document(_MODES_PAGE, "text/html")
    assert default.mode == "api"  # the real tool's shape is the default
    assert default.text.startswith(f"{default.title}\n\n") and "Skip to content" in default.text
    assert "the harbour chart for depths" in text.text and "](" not in text.text


def test_an_unknown_mode_is_a_config_error() -> None:
    from webfetch_kit.errors import ConfigError

    with pytest.raises(ConfigError, match=r"^mode must be one of \['api', 'main', 'text'\], got 'html'$"):
        extract_document(_MODES_PAGE, "text/html", mode="html")  # type: ignore[arg-type]


def test_the_markdown_converter_is_bounded_like_the_parser() -> None:
    # 100,000 nested divs: html-to-markdown stops at 256 levels (as libxml2 does) instead of recursing on.
    deep = ("<html><body>" + "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "</body></html>").encode()
    assert extract_document(deep, "text/html", mode="api").kind == "html"
    big = _megabytes_of_tags()
    doc = extract_document(big, "text/html", mode="api")
    assert doc.note("html_truncated") == ("html_truncated: markup capped at 2000000 characters (of 5600026)")
    assert not doc.has_note("html_too_complex")  # linear in the capped markup: no element cap needed
    assert doc.text.startswith("***x***")


# --- lean extraction: titles, lazy fallback, fast, text cap ------------------------------------------

_TWO_OG_TITLES = b"""<!doctype html><html><head>
<meta property="og:title" content="Tidal lagoons">
<meta property="og:title" content="Tidal lagoons - The Paradigm">
<title>Tidal lagoons - The Paradigm</title></head>
<body><h1>Tidal lagoons</h1><p>A lagoon holds the tide back behind a wall and lets it out through
turbines, so that it generates on both the flood and the ebb, four times a day.</p></body></html>"""


@pytest.mark.parametrize("mode", ["api", "main", "text"])
def test_two_og_titles_are_not_joined(mode: str) -> None:
    # The Open Graph protocol: "The first tag (from top to bottom) is given preference during conflicts."
    doc = extract_document(_TWO_OG_TITLES, "text/html", mode=mode)  # type: ignore[arg-type]
    assert doc.title == "Tidal lagoons"


def test_a_stopped_reading_takes_the_first_og_title() -> None:
    reading = start_reading(_TWO_OG_TITLES, "text/html", mode="text")
    assert not isinstance(reading, Problem)
    doc = reading.document(stopped="5 s")
    assert not isinstance(doc, Problem)
    assert doc.title == "Tidal lagoons"


def test_text_mode_title_comes_from_trafilaturas_title_steps() -> None:
    # One <h1>: trafilatura's extract_title takes it (as its metadata pass did); "api" keeps <title>.
    assert extract_document(_MODES_PAGE, "text/html", mode="text").title == "Reading tide tables"
    assert extract_document(_MODES_PAGE, "text/html", mode="api").title == "Tide tables"


def test_visible_text_is_built_only_for_the_fallback() -> None:
    reading = start_reading(fixture("article.html"), "text/html; charset=utf-8", ARTICLE_URL, mode="text")
    assert not isinstance(reading, Problem) and reading.html is not None
    reading.run()
    assert not isinstance(reading.document(), Problem)
    assert "visible" not in vars(reading.html)  # functools.cached_property: never computed
    stopped = reading.document(stopped="5 s")
    assert not isinstance(stopped, Problem) and stopped.used_fallback
    assert "visible" in vars(reading.html)


@pytest.mark.parametrize("fast", [True, False])
def test_fast_is_an_option_with_the_same_article_text(fast: bool) -> None:
    doc = extract_document(fixture("article.html"), "text/html", ARTICLE_URL, mode="text", fast=fast)
    assert doc.text.startswith("After forty years of feasibility studies")
    assert doc.text.rstrip().endswith("before the lagoon is fully enclosed.")
    assert doc.title == "Tidal power stations return to the Severn estuary"


def test_fast_is_off_by_default() -> None:
    # F1 no lower than plain trafilatura's (issue #12): see reading.html.FAST for the figures.
    from webfetch_kit.reading.html import FAST, HtmlReading

    reading = start_reading(fixture("article.html"), "text/html", mode="text")
    assert not isinstance(reading, Problem) and isinstance(reading.html, HtmlReading)
    assert FAST is False and reading.html.fast is False


def test_a_text_document_is_capped_like_html() -> None:
    body = b"a" * 2_000_001
    doc = extract_document(body, "text/plain", mode="text")
    assert len(doc.text) == 2_000_000
    assert doc.note("text_truncated") == "text_truncated: text capped at 2000000 characters (of 2000001)"
    assert doc.title is None  # the one line is longer than a title


def test_the_text_cap_is_configurable_and_counts_characters() -> None:
    body = ("Ødegård\r\n" * 10).encode("utf-8")
    doc = extract_document(body, "text/plain; charset=utf-8", mode="text", max_text_chars=25)
    assert doc.note("text_truncated") == "text_truncated: text capped at 25 characters (of 90)"
    assert doc.text == "Ødegård\nØdegård\nØdegård"  # 25 characters: capped before "\r\n" becomes "\n"
    assert doc.title == "Ødegård"
    assert not extract_document(body, "text/plain", mode="text").has_note("text_truncated")


def test_text_title_skips_blank_and_hash_only_lines() -> None:
    doc = extract_document(b"\n\n   \n###\n\n# Harbour notes\nbody", "text/markdown", mode="text")
    assert doc.title == "Harbour notes"


def test_api_mode_keeps_no_tree_beside_the_markdown_converter() -> None:
    # html-to-markdown copies the page; the lxml tree beside it took a 2 MB article past 30x the body
    # (bench/bench_memory.py). The title is read first; a stopped run still gets the visible text.
    from webfetch_kit.reading.html import HtmlReading, prepare_html

    page = "<html><head><title>Tide log</title></head><body><h1>Log</h1><p>One.</p><p>Two.</p></body></html>"
    reading = prepare_html(page, mode="api")
    assert isinstance(reading, HtmlReading)
    assert reading.tree is None
    assert reading.page_title == "Tide log"
    stopped = reading.result(stopped="5 s")
    assert (stopped.title, stopped.text) == ("Tide log", "Log\nOne.\nTwo.")
    assert stopped.notes == (
        "extraction_timeout: html-to-markdown took longer than 5 s",
        "fallback_body_text: visible text of <body> used instead of the main text",
    )
    reading.run()
    assert reading.result().text == "Tide log\n\n# Log\n\nOne.\n\nTwo."
    assert prepare_html(page, mode="text").tree is not None  # type: ignore[union-attr]
