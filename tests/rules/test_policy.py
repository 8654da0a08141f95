"""FetchPolicy: list validation and verdicts (webfetch_kit.rules.policy, rules.domains)."""

from __future__ import annotations

import typing

import pytest

from webfetch_kit.errors import PolicyError
from webfetch_kit.problem import Problem
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.rules.verdict import Verdict

# ---------------------------------------------------------------- construction


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"allowed_domains": ["https://example.com"]},
            "allowed_domains entry 'https://example.com' includes a scheme: domains are written without "
            "http:// or https:// (use example.com)",
        ),
        (
            {"blocked_domains": ["http://example.com/blog/"]},
            "blocked_domains entry 'http://example.com/blog/' includes a scheme: domains are written "
            "without http:// or https:// (use example.com/blog)",
        ),
        (
            {"allowed_domains": ["a.com"], "blocked_domains": ["b.com"]},
            "allowed_domains and blocked_domains cannot both be set: the tool accepts one or the other",
        ),
        (
            {"allowed_domains": [""]},
            "allowed_domains has an empty entry: remove it, or write a domain such as example.com",
        ),
        (
            {"allowed_domains": []},
            "allowed_domains is empty: pass None to leave domain filtering off, or list at least one domain",
        ),
        (
            {"allowed_domains": "example.com"},
            "allowed_domains must be a list of domains, not a single string: use ['example.com']",
        ),
        (
            {"allowed_domains": ["example.com:8080"]},
            "allowed_domains entry 'example.com:8080' has a port: remove it (use example.com)",
        ),
        (
            {"allowed_domains": ["*.example.com"]},
            "allowed_domains entry '*.example.com' contains a wildcard: subdomains are included "
            "automatically (use example.com)",
        ),
        (
            {"blocked_domains": [" example.com"]},
            "blocked_domains entry ' example.com' contains whitespace or a control character: remove it",
        ),
        (
            {"blocked_domains": ["exa mple.com"]},
            "blocked_domains entry 'exa mple.com' contains whitespace or a control character: remove it",
        ),
        (
            {"blocked_domains": ["127.0.0.1"]},
            "blocked_domains entry '127.0.0.1' is an IP address: list domain names, not addresses",
        ),
        (
            {"blocked_domains": ["[::1]"]},
            "blocked_domains entry '[::1]' is an IP address: list domain names, not addresses",
        ),
        (
            {"blocked_domains": ["10.1"]},
            "blocked_domains entry '10.1' is an IP address: list domain names, not addresses",
        ),
        (
            {"allowed_domains": ["user@example.com"]},
            "allowed_domains entry 'user@example.com' contains '@': remove the user name (the part before '@')",
        ),
        (
            {"allowed_domains": ["example.com/a?b"]},
            "allowed_domains entry 'example.com/a?b' contains '?': remove the query (the part from '?')",
        ),
        (
            {"allowed_domains": ["example.com\\blog"]},
            "allowed_domains entry 'example.com\\\\blog' contains '\\\\': use '/' for a subpath, never a backslash",
        ),
        (
            {"allowed_domains": ["a" * 64 + ".com"]},
            f"allowed_domains entry '{'a' * 64}.com' is not a valid domain: the host label '{'a' * 64}' is "
            "longer than 63 characters",
        ),
        (
            {"allowed_domains": [".".join(["a" * 63] * 4) + ".com"]},
            f"allowed_domains entry '{'.'.join(['a' * 63] * 4)}.com' is not a valid domain: the host name is "
            "longer than 253 characters",
        ),
        (
            {"allowed_domains": ["a..com"]},
            "allowed_domains entry 'a..com' is not a valid domain: the host name has an empty label (two dots "
            "in a row, or a leading dot)",
        ),
        ({"max_uses": 0}, "max_uses must be a positive whole number or None, got 0"),
        ({"max_uses": True}, "max_uses must be a positive whole number or None, got True"),
        ({"max_content_tokens": -5}, "max_content_tokens must be a positive whole number or None, got -5"),
        ({"citations": "yes"}, "citations must be True or False, got 'yes'"),
        (
            {"url_sources": {"user_input": {"type": "only", "tools": []}}},
            "url_sources['user_input'] must have 'type' one of ['all', 'none'], got {'type': 'only', 'tools': []}",
        ),
        (
            {"url_sources": {"everything": {"type": "all"}}},
            "url_sources has an unknown key 'everything': use one of ['client_tool_results', "
            "'server_tool_results', 'user_input']",
        ),
    ],
)
def test_invalid_policies(kwargs: dict[str, typing.Any], message: str) -> None:
    with pytest.raises(PolicyError) as info:
        FetchPolicy(**kwargs)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("entry", "normalized"),
    [
        ("Example.COM", "example.com"),
        ("example.com.", "example.com"),
        ("example.com/", "example.com"),
        ("example.com/Blog/", "example.com/Blog"),
        ("example.com/a/../blog", "example.com/blog"),
        ("example.com//blog", "example.com/blog"),
        ("example.com/%62log", "example.com/blog"),
        ("faß.de", "xn--fa-hia.de"),
        ("ＥXAMPLE.com", "example.com"),
        ("XN--MAZON-3VE.COM", "xn--mazon-3ve.com"),
    ],
)
def test_entries_are_normalised(entry: str, normalized: str) -> None:
    assert FetchPolicy(allowed_domains=[entry]).allowed_domains == (normalized,)


