"""Domain lists: entries, their normal form, and the one matcher the fetch policy and the search tool share.

Rules, each quoting the web fetch tool documentation ("Domain filtering"):

* "Domains should not include the HTTP/HTTPS scheme (use ``example.com`` instead of
  ``https://example.com``)" -- an entry with a scheme is refused, and the message gives the fix.
* "Subdomains are automatically included (``example.com`` covers ``docs.example.com``)" -- matching is on
  whole labels: ``example.com`` never covers ``evil-example.com``, ``notexample.com`` or
  ``example.com.evil.net``. Wildcards are refused (they would be redundant or misleading).
* "Subpaths are supported (``example.com/blog``)" -- matching is on whole path segments after the path is
  normalised the way httpx sends it (dot segments removed) plus: repeated slashes collapsed and
  percent-encoded unreserved characters but the dot decoded (``%62log`` is ``blog``). Paths compare
  case-sensitively.
  A URL whose host is under a subpath entry and whose path holds text that servers read in different
  ways is refused with ``url_not_allowed``, because no segment match can be trusted to judge it (the URL
  itself is well formed, which is why the code is not ``invalid_tool_input``):

  - an encoded ``.``, ``/`` or ``\\`` (``%2e``, ``%2f``, ``%5c``, any case);
  - a ``;`` or its escape ``%3b``: Tomcat and Spring read ``;`` as the start of a path parameter, so
    ``/blog/..;/admin`` is ``/admin`` to them and ``/admin;jsessionid=1`` is ``/admin`` (and a proxy that
    decodes the path before forwarding it turns ``%3b`` into ``;``);
  - an encoded ``%`` (``%25``): a server that decodes twice turns ``%252e`` into ``.``.

  The cause is one pattern, ``_AMBIGUOUS_PATH``; an entry whose own path holds any of these is refused
  (every URL under it would be).
* "You can use either ``allowed_domains`` or ``blocked_domains``, but not both in the same request."
* Homographs: "Be aware that Unicode characters in domain names can create security vulnerabilities
  through homograph attacks" -- a host whose UTS #39 confusable skeleton falls under a blocked entry's
  skeleton is blocked too, and :meth:`FetchPolicy.warnings` audits the lists.

Also refused in entries (with a message saying how to fix them): empty entries, whitespace, ports, IP
addresses (including names whose last label is all digits), user names, queries and fragments, names
longer than 253 characters or with a label longer than 63, and empty lists (pass ``None`` instead).
Entries are normalised: lower case, one trailing dot removed, international names through the ``idna``
package (stored as A-labels, i.e. punycode), subpath normalised and kept.

The matcher is :func:`covers` (whole labels, whole path segments); :class:`DomainLists` adds what a list
decides beyond it (ambiguous paths, confusable look-alikes of blocked entries) and gives the
:class:`~webfetch_kit.rules.verdict.Verdict`. The search tool filters its results with the same object.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import httpx

from ..errors import PolicyError
from ..problem import Problem
from . import homoglyphs
from .homoglyphs import PolicyWarning
from .urls import ParsedUrl, ends_in_a_number, normalize_host, parse_fetch_url
from .verdict import Verdict

__all__ = ["DomainLists", "DomainRule", "covers", "normalize_path", "parse_domain_entry"]

_Ambiguity = Literal["separator", "parameter", "double"]
# Path text servers disagree on (see the module docstring): a segment match cannot judge a path holding it.
_AMBIGUOUS_PATH = re.compile(r"%(?:2e|2f|5c|3b|25)|;", re.IGNORECASE)
# What each kind of match in _AMBIGUOUS_PATH is called in a message.
_AMBIGUITY: dict[_Ambiguity, str] = {
    "separator": "an encoded '.', '/' or '\\'",
    "parameter": "a ';' (or its escape %3B)",
    "double": "an encoded '%' (%25)",
}
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# RFC 3986 unreserved characters, less "." (see normalize_path).
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_~")
_ENTRY_FORBIDDEN = {
    "@": "remove the user name (the part before '@')",
    "?": "remove the query (the part from '?')",
    "#": "remove the fragment (the part from '#')",
    "\\": "use '/' for a subpath, never a backslash",
}


@dataclass(frozen=True)
class DomainRule:
    """One normalised list entry: the host (A-labels), its Unicode form, and an optional subpath."""

    entry: str
    """As the user wrote it."""
    host: str
    unicode_host: str
    path: str | None

    @property
    def normalized(self) -> str:
        """The entry as it is sent to the API: ``host`` or ``host/path``."""
        return self.host + (self.path or "")

    @functools.cached_property
    def label_skeletons(self) -> list[str]:
        """The UTS #39 skeleton of each host label (computed once: rules never change)."""
        return [homoglyphs.skeleton(label) for label in self.unicode_host.split(".")]


