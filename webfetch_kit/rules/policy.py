"""The fetch policy: domain lists, limits, and the verdict on one URL.

Rules, each quoting the web fetch tool documentation ("Domain filtering"):

* "Domains should not include the HTTP/HTTPS scheme (use ``example.com`` instead of
  ``https://example.com``)" -- an entry with a scheme is refused, and the message gives the fix.
* "Subdomains are automatically included (``example.com`` covers ``docs.example.com``)" -- matching is on
  whole labels: ``example.com`` never covers ``evil-example.com``, ``notexample.com`` or
  ``example.com.evil.net``. Wildcards are refused (they would be redundant or misleading).
* "Subpaths are supported (``example.com/blog``)" -- matching is on whole path segments after the path is
  normalised the way httpx sends it (dot segments removed) plus: repeated slashes collapsed and
  percent-encoded unreserved characters decoded (``%62log`` is ``blog``). Paths compare case-sensitively.
  A URL whose host is under a subpath entry and whose path holds an encoded ``.``, ``/`` or ``\\``
  (``%2e``, ``%2f``, ``%5c``, any case) is refused with ``url_not_allowed``: servers disagree on what such
  a path means, so no subpath rule can be trusted to judge it (the URL itself is well formed, which is
  why the code is not ``invalid_tool_input``).
* "You can use either ``allowed_domains`` or ``blocked_domains``, but not both in the same request."
* Homographs: "Be aware that Unicode characters in domain names can create security vulnerabilities
  through homograph attacks" -- a host whose UTS #39 confusable skeleton falls under a blocked entry's
  skeleton is blocked too, and :meth:`FetchPolicy.warnings` audits the lists.

Also refused in entries (with a message saying how to fix them): empty entries, whitespace, ports, IP
addresses (including names whose last label is all digits), user names, queries and fragments, names
longer than 253 characters or with a label longer than 63, and empty lists (pass ``None`` instead).
Entries are normalised: lower case, one trailing dot removed, international names through the ``idna``
package (stored as A-labels, i.e. punycode), subpath normalised and kept.
"""

from __future__ import annotations

import functools
import ipaddress
import re
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import httpx

from ..errors import PolicyError, ToolVersionError
from ..problem import Problem
from . import homoglyphs
from .homoglyphs import PolicyWarning
from .urls import ParsedUrl, ends_in_a_number, normalize_host, parse_fetch_url
from .usecount import UseCounter
from .verdict import Verdict

__all__ = [
    "DEFAULT_FETCH_VERSION",
    "DEFAULT_SEARCH_VERSION",
    "PRESENTATION_KEYS",
    "WEB_FETCH_VERSIONS",
    "WEB_SEARCH_VERSIONS",
    "DomainRule",
    "FetchPolicy",
    "PolicyWarning",
    "UseCounter",
    "Verdict",
    "WebFetchToolParam",
    "WebSearchToolParam",
    "normalize_path",
    "parse_domain_entry",
    "web_search_param",
]

# Tool-definition options that shape how a tool is offered to the model (prompt caching, tool search,
# programmatic callers, strict schemas, result inclusion), not how a fetch runs.
PRESENTATION_KEYS = frozenset(
    {"cache_control", "allowed_callers", "defer_loading", "strict", "response_inclusion"}
)

if TYPE_CHECKING:
    from anthropic.types import (
        WebFetchTool20250910Param,
        WebFetchTool20260209Param,
        WebFetchTool20260309Param,
        WebFetchTool20260318Param,
        WebFetchURLSourcesParam,
        WebSearchTool20250305Param,
        WebSearchTool20260209Param,
        WebSearchTool20260318Param,
    )

    WebFetchToolParam: TypeAlias = (
        WebFetchTool20250910Param
        | WebFetchTool20260209Param
        | WebFetchTool20260309Param
        | WebFetchTool20260318Param
    )
    WebSearchToolParam: TypeAlias = (
        WebSearchTool20250305Param | WebSearchTool20260209Param | WebSearchTool20260318Param
    )
    # The tool versions the installed SDK knows, and the options each one accepts (its TypedDict's keys).
    WEB_FETCH_VERSIONS: dict[str, frozenset[str]]
    WEB_SEARCH_VERSIONS: dict[str, frozenset[str]]


