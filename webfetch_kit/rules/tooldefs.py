"""Tool definitions: the SDK's ``web_fetch_*`` / ``web_search_*`` tool params, to and from the kit's options.

The versions and the options each accepts are read from the installed SDK's TypedDicts (so a new SDK
brings its new versions), on first use: importing the SDK takes ~0.8 s, and checking a URL never needs it.
:class:`~webfetch_kit.rules.policy.FetchPolicy` keeps ``to_tool_param`` / ``from_tool_param`` as methods
and delegates here.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from ..errors import PolicyError, ToolVersionError, check_positive_int
from .domains import DomainLists

__all__ = [
    "DEFAULT_FETCH_VERSION",
    "DEFAULT_SEARCH_VERSION",
    "FETCH_OPTIONS",
    "PRESENTATION_KEYS",
    "WEB_FETCH_VERSIONS",
    "WEB_SEARCH_VERSIONS",
    "WebFetchToolParam",
    "WebSearchToolParam",
    "fetch_options",
    "fetch_tool_param",
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

FETCH_OPTIONS = (
    "allowed_domains",
    "blocked_domains",
    "max_uses",
    "max_content_tokens",
    "citations",
    "use_cache",
    "url_sources",
)
"""The web fetch options the kit models (the ``FetchPolicy`` fields), in tool-param order."""


def _fetch_keys(version: object) -> frozenset[str]:
    keys = _fetch_versions().get(str(version))
    if keys is None:
        raise ToolVersionError(
            f"unknown web fetch version {version!r}: use one of {sorted(_fetch_versions())}"
        )
    return keys


def fetch_tool_param(version: str, options: Mapping[str, Any]) -> WebFetchToolParam:
    """The SDK tool definition for a policy's ``options`` (the :data:`FETCH_OPTIONS` of a ``FetchPolicy``).

    Args:
        version: a ``web_fetch_*`` type the installed SDK knows (see ``WEB_FETCH_VERSIONS``).
        options: the policy's validated options; ``None`` (and ``citations=False``) are left out.

    Returns:
        The SDK's ``WebFetchTool<date>Param`` dict.

    Raises:
        ToolVersionError: unknown version, or an option set here that the version lacks.
    """
    keys = _fetch_keys(version)
    param: dict[str, Any] = {"type": version, "name": "web_fetch"}
    for name in FETCH_OPTIONS:
        value = options.get(name)
        if value is None or (name == "citations" and not value):
            continue
        if name == "citations":
            param[name] = {"enabled": True}
        elif name in ("allowed_domains", "blocked_domains"):
            param[name] = list(value)
        else:
            param[name] = value
    missing = sorted(set(param) - keys)
    if missing:
        with_it = [v for v, k in sorted(_fetch_versions().items()) if set(missing) <= k]
        raise ToolVersionError(
            f"{version} has no {', '.join(missing)} option: "
            + (f"use {with_it[0]} or later" if with_it else "remove it")
        )
    return cast("WebFetchToolParam", param)


def fetch_options(param: Mapping[str, Any], *, presentation_ok: bool = False) -> dict[str, Any]:
    """The policy options a ``web_fetch_*`` tool definition asks for (keyword arguments of ``FetchPolicy``).

    Args:
        param: a ``web_fetch_*`` tool dict.
        presentation_ok: accept and ignore :data:`PRESENTATION_KEYS` the version has (``cache_control``,
            ``strict``...): valid in a request, they say nothing about how a fetch runs.

    Raises:
        ToolVersionError: unknown version, or a key that version does not have.
        PolicyError: a key ``FetchPolicy`` does not model.
    """
    version = param.get("type")
    keys = _fetch_keys(version)
    if presentation_ok:
        param = {k: v for k, v in param.items() if not (k in PRESENTATION_KEYS and k in keys)}
    if param.get("name") != "web_fetch":
        raise PolicyError(f"a web fetch tool must be named 'web_fetch', got {param.get('name')!r}")
    extra = sorted(set(param) - keys)
    if extra:
        raise ToolVersionError(f"{version} has no {', '.join(extra)} option")
    unmodelled = sorted(k for k in set(param) - {"type", "name", *FETCH_OPTIONS} if param[k] is not None)
    if unmodelled:
        raise PolicyError(f"FetchPolicy does not model {', '.join(unmodelled)}: remove it from the dict")
    citations = param.get("citations")
    allowed = param.get("allowed_domains")
    blocked = param.get("blocked_domains")
    return {
        "allowed_domains": None if allowed is None else tuple(allowed),
        "blocked_domains": None if blocked is None else tuple(blocked),
        "max_uses": param.get("max_uses"),
        "max_content_tokens": param.get("max_content_tokens"),
        "citations": bool(citations.get("enabled", False)) if isinstance(citations, Mapping) else False,
        "use_cache": param.get("use_cache"),
        "url_sources": param.get("url_sources"),
    }


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
    lists = DomainLists.parse(allowed_domains, blocked_domains)
    check_positive_int(max_uses, "max_uses", none_ok=True, error=PolicyError)
    param: dict[str, Any] = {"type": version, "name": "web_search"}
    if lists.allowed is not None:
        param["allowed_domains"] = [rule.normalized for rule in lists.allowed]
    if lists.blocked is not None:
        param["blocked_domains"] = [rule.normalized for rule in lists.blocked]
    if max_uses is not None:
        param["max_uses"] = max_uses
    if user_location is not None:
        param["user_location"] = dict(user_location)
    return cast("WebSearchToolParam", param)