# ---------------------------------------------------------------- verdicts


def test_no_lists_allows_valid_urls_and_refuses_invalid_ones() -> None:
    policy = FetchPolicy()
    assert policy.check("https://anything.example/") == Verdict.allow(
        "No domain list is set, so every valid URL passes the policy."
    )
    assert policy.check("ftp://x.com/").error_code == "invalid_tool_input"
    assert policy.check("https://x.com/" + "a" * 300).error_code == "url_too_long"


@pytest.mark.parametrize(
    ("url", "allowed", "rule"),
    [
        ("https://example.com/", True, "example.com"),
        ("https://docs.example.com/a", True, "example.com"),
        ("https://a.b.example.com./", True, "example.com"),
        ("https://EXAMPLE.com:8443/", True, "example.com"),
        ("https://evil-example.com/", False, None),
        ("https://notexample.com/", False, None),
        ("https://example.com.evil.net/", False, None),
        ("https://example.co/", False, None),
        ("https://xn--xample-2of.com/", False, None),  # ехample with a Cyrillic е
    ],
)
def test_allowed_domains_match_on_label_boundaries(url: str, allowed: bool, rule: str | None) -> None:
    verdict = FetchPolicy(allowed_domains=["example.com"]).check(url)
    assert (verdict.allowed, verdict.rule) == (allowed, rule)
    assert verdict.error_code == (None if allowed else "url_not_allowed")


def test_refusal_reason_is_one_sentence() -> None:
    verdict = FetchPolicy(allowed_domains=["example.com"]).check("https://evil-example.com/x")
    assert verdict == Verdict.refuse(
        Problem("url_not_allowed", "evil-example.com/x is not covered by any entry of allowed_domains.")
    )


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://example.com/blog", True),
        ("https://example.com/blog/", True),
        ("https://example.com/blog/x", True),
        ("https://www.example.com/blog/x?y=1", True),
        ("https://example.com/blogs", False),
        ("https://example.com/blog-evil", False),
        ("https://example.com/", False),
        ("https://example.com/Blog/x", False),
        ("https://example.com/blog/../admin", False),
        ("https://example.com/admin/../blog/x", True),
        ("https://example.com/%62log/x", True),
        ("https://example.com//blog/x", True),
    ],
)
def test_allowed_subpaths_match_whole_segments(url: str, allowed: bool) -> None:
    verdict = FetchPolicy(allowed_domains=["example.com/blog"]).check(url)
    assert verdict.allowed is allowed
    assert verdict.rule == ("example.com/blog" if allowed else None)


@pytest.mark.parametrize("path", ["/blog/%2e%2e/admin", "/blog%2fx", "/blog/%5C..%5Cadmin", "/blog/%2E%2E/x"])
def test_encoded_separators_under_a_subpath_rule_are_refused(path: str) -> None:
    for kwargs in ({"allowed_domains": ["example.com/blog"]}, {"blocked_domains": ["example.com/blog"]}):
        verdict = FetchPolicy(**kwargs).check("https://example.com" + path)  # type: ignore[arg-type]
        assert (verdict.allowed, verdict.error_code, verdict.rule) == (
            False,
            "url_not_allowed",
            "example.com/blog",
        )


def test_encoded_dot_is_fine_without_a_subpath_rule() -> None:
    assert FetchPolicy(allowed_domains=["example.com"]).check("https://example.com/a%2eb").allowed


