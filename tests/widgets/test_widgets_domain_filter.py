"""DomainFilterEditor, driven without a kernel: set the widgets' values, read what the observers rendered."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest

from webfetch_kit.errors import PolicyError, ToolVersionError
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.widgets import DomainFilterEditor, split_entries


class _Cells(HTMLParser):
    """Rows of the verdict table: each row's data- attributes plus the text of each classed cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str]] = []
        self.tables: list[dict[str, str]] = []
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        if tag == "table":
            self.tables.append(attributes)
        elif tag == "tr" and "wfk-verdict-row" in attributes.get("class", ""):
            self.rows.append({"url": attributes["data-url"], "data-verdict": attributes["data-verdict"]})
        elif tag == "td" and self.rows:
            classes = attributes.get("class", "").split()
            self._cell = classes[0]
            self.rows[-1][self._cell] = ""
            self.rows[-1][self._cell + ".class"] = " ".join(classes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self.rows[-1][self._cell] += data


class _Pre(HTMLParser):
    """The text of the first ``<pre>``, entities decoded."""

    def __init__(self) -> None:
        super().__init__()
        self.text: str | None = None
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre" and self.text is None:
            self._open, self.text = True, ""

    def handle_endtag(self, tag: str) -> None:
        self._open = self._open and tag != "pre"

    def handle_data(self, data: str) -> None:
        if self._open and self.text is not None:
            self.text += data


def pre_text(value: str) -> str:
    parser = _Pre()
    parser.feed(value)
    assert parser.text is not None, value
    return parser.text


def verdict_rows(editor: DomainFilterEditor) -> list[dict[str, str]]:
    parser = _Cells()
    parser.feed(editor.verdict_view.value)
    return parser.rows


def table_policy(editor: DomainFilterEditor) -> str:
    parser = _Cells()
    parser.feed(editor.verdict_view.value)
    (table,) = parser.tables
    return table["data-policy"]


TEST_URLS = "\n".join(
    [
        "https://docs.example.com/guide",
        "https://evil-example.com/",
        "https://docs.example.org/blog/post",
        "https://docs.example.org/about",
        "ftp://example.com/file",
    ]
)


def test_split_entries_takes_lines_and_commas() -> None:
    assert split_entries(" example.com ,docs.example.org/blog\n\n, \nexample.net\n") == [
        "example.com",
        "docs.example.org/blog",
        "example.net",
    ]


def test_allowed_list_verdicts_show_code_rule_and_reason() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "example.com\ndocs.example.org/blog"
    editor.test_urls.value = TEST_URLS
    assert editor.error == ""
    assert editor.policy == FetchPolicy(allowed_domains=["example.com", "docs.example.org/blog"])
    rows = verdict_rows(editor)
    assert [(r["url"], r["wfk-verdict"], r["wfk-error-code"], r["wfk-rule"]) for r in rows] == [
        ("https://docs.example.com/guide", "allowed", "", "example.com"),
        ("https://evil-example.com/", "refused", "url_not_allowed", "—"),
        ("https://docs.example.org/blog/post", "allowed", "", "docs.example.org/blog"),
        ("https://docs.example.org/about", "refused", "url_not_allowed", "—"),
        ("ftp://example.com/file", "refused", "invalid_tool_input", "—"),
    ]
    assert rows[0]["wfk-verdict.class"] == "wfk-verdict wfk-allowed"
    assert rows[1]["wfk-verdict.class"] == "wfk-verdict wfk-refused"
    assert rows[1]["data-verdict"] == "refused"
    assert rows[0]["wfk-reason"] == "docs.example.com is covered by 'example.com'."
    assert rows[4]["wfk-reason"] == "Only http:// and https:// URLs can be fetched."
    assert [v.error_code for _, v in editor.verdicts] == [
        None,
        "url_not_allowed",
        None,
        "url_not_allowed",
        "invalid_tool_input",
    ]
    assert table_policy(editor) == "current"


def test_blocked_list_verdicts_include_look_alike_hosts() -> None:
    editor = DomainFilterEditor(FetchPolicy(blocked_domains=["example.com"]))
    assert editor.list_kind.value == "blocked"
    assert editor.entries.value == "example.com"
    editor.test_urls.value = "https://docs.example.com/\nhttps://ex\u0430mple.com/\nhttps://example.org/"
    rows = verdict_rows(editor)
    assert [(r["wfk-verdict"], r["wfk-error-code"], r["wfk-rule"]) for r in rows] == [
        ("refused", "url_not_allowed", "example.com"),
        ("refused", "url_not_allowed", "example.com"),
        ("allowed", "", "—"),
    ]
    assert (
        rows[1]["wfk-reason"]
        == "ex[а]mple.com (punycode xn--exmple-4nf.com) looks like the blocked 'example.com' (confusable characters)."
    )


def test_switching_lists_moves_the_entries() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "example.com"
    editor.test_urls.value = "https://example.com/\nhttps://example.org/"
    assert [r["wfk-verdict"] for r in verdict_rows(editor)] == ["allowed", "refused"]

    editor.list_kind.value = "blocked"
    assert editor.policy == FetchPolicy(blocked_domains=["example.com"])
    assert [r["wfk-verdict"] for r in verdict_rows(editor)] == ["refused", "allowed"]
    assert editor.tool_param() == {
        "type": "web_fetch_20250910",
        "name": "web_fetch",
        "blocked_domains": ["example.com"],
    }

    editor.list_kind.value = "allowed"
    assert editor.policy == FetchPolicy(allowed_domains=["example.com"])


def test_no_entries_means_no_filtering() -> None:
    editor = DomainFilterEditor()
    editor.test_urls.value = "https://anything.example.net/"
    assert editor.policy == FetchPolicy()
    (row,) = verdict_rows(editor)
    assert row["wfk-verdict"] == "allowed"
    assert row["wfk-reason"] == "No domain list is set, so every valid URL passes the policy."


def test_an_entry_with_a_scheme_shows_the_fix_without_raising() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "example.org"
    editor.test_urls.value = "https://example.org/"
    editor.entries.value = "https://example.com"
    assert editor.policy is None
    assert editor.error == (
        "allowed_domains entry 'https://example.com' includes a scheme: domains are written without "
        "http:// or https:// (use example.com)"
    )
    assert "(use example.com)" in editor.error_view.value
    assert 'class="wfk-error-message"' in editor.error_view.value
    # The verdicts keep using the last valid policy, and say so.
    assert editor.last_valid_policy == FetchPolicy(allowed_domains=["example.org"])
    assert table_policy(editor) == "last-valid"
    assert "wfk-stale" in editor.verdict_view.value
    assert [r["wfk-verdict"] for r in verdict_rows(editor)] == ["allowed"]
    assert "Fix the entries above first." in editor.param_view.value
    with pytest.raises(PolicyError, match=r"\(use example\.com\)"):
        editor.tool_param()

    editor.entries.value = "example.com"
    assert editor.error == "" and editor.error_view.value == ""
    assert table_policy(editor) == "current"
    assert [r["wfk-verdict"] for r in verdict_rows(editor)] == ["refused"]


def test_every_invalid_entry_gets_its_message() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "*.example.com, example.com:8080\nexample.net"
    assert editor.error.splitlines() == [
        "allowed_domains entry '*.example.com' contains a wildcard: subdomains are included "
        "automatically (use example.com)",
        "allowed_domains entry 'example.com:8080' has a port: remove it (use example.com)",
    ]
    editor.list_kind.value = "blocked"
    assert editor.error.startswith("blocked_domains entry '*.example.com'")


def test_invalid_limits_are_errors_not_exceptions() -> None:
    editor = DomainFilterEditor()
    editor.max_uses.value = "three"
    assert editor.error == "max_uses must be a positive whole number, or empty for no limit, got 'three'"
    editor.max_uses.value = "0"
    assert editor.error == "max_uses must be a positive whole number or None, got 0"
    editor.max_uses.value = "3"
    editor.max_content_tokens.value = "5000"
    editor.citations.value = True
    assert editor.error == ""
    assert editor.policy == FetchPolicy(max_uses=3, max_content_tokens=5000, citations=True)


def test_cyrillic_look_alike_entry_is_warned_with_characters_named() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "\u0430pple.com\nexample.com"
    assert editor.error == ""
    kinds = [(w.entry, w.kind) for w in editor.warnings]
    assert kinds == [("\u0430pple.com", "non_ascii"), ("\u0430pple.com", "mixed_script")]
    view = editor.warning_view.value
    assert 'data-entry="\u0430pple.com"' in view
    assert '<td class="wfk-codepoint" style' in view
    for text in (
        "U+0430",
        "CYRILLIC SMALL LETTER A",
        "Cyrillic",
        '<code class="wfk-resembles">apple.com</code>',
    ):
        assert text in view
    # The entry is sent as punycode.
    assert editor.tool_param()["allowed_domains"] == ["xn--pple-43d.com", "example.com"]


def test_warnings_still_show_while_another_entry_is_invalid() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "\u0430pple.com\nhttps://example.com"
    assert editor.policy is None
    assert "U+0430" in editor.warning_view.value
    assert "(use example.com)" in editor.error


def test_tool_param_for_two_versions() -> None:
    editor = DomainFilterEditor(FetchPolicy(allowed_domains=["example.com"], max_uses=2, citations=True))
    expected = {
        "name": "web_fetch",
        "allowed_domains": ["example.com"],
        "max_uses": 2,
        "citations": {"enabled": True},
    }
    assert editor.tool_param() == {"type": "web_fetch_20250910", **expected}
    assert editor.tool_param("web_fetch_20260209") == {"type": "web_fetch_20260209", **expected}
    editor.version.value = "web_fetch_20260209"
    assert editor.tool_param() == {"type": "web_fetch_20260209", **expected}
    assert json.loads(pre_text(editor.param_view.value)) == editor.tool_param()
    with pytest.raises(ToolVersionError, match="unknown web fetch version 'web_fetch_1999'"):
        editor.tool_param("web_fetch_1999")


def test_hostile_text_is_escaped() -> None:
    editor = DomainFilterEditor()
    editor.entries.value = "example.com\n<img src=x onerror=alert(1)>"
    editor.test_urls.value = 'https://example.com/<script>alert(1)</script>\n"><b>x'
    for view in (editor.verdict_view.value, editor.error_view.value, editor.warning_view.value):
        assert "<script" not in view
        assert "<img" not in view
        assert "<b>x" not in view
    assert "https://example.com/&lt;script&gt;alert(1)&lt;/script&gt;" in editor.verdict_view.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in editor.error_view.value
    rows = verdict_rows(editor)
    assert rows[0]["url"] == "https://example.com/<script>alert(1)</script>"
    assert rows[1]["url"] == '"><b>x'


def test_template_syntax_in_typed_text_shows_as_text() -> None:
    # What the user types is data for the templates, never template source: {{ 7 * 7 }} stays as typed.
    editor = DomainFilterEditor()
    editor.entries.value = "example.com\n{{ 7 * 7 }}"
    editor.test_urls.value = "https://example.com/{{ 7 * 7 }}{% raw %}"
    (row,) = verdict_rows(editor)
    assert row["url"] == "https://example.com/{{ 7 * 7 }}{% raw %}"
    assert row["wfk-url"] == "https://example.com/{{ 7 * 7 }}{% raw %}"
    assert "{{ 7 * 7 }}" in editor.error and "{{ 7 * 7 }}" in editor.error_view.value
    assert "49" not in editor.error_view.value + editor.verdict_view.value


def test_stable_css_classes() -> None:
    editor = DomainFilterEditor()
    assert "wfk-domain-filter" in editor._dom_classes
    for widget, css in (
        (editor.entries, "wfk-domains"),
        (editor.list_kind, "wfk-list-kind"),
        (editor.test_urls, "wfk-test-urls"),
        (editor.verdict_view, "wfk-verdicts"),
        (editor.warning_view, "wfk-warnings"),
        (editor.error_view, "wfk-error"),
        (editor.param_view, "wfk-tool-param"),
    ):
        assert css in widget._dom_classes
    assert "application/vnd.jupyter.widget-view+json" in editor._repr_mimebundle_()


def test_options_without_a_control_are_kept_from_the_starting_policy() -> None:
    start = FetchPolicy(
        allowed_domains=["example.com"], use_cache=False, url_sources={"user_input": {"type": "none"}}
    )
    editor = DomainFilterEditor(start, version="web_fetch_20260309")
    assert editor.policy == start
    editor.entries.value = "example.com\ndocs.example.org"
    assert editor.policy is not None and editor.policy.use_cache is False
    param = editor.tool_param()
    assert param["use_cache"] is False and param["url_sources"] == {"user_input": {"type": "none"}}
