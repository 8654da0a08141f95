"""Citations: rows, the document-index rule, verification and the HTML report, on fixture responses.

The fixtures (tests/fixtures/citations/*.json, rebuilt by make_fixtures.py there) are responses in the
SDK's shape; each test loads its response into ``anthropic.types.Message`` first.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import fields
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from anthropic.types import Message, MessageParam
from pydantic import TypeAdapter
from tide_search import tide_search

from webfetch_kit.citations import (
    CitationReport,
    CitationRow,
    citation_report,
    citations_of,
    documents_in,
    render_html,
    verify,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "citations"
ROOT = Path(__file__).resolve().parents[2]


def load(name: str) -> tuple[Message, list[dict[str, Any]]]:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Message.model_validate(fixture["response"]), fixture["conversation"]


class _Marks(HTMLParser):
    """Collects every <mark>: (id, data-cites, title, text), and every id in the page."""

    def __init__(self) -> None:
        super().__init__()
        self.marks: list[dict[str, str]] = []
        self.ids: list[str] = []
        self._open: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "mark":
            self._open = {**attributes, "text": ""}

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._open is not None:
            self.marks.append(self._open)
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open["text"] += data


def marks_of(page: str) -> _Marks:
    parser = _Marks()
    parser.feed(page)
    return parser


def cited_by(marks: _Marks, number: int) -> str:
    """The source text marked for citation ``number``, its pieces joined in page order."""
    return "".join(m["text"] for m in marks.marks if str(number) in m["data-cites"].split())


# ---------------------------------------------------------------------------------------------------
# Fixtures have the SDK's shape


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_fixture_is_an_sdk_message_and_request(path: Path) -> None:
    fixture = json.loads(path.read_text(encoding="utf-8"))
    message = Message.model_validate(fixture["response"])
    assert message.type == "message" and message.role == "assistant"
    TypeAdapter(list[MessageParam]).validate_python(fixture["conversation"])


def test_pdf_fixture_holds_the_corpus_pdf_when_present() -> None:
    import base64

    message, _ = load("pdf_fetch")
    data = base64.b64decode(message.model_dump()["content"][1]["content"]["content"]["source"]["data"])
    assert data.startswith(b"%PDF-")
    corpus = ROOT / "data" / "corpus" / "papers.example.net" / "tide-pools.pdf"
    if corpus.exists():
        assert data == corpus.read_bytes(), "rebuild with tests/fixtures/citations/make_fixtures.py"


# ---------------------------------------------------------------------------------------------------
# Rows


def test_rows_of_the_documented_example() -> None:
    message, conversation = load("documented_example")
    (row,) = citations_of(message, conversation)
    assert row == CitationRow(
        number=1,
        block_index=4,
        citation_index=0,
        text="the main argument presented is that artificial intelligence will transform healthcare",
        type="char_location",
        document_index=0,
        document_title="Article Title",
        url="https://example.com/article",
        start=1234,
        end=1456,
        unit="char",
        cited_text="Artificial intelligence is poised to revolutionize healthcare delivery...",
    )


def test_message_dict_and_block_list_give_the_same_rows() -> None:
    message, conversation = load("two_fetches")
    as_dict = message.model_dump()
    rows = citations_of(message, conversation)
    assert citations_of(as_dict, conversation) == rows
    assert citations_of(as_dict["content"], conversation) == rows
    assert [r.number for r in rows] == [1, 2, 3, 4, 5]
    assert [r.citation_index for r in rows] == [0, 0, 1, 0, 0]


def test_data_frame_columns() -> None:
    message, conversation = load("mismatches")
    frame = citations_of(message, conversation, as_frame=True)
    assert list(frame.columns) == [f.name for f in fields(CitationRow)]
    assert frame["type"].tolist() == ["char_location"] * 3 + ["web_search_result_location"] * 2
    assert frame["url"].tolist()[3:] == [
        "https://docs.example.com/tides",
        "https://elsewhere.example.com/moon",
    ]
    empty = citations_of([{"type": "text", "text": "no citations"}], as_frame=True)
    assert list(empty.columns) == list(frame.columns) and len(empty) == 0


def test_rejects_what_is_not_a_message() -> None:
    with pytest.raises(TypeError, match="expected an anthropic Message"):
        citations_of(42)


# ---------------------------------------------------------------------------------------------------
# The document-index rule


def test_two_fetches_in_one_turn_are_documents_0_and_1() -> None:
    message, conversation = load("two_fetches")
    documents = documents_in(message, conversation)
    assert [(d.index, d.title, d.url) for d in documents] == [
        (0, "How tides work", "https://docs.example.com/tides"),
        (1, "Release notes 2.0", "https://blog.example.org/release-notes"),
    ]
    assert [d.origin for d in documents] == [
        "web_fetch_tool_result at response.content[2]",
        "web_fetch_tool_result at response.content[4]",
    ]
    assert documents[0].retrieved_at == "2025-08-25T10:30:00Z"


def test_earlier_turn_documents_come_first() -> None:
    message, conversation = load("earlier_turn")
    documents = documents_in(message, conversation)
    assert [(d.title, d.url, d.origin) for d in documents] == [
        ("Harbour field guide", None, "document at messages[0].content[0]"),
        (
            "Tide tables",
            "https://docs.example.com/tide-tables",
            "web_fetch_tool_result at messages[1].content[1]",
        ),
        (
            "Harbour notice",
            "https://docs.example.com/harbour-notice",
            "web_fetch_tool_result at response.content[1]",
        ),
    ]
    assert [r.url for r in citations_of(message, conversation)] == [
        None,
        "https://docs.example.com/tide-tables",
        "https://docs.example.com/harbour-notice",
    ]
    assert [r.status for r in verify(message, conversation)] == ["ok", "ok", "ok"]


def test_a_conversation_that_already_holds_the_response_is_cut_before_it() -> None:
    message, conversation = load("earlier_turn")
    appended = [*conversation, message.to_param(), {"role": "user", "content": "Thanks."}]
    assert documents_in(message, appended) == documents_in(message, conversation)


def test_without_the_earlier_turns_the_numbers_point_elsewhere() -> None:
    message, _ = load("earlier_turn")
    results = verify(message)
    assert [r.status for r in results] == ["mismatch", "unresolved", "unresolved"]
    assert "names the document 'Harbour field guide', found 'Harbour notice'" in results[0].detail


def test_documents_inside_tool_results_are_counted() -> None:
    message, conversation = load("earlier_turn")
    tool_turn = [
        {"role": "user", "content": [{"type": "text", "text": "look"}]},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "read", "input": {}}],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": [
                        {"type": "text", "text": "here"},
                        {
                            "type": "document",
                            "source": {"type": "text", "media_type": "text/plain", "data": "x"},
                        },
                    ],
                }
            ],
        },
    ]
    documents = documents_in(message, [*tool_turn, *conversation])
    assert documents[0].origin == "document in tool_result at messages[2].content[0].content[1]"
    assert [d.title for d in documents[1:]] == ["Harbour field guide", "Tide tables", "Harbour notice"]


# ---------------------------------------------------------------------------------------------------
# Verification


def test_documented_example_as_printed_does_not_verify() -> None:
    message, conversation = load("documented_example")
    (result,) = verify(message, conversation)
    assert result.status == "mismatch"
    assert result.expected == ""
    assert result.actual == "Artificial intelligence is poised to revolutionize healthcare delivery..."
    assert result.detail == "characters 1234–1456 are outside the document (35 characters)"


def test_documented_example_with_a_real_article_verifies() -> None:
    message, conversation = load("documented_example_consistent")
    (result,) = verify(message, conversation)
    assert result.ok, result.detail
    assert result.document is not None and result.document.text is not None
    start, end = result.citation.start, result.citation.end
    assert result.document.text[start:end] == result.actual == result.expected


def test_mismatches_are_reported_with_expected_and_actual() -> None:
    message, conversation = load("mismatches")
    results = verify(message, conversation)
    assert [r.status for r in results] == ["ok", "mismatch", "unresolved", "ok", "mismatch"]
    shifted = results[1]
    assert shifted.actual == "Neap tides come a week later, when the Sun and Moon pull at right angles."
    assert shifted.expected == "tides come a week later, when the Sun and Moon pull at right angles. Loca"
    assert shifted.detail == (
        "text[320:393] differs from cited_text; the cited text occurs at characters 315–388"
    )
    assert results[2].detail == "there is no document 3 (found 1 in the conversation and response)"
    assert results[4].detail == "https://elsewhere.example.com/moon is not among the web search results"


def test_pdf_page_citations() -> None:
    message, conversation = load("pdf_fetch")
    (document,) = documents_in(message, conversation)
    assert document.pages is not None and len(document.pages) == 4
    assert document.media_type == "application/pdf"
    results = verify(message, conversation)
    assert [r.status for r in results] == ["ok", "ok", "mismatch"]
    # The page text breaks lines where the cited text has spaces: compared whitespace-normalised.
    assert "\n" in document.pages[1] and "\n" not in results[0].actual
    assert results[0].detail == "cited text found on page 2 (whitespace-normalised)"
    assert results[1].detail == "cited text found on pages 3–4 (whitespace-normalised)"
    assert results[2].detail == "cited text not found on page 1; it occurs on page 3"
    assert results[2].expected == document.pages[0]


def test_page_range_outside_the_pdf_is_a_mismatch() -> None:
    message, conversation = load("pdf_fetch")
    response = message.model_dump()
    citation = response["content"][2]["citations"][0]
    citation["start_page_number"], citation["end_page_number"] = 4, 7
    (result, *_) = verify(Message.model_validate(response), conversation)
    assert result.status == "mismatch"
    assert result.detail == "pages 4–7 (end exclusive) are not a page range of this 4-page PDF"


def test_content_block_citations() -> None:
    message, conversation = load("content_blocks")
    (document,) = documents_in(message, conversation)
    assert document.media_type == "content" and document.blocks is not None and len(document.blocks) == 3
    results = verify(message, conversation)
    assert [r.status for r in results] == ["ok", "mismatch"]
    assert results[1].expected == "Step three: store it coiled."
    assert results[1].detail == "block 2 of document 0 differs from cited_text"


# ---------------------------------------------------------------------------------------------------
# HTML


def test_overlapping_spans_list_every_citation_that_covers_a_piece() -> None:
    message, conversation = load("two_fetches")
    marks = marks_of(render_html(message, conversation))
    by_text = {m["text"]: m["data-cites"] for m in marks.marks}
    assert by_text["a bulge on the side of the Earth facing it. "] == "1 2"
    assert by_text["A second bulge"] == "2 3"
    assert "wfk-multi" in next(m["class"] for m in marks.marks if m["data-cites"] == "1 2")
    for row in citations_of(message, conversation):
        assert cited_by(marks, row.number) == row.cited_text


def test_adjacent_spans_stay_separate() -> None:
    message, conversation = load("two_fetches")
    page = render_html(message, conversation)
    marks = marks_of(page)
    assert not any({"3", "4"} <= set(m["data-cites"].split()) for m in marks.marks)
    third = [m for m in marks.marks if m["data-cites"] == "3"][-1]
    fourth = next(m for m in marks.marks if m["data-cites"] == "4")
    assert third["text"].endswith("water. ") and fourth["text"].startswith("Spring tides")
    # Nothing but citation 4's anchor lies between the end of 3 and the start of 4.
    between = page.split(third["text"] + "</mark>", 1)[1].split("<mark", 1)[0]
    assert re.fullmatch(r'<a class="wfk-anchor" id="[^"]+-s4" [^>]*>\[4\]</a>', between)


class _Text(HTMLParser):
    """Every tag opened in a page and its text (entities decoded), outside ``<style>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text += data


