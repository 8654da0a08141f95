"""CitationViewer on the SDK-typed citation fixtures: select each citation, read the highlighted source."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from anthropic.types import Message

from webfetch_kit.citations import normalize_whitespace
from webfetch_kit.widgets import CitationViewer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "citations"


def load(name: str) -> tuple[Message, list[dict[str, Any]]]:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Message.model_validate(fixture["response"]), fixture["conversation"]


class _Page(HTMLParser):
    """The text inside each <mark class="wfk-hl">, the status div's attributes, and all visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.highlights: list[dict[str, str]] = []
        self.status: dict[str, str] = {}
        self.text = ""
        self._mark: dict[str, str] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        classes = attributes.get("class", "").split()
        if tag == "mark" and "wfk-hl" in classes:
            self._mark = {**attributes, "text": ""}
        elif tag == "div" and "wfk-status" in classes:
            self.status = attributes
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._mark is not None:
            self.highlights.append(self._mark)
            self._mark = None
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            return
        self.text += data
        if self._mark is not None:
            self._mark["text"] += data


def page(value: str) -> _Page:
    parser = _Page()
    parser.feed(value)
    return parser


def highlighted(viewer: CitationViewer) -> str:
    return "".join(mark["text"] for mark in page(viewer.source_view.value).highlights)


def test_selecting_each_text_citation_highlights_exactly_its_cited_text() -> None:
    message, conversation = load("two_fetches")
    viewer = CitationViewer(message, conversation)
    numbers = [value for _, value in viewer.citation_list.options]
    assert numbers == [1, 2, 3, 4, 5]
    assert viewer.citation_list.value == 1
    for result in viewer.results:
        viewer.citation_list.value = result.citation.number
        assert viewer.selected == result
        source = page(viewer.source_view.value)
        assert highlighted(viewer) == result.citation.cited_text
        assert {mark["data-cites"] for mark in source.highlights} == {str(result.citation.number)}
        status = page(viewer.status_view.value).status
        assert (status["data-status"], status["data-number"]) == ("ok", str(result.citation.number))
        assert "verified" in viewer.status_view.value


def test_overlapping_citations_are_shown_one_at_a_time() -> None:
    message, conversation = load("two_fetches")
    viewer = CitationViewer(message, conversation)
    overlap = "a bulge on the side of the Earth facing it."
    for number in (1, 2):
        viewer.select(number)
        # Citations 1 and 2 overlap in the source; each view marks only its own span, in one piece
        # (render_html, showing both, splits it at the other citation's boundaries).
        (mark,) = page(viewer.source_view.value).highlights
        assert mark["text"] == viewer.results[number - 1].citation.cited_text
        assert overlap in mark["text"]


def test_source_text_is_escaped() -> None:
    message, conversation = load("two_fetches")
    viewer = CitationViewer(message, conversation)
    viewer.select(5)
    value = viewer.source_view.value
    assert "<script" not in value
    assert '<script src="widget.js"></script>' in page(value).text
    assert highlighted(viewer).startswith('The embed widget now ships as <script src="widget.js"></script>')


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "{{ 7 * 7 }}", "{% raw %}x{# y"])
def test_markup_and_template_syntax_show_as_text(hostile: str, cited_document: Any) -> None:
    text = f"Intro. The cited part {hostile} ends here."
    start = text.index("The cited")
    response, conversation = cited_document(
        text, start, len(text), title=f"Title {hostile}", claim=f"It says {hostile}."
    )
    viewer = CitationViewer(response, conversation)
    source, status = page(viewer.source_view.value), page(viewer.status_view.value)
    assert "<script" not in viewer.source_view.value + viewer.status_view.value
    assert f"Document 0: Title {hostile}" in source.text
    assert highlighted(viewer) == text[start:]
    assert f"Claim: It says {hostile}." in status.text
    assert "49" not in source.text + status.text
    assert viewer.citation_list.options[0][0].endswith(f"— Title {hostile}")


