"""Bad requests get the API's status and error shape, through the SDK, and never a 500 or a hang."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import pytest
from emulator_support import MODEL, CorpusRuntime, FakeClock, fetch_tool, search_tool

from webfetch_kit.emulator import EmulatorServer

OK: dict[str, Any] = {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}
CC = {"type": "ephemeral"}


def _with(**changes: Any) -> dict[str, Any]:
    body = {**OK, **changes}
    return {k: v for k, v in body.items() if v is not None}


def _text(n: int, ttl: str | None = None) -> dict[str, Any]:
    cc: dict[str, Any] = {"type": "ephemeral"} if ttl is None else {"type": "ephemeral", "ttl": ttl}
    return {"type": "text", "text": f"block {n}", "cache_control": cc}


BAD: dict[str, tuple[dict[str, Any], str]] = {
    "unknown tool type": (
        _with(tools=[{"type": "web_fetch_20990101", "name": "web_fetch"}]),
        "Input tag 'web_fetch_20990101'",
    ),
    "tool type not a string": (
        _with(tools=[{"type": [], "name": "web_fetch"}]),
        "tools.0.type: Input should be a valid string",
    ),
    "server tool result with string content": (
        _with(
            messages=[
                {"role": "user", "content": "hi"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "web_fetch_tool_result", "tool_use_id": "srvtoolu_1", "content": "oops"}
                    ],
                },
                {"role": "user", "content": "go on"},
            ]
        ),
        "messages.1.content.0.content",
    ),
    "document with a string source": (
        _with(messages=[{"role": "user", "content": [{"type": "document", "source": "https://x.example/"}]}]),
        "messages.0.content.0.source",
    ),
    "server tool misnamed": (
        _with(tools=[{"type": "web_fetch_20250910", "name": "fetch"}]),
        "tools.0.name: Input should be 'web_fetch'",
    ),
    "both domain lists": (
        _with(tools=[fetch_tool(allowed_domains=["a.com"], blocked_domains=["b.com"])]),
        "cannot both be set",
    ),
    "both domain lists on search": (
        _with(tools=[search_tool(allowed_domains=["a.com"], blocked_domains=["b.com"])]),
        "cannot both be set",
    ),
    "scheme in a domain": (
        _with(tools=[fetch_tool(allowed_domains=["https://example.com"])]),
        "includes a scheme",
    ),
    "duplicate tool names": (_with(tools=[fetch_tool(), fetch_tool()]), "Tool names must be unique"),
    "max_uses zero": (_with(tools=[fetch_tool(max_uses=0)]), "max_uses"),
    "five breakpoints": (
        _with(messages=[{"role": "user", "content": [_text(i) for i in range(5)]}]),
        "A maximum of 4 blocks with cache_control may be provided. Found 5.",
    ),
    "four blocks plus top-level": (
        _with(cache_control=CC, messages=[{"role": "user", "content": [_text(i) for i in range(4)]}]),
        "Found 5.",
    ),
    "1h after 5m": (
        _with(messages=[{"role": "user", "content": [_text(0, "5m"), _text(1, "1h")]}]),
        "longer TTL must appear before shorter TTLs",
    ),
    "bad ttl": (
        _with(messages=[{"role": "user", "content": [_text(0, "10m")]}]),
        "ttl: Input should be '5m' or '1h'",
    ),
    "bad role": (
        _with(messages=[{"role": "system", "content": "Hi"}]),
        "messages.0.role: Input should be 'user' or 'assistant'",
    ),
    "first message not user": (
        _with(messages=[{"role": "assistant", "content": "Hi"}, {"role": "user", "content": "Hi"}]),
        'first message must use the "user" role',
    ),
    "empty messages": (_with(messages=[]), "at least one message is required"),
    "empty content": (_with(messages=[{"role": "user", "content": []}]), "non-empty content"),
    "message-level cache_control": (
        _with(messages=[{"role": "user", "content": "Hi", "cache_control": CC}]),
        "messages.0.cache_control: Extra inputs are not permitted",
    ),
    "block without type": (
        _with(messages=[{"role": "user", "content": [{"text": "Hi"}]}]),
        "messages.0.content.0",
    ),
    "missing max_tokens": (_with(max_tokens=None), "max_tokens: Field required"),
    "max_tokens zero": (_with(max_tokens=0), "max_tokens: Input should be greater than or equal to 1"),
    "missing model": (_with(model=None), "model: Field required"),
    "missing messages": (_with(messages=None), "messages: Field required"),
    "system not text": (_with(system=[{"type": "image", "source": {}}]), "system.0.type"),
}


def _post(server: EmulatorServer, path: str, **kw: Any) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        return http.request(kw.pop("method", "POST"), path, **kw)


@pytest.mark.parametrize("case", list(BAD))
def test_bad_request_is_a_400_in_the_api_shape(server: EmulatorServer, case: str) -> None:
    body, message = BAD[case]
    client = anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0)
    with client, pytest.raises(anthropic.BadRequestError) as info:
        client.post("/v1/messages", cast_to=object, body=body)
    assert info.value.status_code == 400
    assert info.value.body["type"] == "error"  # type: ignore[index]
    assert info.value.body["error"]["type"] == "invalid_request_error"  # type: ignore[index]
    assert message in info.value.body["error"]["message"]  # type: ignore[index]
    assert info.value.response.headers["x-webfetch-emulator"]


def test_sdk_create_surfaces_the_error(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError, match="Tool names must be unique"):
        client.messages.create(**OK, tools=[fetch_tool(), fetch_tool()])  # type: ignore[list-item]


def test_unknown_model_is_a_404_like_the_api(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as info:
        client.messages.create(**{**OK, "model": "claude-imaginary-9"})
    assert info.value.body == {
        "type": "error",
        "error": {"type": "not_found_error", "message": "model: claude-imaginary-9"},
        "request_id": info.value.response.headers["request-id"],
    }
    assert info.value.request_id == info.value.response.headers["request-id"]


def test_invalid_json(server: EmulatorServer) -> None:
    response = _post(
        server, "/v1/messages", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert "parsing the body" in response.json()["error"]["message"]


def test_body_not_an_object(server: EmulatorServer) -> None:
    response = _post(server, "/v1/messages", json=[1, 2])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The request body must be a JSON object"


def test_unknown_path_and_wrong_method(server: EmulatorServer) -> None:
    with anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0) as client:
        with pytest.raises(anthropic.NotFoundError) as info:
            client.post("/v1/complete", cast_to=object, body={})
        assert info.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    response = _post(server, "/v1/messages", method="GET")
    assert response.status_code == 405
    assert response.json() == {"type": "error", "error": {"type": "invalid_request_error",
                               "message": "Method Not Allowed: GET /v1/messages (use POST)"},
                               "request_id": response.headers["request-id"]}  # fmt: skip


def test_oversized_body_is_413() -> None:
    with EmulatorServer(CorpusRuntime(), clock=FakeClock(), max_body_bytes=2_000) as server:
        client = anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0)
        with client:
            with pytest.raises(anthropic.APIStatusError) as info:
                client.messages.create(**{**OK, "messages": [{"role": "user", "content": "x" * 5_000}]})
            assert info.value.status_code == 413
            assert info.value.body["error"]["type"] == "request_too_large"  # type: ignore[index]
            # The server is still healthy afterwards.
            assert client.messages.create(**OK).stop_reason == "end_turn"


def test_count_tokens_validates_too(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError, match="first message must use"):
        client.messages.count_tokens(model=MODEL, messages=[{"role": "assistant", "content": "Hi"}])


def test_accepted_edge_cases(client: anthropic.Anthropic) -> None:
    # Consecutive same-role turns are merged by the API, so they are valid; so is a final assistant prefill.
    merged = client.messages.create(model=MODEL, max_tokens=64, messages=[
        {"role": "user", "content": "Hi"}, {"role": "user", "content": "there"},
        {"role": "assistant", "content": ""}])  # fmt: skip
    assert merged.stop_reason == "end_turn"
    # Top-level cache_control and every GA tool type the SDK lists are accepted.
    tools = [{"type": "bash_20250124", "name": "bash"}, fetch_tool(), search_tool(),
             {"name": "lookup", "input_schema": {"type": "object"}}]  # fmt: skip
    client.messages.create(**OK, tools=tools, cache_control=CC)  # type: ignore[arg-type]


def test_close_never_hangs_with_open_keepalive_connections() -> None:
    server = EmulatorServer(CorpusRuntime(), clock=FakeClock()).start()
    http = httpx.Client(base_url=server.url)
    assert http.post("/v1/messages", json=OK).status_code == 200  # leaves a keep-alive connection open
    server.close()
    http.close()
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.url


def test_a_client_hanging_up_prints_no_traceback(
    server: EmulatorServer, capfd: pytest.CaptureFixture[str]
) -> None:
    try:
        raise BrokenPipeError("client went away mid-stream")
    except OSError:
        server._httpd.handle_error(None, ("127.0.0.1", 1))  # type: ignore[union-attr]
    assert capfd.readouterr().err == ""