def text_of(page: str) -> _Text:
    parser = _Text()
    parser.feed(page)
    return parser


def test_source_html_is_escaped() -> None:
    message, conversation = load("two_fetches")
    response = message.model_dump()
    response["content"][4]["content"]["content"]["title"] = '<script>alert("title")</script>'
    page = render_html(response, conversation, show_full=True)
    assert "<script" not in page.lower()
    parsed = text_of(page)
    assert {"script", "b", "i"}.isdisjoint(parsed.tags)
    assert '<script src="widget.js"></script>' in parsed.text
    assert "<b>bold</b> & <i>italic</i>" in parsed.text
    assert 'Document 1: <script>alert("title")</script>' in parsed.text


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "{{ 7 * 7 }}", "{% raw %}x{# y"])
def test_markup_and_template_syntax_in_a_source_show_as_text(hostile: str, cited_document: Any) -> None:
    # Source text and titles are data, never template source: neither HTML nor Jinja syntax in them
    # is interpreted (a template that rendered them as source would print 49 for {{ 7 * 7 }}).
    text = f"Intro. The cited part {hostile} ends here. Outro."
    start, end = text.index("The cited"), text.index(" Outro.")
    response, conversation = cited_document(
        text, start, end, title=f"Title {hostile}", claim=f"It says {hostile}."
    )
    for page in (render_html(response, conversation), render_html(response, conversation, show_full=True)):
        parsed = text_of(page)
        assert "script" not in parsed.tags
        assert f"Document 0: Title {hostile}" in parsed.text
        assert f"It says {hostile}." in parsed.text
        assert cited_by(marks_of(page), 1) == text[start:end]
        assert "49" not in parsed.text
    (result,) = verify(response, conversation)
    assert result.status == "ok"


