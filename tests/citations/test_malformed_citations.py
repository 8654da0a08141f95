"""Citations of any shape are verified and rendered, never raised on: each bad field is a named mismatch.

A citation read from a dict (a saved response, a hand-edited one) can hold anything in any field. Each
case asserts the exact status and detail, that the row carries only integers and strings, and that
``render_html`` shows the detail.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from tide_search import tide_search

from webfetch_kit.citations import citations_of, render_html, verify
from webfetch_kit.citations.fields import MAX_INDEX, describe, fingerprint, index_of

_SOURCE = "Alpha beta gamma. Delta epsilon zeta."
HUGE = 10**5000  # str() of it raises ValueError: CPython converts at most 4300 digits


class Unprintable:
    def __repr__(self) -> str:
        raise RuntimeError("no repr")


@pytest.fixture
def case(cited_document: Any) -> Any:
    """``case(**changes)``: a response citing "Delta epsilon zeta." of ``_SOURCE``, changed."""
    return lambda **changes: cited_document(_SOURCE, 18, 37, **changes)


def assert_mismatch(response: list[dict[str, Any]], conversation: list[dict[str, Any]], detail: str) -> None:
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == ("mismatch", f"malformed citation: {detail}")
    (row,) = citations_of(response, conversation)
    assert all(value is None or type(value) is int for value in (row.start, row.end, row.document_index))
    assert all(value is None or type(value) is str for value in (row.document_title, row.url, row.type))
    page = render_html(response, conversation)
    assert f"malformed citation: {detail}" in html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("18", "'18' (a str), not an integer"),
        (18.0, "18.0 (a float), not an integer"),
        (float("nan"), "nan (a float), not an integer"),
        (float("inf"), "inf (a float), not an integer"),
        (None, "None, not an integer"),
        (True, "True (a bool), not an integer"),
        (False, "False (a bool), not an integer"),
        ([18], "[18] (a list), not an integer"),
        ([], "[] (a list), not an integer"),
        ({"at": 18}, "{'at': 18} (a dict), not an integer"),
        (b"18", "b'18' (a bytes), not an integer"),
        (18j, "18j (a complex), not an integer"),
        (Unprintable(), "<Unprintable object> (an Unprintable), not an integer"),
        (MAX_INDEX + 1, f"{MAX_INDEX + 1}, larger than any index"),
        (2**64, "18446744073709551616, larger than any index"),
        (HUGE, "<an integer of about 5001 digits>, larger than any index"),
        (-1, "-1, below 0"),
        (-(2**64), "-18446744073709551616, below 0"),
        (-HUGE, "<a negative integer of about 5001 digits>, below 0"),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, str) else None,
)
@pytest.mark.parametrize("name", ["document_index", "start_char_index", "end_char_index"])
def test_every_bad_index_is_a_named_mismatch(case: Any, name: str, value: Any, shown: str) -> None:
    response, conversation = case(**{name: value})
    assert_mismatch(response, conversation, f"{name} is {shown}")


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        (
            {"type": "page_location", "start_page_number": [1], "end_page_number": 2},
            "start_page_number is [1] (a list), not an integer",
        ),
        (
            {"type": "page_location", "start_page_number": 1, "end_page_number": HUGE},
            "end_page_number is <an integer of about 5001 digits>, larger than any index",
        ),
        (
            {"type": "page_location", "start_page_number": -5, "end_page_number": 2.5},
            "start_page_number is -5, below 1 (pages are numbered from 1); end_page_number is 2.5 (a float), "
            "not an integer",
        ),
        (
            {"type": "content_block_location", "start_block_index": None, "end_block_index": "1"},
            "start_block_index is None, not an integer; end_block_index is '1' (a str), not an integer",
        ),
        (
            {"type": "content_block_location", "start_block_index": 0, "end_block_index": -HUGE},
            "end_block_index is <a negative integer of about 5001 digits>, below 0",
        ),
        ({"cited_text": HUGE}, "cited_text is <an integer of about 5001 digits>, not a string"),
        ({"cited_text": ["Delta"]}, "cited_text is ['Delta'], not a string"),
        ({"type": ["char_location"]}, "type is ['char_location'] (a list), not a string"),
        ({"type": {"kind": "char_location"}}, "type is {'kind': 'char_location'} (a dict), not a string"),
        ({"type": HUGE}, "type is <an integer of about 5001 digits> (an int), not a string"),
        ({"document_title": 7}, "document_title is 7 (an int), not a string"),
        (
            {"document_title": HUGE},
            "document_title is <an integer of about 5001 digits> (an int), not a string",
        ),
        ({"document_title": ["Notes"]}, "document_title is ['Notes'] (a list), not a string"),
    ],
    ids=lambda v: describe(v) if isinstance(v, dict) else None,
)
def test_other_bad_fields_are_named_mismatches(case: Any, changes: dict[str, Any], detail: str) -> None:
    response, conversation = case(**changes)
    assert_mismatch(response, conversation, detail)


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"url": 5.0}, "url is 5.0 (a float), not a string"),
        ({"url": ["https://kb.example.com/"]}, "url is ['https://kb.example.com/'] (a list), not a string"),
        ({"title": {"t": 1}}, "title is {'t': 1} (a dict), not a string"),
        ({"url": b"https://kb.example.com/"}, "url is b'https://kb.example.com/' (a bytes), not a string"),
    ],
    ids=lambda v: describe(v) if isinstance(v, dict) else None,
)
def test_web_search_citations_with_bad_urls_or_titles(changes: dict[str, Any], detail: str) -> None:
    results = [
        {
            "type": "web_search_result",
            "url": "https://kb.example.com/",
            "title": "KB",
            "encrypted_content": "x",
        }
    ]
    tool_result = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": results}
    citation = {
        "type": "web_search_result_location",
        "cited_text": "Tides follow the Moon.",
        "url": "https://kb.example.com/",
        "title": "KB",
        "encrypted_index": "x",
        **changes,
    }
    response = [tool_result, {"type": "text", "text": "The Moon.", "citations": [citation]}]
    assert_mismatch(response, [], detail)


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"search_result_index": [0]}, "search_result_index is [0] (a list), not an integer"),
        (
            {"search_result_index": HUGE},
            "search_result_index is <an integer of about 5001 digits>, larger than any index",
        ),
        ({"source": 3}, "source is 3 (an int), not a string"),
        ({"start_block_index": 0.0}, "start_block_index is 0.0 (a float), not an integer"),
    ],
    ids=lambda v: describe(v) if isinstance(v, dict) else None,
)
def test_search_result_citations_with_bad_fields(changes: dict[str, Any], detail: str) -> None:
    response, conversation = tide_search(**changes)
    assert_mismatch(response, conversation, detail)


def test_a_citation_that_is_a_huge_number_is_a_mismatch(case: Any) -> None:
    response, conversation = case()
    response[0]["citations"] = [HUGE]
    (result,) = verify(response, conversation)
    assert (result.status, result.detail) == (
        "mismatch",
        "malformed citation: a citation is an object, got int <an integer of about 5001 digits>",
    )
    render_html(response, conversation)


def test_a_block_text_that_is_not_a_string_renders_empty(case: Any) -> None:
    response, conversation = case()
    response[0]["text"] = HUGE
    (result,) = verify(response, conversation)
    assert (result.status, result.citation.text) == ("ok", "")
    render_html(response, conversation)


def test_the_fields_helpers() -> None:
    assert [index_of(v) for v in (0, 7, -3, MAX_INDEX, MAX_INDEX + 1, True, 7.0, "7")] == [
        0,
        7,
        -3,
        MAX_INDEX,
        None,
        None,
        None,
        None,
    ]
    assert describe("x" * 10) == "'xxxxxxxxxx'"
    assert len(describe("x" * 10_000)) <= 62
    assert describe(Unprintable()) == "<Unprintable object>"
    # Stable (a page id comes from it) and complete, even where repr raises.
    assert fingerprint({"a": [1, "b"]}) == "{'a': [1, 'b']}"
    assert fingerprint([HUGE]) == fingerprint([HUGE]) == "[<an integer of about 5001 digits>]"
    assert fingerprint([HUGE, 1]) != fingerprint([HUGE, 2])
