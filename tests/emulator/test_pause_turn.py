"""pause_turn: ten server-tool calls in one response, then an eleventh call with no result; continuing."""

from __future__ import annotations

from typing import Any

import anthropic
import pytest
from emulator_support import MODEL, CorpusRuntime, fetch_tool, raw_post, search_tool

from webfetch_kit.emulator import MAX_CALLS_PER_RESPONSE, EmulatorServer

URLS = [f"https://docs.example.com/page-{i}" for i in range(12)]
QUESTION = "Compare these pages: " + " ".join(URLS)


def _kinds(message: dict[str, Any]) -> list[str]:
    return [b["type"] for b in message["content"]]


def _body(messages: list[dict[str, Any]], **tool: Any) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 4096, "messages": messages, "tools": [fetch_tool(**tool)]}


def test_twelve_urls_pause_after_ten_calls_on_an_unanswered_eleventh(
    server: EmulatorServer, runtime: CorpusRuntime
) -> None:
    assert MAX_CALLS_PER_RESPONSE == 10
    message = raw_post(server.url, _body([{"role": "user", "content": QUESTION}])).json()
    assert message["stop_reason"] == "pause_turn"
    assert _kinds(message) == ["text", *["server_tool_use"] * 10, *["web_fetch_tool_result"] * 10,
                               "server_tool_use"]  # fmt: skip
    uses = [b for b in message["content"] if b["type"] == "server_tool_use"]
    assert [u["input"]["url"] for u in uses] == URLS[:11]
    results = [b["tool_use_id"] for b in message["content"] if b["type"] == "web_fetch_tool_result"]
    assert results == [u["id"] for u in uses[:10]]  # the eleventh has no result
    assert runtime.fetch_calls == URLS[:10]
    assert message["usage"]["server_tool_use"]["web_fetch_requests"] == 10
    assert len(message["emulator"]["usage"]["sampling_passes"]) == 2


def test_the_continuation_starts_with_the_pending_result_and_goes_on(
    server: EmulatorServer, runtime: CorpusRuntime
) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": QUESTION}]
    paused = raw_post(server.url, _body(messages)).json()
    pending = paused["content"][-1]
    # The same messages plus the paused content unchanged, no new user turn.
    resumed = raw_post(
        server.url, _body([*messages, {"role": "assistant", "content": paused["content"]}])
    ).json()
    first = resumed["content"][0]
    assert first["type"] == "web_fetch_tool_result" and first["tool_use_id"] == pending["id"]
    assert _kinds(resumed)[:3] == ["web_fetch_tool_result", "server_tool_use", "web_fetch_tool_result"]
    assert resumed["content"][1]["input"]["url"] == URLS[11]
    assert resumed["stop_reason"] == "end_turn"
    assert runtime.fetch_calls == URLS  # nothing fetched twice
    assert resumed["usage"]["server_tool_use"]["web_fetch_requests"] == 2
    # Pass 1 of the continuation reads the pending result; then one more pass after the 12th fetch.
    assert len(resumed["emulator"]["usage"]["sampling_passes"]) == 2
    assert resumed["content"][-1]["type"] == "text"


def test_max_uses_holds_across_the_continuation(server: EmulatorServer, runtime: CorpusRuntime) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": QUESTION}]
    paused = raw_post(server.url, _body(messages, max_uses=3)).json()
    codes = [
        b["content"].get("error_code") for b in paused["content"] if b["type"] == "web_fetch_tool_result"
    ]
    # The first three reach the runtime (these pages are not in the corpus), the other seven are refused.
    assert codes == ["url_not_accessible"] * 3 + ["max_uses_exceeded"] * 7
    continued = [*messages, {"role": "assistant", "content": paused["content"]}]
    resumed = raw_post(server.url, _body(continued, max_uses=3)).json()
    results = [b for b in resumed["content"] if b["type"] == "web_fetch_tool_result"]
    assert {r["content"].get("error_code") for r in results} == {"max_uses_exceeded"}
    assert runtime.fetch_calls == URLS[:3]


def test_a_continuation_without_the_tool_is_a_400(server: EmulatorServer) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": QUESTION}]
    paused = raw_post(server.url, _body(messages)).json()
    body = {
        **_body([*messages, {"role": "assistant", "content": paused["content"]}]),
        "tools": [search_tool()],
    }
    response = raw_post(server.url, body)
    assert response.status_code == 400
    assert "has no result and the request does not offer that tool" in response.json()["error"]["message"]


def test_the_sdk_continues_a_paused_turn(client: anthropic.Anthropic) -> None:
    messages: list[Any] = [{"role": "user", "content": QUESTION}]
    tools: Any = [fetch_tool()]
    message = client.messages.create(model=MODEL, max_tokens=4096, messages=messages, tools=tools)
    turns = 1
    while message.stop_reason == "pause_turn":
        messages = [*messages, {"role": "assistant", "content": message.content}]
        message = client.messages.create(model=MODEL, max_tokens=4096, messages=messages, tools=tools)
        turns += 1
    assert turns == 2 and message.stop_reason == "end_turn"


@pytest.mark.parametrize("streamed", [False, True])
def test_a_stream_pauses_the_same_way(client: anthropic.Anthropic, streamed: bool) -> None:
    request: Any = {"model": MODEL, "max_tokens": 4096, "messages": [{"role": "user", "content": QUESTION}],
                    "tools": [fetch_tool()]}  # fmt: skip
    if streamed:
        with client.messages.stream(**request) as stream:
            message = stream.get_final_message()
    else:
        message = client.messages.create(**request)
    assert message.stop_reason == "pause_turn"
    assert message.content[-1].type == "server_tool_use"
