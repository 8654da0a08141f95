"""Streaming: the SDK's MessageStream rebuilds exactly the non-streamed message, ids and usage included."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest
from emulator_support import MODEL, CorpusRuntime, FakeClock, fetch_tool, search_tool

from webfetch_kit.emulator import EmulatorServer

CACHING = "https://docs.example.com/guide/caching"
PDF = "https://papers.example.net/token-budgets.pdf"


def _comparable(dumped: dict[str, Any]) -> dict[str, Any]:
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
    # Two fresh emulators with one seed, so both requests see the same (empty) cache and get the same ids.
    for streamed in (False, True):
        with (
            EmulatorServer(CorpusRuntime(), clock=FakeClock(), seed="stream") as server,
            anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0) as client,
        ):
            if streamed:
                with client.messages.stream(**request) as stream:
                    events = [event.type for event in stream]
                    results.append(_comparable(stream.get_final_message().model_dump()))
            else:
                results.append(_comparable(client.messages.create(**request).model_dump()))
    assert results[0] == results[1]  # ids, content, usage (sum over passes), stop_details: all of it
    assert results[1]["id"].startswith("msg_01")
    assert results[1]["usage"]["inference_geo"] == "global"
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
    # In each cited text block the citations come first, before the text they annotate (as recorded).
    for index, block in enumerate(final.content):
        if block.type == "text" and block.citations:
            own = [kind for i, kind in deltas if i == index]
            assert own[: len(block.citations)] == ["citations_delta"] * len(block.citations)
            assert own[-1] == "text_delta"