# Servers that read ';' as a path parameter (Tomcat, Spring) or decode twice step around a segment match.
PARAMETER_ALLOWED = (
    "The path has a ';' (or its escape %3B), which Tomcat and Spring read as the start of a path parameter "
    "('/blog/..;/admin' is '/admin' to them), so the subpath rule {rule!r} cannot judge it safely."
)
PARAMETER_BLOCKED = (
    "The path has a ';' (or its escape %3B), which Tomcat and Spring read as the start of a path parameter "
    "('/admin;jsessionid=1' is '/admin' to them), so it cannot be checked against the blocked subpath {rule!r}."
)
DOUBLE_ALLOWED = (
    "The path has an encoded '%' (%25), which a server that decodes twice reads as an escape "
    "('%252e' is '.' to it), so the subpath rule {rule!r} cannot judge it safely."
)
DOUBLE_BLOCKED = (
    "The path has an encoded '%' (%25), which a server that decodes twice reads as an escape "
    "('%252e' is '.' to it), so it cannot be checked against the blocked subpath {rule!r}."
)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/blog/..;/admin", PARAMETER_ALLOWED),
        ("/blog/x;jsessionid=1", PARAMETER_ALLOWED),
        ("/blog;/x", PARAMETER_ALLOWED),
        ("/blog/%3B/x", PARAMETER_ALLOWED),
        ("/blog/..%3b/admin", PARAMETER_ALLOWED),
        ("/blog/%252e%252e/admin", DOUBLE_ALLOWED),
        ("/blog/%252E%252E/admin", DOUBLE_ALLOWED),
        ("/blog/%25/x", DOUBLE_ALLOWED),
    ],
)
def test_path_parameters_and_double_encoding_under_an_allowed_subpath_are_refused(
    path: str, reason: str
) -> None:
    verdict = FetchPolicy(allowed_domains=["example.com/blog"]).check("https://example.com" + path)
    assert (verdict.allowed, verdict.error_code, verdict.rule, verdict.reason) == (
        False,
        "url_not_allowed",
        "example.com/blog",
        reason.format(rule="example.com/blog"),
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/admin;jsessionid=1", PARAMETER_BLOCKED),
        ("/admin/;/x", PARAMETER_BLOCKED),
        ("/blog/..;/admin", PARAMETER_BLOCKED),
        ("/admin%3Bx", PARAMETER_BLOCKED),
        ("/%2561dmin", DOUBLE_BLOCKED),
        ("/blog/%252e%252e/admin", DOUBLE_BLOCKED),
        # Anywhere on a host under the blocked subpath, not only beneath it.
        ("/public;x", PARAMETER_BLOCKED),
    ],
)
def test_path_parameters_and_double_encoding_under_a_blocked_subpath_are_refused(
    path: str, reason: str
) -> None:
    verdict = FetchPolicy(blocked_domains=["example.com/admin"]).check("https://www.example.com" + path)
    assert (verdict.allowed, verdict.error_code, verdict.rule, verdict.reason) == (
        False,
        "url_not_allowed",
        "example.com/admin",
        reason.format(rule="example.com/admin"),
    )


def test_the_first_ambiguous_text_names_the_reason() -> None:
    verdict = FetchPolicy(allowed_domains=["example.com/blog"]).check("https://example.com/blog/%2e;/%252e")
    assert verdict.reason == (
        "The path has an encoded '.', '/' or '\\', so the subpath rule 'example.com/blog' cannot judge it safely."
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/blog/..;/admin",
        "https://example.com/admin;jsessionid=1",
        "https://example.com/blog/%252e%252e/admin",
        "https://example.com/a%3bb",
    ],
)
def test_path_parameters_and_double_encoding_are_fine_under_hosts_only_rules(url: str) -> None:
    allowed = FetchPolicy(allowed_domains=["example.com"]).check(url)
    assert (allowed.allowed, allowed.rule, allowed.reason) == (
        True,
        "example.com",
        "example.com is covered by 'example.com'.",
    )
    elsewhere = FetchPolicy(blocked_domains=["example.org/admin"]).check(url)
    assert (elsewhere.allowed, elsewhere.reason) == (True, "example.com is not on the blocked list.")
    blocked = FetchPolicy(blocked_domains=["example.com"]).check(url)
    assert (blocked.allowed, blocked.rule, blocked.reason) == (
        False,
        "example.com",
        "example.com is blocked by 'example.com'.",
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/blog/x?session=a;b",
        "https://example.com/blog/x#a;b",
        "https://example.com/blog/x?q=%25%3b",
    ],
)
def test_a_semicolon_or_percent_outside_the_path_is_fine(url: str) -> None:
    verdict = FetchPolicy(allowed_domains=["example.com/blog"]).check(url)
    assert (verdict.allowed, verdict.rule) == (True, "example.com/blog")


@pytest.mark.parametrize(
    ("entry", "what"),
    [
        ("example.com/a;b", "a ';' (or its escape %3B)"),
        ("example.com/a%3Bb", "a ';' (or its escape %3B)"),
        ("example.com/100%25", "an encoded '%' (%25)"),
    ],
)
def test_entries_with_a_semicolon_or_encoded_percent_are_refused(entry: str, what: str) -> None:
    for name in ("allowed_domains", "blocked_domains"):
        with pytest.raises(PolicyError) as info:
            FetchPolicy(**{name: [entry]})  # type: ignore[arg-type]
        assert str(info.value) == (
            f"{name} entry {entry!r} has {what} in its path, which servers read in different ways, so every URL "
            "under it would be refused: write the path without it"
        )