@functools.cache
def _sdk_tables() -> dict[str, Any]:
    # Read from the SDK's TypedDicts on first use, not at import: importing the SDK takes ~0.8 s, and
    # checking a URL against a policy never needs it.
    from anthropic import types

    def keys(param: Any) -> frozenset[str]:
        return frozenset(param.__required_keys__ | param.__optional_keys__)

    fetch = {
        "web_fetch_20250910": types.WebFetchTool20250910Param,
        "web_fetch_20260209": types.WebFetchTool20260209Param,
        "web_fetch_20260309": types.WebFetchTool20260309Param,
        "web_fetch_20260318": types.WebFetchTool20260318Param,
    }
    search = {
        "web_search_20250305": types.WebSearchTool20250305Param,
        "web_search_20260209": types.WebSearchTool20260209Param,
        "web_search_20260318": types.WebSearchTool20260318Param,
    }
    return {
        "WEB_FETCH_VERSIONS": {version: keys(param) for version, param in fetch.items()},
        "WEB_SEARCH_VERSIONS": {version: keys(param) for version, param in search.items()},
        "WebFetchToolParam": typing.Union[tuple(fetch.values())],  # noqa: UP007 - built at run time
        "WebSearchToolParam": typing.Union[tuple(search.values())],  # noqa: UP007
    }


def __getattr__(name: str) -> Any:
    if name in ("WEB_FETCH_VERSIONS", "WEB_SEARCH_VERSIONS", "WebFetchToolParam", "WebSearchToolParam"):
        return _sdk_tables()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _fetch_versions() -> dict[str, frozenset[str]]:
    return _sdk_tables()["WEB_FETCH_VERSIONS"]  # type: ignore[no-any-return]


def _search_versions() -> dict[str, frozenset[str]]:
    return _sdk_tables()["WEB_SEARCH_VERSIONS"]  # type: ignore[no-any-return]


DEFAULT_FETCH_VERSION = "web_fetch_20250910"
DEFAULT_SEARCH_VERSION = "web_search_20250305"

_ENCODED_SEPARATOR = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ENTRY_FORBIDDEN = {
    "@": "remove the user name (the part before '@')",
    "?": "remove the query (the part from '?')",
    "#": "remove the fragment (the part from '#')",
    "\\": "use '/' for a subpath, never a backslash",
}
_URL_SOURCE_KEYS = {"user_input", "client_tool_results", "server_tool_results"}


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
    """Normalise a URL path for segment matching (dot segments, repeated slashes, unreserved escapes).

    Args:
        path: a percent-encoded path starting with ``/``.

    Returns:
        The normalised path; ``/`` stays ``/`` and no other result ends with ``/`` unless the input did.
    """

    def unescape(match: re.Match[str]) -> str:
        ch = chr(int(match.group(1), 16))
        return ch if ch in _UNRESERVED else f"%{match.group(1).upper()}"

    path = _PERCENT.sub(unescape, path)
    # RFC 3986 section 5.2.4 remove_dot_segments, on segments.
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    joined = "/".join(out)
    joined = re.sub(r"/{2,}", "/", joined)
    return joined if joined.startswith("/") else "/" + joined


def _path_covers(rule_path: str, url_path: str) -> bool:
    return url_path == rule_path or url_path.startswith(rule_path + "/")