def normalize_path(path: str) -> str:
    """Normalise a URL path for segment matching: repeated slashes collapsed, unreserved escapes decoded.

    Dot segments are not handled here because they cannot occur: httpx removes them from every URL it
    parses (an entry's path goes through httpx too), and ``%2e`` is not decoded (an encoded dot stays
    ``%2E``, which the domain lists refuse under subpath rules), so decoding never makes a new one.

    Args:
        path: a percent-encoded path starting with ``/``, as httpx sends it.

    Returns:
        The normalised path; ``/`` stays ``/`` and no other result ends with ``/`` unless the input did.
    """

    def unescape(match: re.Match[str]) -> str:
        ch = chr(int(match.group(1), 16))
        return ch if ch in _UNRESERVED else f"%{match.group(1).upper()}"

    joined = re.sub(r"/{2,}", "/", _PERCENT.sub(unescape, path))
    return joined if joined.startswith("/") else "/" + joined


def _ambiguity(path: str) -> _Ambiguity | None:
    """The kind of the first text in ``path`` that servers read in different ways, or None.

    Args:
        path: a percent-encoded path, as httpx sends it.

    Returns:
        ``"separator"`` (``%2e``, ``%2f``, ``%5c``), ``"parameter"`` (``;``, ``%3b``), ``"double"``
        (``%25``), or None when a segment match can judge the path.
    """
    match = _AMBIGUOUS_PATH.search(path)
    if match is None:
        return None
    text = match.group(0).lower()
    if text in (";", "%3b"):
        return "parameter"
    return "double" if text == "%25" else "separator"


def _why(kind: _Ambiguity, *, blocked: bool) -> str:
    """What the path holds and why servers disagree on it, as a noun phrase for a verdict's reason."""
    if kind == "parameter":
        example = "'/admin;jsessionid=1' is '/admin'" if blocked else "'/blog/..;/admin' is '/admin'"
        reading = "which Tomcat and Spring read as the start of a path parameter"
        return f"{_AMBIGUITY[kind]}, {reading} ({example} to them)"
    if kind == "double":
        return (
            f"{_AMBIGUITY[kind]}, which a server that decodes twice reads as an escape ('%252e' is '.' to it)"
        )
    return _AMBIGUITY[kind]


def _path_covers(rule_path: str, url_path: str) -> bool:
    return url_path == rule_path or url_path.startswith(rule_path + "/")


def _host_covers(rule_host: str, host: str) -> bool:
    return host == rule_host or host.endswith("." + rule_host)


def covers(rules: Sequence[DomainRule], host: str, path: str) -> DomainRule | None:
    """The first rule whose host covers ``host`` (whole labels) and whose subpath covers ``path``.

    Args:
        rules: normalised entries (:func:`parse_domain_entry`).
        host: an ASCII (A-label) host, as :class:`~webfetch_kit.rules.urls.ParsedUrl` has it.
        path: a path normalised with :func:`normalize_path`.

    Returns:
        The covering rule, or None.
    """
    for rule in rules:
        if _host_covers(rule.host, host) and (rule.path is None or _path_covers(rule.path, path)):
            return rule
    return None