def test_pdf_page_citations_and_a_mismatch() -> None:
    message, conversation = load("pdf_fetch")
    viewer = CitationViewer(message, conversation)
    assert [r.status for r in viewer.results] == ["ok", "ok", "mismatch"]

    viewer.select(1)
    cited = viewer.results[0].citation.cited_text
    # PDF text breaks lines where the cited text has spaces: the mark holds the same words.
    assert normalize_whitespace(highlighted(viewer)) == cited
    assert "Page 2" in page(viewer.source_view.value).text
    assert "page 2" in page(viewer.status_view.value).text

    viewer.select(3)
    status = page(viewer.status_view.value)
    assert status.status["data-status"] == "mismatch"
    assert "cited text not found on page 1; it occurs on page 3" in status.text
    assert "cited: Mid-shore pools were richest: blennies hid under ledges," in status.text
    # Nothing on page 1 matches, so nothing is highlighted; the page is shown.
    assert page(viewer.source_view.value).highlights == []
    assert "Page 1" in page(viewer.source_view.value).text


def test_mismatched_unresolved_and_web_search_citations() -> None:
    message, conversation = load("mismatches")
    viewer = CitationViewer(message, conversation)
    statuses = []
    for number in range(1, 6):
        viewer.select(number)
        statuses.append(page(viewer.status_view.value).status["data-status"])
    assert statuses == ["ok", "mismatch", "unresolved", "ok", "mismatch"]

    viewer.select(3)
    assert (
        "there is no document 3 (found 1 in the conversation and response)"
        in page(viewer.source_view.value).text
    )
    assert highlighted(viewer) == ""

    viewer.select(4)
    assert highlighted(viewer) == "Tides rise and fall twice a day on most coasts."

    viewer.select(2)
    # The span the citation claims is marked: the source's text there, not the cited text.
    assert highlighted(viewer) == "tides come a week later, when the Sun and Moon pull at right angles. Loca"
    assert 'class="wfk-hl wfk-mark wfk-bad"' in viewer.source_view.value


def test_a_response_without_citations() -> None:
    message = Message.model_validate(
        {
            "id": "msg_none",
            "type": "message",
            "role": "assistant",
            "model": "claude-sonnet-4-5",
            "content": [{"type": "text", "text": "No sources needed."}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
    )
    viewer = CitationViewer(message)
    assert viewer.citation_list.options == ()
    assert viewer.selected is None
    assert "This response has no citations." in viewer.source_view.value
    with pytest.raises(ValueError, match="there is no citation 1: the response has 0"):
        viewer.select(1)


def test_option_labels_and_css_classes() -> None:
    message, conversation = load("pdf_fetch")
    viewer = CitationViewer(message, conversation)
    labels = [label for label, _ in viewer.citation_list.options]
    assert labels[2].startswith("[3] mismatch · “Mid-shore pools were richest")
    assert labels[0].startswith("[1] verified · ")
    assert labels[0].endswith("— Life in the Intertidal Zone")
    assert "wfk-citation-viewer" in viewer._dom_classes
    assert "wfk-citation-list" in viewer.citation_list._dom_classes
    assert "wfk-citation-status" in viewer.status_view._dom_classes
    assert "wfk-citation-source" in viewer.source_view._dom_classes


def test_a_malformed_citation_is_shown_as_a_mismatch(cited_document: Any) -> None:
    text = "Alpha beta gamma. Delta epsilon zeta."
    response, conversation = cited_document(text, 18, 37, title="Greek letters", start_char_index="18")
    viewer = CitationViewer(response, conversation)
    status = page(viewer.status_view.value)
    assert status.status["data-status"] == "mismatch"
    assert "malformed citation: start_char_index is '18' (a str), not an integer" in status.text
    assert "Document 0: Greek letters" in page(viewer.source_view.value).text
    assert highlighted(viewer) == ""
