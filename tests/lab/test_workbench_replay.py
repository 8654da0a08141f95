"""Record a session with either backend, stop it, replay it: the same answers with no emulator and no key."""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import anthropic
import httpx2
import pytest

from webfetch_kit import CassetteError, CassetteMissError, ConfigError, load_cassette, workbench
from webfetch_kit.accounting import resolve_model
from webfetch_kit.lab.workbench import Workbench

FETCH = {"type": "web_fetch_20250910", "name": "web_fetch", "citations": {"enabled": True}}


def request(wb: Workbench, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "model": wb.model,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": text}],
        "tools": [FETCH],
        **extra,
    }


def raw_stream(wb: Workbench, params: dict[str, Any]) -> bytes:
    with wb.client.messages.with_streaming_response.create(**params, stream=True) as response:
        return b"".join(response.iter_bytes())


@pytest.fixture
def cassette(tmp_path: Path) -> Path:
    return tmp_path / "session.cassette"


def test_replay_gives_identical_messages_and_streams(cassette: Path) -> None:
    with workbench.open("offline", record=cassette, quiet=True) as wb:
        url = wb.url("docs.example.com/guide/caching")
        asked = f"How long does a cache entry live? {url}"
        message = wb.client.messages.create(**request(wb, asked))
        with wb.client.messages.stream(**request(wb, f"Read {url}")) as stream:
            events = [event.type for event in stream]
            final = stream.get_final_message()
        raw = raw_stream(wb, request(wb, f"Summarise {url}"))
        counted = wb.client.messages.count_tokens(
            model=wb.model, messages=[{"role": "user", "content": asked}]
        )
    assert events[0] == "message_start" and "content_block_delta" in events

    with workbench.open("replay", cassette=cassette, quiet=True) as replay:
        assert replay.emulator is None and replay.runtime is None
        assert replay.client.base_url.host == "replay.invalid"
        assert replay.url("docs.example.com/guide/caching") == url
        assert replay.client.messages.create(**request(replay, asked)) == message
        with replay.client.messages.stream(**request(replay, f"Read {url}")) as stream:
            assert [event.type for event in stream] == events
            assert stream.get_final_message() == final
        assert raw_stream(replay, request(replay, f"Summarise {url}")) == raw  # byte-identical SSE
        assert (
            replay.client.messages.count_tokens(
                model=replay.model, messages=[{"role": "user", "content": asked}]
            )
            == counted
        )
        # The corpus and the fetcher still run live.
        assert replay.fetcher.fetch(url).ok
        assert replay.corpus.count_for(path="/guide/caching") == 1


def test_a_request_never_recorded_fails_clearly_and_sends_nothing(cassette: Path) -> None:
    with workbench.open("offline", record=cassette, quiet=True) as wb:
        wb.client.messages.create(**request(wb, "What is web fetch?"))
    with workbench.open("replay", cassette=cassette, quiet=True) as replay:
        with pytest.raises(CassetteMissError) as error:
            replay.client.messages.create(**request(replay, "What is prompt caching?   Be brief."))
        assert isinstance(error.value, anthropic.AnthropicError)  # not wrapped into APIConnectionError
        assert str(error.value) == (
            f"{cassette} has no recorded answer for POST /v1/messages whose first user text is "
            "'What is prompt caching? Be brief.' (1 other request(s) to that path are recorded, none with "
            "this exact body). A replay answers only what was recorded: run this cell as it was when the "
            "session was recorded, or record it again with workbench.open(..., record=...)"
        )
        with pytest.raises(CassetteMissError, match="first user text is 'What is web fetch\\?'"):
            replay.client.messages.create(**request(replay, "What is web fetch?", max_tokens=99))


