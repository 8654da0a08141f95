"""URL validation and the canonical form (webfetch_kit.rules.urls)."""

from __future__ import annotations

import pytest

from webfetch_kit.errors import ConfigError
from webfetch_kit.rules.urls import ParsedUrl, UrlProblem, canonical_url, parse_fetch_url


def problem(url: str) -> UrlProblem:
    result = parse_fetch_url(url)
    assert isinstance(result, UrlProblem), result
    return result


@pytest.mark.parametrize(
    ("url", "reason_part"),
    [
        ("ftp://example.com/", "Only http:// and https://"),
        ("javascript:alert(1)", "Only http:// and https://"),
        ("http:example.com", "Only http:// and https://"),
        ("http://user@example.com/", "user name or password"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://@example.com/", "user name or password"),
        ("http://evil.com\\@allowed.com/", "backslash"),
        ("http://example.com/a\\b", "backslash"),
        ("http://exa mple.com/", "U+0020 SPACE"),
        ("http://example.com/\t", "U+0009"),
        ("http://example.com/\x00", "U+0000"),
        ("http://exa\u00admple.com/", "U+00AD SOFT HYPHEN"),
        ("http://example.com/\u200b", "U+200B ZERO WIDTH SPACE"),
        ("http://a%2e.com/", "'%'"),
        ("http://%65xample.com/", "'%'"),
        ("http://[::1%25eth0]/", "'%'"),
        ("http://a..com/", "empty label"),
        ("http://.a.com/", "empty label"),
        ("http://a.com../", "empty label"),
        ("http://a.com:0/", "port 0"),
        ("http://a.com:65536/", "port 65536"),
        ("http://a.com:8a/", "cannot be parsed"),
        ("http:///path", "no host"),
        ("http://-a.com/", "not a valid name"),
        ("http://xn--zz.com/", "not a valid international name"),
    ],
)
def test_invalid_urls(url: str, reason_part: str) -> None:
    result = problem(url)
    assert result.code == "invalid_tool_input"
    assert reason_part in result.reason


def test_length_limit_is_250_characters() -> None:
    base = "https://example.com/"
    ok = base + "a" * (250 - len(base))
    assert isinstance(parse_fetch_url(ok), ParsedUrl)
    long = ok + "a"
    assert problem(long) == UrlProblem("url_too_long", "The URL has 251 characters; the limit is 250.")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.COM", "http://example.com/"),
        ("https://example.com.:443/a#frag", "https://example.com/a"),
        ("http://example.com:80/", "http://example.com/"),
        ("http://example.com:8080/x", "http://example.com:8080/x"),
        ("https://example.com:80/x", "https://example.com:80/x"),
        ("http://example.com/a/../b/./c", "http://example.com/b/c"),
        ("http://example.com/?b=2&a=1", "http://example.com/?b=2&a=1"),
        ("http://example.com/?Q=%7e", "http://example.com/?Q=%7e"),
        ("http://example.com?", "http://example.com/?"),
        ("http://faß.de/", "http://xn--fa-hia.de/"),
        ("http://XN--MAZON-3VE.com/", "http://xn--mazon-3ve.com/"),
        ("http://a_b.example.com/", "http://a_b.example.com/"),
        ("http://[0:0::1]:8080/", "http://[::1]:8080/"),
        ("http://127.0.0.1/", "http://127.0.0.1/"),
        ("http://example.com/ü", "http://example.com/%C3%BC"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_faß_is_not_mapped_to_fass_like_the_builtin_codec() -> None:
    parsed = parse_fetch_url("http://faß.de/")
    assert isinstance(parsed, ParsedUrl)
    assert parsed.host == "xn--fa-hia.de"
    assert parsed.unicode_host == "faß.de"
    assert "fass.de".encode("idna") != parsed.host.encode()


def test_parsed_parts_and_url_to_fetch() -> None:
    parsed = parse_fetch_url("https://Docs.Example.com.:8443/a/b?x=1#f")
    assert isinstance(parsed, ParsedUrl)
    assert (parsed.scheme, parsed.host, parsed.port, parsed.path, parsed.query) == (
        "https",
        "docs.example.com",
        8443,
        "/a/b",
        "x=1",
    )
    assert str(parsed.url) == "https://docs.example.com:8443/a/b?x=1"
    assert parsed.is_ip is False


def test_canonical_url_raises_with_code() -> None:
    with pytest.raises(
        ConfigError, match=r"^invalid_tool_input: Only http:// and https:// URLs can be fetched\.$"
    ):
        canonical_url("file:///etc/passwd")
