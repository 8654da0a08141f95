"""Streaming: the SDK's MessageStream rebuilds exactly the non-streamed message."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest
from emulator_support import MODEL, CorpusRuntime, FakeClock, fetch_tool, search_tool

from webfetch_kit.emulator import EmulatorServer

CACHING = "https://docs.example.com/guide/caching"
PDF = "https://papers.example.net/token-budgets.pdf"


def _without_ids(dumped: dict[str, Any]) -> dict[str, Any]:
    dumped = dict(dumped)
    dumped.pop("id")
    for block in dumped["content"]:
        block.pop("parsed_output", None)  # ParsedTextBlock's extra field (always None here)
    return dumped


REQUESTS: dict[str, dict[str, Any]] = {
    "fetch with citations": {
        "messages": [{"role": "user", "content": f"How long does the cache live? {CACHING} {PDF}"}],
        "tools": [fetch_tool(citations={"enabled": True}, max_uses=1)],
    },
    "search then fetch": {
        "messages": [{"role": "user", "content": "token budget per document"}],
        "tools": [search_tool(), fetch_tool(citations={"enabled": True})],
    },
    "cached system, text only": {
        "system": [{"type": "text", "text": "Be brief. " * 600, "cache_control": {"type": "ephemeral"}}],
        "messages": [{"role": "user", "content": "Hello"}],
    },
    "truncated by max_tokens": {
        "messages": [{"role": "user", "content": f"How long does the cache live? {CACHING}"}],
        "tools": [fetch_tool(citations={"enabled": True})],
        "max_tokens": 40,
    },
}


@pytest.mark.parametrize("name", list(REQUESTS))
def test_stream_equals_non_streamed(name: str) -> None:
    request: dict[str, Any] = {"model": MODEL, "max_tokens": 1024, **REQUESTS[name]}
    results = []
    # Two fresh emulators, so both requests see the same (empty) cache.
    for streamed in (False, True):
        with (
            EmulatorServer(CorpusRuntime(), clock=FakeClock()) as server,
            anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0) as client,
        ):
            if streamed:
                with client.messages.stream(**request) as stream:
                    events = [event.type for event in stream]
                    results.append(_without_ids(stream.get_final_message().model_dump()))
            else:
                results.append(_without_ids(client.messages.create(**request).model_dump()))
    assert results[0] == results[1]
    assert events[0] == "message_start" and events[-1] == "message_stop"
    assert events[-2] == "message_delta"
    assert results[1]["emulator"]["model"] == "extractive stand-in (not Claude)"


def test_event_order_and_delta_kinds(client: anthropic.Anthropic) -> None:
    request = REQUESTS["fetch with citations"]
    with client.messages.with_streaming_response.create(
        model=MODEL, max_tokens=1024, stream=True, **request
    ) as raw:
        assert raw.headers["x-webfetch-emulator"].startswith("webfetch-kit/")
        lines = [line for line in raw.iter_lines() if line.startswith("event: ")]
    names = [line.removeprefix("event: ") for line in lines]
    assert names[:2] == ["message_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    with client.messages.stream(model=MODEL, max_tokens=1024, **request) as stream:
        deltas = [(e.index, e.delta.type) for e in stream if e.type == "content_block_delta"]
        final = stream.get_final_message()
    kinds = {kind for _, kind in deltas}
    assert kinds == {"text_delta", "input_json_delta", "citations_delta"}
    # In each cited text block the citations follow its text.
    for index, block in enumerate(final.content):
        if block.type == "text" and block.citations:
            own = [kind for i, kind in deltas if i == index]
            assert own[-len(block.citations) :] == ["citations_delta"] * len(block.citations)
            assert own[0] == "text_delta"
