"""Hostile and broken requests get a 4xx in the API's shape: never a 500, a dropped connection or a stall."""

from __future__ import annotations

import json
import socket
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from emulator_support import MODEL, fetch_tool, raw_post

from webfetch_kit import blocks
from webfetch_kit.emulator import EmulatorServer
from webfetch_kit.emulator.body import MAX_JSON_DEPTH, json_depth
from webfetch_kit.emulator.opaque import MAX_DECODED_BYTES
from webfetch_kit.search import encode_encrypted_content

OK: dict[str, Any] = {"model": MODEL, "max_tokens": 32, "messages": [{"role": "user", "content": "Hi"}]}


def _error(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text[:300]
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert body["request_id"] == response.headers["request-id"]
    return str(body["error"]["message"])


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/messages/count_tokens"])
def test_json_nested_100000_deep_is_a_400(server: EmulatorServer, path: str) -> None:
    raw = b'{"model": "x", "messages": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    message = _error(raw_post(server.url, raw, path))
    assert f"nest 100001 levels deep; at most {MAX_JSON_DEPTH} are accepted" in message


def test_a_900_deep_array_inside_a_text_block_is_a_400(server: EmulatorServer) -> None:
    deep: Any = "x"
    for _ in range(900):
        deep = [deep]
    body = {**OK, "messages": [{"role": "user", "content": [{"type": "text", "text": "Hi", "extra": deep}]}]}
    assert "levels deep" in _error(raw_post(server.url, body))


def test_depth_just_inside_the_limit_is_parsed(server: EmulatorServer) -> None:
    deep: Any = {}
    for _ in range(MAX_JSON_DEPTH - 8):
        deep = {"a": deep}
    tool = {"name": "deep", "input_schema": {"type": "object", "properties": deep}}
    assert raw_post(server.url, {**OK, "tools": [tool]}).status_code == 200


def test_brackets_inside_strings_and_escapes_do_not_count_as_depth() -> None:
    assert json_depth(json.dumps({"a": '[[[[{{{{ \\" \\\\[ ]]'}).encode()) == 1
    assert json_depth(b'["\\\\", ["x"]]') == 2
    assert json_depth(b"3") == 0


def test_invalid_utf8_is_a_400(server: EmulatorServer) -> None:
    raw = json.dumps(OK).encode().replace(b'"Hi"', b'"H\xffi"')
    assert "not valid UTF-8" in _error(raw_post(server.url, raw))


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (json.dumps(OK).replace(f'"{MODEL}"', '"claude-\\ud800"'), "model"),
        (json.dumps(OK).replace('"Hi"', '"H\\udc00i"'), "messages.0.content"),
        (json.dumps({**OK, "metadata": {"\\ud83d": 1}}).replace("\\\\ud83d", "\\ud83d"), "metadata.\\ud83d"),
    ],
)
def test_lone_surrogates_are_a_400_naming_the_field(server: EmulatorServer, raw: str, where: str) -> None:
    message = _error(raw_post(server.url, raw.encode()))
    assert f"{where}: a string holds a lone UTF-16 surrogate" in message


def test_a_surrogate_pair_is_an_ordinary_character(server: EmulatorServer) -> None:
    raw = json.dumps(OK).replace('"Hi"', '"Hi \\ud83d\\ude00"')
    assert raw_post(server.url, raw.encode()).status_code == 200


def test_a_lone_surrogate_never_drops_the_connection(server: EmulatorServer) -> None:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        body = json.dumps(OK).replace(f'"{MODEL}"', '"\\ud800"').encode()
        sock.sendall(b"POST /v1/messages HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                     b"content-length: " + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n" + body)  # fmt: skip
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 400")


def _bomb() -> str:
    # A kit-made encrypted_content whose text (9 MiB of one letter) compresses to a few kilobytes.
    return encode_encrypted_content("https://x.example/", "x", "a" * (9 << 20))


