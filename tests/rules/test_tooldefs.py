"""Tool definitions to and from the SDK's params (webfetch_kit.rules.tooldefs, FetchPolicy's methods)."""

from __future__ import annotations

import anthropic.types
import pytest

from webfetch_kit.errors import PolicyError, ToolVersionError
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.rules.tooldefs import WEB_FETCH_VERSIONS, WEB_SEARCH_VERSIONS, web_search_param

# ---------------------------------------------------------------- tool params


def test_sdk_knows_exactly_these_versions() -> None:
    fetch = {n for n in dir(anthropic.types) if n.startswith("WebFetchTool2") and n.endswith("Param")}
    search = {n for n in dir(anthropic.types) if n.startswith("WebSearchTool2") and n.endswith("Param")}
    assert (
        {f"web_fetch_{n[12:20]}" for n in fetch}
        == set(WEB_FETCH_VERSIONS)
        == {
            "web_fetch_20250910",
            "web_fetch_20260209",
            "web_fetch_20260309",
            "web_fetch_20260318",
        }
    )
    assert (
        {f"web_search_{n[13:21]}" for n in search}
        == set(WEB_SEARCH_VERSIONS)
        == {
            "web_search_20250305",
            "web_search_20260209",
            "web_search_20260318",
        }
    )


def test_to_tool_param_default() -> None:
    policy = FetchPolicy(allowed_domains=["Example.com", "docs.example.org/api/"], max_uses=5, citations=True)
    assert policy.to_tool_param() == {
        "type": "web_fetch_20250910",
        "name": "web_fetch",
        "allowed_domains": ["example.com", "docs.example.org/api"],
        "max_uses": 5,
        "citations": {"enabled": True},
    }


@pytest.mark.parametrize("version", sorted(WEB_FETCH_VERSIONS))
def test_round_trip_every_version(version: str) -> None:
    use_cache = False if version >= "web_fetch_20260309" else None
    policy = FetchPolicy(
        blocked_domains=["private.example.com"],
        max_uses=3,
        max_content_tokens=1000,
        citations=True,
        use_cache=use_cache,
        url_sources={
            "user_input": {"type": "all"},
            "server_tool_results": {
                "type": "only",
                "tools": [{"type": "tool_reference", "name": "web_search"}],
            },
        },
    )
    param = policy.to_tool_param(version)
    assert param["type"] == version
    assert set(param) <= WEB_FETCH_VERSIONS[version]
    assert FetchPolicy.from_tool_param(param) == policy


def test_use_cache_before_20260309_is_refused() -> None:
    with pytest.raises(ToolVersionError) as info:
        FetchPolicy(use_cache=False).to_tool_param("web_fetch_20260209")
    assert str(info.value) == "web_fetch_20260209 has no use_cache option: use web_fetch_20260309 or later"


def test_unknown_version_is_refused() -> None:
    with pytest.raises(ToolVersionError) as info:
        FetchPolicy().to_tool_param("web_fetch_20990101")
    assert str(info.value).startswith("unknown web fetch version 'web_fetch_20990101': use one of [")


def test_from_tool_param_refuses_foreign_keys() -> None:
    with pytest.raises(ToolVersionError) as info:
        FetchPolicy.from_tool_param({"type": "web_fetch_20250910", "name": "web_fetch", "use_cache": True})
    assert str(info.value) == "web_fetch_20250910 has no use_cache option"
    with pytest.raises(PolicyError) as info2:
        FetchPolicy.from_tool_param({"type": "web_fetch_20250910", "name": "web_fetch", "strict": True})
    assert str(info2.value) == "FetchPolicy does not model strict: remove it from the dict"


@pytest.mark.parametrize("version", sorted(WEB_SEARCH_VERSIONS))
def test_search_param(version: str) -> None:
    policy = FetchPolicy(allowed_domains=["Example.com"])
    assert policy.to_search_param(version, max_uses=2) == {
        "type": version,
        "name": "web_search",
        "allowed_domains": ["example.com"],
        "max_uses": 2,
    }


def test_search_param_refuses_unknown_version_and_both_lists() -> None:
    with pytest.raises(ToolVersionError):
        web_search_param("web_search_20990101")
    with pytest.raises(PolicyError, match="cannot both be set"):
        web_search_param(allowed_domains=["a.com"], blocked_domains=["b.com"])


def test_from_tool_definition_ignores_presentation_options() -> None:
    tool = {
        "type": "web_fetch_20260318",
        "name": "web_fetch",
        "allowed_domains": ["example.com"],
        "max_uses": 3,
        "cache_control": {"type": "ephemeral"},
        "strict": True,
        "response_inclusion": "full",
    }
    policy = FetchPolicy.from_tool_definition(tool)
    assert policy.allowed_domains == ("example.com",)
    assert policy.max_uses == 3
    with pytest.raises(
        PolicyError, match="FetchPolicy does not model cache_control, response_inclusion, strict"
    ):
        FetchPolicy.from_tool_param(tool)


def test_from_tool_definition_still_refuses_options_the_version_lacks() -> None:
    tool = {"type": "web_fetch_20250910", "name": "web_fetch", "response_inclusion": "full"}
    with pytest.raises(ToolVersionError, match="web_fetch_20250910 has no response_inclusion option"):
        FetchPolicy.from_tool_definition(tool)