def parse_domain_entry(entry: object, list_name: str) -> DomainRule:
    """Validate and normalise one ``allowed_domains`` / ``blocked_domains`` entry.

    Args:
        entry: the entry as given.
        list_name: ``"allowed_domains"`` or ``"blocked_domains"`` (for messages).

    Returns:
        The normalised rule.

    Raises:
        PolicyError: the entry is invalid; the message says how to fix it.
    """
    if not isinstance(entry, str):
        raise PolicyError(f"{list_name} entries must be strings, got {type(entry).__name__}: {entry!r}")
    where = f"{list_name} entry {entry!r}"
    if not entry:
        raise PolicyError(f"{list_name} has an empty entry: remove it, or write a domain such as example.com")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in entry):
        raise PolicyError(f"{where} contains whitespace or a control character: remove it")
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):(//)?", entry)
    if scheme and (scheme.group(2) or scheme.group(1).lower() in {"http", "https"}):
        raise PolicyError(
            f"{where} includes a scheme: domains are written without http:// or https:// "
            f"(use {_fixed(entry[scheme.end() :])})"
        )
    for ch, fix in _ENTRY_FORBIDDEN.items():
        if ch in entry:
            raise PolicyError(f"{where} contains {ch!r}: {fix}")
    host_text, slash, path_text = entry.partition("/")
    if "*" in host_text:
        bare = host_text.lstrip("*.") or "example.com"
        raise PolicyError(f"{where} contains a wildcard: subdomains are included automatically (use {bare})")
    if host_text.startswith("[") or host_text.count(":") > 1:
        raise PolicyError(f"{where} is an IP address: list domain names, not addresses")
    if ":" in host_text:
        raise PolicyError(f"{where} has a port: remove it (use {host_text.partition(':')[0]})")
    if "%" in host_text:
        raise PolicyError(f"{where} contains '%' in the domain: write the name itself")
    bare_host = host_text[:-1] if host_text.endswith(".") else host_text
    try:
        ipaddress.ip_address(bare_host)
    except ValueError:
        pass
    else:
        raise PolicyError(f"{where} is an IP address: list domain names, not addresses")
    host = normalize_host(host_text)
    if isinstance(host, Problem):
        raise PolicyError(f"{where} is not a valid domain: {host.reason}")
    if host.is_ip or ends_in_a_number(host.ascii):
        raise PolicyError(f"{where} is an IP address: list domain names, not addresses")
    path: str | None = None
    if slash:
        # Compare like with like: a URL's path is percent-encoded as httpx sends it, so the entry's path
        # is encoded by the same parser (``/café`` → ``/caf%C3%A9``) before it is normalised.
        encoded = httpx.URL("http://entry.invalid/" + path_text).raw_path.decode("ascii")
        kind = _ambiguity(encoded)
        if kind == "separator":
            raise PolicyError(f"{where} has an encoded '.', '/' or '\\' in its path: write the path plainly")
        if kind is not None:
            raise PolicyError(
                f"{where} has {_AMBIGUITY[kind]} in its path, which servers read in different ways, so "
                "every URL under it would be refused: write the path without it"
            )
        normalized = normalize_path(encoded).rstrip("/")
        path = normalized or None
    return DomainRule(entry, host.ascii, host.unicode, path)


def _fixed(rest: str) -> str:
    """A valid entry to suggest for what followed a scheme: user name, port, query and fragment removed."""
    host, slash, path = re.split(r"[?#]", rest, maxsplit=1)[0].partition("/")
    host = host.rpartition("@")[2]
    host = host if host.startswith("[") else host.partition(":")[0]
    candidate = (host + slash + path).rstrip("/")
    try:
        parse_domain_entry(candidate, "allowed_domains")
    except PolicyError:
        return "example.com"
    return candidate


def parse_domain_list(value: object, list_name: str) -> tuple[DomainRule, ...] | None:
    if value is None:
        return None
    if isinstance(value, str | bytes):
        raise PolicyError(f"{list_name} must be a list of domains, not a single string: use [{value!r}]")
    if not isinstance(value, Sequence | set | frozenset):
        raise PolicyError(f"{list_name} must be a list of domains, got {type(value).__name__}")
    rules = tuple(parse_domain_entry(e, list_name) for e in value)
    if not rules:
        raise PolicyError(
            f"{list_name} is empty: pass None to leave domain filtering off, or list at least one domain"
        )
    return rules


@dataclass(frozen=True)
class DomainLists:
    """``allowed_domains`` or ``blocked_domains`` (never both), parsed: the decision the lists make on a URL.

    Used by :class:`~webfetch_kit.rules.policy.FetchPolicy` and by the search tool's domain filter, so
    both read an entry the same way. Make one with :meth:`parse`.
    """

    allowed: tuple[DomainRule, ...] | None = None
    blocked: tuple[DomainRule, ...] | None = None

    @classmethod
    def parse(cls, allowed_domains: object = None, blocked_domains: object = None) -> DomainLists:
        """Validate and normalise the lists.

        Raises:
            PolicyError: both lists are set, or a list or entry is invalid (the message says how to fix it).
        """
        # "You can use either allowed_domains or blocked_domains, but not both in the same request."
        if allowed_domains is not None and blocked_domains is not None:
            raise PolicyError(
                "allowed_domains and blocked_domains cannot both be set: the tool accepts one or the other"
            )
        return cls(
            parse_domain_list(allowed_domains, "allowed_domains"),
            parse_domain_list(blocked_domains, "blocked_domains"),
        )

    @property
    def rules(self) -> tuple[DomainRule, ...]:
        """The rules of whichever list is set (empty when none is)."""
        return self.allowed or self.blocked or ()

    def judge(self, parsed: ParsedUrl) -> Verdict:
        """The lists' verdict on a URL that parsed (refusals are ``url_not_allowed``)."""
        if self.allowed is not None:
            return self._check_allowed(parsed, self.allowed)
        if self.blocked is not None:
            return self._check_blocked(parsed, self.blocked)
        return Verdict.allow("No domain list is set, so every valid URL passes the policy.", url=parsed)

    def admits(self, url: str) -> bool:
        """Whether ``url`` is a valid URL these lists allow (the search tool's filter)."""
        parsed = parse_fetch_url(url)
        return not isinstance(parsed, Problem) and self.judge(parsed).allowed

    def warnings(self) -> list[PolicyWarning]:
        """Homograph risks in the lists: non-ASCII, punycode, mixed scripts, look-alikes, invisibles."""
        found: list[PolicyWarning] = []
        for rule in self.rules:
            found.extend(homoglyphs.entry_warnings(rule.entry, rule.unicode_host, rule.host))
        found.extend(homoglyphs.skeleton_warnings([(r.entry, r.unicode_host) for r in self.rules]))
        return found

    @staticmethod
    def _ambiguous(
        parsed: ParsedUrl, rules: Sequence[DomainRule], *, blocked: bool
    ) -> tuple[DomainRule, str] | None:
        """The subpath rule over this host and why the URL's path is too ambiguous for it, if both."""
        kind = _ambiguity(parsed.path)
        if kind is None:
            return None
        for rule in rules:
            if rule.path is not None and _host_covers(rule.host, parsed.host):
                return rule, _why(kind, blocked=blocked)
        return None

    def _check_allowed(self, parsed: ParsedUrl, rules: Sequence[DomainRule]) -> Verdict:
        tricky = self._ambiguous(parsed, rules, blocked=False)
        if tricky is not None:
            subpath, why = tricky
            return _not_allowed(
                f"The path has {why}, so the subpath rule {_entry(subpath)} cannot judge it safely.",
                subpath,
                parsed,
            )
        path = normalize_path(parsed.path)
        rule = covers(rules, parsed.host, path)
        if rule is not None:
            return Verdict.allow(f"{_host(parsed)} is covered by {_entry(rule)}.", rule.entry, parsed)
        return _not_allowed(
            f"{_host(parsed, path)} is not covered by any entry of allowed_domains.", None, parsed
        )

    def _check_blocked(self, parsed: ParsedUrl, rules: Sequence[DomainRule]) -> Verdict:
        tricky = self._ambiguous(parsed, rules, blocked=True)
        if tricky is not None:
            subpath, why = tricky
            return _not_allowed(
                f"The path has {why}, so it cannot be checked against the blocked subpath {_entry(subpath)}.",
                subpath,
                parsed,
            )
        path = normalize_path(parsed.path)
        blocking = covers(rules, parsed.host, path)
        if blocking is not None:
            return _not_allowed(f"{_host(parsed)} is blocked by {_entry(blocking)}.", blocking, parsed)
        if not parsed.is_ip:
            host_skeleton = [homoglyphs.skeleton(label) for label in parsed.unicode_host.split(".")]
            for rule in rules:
                rule_skeleton = rule.label_skeletons
                n = len(rule_skeleton)
                # A look-alike under a blocked subpath with an ambiguous path is refused like the real
                # host would be: no subpath rule can judge such a path.
                if host_skeleton[-n:] == rule_skeleton and (
                    rule.path is None or _path_covers(rule.path, path) or _ambiguity(parsed.path) is not None
                ):
                    return _not_allowed(
                        f"{_host(parsed)} looks like the blocked {_entry(rule)} (confusable characters).",
                        rule,
                        parsed,
                    )
        return Verdict.allow(f"{_host(parsed)} is not on the blocked list.", url=parsed)


def _host(parsed: ParsedUrl, path: str = "") -> str:
    # A look-alike host must not read like the real one: non-ASCII marked, punycode beside it.
    return homoglyphs.display_host(parsed.unicode_host, parsed.host, path)


def _entry(rule: DomainRule) -> str:
    if rule.entry.isascii():
        return repr(rule.entry)
    return f"{homoglyphs.marked(rule.entry)!r} (punycode {rule.normalized})"


def _not_allowed(reason: str, rule: DomainRule | None, parsed: ParsedUrl) -> Verdict:
    return Verdict.refuse(Problem("url_not_allowed", reason), None if rule is None else rule.entry, parsed)