def test_html_is_self_contained() -> None:
    for name in ("two_fetches", "pdf_fetch", "mismatches"):
        message, conversation = load(name)
        page = render_html(message, conversation)
        assert page.count("<style>") == 1
        for external in ("<script", "<link", "<img", "<iframe", "@import", "url(", 'src="', "@font-face"):
            assert external not in page.lower(), (name, external)


def test_ids_are_unique_and_every_marker_has_its_target() -> None:
    message, conversation = load("mismatches")
    page = render_html(message, conversation)
    ids = marks_of(page).ids
    assert len(ids) == len(set(ids))
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in ids


def test_marks_carry_their_verification_status() -> None:
    message, conversation = load("mismatches")
    page = render_html(message, conversation)
    marks = marks_of(page)
    assert marks.marks
    for mark in marks.marks:
        assert re.match(r"\[\d+\] (ok|mismatch|unresolved|unverifiable): ", mark["title"])
    (shifted,) = [m for m in marks.marks if m["data-cites"] == "2"]
    assert "wfk-bad" in shifted["class"] and shifted["title"].startswith("[2] mismatch: text[320:393]")
    assert "wfk-bad" not in next(m for m in marks.marks if m["data-cites"] == "1")["class"]
    # The answer flags the mismatch and the list shows the cited text against the source.
    assert re.search(r'<sup class="wfk-marker wfk-bad" id="[^"]+-a2"><a [^>]*>⚠\[2\]</a></sup>', page)
    assert "<q>tides come a week later, when the Sun and Moon pull at right angles. Loca</q>" in page
    assert '<span class="wfk-badge">unresolved</span>' in page