def _host_covers(rule_host: str, host: str) -> bool:
    return host == rule_host or host.endswith("." + rule_host)


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
        rest = entry[scheme.end() :].rstrip("/") or "example.com"
        raise PolicyError(
            f"{where} includes a scheme: domains are written without http:// or https:// (use {rest})"
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
        if "%" in path_text and _ENCODED_SEPARATOR.search(path_text):
            raise PolicyError(f"{where} has an encoded '.', '/' or '\\' in its path: write the path plainly")
        # Compare like with like: a URL's path is percent-encoded as httpx sends it, so the entry's path
        # is encoded by the same parser (``/café`` → ``/caf%C3%A9``) before it is normalised.
        encoded = httpx.URL("http://entry.invalid/" + path_text).raw_path.decode("ascii")
        normalized = normalize_path(encoded).rstrip("/")
        path = normalized or None
    return DomainRule(entry, host.ascii, host.unicode, path)


def _parse_list(value: object, list_name: str) -> tuple[DomainRule, ...] | None:
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


def _positive(value: object, name: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError(f"{name} must be a positive whole number or None, got {value!r}")


def _check_url_sources(value: object) -> None:
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise PolicyError(
            f"url_sources must be a dict like {{'user_input': {{'type': 'all'}}}}, got {value!r}"
        )
    for key, spec in value.items():
        if key not in _URL_SOURCE_KEYS:
            raise PolicyError(
                f"url_sources has an unknown key {key!r}: use one of {sorted(_URL_SOURCE_KEYS)}"
            )
        kinds = ("all", "none") if key == "user_input" else ("all", "none", "only", "except")
        kind = spec.get("type") if isinstance(spec, Mapping) else None
        if kind not in kinds:
            raise PolicyError(f"url_sources[{key!r}] must have 'type' one of {list(kinds)}, got {spec!r}")
        if kind in ("only", "except"):
            tools = spec.get("tools")
            if not isinstance(tools, Sequence) or not all(
                isinstance(t, Mapping)
                and t.get("type") == "tool_reference"
                and isinstance(t.get("name"), str)
                for t in tools
            ):
                raise PolicyError(
                    f"url_sources[{key!r}] needs 'tools': a list of "
                    "{'type': 'tool_reference', 'name': TOOL_NAME}"
                )


def _first_covering(rules: Sequence[DomainRule], host: str, path: str) -> DomainRule | None:
    """The first rule whose host covers ``host`` (label boundaries) and whose subpath covers ``path``."""
    for rule in rules:
        if _host_covers(rule.host, host) and (rule.path is None or _path_covers(rule.path, path)):
            return rule
    return None


def _not_allowed(reason: str, rule: DomainRule | None, parsed: ParsedUrl) -> Verdict:
    return Verdict.refuse(Problem("url_not_allowed", reason), None if rule is None else rule.entry, parsed)


@dataclass(frozen=True)
class FetchPolicy:
    """Domain lists and limits for web fetch, validated as the documentation says.

    Raises:
        PolicyError: an option or list entry is invalid (the message says how to fix it).
    """

    allowed_domains: Sequence[str] | None = None
    """Normalised on construction to a tuple of ``host`` or ``host/path`` strings (A-labels)."""
    blocked_domains: Sequence[str] | None = None
    max_uses: int | None = None
    max_content_tokens: int | None = None
    citations: bool = False
    use_cache: bool | None = None
    url_sources: WebFetchURLSourcesParam | None = None
    _allowed: tuple[DomainRule, ...] | None = field(default=None, init=False, repr=False, compare=False)
    _blocked: tuple[DomainRule, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # "You can use either allowed_domains or blocked_domains, but not both in the same request."
        if self.allowed_domains is not None and self.blocked_domains is not None:
            raise PolicyError(
                "allowed_domains and blocked_domains cannot both be set: the tool accepts one or the other"
            )
        allowed = _parse_list(self.allowed_domains, "allowed_domains")
        blocked = _parse_list(self.blocked_domains, "blocked_domains")
        _positive(self.max_uses, "max_uses")
        _positive(self.max_content_tokens, "max_content_tokens")
        if not isinstance(self.citations, bool):
            raise PolicyError(f"citations must be True or False, got {self.citations!r}")
        if self.use_cache is not None and not isinstance(self.use_cache, bool):
            raise PolicyError(f"use_cache must be True, False or None, got {self.use_cache!r}")
        _check_url_sources(self.url_sources)
        set_ = object.__setattr__
        set_(self, "_allowed", allowed)
        set_(self, "_blocked", blocked)
        set_(self, "allowed_domains", None if allowed is None else tuple(r.normalized for r in allowed))
        set_(self, "blocked_domains", None if blocked is None else tuple(r.normalized for r in blocked))

    @property
    def rules(self) -> tuple[DomainRule, ...]:
        """The normalised rules of whichever list is set (empty when none is)."""
        return self._allowed or self._blocked or ()

    def check(self, url: str) -> Verdict:
        """Decide whether ``url`` may be fetched under this policy.

        Args:
            url: the URL to judge (each redirect hop is judged again by the fetcher).

        Returns:
            A :class:`Verdict`; refused verdicts carry ``invalid_tool_input``, ``url_too_long`` or
            ``url_not_allowed``.
        """
        parsed = parse_fetch_url(url)
        if isinstance(parsed, Problem):
            return Verdict.refuse(parsed)
        if self._allowed is not None:
            return self._check_allowed(parsed, self._allowed)
        if self._blocked is not None:
            return self._check_blocked(parsed, self._blocked)
        return Verdict.allow("No domain list is set, so every valid URL passes the policy.", url=parsed)

    @staticmethod
    def _encoded_separator(parsed: ParsedUrl, rules: Sequence[DomainRule]) -> DomainRule | None:
        if not _ENCODED_SEPARATOR.search(parsed.path):
            return None
        for rule in rules:
            if rule.path is not None and _host_covers(rule.host, parsed.host):
                return rule
        return None

    def _check_allowed(self, parsed: ParsedUrl, rules: Sequence[DomainRule]) -> Verdict:
        tricky = self._encoded_separator(parsed, rules)
        if tricky is not None:
            return _not_allowed(
                f"The path has an encoded '.', '/' or '\\', so the subpath rule {tricky.entry!r} "
                "cannot judge it safely.",
                tricky,
                parsed,
            )
        path = normalize_path(parsed.path)
        rule = _first_covering(rules, parsed.host, path)
        if rule is not None:
            return Verdict.allow(f"{parsed.unicode_host} is covered by {rule.entry!r}.", rule.entry, parsed)
        return _not_allowed(
            f"{parsed.unicode_host}{path} is not covered by any entry of allowed_domains.", None, parsed
        )

    def _check_blocked(self, parsed: ParsedUrl, rules: Sequence[DomainRule]) -> Verdict:
        tricky = self._encoded_separator(parsed, rules)
        if tricky is not None:
            return _not_allowed(
                f"The path has an encoded '.', '/' or '\\', so it cannot be checked against the blocked "
                f"subpath {tricky.entry!r}.",
                tricky,
                parsed,
            )
        path = normalize_path(parsed.path)
        blocking = _first_covering(rules, parsed.host, path)
        if blocking is not None:
            return _not_allowed(f"{parsed.unicode_host} is blocked by {blocking.entry!r}.", blocking, parsed)
        if not parsed.is_ip:
            host_skeleton = [homoglyphs.skeleton(label) for label in parsed.unicode_host.split(".")]
            for rule in rules:
                rule_skeleton = rule.label_skeletons
                n = len(rule_skeleton)
                if host_skeleton[-n:] == rule_skeleton and (
                    rule.path is None or _path_covers(rule.path, path)
                ):
                    return _not_allowed(
                        f"{parsed.unicode_host} looks like the blocked {rule.entry!r} "
                        "(confusable characters).",
                        rule,
                        parsed,
                    )
        return Verdict.allow(f"{parsed.unicode_host} is not on the blocked list.", url=parsed)

    def warnings(self) -> list[PolicyWarning]:
        """Homograph risks in the lists: non-ASCII, punycode, mixed scripts, look-alikes, invisibles.

        Returns:
            One :class:`PolicyWarning` per finding, in list order.
        """
        found: list[PolicyWarning] = []
        for rule in self.rules:
            found.extend(homoglyphs.entry_warnings(rule.entry, rule.unicode_host, rule.host))
        found.extend(homoglyphs.skeleton_warnings([(r.entry, r.unicode_host) for r in self.rules]))
        return found

    def new_counter(self) -> UseCounter:
        """A fresh per-request :class:`UseCounter` for ``max_uses``."""
        return UseCounter(self.max_uses)

    def to_tool_param(self, version: str = DEFAULT_FETCH_VERSION) -> WebFetchToolParam:
        """The SDK tool definition for this policy.

        Args:
            version: a ``web_fetch_*`` type the installed SDK knows (see ``WEB_FETCH_VERSIONS``).

        Returns:
            The SDK's ``WebFetchTool<date>Param`` dict.

        Raises:
            ToolVersionError: unknown version, or an option set here that the version lacks.
        """
        keys = _fetch_versions().get(version)
        if keys is None:
            raise ToolVersionError(
                f"unknown web fetch version {version!r}: use one of {sorted(_fetch_versions())}"
            )
        param: dict[str, Any] = {"type": version, "name": "web_fetch"}
        if self.allowed_domains is not None:
            param["allowed_domains"] = list(self.allowed_domains)
        if self.blocked_domains is not None:
            param["blocked_domains"] = list(self.blocked_domains)
        if self.max_uses is not None:
            param["max_uses"] = self.max_uses
        if self.max_content_tokens is not None:
            param["max_content_tokens"] = self.max_content_tokens
        if self.citations:
            param["citations"] = {"enabled": True}
        if self.use_cache is not None:
            param["use_cache"] = self.use_cache
        if self.url_sources is not None:
            param["url_sources"] = self.url_sources
        missing = sorted(set(param) - keys)
        if missing:
            with_it = [v for v, k in sorted(_fetch_versions().items()) if set(missing) <= k]
            raise ToolVersionError(
                f"{version} has no {', '.join(missing)} option: "
                + (f"use {with_it[0]} or later" if with_it else "remove it")
            )
        return cast("WebFetchToolParam", param)

    @classmethod
    def from_tool_definition(cls, tool: Mapping[str, Any]) -> FetchPolicy:
        """The policy a request's ``web_fetch_*`` tool definition asks for.

        Like :meth:`from_tool_param`, but options in :data:`PRESENTATION_KEYS` (``cache_control``,
        ``strict``, ``response_inclusion``…) are accepted and ignored: they are valid in a request and
        say nothing about how a fetch runs. Keys a version does not have are still refused.
        """
        version_keys = _fetch_versions().get(str(tool.get("type")), frozenset())
        ignored = {k for k in tool if k in PRESENTATION_KEYS and k in version_keys}
        return cls.from_tool_param({k: v for k, v in tool.items() if k not in ignored})

    @classmethod
    def from_tool_param(cls, param: Mapping[str, Any]) -> FetchPolicy:
        """Read a policy back from a web fetch tool definition.

        Args:
            param: a ``web_fetch_*`` tool dict.

        Returns:
            The equivalent policy.

        Raises:
            ToolVersionError: unknown version, or a key that version does not have.
            PolicyError: a key this class does not model, or an invalid value.
        """
        version = param.get("type")
        keys = _fetch_versions().get(str(version))
        if keys is None:
            raise ToolVersionError(
                f"unknown web fetch version {version!r}: use one of {sorted(_fetch_versions())}"
            )
        if param.get("name") != "web_fetch":
            raise PolicyError(f"a web fetch tool must be named 'web_fetch', got {param.get('name')!r}")
        extra = sorted(set(param) - keys)
        if extra:
            raise ToolVersionError(f"{version} has no {', '.join(extra)} option")
        modelled = {"type", "name", "allowed_domains", "blocked_domains", "max_uses", "max_content_tokens",
                    "citations", "use_cache", "url_sources"}  # fmt: skip
        unmodelled = sorted(k for k in set(param) - modelled if param[k] is not None)
        if unmodelled:
            raise PolicyError(f"FetchPolicy does not model {', '.join(unmodelled)}: remove it from the dict")
        citations = param.get("citations")
        allowed = param.get("allowed_domains")
        blocked = param.get("blocked_domains")
        return cls(
            allowed_domains=None if allowed is None else tuple(allowed),
            blocked_domains=None if blocked is None else tuple(blocked),
            max_uses=param.get("max_uses"),
            max_content_tokens=param.get("max_content_tokens"),
            citations=bool(citations.get("enabled", False)) if isinstance(citations, Mapping) else False,
            use_cache=param.get("use_cache"),
            url_sources=param.get("url_sources"),
        )

    def to_search_param(
        self,
        version: str = DEFAULT_SEARCH_VERSION,
        *,
        max_uses: int | None = None,
        user_location: Mapping[str, Any] | None = None,
    ) -> WebSearchToolParam:
        """The matching ``web_search`` tool definition, with this policy's domain lists.

        Args:
            version: a ``web_search_*`` type the installed SDK knows (see ``WEB_SEARCH_VERSIONS``).
            max_uses: the search tool's own ``max_uses`` (not the fetch limit).
            user_location: the SDK's ``UserLocationParam`` dict.

        Returns:
            The SDK's ``WebSearchTool<date>Param`` dict.
        """
        return web_search_param(
            version,
            allowed_domains=self.allowed_domains,
            blocked_domains=self.blocked_domains,
            max_uses=max_uses,
            user_location=user_location,
        )


def web_search_param(
    version: str = DEFAULT_SEARCH_VERSION,
    *,
    allowed_domains: Sequence[str] | None = None,
    blocked_domains: Sequence[str] | None = None,
    max_uses: int | None = None,
    user_location: Mapping[str, Any] | None = None,
) -> WebSearchToolParam:
    """A ``web_search`` tool definition, its lists validated like web fetch's.

    Args:
        version: a ``web_search_*`` type the installed SDK knows.
        allowed_domains: domains to search only (not with ``blocked_domains``).
        blocked_domains: domains never to search.
        max_uses: the most searches per request.
        user_location: the SDK's ``UserLocationParam`` dict.

    Returns:
        The SDK's ``WebSearchTool<date>Param`` dict.

    Raises:
        ToolVersionError: the version is unknown.
        PolicyError: a list or ``max_uses`` is invalid.
    """
    if version not in _search_versions():
        raise ToolVersionError(
            f"unknown web search version {version!r}: use one of {sorted(_search_versions())}"
        )
    lists = FetchPolicy(allowed_domains=allowed_domains, blocked_domains=blocked_domains, max_uses=max_uses)
    param: dict[str, Any] = {"type": version, "name": "web_search"}
    if lists.allowed_domains is not None:
        param["allowed_domains"] = list(lists.allowed_domains)
    if lists.blocked_domains is not None:
        param["blocked_domains"] = list(lists.blocked_domains)
    if max_uses is not None:
        param["max_uses"] = max_uses
    if user_location is not None:
        param["user_location"] = dict(user_location)
    return cast("WebSearchToolParam", param)