def _search_history(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    use = {"type": "server_tool_use", "id": "srvtoolu_01aaaaaaaaaaaaaaaaaaaaaa", "name": "web_search",
           "input": {"query": "q"}}  # fmt: skip
    result = {"type": "web_search_tool_result", "tool_use_id": use["id"], "content": results}
    return [{"role": "user", "content": "search"}, {"role": "assistant", "content": [use, result]},
            {"role": "user", "content": "thanks"}]  # fmt: skip


def test_encrypted_content_past_the_decoded_budget_is_a_400(server: EmulatorServer) -> None:
    bomb = _bomb()
    assert len(bomb) < 20_000
    results = [{"type": "web_search_result", "url": f"https://x.example/{i}", "title": "x",
                "encrypted_content": bomb} for i in range(40)]  # fmt: skip
    body = {**OK, "messages": _search_history(results)}
    assert len(json.dumps(body)) < 800_000
    message = _error(raw_post(server.url, body))
    assert "messages.1.content.1.content.1.encrypted_content" in message
    assert f"decode to more than {MAX_DECODED_BYTES:,} bytes" in message


def test_ordinary_kit_search_results_fit_the_budget(server: EmulatorServer) -> None:
    encoded = encode_encrypted_content("https://x.example/", "X", "Tide pools hold anemones. " * 600)
    results = [{"type": "web_search_result", "url": f"https://x.example/{i}", "title": "X",
                "encrypted_content": encoded} for i in range(100)]  # fmt: skip
    assert raw_post(server.url, {**OK, "messages": _search_history(results)}).status_code == 200


def test_a_burst_of_100_simultaneous_requests_is_all_answered(server: EmulatorServer) -> None:
    def ask(i: int) -> int:
        with httpx.Client(timeout=60) as http:
            body = {**OK, "messages": [{"role": "user", "content": f"Hi {i}"}]}
            return http.post(server.url + "/v1/messages/count_tokens", json=body).status_code

    with ThreadPoolExecutor(max_workers=100) as pool:
        statuses = list(pool.map(ask, range(100)))
    assert statuses == [200] * 100


def test_the_content_block_adapter_is_built_once() -> None:
    block = {"type": "text", "text": "hi"}
    blocks.parse_content_block(block)
    before = blocks._content_block_adapter.cache_info()
    for _ in range(5):
        blocks.parse_content_block(block)
    after = blocks._content_block_adapter.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + 5


def test_a_server_tool_block_in_the_history_that_the_request_does_not_offer_still_counts(
    server: EmulatorServer,
) -> None:
    # Malformed continuations are answered, not crashed on: the trailing call names a tool not offered.
    use = {"type": "server_tool_use", "id": "srvtoolu_01bbbbbbbbbbbbbbbbbbbbbb", "name": "web_fetch",
           "input": {"url": "https://docs.example.com/"}}  # fmt: skip
    body = {**OK, "messages": [{"role": "user", "content": "go"}, {"role": "assistant", "content": [use]}],
            "tools": [{"type": "web_search_20250305", "name": "web_search"}]}  # fmt: skip
    assert "does not offer that tool" in _error(raw_post(server.url, body))
    body["tools"] = [fetch_tool()]
    assert raw_post(server.url, body).status_code == 200


def test_sentence_splits_are_remembered_by_digest_and_bounded_in_bytes() -> None:
    from webfetch_kit.emulator import sentences as module

    text = "Tide pools hold anemones. Crabs hide under ledges at low tide."
    first = module.sentences(text)
    assert module.sentences(text) is first  # the second turn re-sending it does not split it again
    assert [text[s.start : s.end] for s in first] == [text[a:b] for a, b in module.sentence_spans(text)]
    page = "Sentence number one is here. And another one follows it. " * 2_500  # 150 KB of text
    for i in range(12):  # 12 distinct pages, each charged 3.6 MB: more than the budget holds
        module.sentences(f"{i} {page}")
    assert module._sentences_bytes <= module.SENTENCE_CACHE_BYTES
    assert module._sentences_bytes == sum(charge for _, charge in module._sentences.values())
    assert len(module._sentences) < 12
    assert all(isinstance(key[0], bytes) and len(key[0]) == 16 for key in module._sentences)