def test_long_sources_show_context_windows() -> None:
    message, conversation = load("documented_example_consistent")
    (row,) = citations_of(message, conversation)
    assert row.start is not None and row.start > 500
    short = render_html(message, conversation, context_chars=50)
    assert "Hospitals have always run on paperwork" not in short
    assert "Regulators are catching up" not in short
    assert short.count('<span class="wfk-gap">…</span>') == 2
    assert "one abandoned its pilot." in short  # within 50 characters before the span
    full = render_html(message, conversation, show_full=True)
    assert "Hospitals have always run on paperwork" in full and "Regulators are catching up" in full
    assert '<span class="wfk-gap">' not in full


def test_pdf_sources_show_page_numbers_and_cited_text() -> None:
    message, conversation = load("pdf_fetch")
    page = render_html(message, conversation, context_chars=40)
    assert re.findall(r'<span class="wfk-page">Page (\d)</span>', page) == ["1", "2", "4"]
    marks = marks_of(page)
    rows = citations_of(message, conversation)
    assert " ".join(cited_by(marks, 1).split()) == rows[0].cited_text
    assert " ".join(cited_by(marks, 2).split()) == rows[1].cited_text
    assert cited_by(marks, 3) == ""  # not on the pages it names: flagged, not marked
    assert re.search(r'<a class="wfk-anchor wfk-bad" id="[^"]+-s3"', page)


def test_web_search_citations_are_listed_as_quoted_sources() -> None:
    message, conversation = load("mismatches")
    marks = marks_of(render_html(message, conversation))
    assert cited_by(marks, 4) == "Tides rise and fall twice a day on most coasts."
    assert cited_by(marks, 5) == "The Moon is 384,400 km away."


def test_report_object_displays_in_notebooks() -> None:
    message, conversation = load("mismatches")
    report = citation_report(message, conversation)
    assert isinstance(report, CitationReport)
    assert report._repr_html_() == render_html(message, conversation)
    assert not report.ok
    assert str(report) == "CitationReport(5 citations: 2 mismatch, 2 ok, 1 unresolved)"
    good, conversation = load("earlier_turn")
    assert citation_report(good, conversation).ok


def test_negative_context_is_refused() -> None:
    message, conversation = load("two_fetches")
    with pytest.raises(ValueError, match="context_chars must be >= 0, got -1"):
        render_html(message, conversation, context_chars=-1)


def test_rendering_does_not_change_the_input() -> None:
    message, conversation = load("two_fetches")
    before = copy.deepcopy(conversation), message.model_dump()
    render_html(message, conversation)
    assert (conversation, message.model_dump()) == before


# ---------------------------------------------------------------------------------------------------
# Malformed citations are mismatches, never exceptions

_SOURCE = "Alpha beta gamma. Delta epsilon zeta."


