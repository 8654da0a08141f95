"""Property test: FetchPolicy's domain and subpath matching against a plain reference implementation."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from webfetch_kit.rules.policy import FetchPolicy

BASES = ["example.com", "shop.example.com", "news.net", "example.net"]
PREFIXES = ["", "evil-", "not", "docs.", "a.b.", "www.", "evil.", "x-"]
SUFFIXES = ["", ".evil.net", "-evil", "s", ".com", "x"]
RULE_PATHS = ["", "/blog", "/blog/x", "/docs"]
SEGMENTS = ["blog", "blogs", "blog-x", "x", "..", ".", "docs", "admin", "Blog"]


def reference_host_match(rule_host: str, host: str) -> bool:
    """A host matches when it is the rule's host or ends with '.' + it (whole labels)."""
    host_labels = host.lower().split(".")
    rule_labels = rule_host.split(".")
    return host_labels[len(host_labels) - len(rule_labels) :] == rule_labels


def reference_segments(path: str) -> list[str]:
    """Resolve '.', '..' and empty segments with a stack."""
    stack: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if stack:
                stack.pop()
        else:
            stack.append(seg)
    return stack


def reference_match(rule: str, host: str, path: str) -> bool:
    rule_host, _, rule_path = rule.partition("/")
    if not reference_host_match(rule_host, host):
        return False
    rule_segs = reference_segments(rule_path)
    return reference_segments(path)[: len(rule_segs)] == rule_segs


cases = st.tuples(
    st.sampled_from(BASES),
    st.sampled_from(RULE_PATHS),
    st.sampled_from(PREFIXES),
    st.sampled_from(BASES),
    st.sampled_from(SUFFIXES),
    st.lists(st.sampled_from(SEGMENTS), max_size=4),
    st.booleans(),
    st.booleans(),
)


@settings(max_examples=5000, deadline=None)
@given(cases)
def test_matching_agrees_with_reference(case: tuple[str, str, str, str, str, list[str], bool, bool]) -> None:
    rule_base, rule_path, prefix, url_base, suffix, segments, upper, trailing_slash = case
    rule = rule_base + rule_path
    host = prefix + url_base + suffix
    if upper:
        host = host.upper()
    path = "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
    url = f"https://{host}{path}"
    expected = reference_match(rule, host, path)

    allowed = FetchPolicy(allowed_domains=[rule]).check(url)
    assert allowed.allowed is expected, (rule, url, allowed)
    assert allowed.rule == (rule if expected else None)
    assert allowed.error_code == (None if expected else "url_not_allowed")

    blocked = FetchPolicy(blocked_domains=[rule]).check(url)
    assert blocked.allowed is not expected, (rule, url, blocked)
    assert blocked.rule == (rule if expected else None)
