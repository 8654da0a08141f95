"""One URL parser for the whole kit: what the policy checks is what the fetcher requests.

The model chooses the URL, so it is untrusted input. It is parsed once, with the parser that fetches
(``httpx.URL``), and judged on what httpx will really request, because parsers disagree:
``http://evil.com\\@allowed.com`` is ``allowed.com`` to httpx and ``evil.com`` to browsers.

Error codes are the SDK's ``WebFetchToolResultErrorCode`` values:

* ``url_too_long`` -- the documentation: "URL exceeds maximum length (250 characters)". The length is
  counted in characters of the string as given, before any encoding.
* ``invalid_tool_input`` -- the documentation calls it ``invalid_input`` ("Invalid URL format"); the SDK
  (newer than the page) spells it ``invalid_tool_input``, and the SDK wins. Refused: anything httpx cannot
  parse, schemes other than http/https, userinfo (``user@host``), backslashes, control, format (invisible)
  and whitespace characters anywhere, ``%`` in the host, empty labels, ports outside 1-65535, hosts that
  are not valid IDNA 2008 names.

Host normalisation: lower case, one trailing dot removed, international labels through the ``idna``
package (IDNA 2008 with the UTS #46 mapping), never Python's built-in ``idna`` codec (IDNA 2003: it maps
``faß.de`` to ``fass.de``). ASCII labels that are not ``xn--`` labels may hold letters, digits, ``-`` and
``_`` (underscores occur in real host names), but may not start or end with ``-``.

The canonical form (:func:`canonical_url`) is the key for provenance and caches: scheme and host in lower
case, host in its ASCII (A-label) form, default port dropped, empty path written ``/``, dot segments
removed (httpx removes them before sending), fragment dropped, query kept exactly as httpx sends it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass

import httpx
import idna

from ..errors import ConfigError
from ..problem import Problem

__all__ = [
    "MAX_URL_LENGTH",
    "NormalizedHost",
    "ParsedUrl",
    "UrlProblem",
    "canonical_url",
    "ends_in_a_number",
    "normalize_host",
    "parse_fetch_url",
]

# "url_too_long: URL exceeds maximum length (250 characters)"
MAX_URL_LENGTH = 250
_MAX_HOST_LENGTH = 253
_MAX_LABEL_LENGTH = 63
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?")


@dataclass(frozen=True)
class ParsedUrl:
    """A URL that passed validation, with the parts the policy and the fetcher need."""

    url: httpx.URL
    """What to request: the canonical form as an ``httpx.URL``."""
    canonical: str
    scheme: str
    host: str
    """ASCII host (A-labels for international names; IPv6 without brackets)."""
    unicode_host: str
    """The host with international labels decoded (what a person reads)."""
    port: int | None
    """An explicit, non-default port, else None."""
    path: str
    """The path as httpx sends it (percent-encoded, dot segments removed)."""
    query: str
    """The query without its ``?``, as httpx sends it ("" when there is none)."""
    is_ip: bool


UrlProblem = Problem
"""Why a URL cannot be fetched: the one outcome shape, :class:`~webfetch_kit.problem.Problem` (this name is
kept for code written against webfetch-kit 0.1; its ``code`` was called ``error_code`` there)."""


@dataclass(frozen=True)
class NormalizedHost:
    """A host after :func:`normalize_host`: its A-label (``ascii``) and Unicode forms, and whether it is an
    IP literal."""

    ascii: str
    unicode: str
    is_ip: bool


def _bad_character(text: str) -> str | None:
    for ch in text:
        if ch.isspace() or unicodedata.category(ch) in {"Cc", "Cf", "Zs", "Zl", "Zp"}:
            return f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')}"
    return None


def _bad_host(reason: str) -> Problem:
    return Problem("invalid_tool_input", reason)


def normalize_host(host: str) -> NormalizedHost | Problem:
    """Normalise a host name or IP literal; see the module docstring for the rules.

    Args:
        host: a host as written (no port, no brackets around IPv6).

    Returns:
        The normalised host, or a :class:`~webfetch_kit.problem.Problem` (``invalid_tool_input``) whose
        reason says what is wrong, as a clause (``"the host name contains '%'"``).
    """
    if not host:
        return _bad_host("the URL has no host name")
    if "%" in host:
        return _bad_host("the host name contains '%'")
    if ":" in host:
        try:
            v6 = ipaddress.IPv6Address(host)
        except ValueError:
            return _bad_host(f"{host!r} is not a valid IPv6 address")
        return NormalizedHost(v6.compressed, v6.compressed, True)
    if host.endswith("."):
        host = host[:-1]
    try:
        v4 = ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return NormalizedHost(str(v4), str(v4), True)
    try:
        # UTS #46 mapping (non-transitional: ß stays ß); it lower-cases and maps full stops like "．".
        mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    except idna.IDNAError as exc:
        return _bad_host(f"the host name is not a valid international name ({exc})")
    ascii_labels: list[str] = []
    unicode_labels: list[str] = []
    for label in mapped.split("."):
        if not label:
            return _bad_host("the host name has an empty label (two dots in a row, or a leading dot)")
        if label.isascii() and not label.startswith("xn--"):
            if not _ASCII_LABEL.fullmatch(label):
                return _bad_host(f"the host label {label!r} is not a valid name")
            ascii_label, unicode_label = label, label
        else:
            try:
                ascii_label = idna.alabel(label).decode("ascii")
                unicode_label = idna.ulabel(ascii_label)
            except (idna.IDNAError, UnicodeError) as exc:
                return _bad_host(f"the host label {label!r} is not a valid international name ({exc})")
        if len(ascii_label) > _MAX_LABEL_LENGTH:
            return _bad_host(f"the host label {ascii_label!r} is longer than 63 characters")
        ascii_labels.append(ascii_label)
        unicode_labels.append(unicode_label)
    ascii_host = ".".join(ascii_labels)
    if len(ascii_host) > _MAX_HOST_LENGTH:
        return _bad_host("the host name is longer than 253 characters")
    return NormalizedHost(ascii_host, ".".join(unicode_labels), False)


_HEX_LABEL = re.compile(r"0[xX][0-9a-fA-F]*")


def ends_in_a_number(host: str) -> bool:
    """WHATWG URL "ends in a number": the last label is decimal or ``0x`` hex, so browsers and
    ``inet_aton`` read the host as an IPv4 address (``127.1``, ``0x7f.1``), never as a DNS name (no
    top-level domain is numeric)."""
    last = host.rstrip(".").rsplit(".", 1)[-1]
    return bool(last) and ((last.isascii() and last.isdigit()) or _HEX_LABEL.fullmatch(last) is not None)


def _invalid(reason: str) -> Problem:
    return Problem("invalid_tool_input", reason)


def parse_fetch_url(url: str) -> ParsedUrl | Problem:
    """Validate a URL the way it will be fetched (every redirect hop goes through here too).

    Args:
        url: the URL as the model (or a redirect's ``Location``, made absolute) gave it.

    Returns:
        A :class:`ParsedUrl`, or a :class:`~webfetch_kit.problem.Problem` with the tool error code
        (``invalid_tool_input`` or ``url_too_long``) and a reason.
    """
    if not isinstance(url, str):
        return _invalid("The URL must be a string.")
    if len(url) > MAX_URL_LENGTH:
        return Problem("url_too_long", f"The URL has {len(url)} characters; the limit is {MAX_URL_LENGTH}.")
    bad = _bad_character(url)
    if bad is not None:
        return _invalid(f"The URL contains a space, control or invisible character ({bad}).")
    if "\\" in url:
        return _invalid("The URL contains a backslash, which parsers read in different ways.")
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.lower() not in _DEFAULT_PORTS:
        return _invalid("Only http:// and https:// URLs can be fetched.")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        return _invalid("The URL contains a user name or password (user@host), which is not allowed.")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError) as exc:
        return _invalid(f"The URL cannot be parsed ({exc}).")
    if parsed.userinfo:
        return _invalid("The URL contains a user name or password (user@host), which is not allowed.")
    raw_host = parsed.raw_host.decode("ascii")
    if "%" in raw_host or "%" in authority:
        return _invalid("The host name contains '%'.")
    port = parsed.port
    if port is not None and not 1 <= port <= 65535:
        return _invalid(f"The port {port} is outside 1-65535.")
    host = normalize_host(raw_host)
    if isinstance(host, Problem):
        return _invalid(f"The host is not valid: {host.reason}.")
    scheme = parsed.scheme
    if port == _DEFAULT_PORTS[scheme]:
        port = None
    raw_path = parsed.raw_path.decode("ascii")
    path, qmark, query = raw_path.partition("?")
    path = path or "/"
    netloc = f"[{host.ascii}]" if ":" in host.ascii else host.ascii
    if port is not None:
        netloc = f"{netloc}:{port}"
    canonical = f"{scheme}://{netloc}{path}{qmark}{query}"
    return ParsedUrl(
        url=httpx.URL(canonical),
        canonical=canonical,
        scheme=scheme,
        host=host.ascii,
        unicode_host=host.unicode,
        port=port,
        path=path,
        query=query,
        is_ip=host.is_ip,
    )


def canonical_url(url: str) -> str:
    """The one canonical spelling of a URL, used for provenance and cache keys.

    Scheme and host lower case (host as ASCII A-labels), default port dropped, empty path ``/``,
    fragment dropped, query kept as httpx sends it (``?`` kept even when empty).

    Args:
        url: an http(s) URL.

    Returns:
        The canonical form.

    Raises:
        ConfigError: the URL is not valid; the message gives the tool error code and the reason.
    """
    parsed = parse_fetch_url(url)
    if isinstance(parsed, Problem):
        raise ConfigError(str(parsed))
    return parsed.canonical