@pytest.fixture
def malformed_case(cited_document: Any) -> Any:
    """``malformed_case(**changes)``: a response citing "Delta epsilon zeta." of ``_SOURCE``, changed."""
    return lambda **changes: cited_document(_SOURCE, 18, 37, **changes)


def test_the_well_formed_case_verifies(malformed_case: Any) -> None:
    response, conversation = malformed_case()
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == ("ok", "cited text equals text[18:37]")


@pytest.mark.parametrize(
    ("changes", "status", "detail"),
    [
        ({"start_char_index": "18"}, "mismatch", "start_char_index is '18' (a str), not an integer"),
        ({"start_char_index": None}, "mismatch", "start_char_index is None, not an integer"),
        ({"start_char_index": 18.0}, "mismatch", "start_char_index is 18.0 (a float), not an integer"),
        ({"start_char_index": True}, "mismatch", "start_char_index is True (a bool), not an integer"),
        ({"end_char_index": -1}, "mismatch", "end_char_index is -1, below 0"),
        ({"end_char_index": ...}, "mismatch", "it has no end_char_index"),
        (
            {"start_char_index": 30, "end_char_index": 20},
            "mismatch",
            "start_char_index 30 is after end_char_index 20",
        ),
        (
            {"start_char_index": "18", "end_char_index": None},
            "mismatch",
            "start_char_index is '18' (a str), not an integer; end_char_index is None, not an integer",
        ),
        ({"document_index": "0"}, "mismatch", "document_index is '0' (a str), not an integer"),
        ({"document_index": False}, "mismatch", "document_index is False (a bool), not an integer"),
        ({"document_index": 0.0}, "mismatch", "document_index is 0.0 (a float), not an integer"),
        ({"document_index": None}, "mismatch", "document_index is None, not an integer"),
        ({"document_index": -1}, "mismatch", "document_index is -1, below 0"),
        ({"cited_text": None}, "mismatch", "cited_text is None, not a string"),
        ({"cited_text": ...}, "mismatch", "it has no cited_text"),
        (
            {"type": "page_location", "start_page_number": 0, "end_page_number": 1},
            "mismatch",
            "start_page_number is 0, below 1 (pages are numbered from 1)",
        ),
        (
            {"type": "content_block_location", "start_block_index": "0", "end_block_index": 1},
            "mismatch",
            "start_block_index is '0' (a str), not an integer",
        ),
    ],
    ids=lambda v: repr(v) if isinstance(v, dict) else None,
)
def test_malformed_indices_are_mismatches(
    changes: dict[str, Any], status: str, detail: str, malformed_case: Any
) -> None:
    response, conversation = malformed_case(**changes)
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == (status, f"malformed citation: {detail}")
    assert result.expected is None
    # Only integers reach the row; the page and the viewer render it (the source it names is shown).
    row = citations_of(response, conversation)[0]
    assert all(value is None or type(value) is int for value in (row.start, row.end, row.document_index))
    page = render_html(response, conversation)
    assert f"malformed citation: {detail}" in text_of(page).text
    assert re.search(r'<sup class="wfk-marker wfk-bad" id="[^"]+-a1">', page)


def test_a_document_index_past_the_last_document_is_unresolved(malformed_case: Any) -> None:
    response, conversation = malformed_case(document_index=1)
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == (
        "unresolved",
        "there is no document 1 (found 1 in the conversation and response)",
    )
    render_html(response, conversation)


def test_a_citation_that_is_not_an_object_is_a_mismatch(malformed_case: Any) -> None:
    response, conversation = malformed_case()
    response[0]["citations"].insert(0, "see above")
    first, second = verify(response, conversation)
    assert (first.status, first.detail) == (
        "mismatch",
        "malformed citation: a citation is an object, got str 'see above'",
    )
    assert second.status == "ok" and second.citation.number == 2
    assert "see above" not in text_of(render_html(response, conversation)).text.split("Citations")[0]


@pytest.mark.parametrize(
    ("index", "status", "detail"),
    [
        ("0", "mismatch", "malformed citation: search_result_index is '0' (a str), not an integer"),
        (True, "mismatch", "malformed citation: search_result_index is True (a bool), not an integer"),
        (-1, "mismatch", "malformed citation: search_result_index is -1, below 0"),
        (3, "unresolved", "there is no search_result 3"),
        (0, "ok", "cited text equals block 0"),
    ],
)
def test_search_result_indices(index: Any, status: str, detail: str) -> None:
    response, conversation = tide_search(search_result_index=index)
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == (status, detail)
    render_html(response, conversation)