@pytest.mark.parametrize(
    ("url", "allowed", "rule"),
    [
        ("https://private.example.com/", False, "private.example.com"),
        ("https://x.private.example.com/", False, "private.example.com"),
        ("https://example.com/", True, None),
        ("https://notprivate.example.com/", True, None),
        ("https://example.org/blog/1", False, "example.org/blog"),
        ("https://example.org/blogs", True, None),
    ],
)
def test_blocked_domains(url: str, allowed: bool, rule: str | None) -> None:
    verdict = FetchPolicy(blocked_domains=["private.example.com", "example.org/blog"]).check(url)
    assert (verdict.allowed, verdict.rule) == (allowed, rule)
    assert verdict.error_code == (None if allowed else "url_not_allowed")


@pytest.mark.parametrize(
    "url",
    [
        "https://аmazon.com/",  # Cyrillic а
        "https://xn--mazon-3ve.com/",  # the same, as punycode
        "https://www.аmazon.com/x",
        "https://аmаzоn.com/",  # three Cyrillic letters
        "https://arnazon.com/",  # rn looks like m (UTS #39)
    ],
)
def test_look_alikes_of_blocked_domains_are_blocked(url: str) -> None:
    verdict = FetchPolicy(blocked_domains=["amazon.com"]).check(url)
    assert verdict.allowed is False
    assert verdict.error_code == "url_not_allowed"
    assert verdict.rule == "amazon.com"
    assert "looks like the blocked 'amazon.com' (confusable characters)" in verdict.reason


def test_look_alike_of_a_different_name_is_not_blocked() -> None:
    assert FetchPolicy(blocked_domains=["amazon.com"]).check("https://amazon.co/").allowed
    assert FetchPolicy(blocked_domains=["amazon.com"]).check("https://myamazon.com/").allowed


def test_look_alike_is_refused_by_allowlist() -> None:
    verdict = FetchPolicy(allowed_domains=["amazon.com"]).check("https://аmazon.com/")
    assert (verdict.allowed, verdict.error_code) == (False, "url_not_allowed")


@pytest.mark.parametrize("url", ["https://example.com/café/x", "https://example.com/caf%C3%A9"])
def test_a_non_ascii_subpath_entry_matches_the_url_as_it_is_sent(url: str) -> None:
    assert FetchPolicy(blocked_domains=["example.com/café"]).check(url).error_code == "url_not_allowed"
    assert FetchPolicy(allowed_domains=["example.com/café"]).check(url).allowed
    assert FetchPolicy(allowed_domains=["example.com/café"]).check("https://example.com/cafe").error_code == (
        "url_not_allowed"
    )


def test_an_entry_ending_in_a_hex_label_is_an_address_like_the_guard_says() -> None:
    with pytest.raises(PolicyError, match="is an IP address: list domain names, not addresses"):
        FetchPolicy(allowed_domains=["foo.0x7f"])


def test_a_look_alike_host_shows_its_punycode_in_the_reason() -> None:
    verdict = FetchPolicy(allowed_domains=["docs.example.com"]).check("https://dоcs.example.com/guide/x")
    assert verdict.reason == (
        "d[о]cs.example.com/guide/x (punycode xn--dcs-sed.example.com) is not covered by any entry of "
        "allowed_domains."
    )
    blocked = FetchPolicy(blocked_domains=["exаmple.com"]).check("https://www.exаmple.com/")
    assert blocked.reason == (
        "www.ex[а]mple.com (punycode www.xn--exmple-4nf.com) is blocked by 'ex[а]mple.com' "
        "(punycode xn--exmple-4nf.com)."
    )
    assert FetchPolicy(allowed_domains=["example.com"]).check("https://example.com/").reason == (
        "example.com is covered by 'example.com'."
    )


@pytest.mark.parametrize(
    ("entry", "fix"),
    [
        ("https://example.net:8443", "example.net"),
        ("https://user@example.net:8443/blog/?q=1#top", "example.net/blog"),
        ("http://", "example.com"),
    ],
)
def test_a_scheme_fix_it_suggests_a_valid_entry(entry: str, fix: str) -> None:
    with pytest.raises(PolicyError) as caught:
        FetchPolicy(allowed_domains=[entry])
    assert str(caught.value) == (
        f"allowed_domains entry {entry!r} includes a scheme: domains are written without http:// or "
        f"https:// (use {fix})"
    )
    if fix != "example.com":
        FetchPolicy(allowed_domains=[fix])  # the suggestion is itself valid
