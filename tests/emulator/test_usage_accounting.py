"""The emulator's usage against the accounting rules and the recorded figures (fixtures/recorded_usage.json).

Two kinds of check: the numbers are the accounting model's (re-derived here from its public functions,
pass by pass), and they land within the stated tolerance of what the real API reported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from emulator_support import MODEL, CorpusRuntime, FakeClock, PageRuntime, fetch_tool, raw_post

from webfetch_kit.accounting import (
    canonical_json,
    cl100k,
    fetch_result_tokens,
    framing_tokens,
    generated_block_tokens,
    prompt_text_tokens,
    server_call_tokens,
    tool_overhead,
)
from webfetch_kit.emulator import NOTE_HEADER, EmulatorServer
from webfetch_kit.tokens import truncate_to_tokens

FIXTURES = Path(__file__).parent / "fixtures"
USAGE: dict[str, Any] = json.loads((FIXTURES / "recorded_usage.json").read_text(encoding="utf-8"))
SHAPES: dict[str, Any] = json.loads((FIXTURES / "recorded_shapes.json").read_text(encoding="utf-8"))
SAMPLE = (Path(__file__).resolve().parents[2] / "data" / "sample_text.txt").read_text(encoding="utf-8")
URL = "https://docs.example.com/guide/caching"


def _page(cl100k_tokens: int) -> str:
    text = truncate_to_tokens(SAMPLE * 4, cl100k_tokens)
    assert cl100k(text) == cl100k_tokens
    return text


def _question(cl100k_tokens: int) -> str:
    # A question of exactly this many cl100k tokens, naming the URL.
    words = "Please read this page for me and tell me what it says about caching now"
    question = f"{URL} " + words
    while cl100k(question) > cl100k_tokens:
        question = question.rsplit(" ", 1)[0]
    assert cl100k(question) == cl100k_tokens, question
    return question


def _body(model: str, question: str, tools: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"model": model, "max_tokens": 2048, "messages": [{"role": "user", "content": question}],
            "tools": tools, **extra}  # fmt: skip


@pytest.mark.parametrize(
    "case",
    USAGE["tool_overhead"],
    ids=lambda c: f"{'+'.join(c['tools'])}/{c['model']}{'/thinking' if c.get('thinking') else ''}",
)
def test_first_pass_bills_the_measured_tool_overhead(server: EmulatorServer, case: dict[str, Any]) -> None:
    tools = [{"type": t, "name": t.rsplit("_", 1)[0]} for t in case["tools"]]
    if case.get("citations"):
        tools[0]["citations"] = {"enabled": True}
    question = "Hi there"
    # Five output tokens: the stand-in stops inside its first sentence, before any tool call (one pass).
    body = {**_body(case["model"], question, tools), "max_tokens": 5}
    if case.get("thinking"):
        body["thinking"] = {"type": "enabled", "budget_tokens": 1024}
    message = raw_post(server.url, body).json()
    assert message["stop_reason"] == "max_tokens"
    prompt = framing_tokens().central + prompt_text_tokens(question).central
    assert message["usage"]["input_tokens"] - prompt == case["overhead"]


def test_one_fetch_turn_is_two_passes_summed_like_the_recording() -> None:
    spec = USAGE["one_fetch_turn"]
    runtime = PageRuntime(_page(spec["page_cl100k"]))
    tool = fetch_tool()
    question = _question(spec["first_pass"] - 849 - framing_tokens().central)
    with EmulatorServer(runtime, clock=FakeClock(), seed=1) as server:
        message = raw_post(server.url, _body(spec["model"], question, [tool])).json()
    first, second = message["emulator"]["usage"]["sampling_passes"]
    assert first == spec["first_pass"]  # 849 + framing + the question, exactly as recorded
    # The rule, re-derived: pass 2 = pass 1 + what pass 1 generated + the result it fetched.
    intro, use, result = message["content"][:3]
    assert use["type"] == "server_tool_use" and result["type"] == "web_fetch_tool_result"
    generated = (
        generated_block_tokens(intro, spec["model"]).central + server_call_tokens(spec["model"]).central
    )
    assert second == first + generated + fetch_result_tokens(result).central
    assert message["usage"]["input_tokens"] == first + second
    assert abs(first + second - spec["final_input"]) <= spec["tolerance"] * spec["final_input"]
    # The content-only figure the emulator used to report is far below: the page alone, once.
    assert message["usage"]["input_tokens"] > 1.5 * spec["page_cl100k"]


def test_a_follow_up_that_resends_the_fetched_turn_is_one_pass(server: EmulatorServer) -> None:
    tools = [fetch_tool()]
    first = raw_post(server.url, _body(MODEL, f"Read {URL}", tools)).json()
    messages = [
        {"role": "user", "content": f"Read {URL}"},
        {"role": "assistant", "content": first["content"]},
        {"role": "user", "content": "Thanks, and how long does an entry live?"},
    ]
    second = raw_post(
        server.url, {"model": MODEL, "max_tokens": 512, "messages": messages, "tools": tools}
    ).json()
    passes = second["emulator"]["usage"]["sampling_passes"]
    assert len(passes) == 1 and second["usage"]["input_tokens"] == passes[0]
    assert "server_tool_use" not in second["usage"]


def test_output_tokens_are_the_generated_blocks_once(server: EmulatorServer) -> None:
    message = raw_post(server.url, _body(MODEL, f"How long does the cache live? {URL}",
                                         [fetch_tool(citations={"enabled": True})])).json()  # fmt: skip
    expected = sum(generated_block_tokens(b, MODEL).central for b in message["content"])
    assert message["usage"]["output_tokens"] == expected
    assert message["emulator"]["usage"]["output_tokens"]["central"] == expected
    band = message["emulator"]["usage"]["input_tokens"]
    assert band["low"] <= message["usage"]["input_tokens"] == band["central"] <= band["high"]
    assert message["emulator"]["usage"]["estimated"] is True


def test_parallel_calls_past_max_uses_count_as_requests(server: EmulatorServer) -> None:
    spec = USAGE["web_fetch_requests"]
    urls = ["https://docs.example.com/guide/caching", "https://docs.example.com/guide/citations"]
    body = _body(MODEL, "Compare " + " and ".join(urls), [fetch_tool(max_uses=spec["max_uses"])])
    message = raw_post(server.url, body).json()
    results = [b for b in message["content"] if b["type"] == "web_fetch_tool_result"]
    assert [r["content"]["type"] for r in results] == ["web_fetch_result", "web_fetch_tool_result_error"]
    assert message["usage"]["server_tool_use"]["web_fetch_requests"] == spec["counted"]
    assert len(message["emulator"]["usage"]["sampling_passes"]) == 2  # parallel calls end one pass


def test_a_failed_fetch_counts_and_bills_the_error_result(
    runtime: CorpusRuntime, server: EmulatorServer
) -> None:
    runtime.errors[URL] = "url_not_allowed"
    message = raw_post(server.url, _body(MODEL, f"Read {URL}", [fetch_tool()])).json()
    assert message["usage"]["server_tool_use"]["web_fetch_requests"] == 1
    first, second = message["emulator"]["usage"]["sampling_passes"]
    intro, use, result = message["content"][:3]
    assert use["type"] == "server_tool_use"
    added = generated_block_tokens(intro, MODEL).central + server_call_tokens(MODEL).central
    assert second - first == added + fetch_result_tokens(result).central == added + 76


def test_newer_tool_versions_are_labelled_and_billed_as_measured(server: EmulatorServer) -> None:
    tool = {"type": "web_fetch_20260209", "name": "web_fetch"}
    response = raw_post(
        server.url, _body("claude-sonnet-4-6", f"Read {URL}", [tool]), **{"anthropic-beta": "x"}
    )
    message = response.json()
    note = response.headers[NOTE_HEADER]
    assert "web_fetch_20260209" in note and "dynamic filtering" in note and "not emulated" in note
    assert message["emulator"]["notes"] == [note]
    first = message["emulator"]["usage"]["sampling_passes"][0]
    prompt = framing_tokens().central + prompt_text_tokens(f"Read {URL}").central
    assert first - prompt == tool_overhead([tool], "claude-sonnet-4-6").central == 3440
    older = raw_post(server.url, _body("claude-sonnet-4-6", f"Read {URL}", [fetch_tool()]))
    assert NOTE_HEADER not in older.headers
    assert older.json()["emulator"]["usage"]["sampling_passes"][0] < first


def test_count_tokens_uses_the_measured_framing(server: EmulatorServer) -> None:
    example = SHAPES["count_tokens"]["framing_example"]
    assert cl100k(example["text"]) == example["cl100k"]
    body = {"model": "claude-sonnet-4-5", "messages": [{"role": "user", "content": example["text"]}]}
    response = raw_post(server.url, body, "/v1/messages/count_tokens")
    assert response.json() == {"input_tokens": example["input_tokens"]}


@pytest.mark.parametrize(
    ("tools", "history", "types"),
    [
        ([fetch_tool()], False, "web_fetch_20250910"),
        ([fetch_tool(), {"type": "web_search_20250305", "name": "web_search"}], False,
         "web_fetch_20250910, web_search_20250305"),
        ([], True, "server_tool_use, web_fetch_tool_result"),
    ],
)  # fmt: skip
def test_count_tokens_refuses_server_tools(
    server: EmulatorServer, tools: list[dict[str, Any]], history: bool, types: str
) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": f"Read {URL}"}]
    if history:
        first = raw_post(server.url, _body(MODEL, f"Read {URL}", [fetch_tool()])).json()
        messages += [{"role": "assistant", "content": first["content"]}, {"role": "user", "content": "More?"}]
    body: dict[str, Any] = {"model": MODEL, "messages": messages}
    if tools:
        body["tools"] = tools
    response = raw_post(server.url, body, "/v1/messages/count_tokens")
    spec = SHAPES["count_tokens"]
    assert response.status_code == spec["refusal_status"]
    assert response.json()["error"] == {"type": spec["refusal_type"],
                                        "message": spec["refusal_message"].format(types=types)}  # fmt: skip


def test_count_tokens_counts_client_tools_and_system(server: EmulatorServer) -> None:
    tool = {"name": "lookup", "description": "Look a word up", "input_schema": {"type": "object"}}
    body = {"model": MODEL, "system": "Be brief.", "tools": [tool],
            "messages": [{"role": "user", "content": "What is 2 + 2?"}]}  # fmt: skip
    counted = raw_post(server.url, body, "/v1/messages/count_tokens").json()["input_tokens"]
    assert counted == 8 + cl100k("Be brief.") + cl100k("What is 2 + 2?") + cl100k(canonical_json(tool))
