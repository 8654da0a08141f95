"""The domain matcher shared by the fetch policy and the search tool (webfetch_kit.rules.domains)."""

from __future__ import annotations

import pytest

from webfetch_kit.errors import PolicyError
from webfetch_kit.rules.domains import DomainLists, covers, parse_domain_entry
from webfetch_kit.rules.policy import FetchPolicy

URLS = [
    "https://example.com/",
    "https://docs.example.com/blog/x",
    "https://evil-example.com/",
    "https://example.com.evil.net/",
    "https://example.com/blog%2f..%2fadmin",
    "https://xn--xample-2of.com/",  # ехample with a Cyrillic е
    "ftp://example.com/",
]


def test_covers_matches_whole_labels_and_whole_segments() -> None:
    rules = (parse_domain_entry("example.com/blog", "allowed_domains"),)
    assert covers(rules, "docs.example.com", "/blog/x") == rules[0]
    assert covers(rules, "example.com", "/blog") == rules[0]
    assert covers(rules, "example.com", "/blogs") is None
    assert covers(rules, "evil-example.com", "/blog") is None


@pytest.mark.parametrize(
    "lists",
    [{"allowed_domains": ["example.com"]}, {"blocked_domains": ["example.com"]}, {}],
)
def test_the_search_filter_and_the_fetch_policy_agree(lists: dict[str, list[str]]) -> None:
    policy = FetchPolicy(**lists)  # type: ignore[arg-type]
    search = DomainLists.parse(lists.get("allowed_domains"), lists.get("blocked_domains"))
    assert [search.admits(u) for u in URLS] == [policy.check(u).allowed for u in URLS]


def test_both_lists_are_refused_with_the_tool_rule() -> None:
    with pytest.raises(PolicyError, match=r"^allowed_domains and blocked_domains cannot both be set"):
        DomainLists.parse(["a.com"], ["b.com"])


def test_normalize_path_never_makes_a_dot_segment() -> None:
    from webfetch_kit.rules.domains import normalize_path

    assert normalize_path("/a/%2e%2e/b") == "/a/%2E%2E/b"
    assert normalize_path("//%62log//x") == "/blog/x"
    assert normalize_path("/caf%c3%a9") == "/caf%C3%A9"


def test_a_lookalike_under_a_blocked_subpath_with_encoded_dots_is_refused() -> None:
    # "dоcs" with a Cyrillic о: it looks like the blocked host, and its encoded "../" hides the subpath.
    policy = FetchPolicy(blocked_domains=["docs.example.com/blog"])
    verdict = policy.check("https://xn--dcs-sed.example.com/x/%2e%2e/blog/y")
    assert verdict.error_code == "url_not_allowed"
    assert verdict.rule == "docs.example.com/blog"
    assert policy.check("https://xn--dcs-sed.example.com/x/y").allowed


def test_a_lookalike_under_a_blocked_subpath_with_a_path_parameter_is_refused() -> None:
    # "dоcs" with a Cyrillic о: ";" hides the blocked subpath from a segment match, as "%2e" does.
    policy = FetchPolicy(blocked_domains=["docs.example.com/admin"])
    verdict = policy.check("https://xn--dcs-sed.example.com/admin;x")
    assert (verdict.error_code, verdict.rule) == ("url_not_allowed", "docs.example.com/admin")
    assert verdict.reason == (
        "d[о]cs.example.com (punycode xn--dcs-sed.example.com) looks like the blocked 'docs.example.com/admin' "
        "(confusable characters)."
    )
    assert policy.check("https://xn--dcs-sed.example.com/public").allowed


def test_the_search_filter_refuses_ambiguous_paths_like_the_fetch_policy() -> None:
    search = DomainLists.parse(["example.com/blog"])
    assert not search.admits("https://example.com/blog/..;/admin")
    assert not search.admits("https://example.com/blog/%252e%252e/admin")
    assert search.admits("https://example.com/blog/x")
