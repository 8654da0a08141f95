"""Server tool errors: max_uses counted by the emulator, every runtime error code passed through."""

from __future__ import annotations

import anthropic
import pytest
from emulator_support import MODEL, CorpusRuntime, fetch_tool, search_tool

from webfetch_kit.blocks import WEB_FETCH_ERROR_CODES, parse_content_block

PAGES = [
    "https://docs.example.com/guide/caching",
    "https://docs.example.com/guide/citations",
    "https://docs.example.com/guide/domain-filters",
]


def test_fetches_beyond_max_uses_are_errors_without_calling_the_runtime(
    client: anthropic.Anthropic, runtime: CorpusRuntime
) -> None:
    message = client.messages.create(
        model=MODEL, max_tokens=1024, tools=[fetch_tool(max_uses=2)],
        messages=[{"role": "user", "content": "Compare " + " and ".join(PAGES)}],
    )  # fmt: skip
    results = [b for b in message.content if b.type == "web_fetch_tool_result"]
    assert len(results) == 3
    assert runtime.fetch_calls == PAGES[:2]
    assert results[0].content.type == "web_fetch_result"
    assert results[2].content.type == "web_fetch_tool_result_error"
    assert results[2].content.error_code == "max_uses_exceeded"
    assert message.usage.server_tool_use is not None
    # Every attempt counts, the refused one too (recorded: 2 parallel calls with max_uses 1 count 2).
    assert message.usage.server_tool_use.web_fetch_requests == 3


def test_search_beyond_max_uses(client: anthropic.Anthropic, runtime: CorpusRuntime, server: object) -> None:
    # max_uses counts per request: a fresh request may search again.
    for _ in range(2):
        message = client.messages.create(
            model=MODEL, max_tokens=512, tools=[search_tool(max_uses=1)],
            messages=[{"role": "user", "content": "prompt caching"}],
        )  # fmt: skip
        result = next(b for b in message.content if b.type == "web_search_tool_result")
        assert isinstance(result.content, list)
    assert runtime.search_calls == ["prompt caching", "prompt caching"]


@pytest.mark.parametrize("code", [c for c in WEB_FETCH_ERROR_CODES if c != "max_uses_exceeded"])
def test_each_runtime_error_code_reaches_the_client(
    client: anthropic.Anthropic, runtime: CorpusRuntime, code: str
) -> None:
    runtime.errors[PAGES[0]] = code
    message = client.messages.create(
        model=MODEL, max_tokens=1024, tools=[fetch_tool()],
        messages=[{"role": "user", "content": f"Read {PAGES[0]}"}],
    )  # fmt: skip
    result = message.content[2]
    assert result.type == "web_fetch_tool_result"
    assert result.content.type == "web_fetch_tool_result_error"
    assert result.content.error_code == code
    parse_content_block(result.model_dump(exclude_none=True))
    final = message.content[-1]
    assert final.type == "text" and code in final.text and "had no document to quote" in final.text


def test_domain_filter_refusal_comes_from_the_runtime_policy(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL, max_tokens=1024, tools=[fetch_tool(blocked_domains=["docs.example.com"])],
        messages=[{"role": "user", "content": f"Read {PAGES[0]}"}],
    )  # fmt: skip
    result = message.content[2]
    assert result.type == "web_fetch_tool_result" and result.content.type == "web_fetch_tool_result_error"
    assert result.content.error_code == "url_not_allowed"


def test_a_runtime_that_raises_gives_unavailable(client: anthropic.Anthropic, runtime: CorpusRuntime) -> None:
    runtime.raise_for.add(PAGES[0])
    message = client.messages.create(
        model=MODEL, max_tokens=1024, tools=[fetch_tool()],
        messages=[{"role": "user", "content": f"Read {PAGES[0]}"}],
    )  # fmt: skip
    result = message.content[2]
    assert result.type == "web_fetch_tool_result" and result.content.type == "web_fetch_tool_result_error"
    assert result.content.error_code == "unavailable"


def test_a_runtime_returning_a_wrong_block_is_an_api_error(
    client: anthropic.Anthropic, runtime: CorpusRuntime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "web_fetch", lambda url, **kw: {"type": "text", "text": "oops"})
    with pytest.raises(anthropic.InternalServerError) as info:
        client.messages.create(
            model=MODEL, max_tokens=1024, tools=[fetch_tool()],
            messages=[{"role": "user", "content": f"Read {PAGES[0]}"}],
        )  # fmt: skip
    assert info.value.status_code == 500
    assert info.value.body["error"]["type"] == "api_error"  # type: ignore[index]
    assert "web_fetch_tool_result" in info.value.body["error"]["message"]  # type: ignore[index]
