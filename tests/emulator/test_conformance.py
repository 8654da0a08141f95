"""The emulator's raw JSON and SSE against the shapes recorded traffic shows (fixtures/recorded_shapes.json).

Everything here reads the wire with httpx, not through the SDK (which would hide absent keys and nulls);
the last tests check that the SDK, including ``client.beta.messages`` and streams, still parses all of it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import anthropic
import pytest
from emulator_support import MODEL, CorpusRuntime, FakeClock, fetch_tool, raw_post, search_tool, sse

from webfetch_kit.accounting import resolve_model
from webfetch_kit.emulator import EmulatorServer

SHAPES: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "recorded_shapes.json").read_text(encoding="utf-8")
)
CACHING = "https://docs.example.com/guide/caching"
CITATIONS_PAGE = "https://docs.example.com/guide/citations"
FETCH_CITED: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": f"How long does the cache live? {CACHING} {CITATIONS_PAGE}"}],
    "tools": [fetch_tool(citations={"enabled": True})],
}
SEARCH_ONLY: dict[str, Any] = {
    "model": MODEL,
    "max_tokens": 1024,
    "messages": [{"role": "user", "content": "How long does a prompt cache entry live?"}],
    "tools": [search_tool()],
}


def _blocks(message: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [b for b in message["content"] if b["type"] == kind]


def test_message_ids_model_and_top_level_keys(server: EmulatorServer) -> None:
    response = raw_post(server.url, {**FETCH_CITED, "model": "claude-sonnet-4-5"})
    assert response.status_code == 200
    message = response.json()
    spec = SHAPES["message"]
    assert set(spec["required_keys"]) <= set(message)
    assert all(message[key] is None for key in spec["nulls"])
    assert (message["type"], message["role"]) == (spec["type"], spec["role"])
    assert re.fullmatch(SHAPES["ids"]["message"], message["id"])
    assert len(message["id"]) == SHAPES["id_lengths"]["message"]
    assert re.fullmatch(SHAPES["ids"]["request"], response.headers["request-id"])
    assert message["model"] == SHAPES["resolved_models"]["claude-sonnet-4-5"]
    for use in _blocks(message, "server_tool_use"):
        assert re.fullmatch(SHAPES["ids"]["server_tool_use"], use["id"])
        assert len(use["id"]) == SHAPES["id_lengths"]["server_tool_use"]


@pytest.mark.parametrize("alias", sorted(SHAPES["resolved_models"]))
def test_aliases_come_back_resolved(server: EmulatorServer, alias: str) -> None:
    body = {"model": alias, "max_tokens": 32, "messages": [{"role": "user", "content": "Hi"}]}
    assert (
        raw_post(server.url, body).json()["model"] == SHAPES["resolved_models"][alias] == resolve_model(alias)
    )


def test_every_call_gets_a_fresh_id(server: EmulatorServer) -> None:
    first, second = (raw_post(server.url, FETCH_CITED) for _ in range(2))
    assert first.json()["id"] != second.json()["id"]
    assert first.headers["request-id"] != second.headers["request-id"]
    uses = [u["id"] for r in (first, second) for u in _blocks(r.json(), "server_tool_use")]
    assert len(uses) == len(set(uses)) == 4


def test_a_seed_makes_ids_reproducible_and_none_makes_them_random() -> None:
    runs: dict[object, list[list[str]]] = {}
    for seed in ("lesson-01", "lesson-01", None, None):
        with EmulatorServer(CorpusRuntime(), clock=FakeClock(), seed=seed) as server:
            messages = [raw_post(server.url, FETCH_CITED).json() for _ in range(2)]
        ids = [m["id"] for m in messages] + [u["id"] for m in messages for u in _blocks(m, "server_tool_use")]
        runs.setdefault(seed, []).append(ids)
    assert runs["lesson-01"][0] == runs["lesson-01"][1]
    assert runs[None][0] != runs[None][1]
    assert len(set(runs["lesson-01"][0])) == len(runs["lesson-01"][0])  # fresh per call within a run


def test_blocks_carry_caller_time_format_and_citation_keys(server: EmulatorServer) -> None:
    cited = raw_post(server.url, FETCH_CITED).json()
    plain = raw_post(server.url, {**FETCH_CITED, "tools": [fetch_tool()]}).json()
    for message in (cited, plain):
        for kind in SHAPES["blocks_with_caller"]:
            for block in _blocks(message, kind):
                assert block["caller"] == SHAPES["caller"]
        for text in _blocks(message, "text"):
            assert "citations" not in text or text["citations"]  # absent, never null or empty
        for result in _blocks(message, "web_fetch_tool_result"):
            assert re.fullmatch(SHAPES["retrieved_at"], result["content"]["retrieved_at"])
    cited_docs = [r["content"]["content"] for r in _blocks(cited, "web_fetch_tool_result")]
    plain_docs = [r["content"]["content"] for r in _blocks(plain, "web_fetch_tool_result")]
    assert all(doc["citations"] == SHAPES["document_citations"]["on"] for doc in cited_docs)
    assert all("citations" not in doc for doc in plain_docs)
    assert not any("citations" in t for t in _blocks(plain, "text"))
    assert any(t.get("citations") for t in _blocks(cited, "text"))


def test_parallel_calls_come_before_their_results(server: EmulatorServer) -> None:
    kinds = [b["type"] for b in raw_post(server.url, FETCH_CITED).json()["content"]]
    assert kinds[:5] == ["text", "server_tool_use", "server_tool_use", "web_fetch_tool_result",
                         "web_fetch_tool_result"]  # fmt: skip


def test_search_results_have_page_age_and_answers_cite_them(server: EmulatorServer) -> None:
    message = raw_post(server.url, SEARCH_ONLY).json()
    (search,) = _blocks(message, "web_search_tool_result")
    assert search["content"], "the corpus has pages about prompt caching"
    for result in search["content"]:
        assert sorted(result) == sorted(SHAPES["search_result_keys"])
    urls = {r["url"]: r["title"] for r in search["content"]}
    citations = [c for t in _blocks(message, "text") for c in t.get("citations", [])]
    assert citations, "an answer drawn from search results cites them"
    for citation in citations:
        assert sorted(citation) == sorted(SHAPES["search_citation_keys"])
        assert citation["type"] == "web_search_result_location"
        assert urls[citation["url"]] == citation["title"]
        assert 0 < len(citation["cited_text"]) <= SHAPES["search_cited_text_max_chars"]
        assert isinstance(citation["encrypted_index"], str) and citation["encrypted_index"]


def test_search_citations_quote_the_result_text(server: EmulatorServer) -> None:
    from webfetch_kit.search import decode_encrypted_content

    message = raw_post(server.url, SEARCH_ONLY).json()
    texts = {
        r["url"]: decode_encrypted_content(r["encrypted_content"]).text
        for b in _blocks(message, "web_search_tool_result")
        for r in b["content"]
    }
    for block in _blocks(message, "text"):
        for citation in block.get("citations", []):
            assert citation["cited_text"] in texts[citation["url"]]
            assert block["text"].startswith(" ".join(citation["cited_text"].split())[:40])


def test_fetched_pages_are_cited_as_documents_not_as_search_results(server: EmulatorServer) -> None:
    body = {**SEARCH_ONLY, "tools": [search_tool(), fetch_tool(citations={"enabled": True})]}
    message = raw_post(server.url, body).json()
    fetched = {r["content"]["url"] for r in _blocks(message, "web_fetch_tool_result")}
    for citation in (c for t in _blocks(message, "text") for c in t.get("citations", [])):
        if citation["type"] == "web_search_result_location":
            assert citation["url"] not in fetched


def test_error_bodies_carry_the_request_id(server: EmulatorServer) -> None:
    response = raw_post(server.url, {"model": MODEL, "messages": []})
    body = response.json()
    spec = SHAPES["error_body"]
    assert response.status_code == 400
    assert sorted(body) == sorted(spec["keys"]) and body["type"] == spec["type"]
    assert sorted(body["error"]) == sorted(spec["error_keys"])
    assert body["request_id"] == response.headers["request-id"]
    assert re.fullmatch(SHAPES["ids"]["request"], body["request_id"])


def test_usage_keys_and_server_tool_use_only_when_a_tool_ran(server: EmulatorServer) -> None:
    spec = SHAPES["usage"]
    plain = raw_post(
        server.url, {"model": MODEL, "max_tokens": 32, "messages": [{"role": "user", "content": "Hi"}]}
    )
    fetched = raw_post(server.url, FETCH_CITED)
    for usage in (plain.json()["usage"], fetched.json()["usage"]):
        assert set(spec["required_keys"]) <= set(usage)
        assert usage["inference_geo"] == spec["inference_geo"]
    assert "server_tool_use" not in plain.json()["usage"]
    assert fetched.json()["usage"]["server_tool_use"]["web_fetch_requests"] == 2
    # A fetch tool that is offered but not used is not a server tool that ran.
    offered = raw_post(server.url, {**FETCH_CITED, "messages": [{"role": "user", "content": "Hi"}]})
    assert "server_tool_use" not in offered.json()["usage"]


# -- streaming, raw -------------------------------------------------------------------------------------


def test_stream_event_order_and_block_details(server: EmulatorServer) -> None:
    spec = SHAPES["stream"]
    events = sse(server.url, FETCH_CITED)
    names = [name for name, _ in events]
    assert names[:2] == spec["first_events"] and names[-2:] == spec["last_events"]
    assert names.count("ping") > 1  # interleaved, not only after message_start
    assert all(data["type"] == name for name, data in events)
    starts = {d["index"]: d["content_block"] for n, d in events if n == "content_block_start"}
    deltas: dict[int, list[dict[str, Any]]] = {}
    for name, data in events:
        if name == "content_block_delta":
            deltas.setdefault(data["index"], []).append(data["delta"])
    final = raw_post(server.url, FETCH_CITED).json()  # same request, same shape of content
    assert len(starts) == len(final["content"])
    for index, block in starts.items():
        if block["type"] == "server_tool_use":
            assert block["input"] == {} and block["caller"] == SHAPES["caller"]
            pieces = [d["partial_json"] for d in deltas[index]]
            assert pieces[0] == spec["first_input_json_delta"] and len(pieces) > 2
            assert json.loads("".join(pieces)) == final["content"][index]["input"]
        elif block["type"] in spec["results_whole_in_content_block_start"]:
            assert index not in deltas and block["content"]
        elif block["type"] == "text" and "citations" in block:
            assert block == spec["cited_text_block_start"]
            kinds = [d["type"] for d in deltas[index]]
            # Each citation comes before the text it annotates: citations, then that quote's text.
            assert kinds[0] == "citations_delta" and kinds[-1] == "text_delta"
            assert kinds == sorted(kinds)  # "citations_delta" < "text_delta": no citation after text
        elif block["type"] == "text":
            assert block == {"type": "text", "text": ""}
    delta = next(d for n, d in events if n == "message_delta")
    assert sorted(delta["delta"]) == sorted(spec["message_delta_delta_keys"])
    assert delta["delta"]["stop_details"] is None


def test_stream_usage_is_first_pass_then_the_sum() -> None:
    results = {}
    for streamed in (False, True):
        with EmulatorServer(CorpusRuntime(), clock=FakeClock(), seed=7) as server:
            if streamed:
                events = dict(sse(server.url, FETCH_CITED))
                results["start"] = events["message_start"]["message"]["usage"]
                results["delta"] = events["message_delta"]["usage"]
            else:
                results["json"] = raw_post(server.url, FETCH_CITED).json()
    passes = results["json"]["emulator"]["usage"]["sampling_passes"]
    assert len(passes) == 2
    assert results["start"]["input_tokens"] == passes[0]
    assert "server_tool_use" not in results["start"]
    final = results["json"]["usage"]
    assert results["delta"]["input_tokens"] == final["input_tokens"] == sum(passes)
    assert results["delta"]["output_tokens"] == final["output_tokens"]
    assert results["delta"]["server_tool_use"] == final["server_tool_use"]


# -- the SDKs still parse all of it ----------------------------------------------------------------------


def test_the_sdk_parses_messages_beta_messages_and_streams(server: EmulatorServer) -> None:
    with anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0) as client:
        for body in (FETCH_CITED, SEARCH_ONLY):
            message = client.messages.create(**body)
            beta = client.beta.messages.create(**body, betas=["web-fetch-2025-09-10"])
            with client.messages.stream(**body) as stream:
                streamed = stream.get_final_message()
            with client.beta.messages.stream(**body, betas=["web-fetch-2025-09-10"]) as beta_stream:
                beta_streamed = beta_stream.get_final_message()
            for parsed in (message, beta, streamed, beta_streamed):
                assert parsed.stop_details is None
                assert parsed.usage.inference_geo == "global"
                uses = [b for b in parsed.content if b.type == "server_tool_use"]
                assert uses and all(u.caller is not None and u.caller.type == "direct" for u in uses)
                cited = [c for b in parsed.content if b.type == "text" for c in (b.citations or [])]
                assert cited