def test_repeated_requests_replay_in_recorded_order_then_the_last_again(cassette: Path) -> None:
    with workbench.open("offline", record=cassette, quiet=True) as wb:
        params = request(wb, f"Read {wb.url('docs.example.com/guide/citations')}")
        recorded = [wb.client.messages.create(**params).id for _ in range(3)]
        other = wb.client.messages.create(**request(wb, "Something else")).id
    assert len(set(recorded)) == 3
    with workbench.open("replay", cassette=cassette, quiet=True) as replay:
        # Key order does not count: the same request written the other way round matches.
        reordered = dict(reversed(list(params.items())))
        replayed = [replay.client.messages.create(**reordered).id for _ in range(5)]
        assert replay.client.messages.create(**request(replay, "Something else")).id == other
    assert replayed == [*recorded, recorded[-1], recorded[-1]]


def test_no_key_reaches_a_cassette_recorded_offline(cassette: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = "fake-test-key-not-shaped-like-one-0123456789"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    with workbench.open("offline", record=cassette, quiet=True) as wb:
        url = wb.url("docs.example.com/guide/caching") + f"?token={key}"
        wb.client.messages.create(**request(wb, f"My key is {key}; read {url}"))
    text = cassette.read_text(encoding="utf-8")
    assert key not in text and "[scrubbed]" in text
    # The replay scrubs the live request the same way, so it still matches.
    with workbench.open("replay", cassette=cassette, quiet=True) as replay:
        replay.client.messages.create(**request(replay, f"My key is {key}; read {url}"))


def fake_api(key: str, seen: list[httpx2.Request]) -> httpx2.MockTransport:
    """Stands in for api.anthropic.com: checks the key arrives, and echoes it back (a worst case)."""

    def handle(incoming: httpx2.Request) -> httpx2.Response:
        seen.append(incoming)
        # The SDK sends the key as x-api-key or as a bearer token, depending on its version and the key.
        assert key in (incoming.headers.get("x-api-key"), incoming.headers.get("authorization", "")[7:])
        body = json.loads(incoming.content)
        message = {
            "id": "msg_fake_1",
            "type": "message",
            "role": "assistant",
            "model": body["model"],
            "content": [{"type": "text", "text": f"You said: {body['messages'][0]['content']}"}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": 5, "output_tokens": 7},
        }
        headers = {"request-id": "req_fake_1", "x-echo-key": key, "anthropic-organization-id": "org-private"}
        return httpx2.Response(200, json=message, headers=headers)

    return httpx2.MockTransport(handle)


def test_no_key_reaches_a_cassette_recorded_with_the_real_api(
    cassette: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "sk-ant-api03-FAKE-key-for-the-test_0123456789"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    seen: list[httpx2.Request] = []
    with workbench.open("anthropic", record=cassette, transport=fake_api(key, seen), quiet=True) as wb:
        assert not wb.offline
        answer = wb.client.messages.create(**request(wb, f"Here is {key}"))
    assert len(seen) == 1 and seen[0].url.host == "api.anthropic.com"
    assert key in answer.content[0].text  # type: ignore[union-attr]
    text = cassette.read_text(encoding="utf-8")
    for secret in (key, "x-api-key", "authorization", "org-private", "x-echo-key"):
        assert secret not in text.lower(), secret
    assert load_cassette(cassette).backend == "anthropic"

    monkeypatch.delenv("ANTHROPIC_API_KEY")  # the class has no key
    with workbench.open("replay", cassette=cassette, quiet=True) as replay:
        assert not replay.offline  # it answers as the real API did: public URLs, the same cells run
        assert replay.url("docs.example.com/guide/web-fetch").startswith("https://docs.claude.com/")
        replayed = replay.client.messages.create(**request(replay, f"Here is {key}"))
    assert replayed.content[0].text == "You said: Here is [scrubbed]"  # type: ignore[union-attr]
    assert replayed._request_id == "req_fake_1"


def test_the_recording_keeps_finished_exchanges_while_it_runs(cassette: Path) -> None:
    wb = workbench.open("offline", record=cassette, quiet=True)
    try:
        wb.client.messages.create(**request(wb, "First question"))
        with wb.client.messages.stream(**request(wb, "Second question")) as stream:
            next(iter(stream))  # the kernel dies here, in the middle of a stream
            mid_stream = load_cassette(cassette)
    finally:
        wb.close()
    assert len(mid_stream) == 1 and mid_stream.incomplete == 1
    after = load_cassette(cassette)
    assert len(after) == 2 and not after.interactions[1].response.complete  # closed by the client


def test_replay_uses_the_recorded_model(cassette: Path) -> None:
    with workbench.open("offline", record=cassette, model="claude-haiku-4-5", quiet=True) as wb:
        wb.client.messages.create(**request(wb, "hi"))
    with workbench.open(cassette=cassette, quiet=True) as replay:  # auto with a cassette is a replay
        assert replay.backend == "replay" and replay.model == "claude-haiku-4-5"
        # The answer names the dated model the alias resolves to, as the API's answers do.
        answer = replay.client.messages.create(**request(replay, "hi"))
        assert answer.model == resolve_model("claude-haiku-4-5") == "claude-haiku-4-5-20251001"


def test_open_prints_what_it_replays_and_what_it_records(
    cassette: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with workbench.open("offline", record=cassette) as wb:
        wb.client.messages.create(**request(wb, "hi"))
    assert f"recording to {cassette} (secrets scrubbed)" in capsys.readouterr().out
    with workbench.open("replay", cassette=cassette):
        pass
    out = capsys.readouterr().out
    assert f"replay backend — 1 answers recorded in {cassette} (backend 'offline'" in out
    assert "nothing is sent to any API" in out


def test_a_damaged_cassette_fails_at_open(cassette: Path) -> None:
    cassette.write_text('{"webfetch_kit_cassette": 1, "backend": "offline"}\n{"n": 1, "request": \n')
    with pytest.raises(CassetteError, match=r"session\.cassette, line 2 is not valid JSON \(Expecting value"):
        workbench.open("replay", cassette=cassette)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"backend": "replay"}, ConfigError, "backend='replay' needs cassette='session.cassette'"),
        ({"backend": "offline", "cassette": "x"}, ConfigError, "cassette= is read by backend='replay' only"),
        ({"backend": "offline", "transport": httpx2.MockTransport(print)}, ConfigError, "transport= is for"),
    ],
)
def test_arguments_that_do_not_fit_together(kwargs: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        workbench.open(quiet=True, **kwargs)


def test_a_replay_cannot_record(cassette: Path, tmp_path: Path) -> None:
    with workbench.open("offline", record=cassette, quiet=True):
        pass
    with pytest.raises(ConfigError, match="a replay cannot record"):
        workbench.open("replay", cassette=cassette, record=tmp_path / "again.cassette")


def test_an_error_response_replays_as_the_same_sdk_error(cassette: Path) -> None:
    bad = {"model": "claude-sonnet-4-6", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}
    bad["messages"][0]["cache_control"] = {"type": "ephemeral"}  # the documentation's misplaced form
    with (
        workbench.open("offline", record=cassette, quiet=True) as wb,
        pytest.raises(anthropic.BadRequestError) as recorded,
    ):
        wb.client.messages.create(**bad)
    with (
        workbench.open("replay", cassette=cassette, quiet=True) as replay,
        pytest.raises(anthropic.BadRequestError) as replayed,
    ):
        replay.client.messages.create(**bad)
    assert replayed.value.body == recorded.value.body and replayed.value.status_code == 400


@pytest.mark.parametrize("recording", [False, True])
def test_a_proxy_in_the_environment_does_not_break_the_offline_backend(
    cassette: Path, monkeypatch: pytest.MonkeyPatch, recording: bool
) -> None:
    # A school network's HTTP_PROXY cannot reach the emulator on 127.0.0.1 (port 9: nothing listens).
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    with workbench.open("offline", record=cassette if recording else None, quiet=True) as wb:
        assert wb.client.messages.create(**request(wb, "hi")).role == "assistant"
    with workbench.open("replay", cassette=cassette, quiet=True) if recording else nullcontext() as replay:
        if replay is not None:
            assert replay.client.messages.create(**request(replay, "hi")).role == "assistant"
