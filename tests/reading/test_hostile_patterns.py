"""Hostile bodies for content sniffing: no pattern may backtrack on fetched bytes.

Python's ``re`` holds the GIL while it matches, so an exponential match freezes the whole process and no
deadline can fire. Each case runs in a child interpreter bounded by a generous timeout (a regression
fails the test with ``TimeoutExpired`` instead of hanging the suite); the assertions are on what was
decided.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

_CHILD = textwrap.dedent(
    """
    import json, sys
    from webfetch_kit.reading.sniff import decide_type, decode_body
    body = bytes.fromhex(sys.argv[1])
    decision = decide_type(body, sys.argv[2])
    decoded = decode_body(body, None, html=True)
    print(json.dumps([decision.kind, list(decision.notes), decoded.charset, decoded.source]))
    """
)
# Far longer than any of these takes when fixed (milliseconds), far shorter than a freeze (2**100 steps).
_BOUND_SECONDS = 60


def _decide_in_a_child(body: bytes, content_type: str = "") -> list[object]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, body.hex(), content_type],
        capture_output=True,
        text=True,
        timeout=_BOUND_SECONDS,
        check=True,
    )
    decided: list[object] = json.loads(result.stdout)
    return decided


_XML_DECL = b'<?xml version="1.0"?>'


def test_an_xml_declaration_and_empty_comments_are_sniffed_without_backtracking() -> None:
    # 721 bytes; each "<!---->" could end at any later "-->", so the old pattern tried 2**100 splits.
    body = _XML_DECL + b"<!---->" * 100
    assert _decide_in_a_child(body) == [
        "text",
        ["content_type_sniffed: declared (none), body is text"],
        "utf-8",
        "detected",
    ]


def test_an_xml_declaration_comments_and_html_are_still_html() -> None:
    body = _XML_DECL + b"\n<!-- generated -->\n" + b"<!---->" * 100 + b"<!DOCTYPE html><html><p>Hi</p></html>"
    assert _decide_in_a_child(body)[:2] == ["html", ["content_type_sniffed: declared (none), body is html"]]


def test_a_comment_ends_at_its_first_close() -> None:
    # "<b>" is markup after a closed comment, not part of it: not the XML-declared HTML pattern.
    body = _XML_DECL + b"<!-- a --> <b> --> <html>"
    assert _decide_in_a_child(body)[0] == "text"


@pytest.mark.parametrize(
    "body",
    [
        b"<meta charset=" + b" " * 4_000 + b";",  # whitespace shared by two \s* runs: quadratic
        b"<meta " * 227 + b"charset=" + b" " * 2_700 + b";",  # ... times every <meta before it
    ],
    ids=["one-tag", "many-tags"],
)
def test_a_meta_charset_full_of_spaces_is_scanned_without_backtracking(body: bytes) -> None:
    assert _decide_in_a_child(body, "text/html")[2:] == ["utf-8", "detected"]


def test_a_meta_charset_with_spaces_around_a_quote_is_still_read() -> None:
    body = b"<html><head><meta charset =  '  shift_jis'></head><body>\x82\xa0</body></html>"
    assert _decide_in_a_child(body, "text/html")[2:] == ["cp932", "meta"]
