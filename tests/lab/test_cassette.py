"""The cassette format on its own: scrubbing, request keys, writing and reading, damaged files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webfetch_kit import CassetteError, load_cassette
from webfetch_kit.lab.cassette import (
    CASSETTE_VERSION,
    SCRUBBED,
    CassetteWriter,
    Scrubber,
    StoredRequest,
    first_user_text,
)

KEY = "fake-key-0123456789abcdef"


def stored(
    body: object, *, path: str = "/v1/messages", headers: dict[str, str] | None = None
) -> StoredRequest:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return StoredRequest.from_http(
        "POST", path, {"content-type": "application/json", **(headers or {})}, content, Scrubber([KEY])
    )


def write_cassette(path: Path, lines: list[object]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


HEADER = {"webfetch_kit_cassette": CASSETTE_VERSION, "backend": "offline", "model": "m", "max_retries": 0}
REQUEST = {"n": 1, "request": {"method": "POST", "path": "/v1/messages", "headers": {}, "json": {"a": 1}}}
RESPONSE = {"n": 1, "response": {"status": 200, "headers": {"content-type": "application/json"}, "json": {}}}


# --- scrubbing --------------------------------------------------------------------------------------


def test_scrubber_finds_the_key_raw_escaped_and_percent_encoded() -> None:
    odd = 'key"with/slash+plus-0123'
    scrub = Scrubber([odd])
    assert scrub.text(f"raw {odd}") == f"raw {SCRUBBED}"
    assert scrub.text(json.dumps({"t": odd})) == json.dumps({"t": SCRUBBED})
    assert scrub.text("https://x.test/?k=key%22with%2Fslash%2Bplus-0123") == f"https://x.test/?k={SCRUBBED}"


def test_scrubber_catches_anything_shaped_like_an_anthropic_key() -> None:
    text = "use sk-ant-api03-AbC_d-123456789 here"
    assert Scrubber().text(text) == f"use {SCRUBBED} here"


def test_scrubber_ignores_short_values_and_scrubs_json_keys() -> None:
    scrub = Scrubber(["offline", KEY])  # "offline" is the offline backend's api_key: too short to scrub
    assert scrub.value({KEY: ["offline", KEY, 3]}) == {SCRUBBED: ["offline", SCRUBBED, 3]}


def test_scrubber_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)
    assert Scrubber.from_environment().text(KEY) == SCRUBBED


# --- request keys -------------------------------------------------------------------------------------


def test_key_ignores_key_order_and_whitespace() -> None:
    one = stored(b'{"model": "m", "messages": [{"role": "user", "content": "hi"}]}')
    two = stored(b'{"messages":[{"content":"hi","role":"user"}],\n "model":"m"}')
    assert one.key() == two.key()


def test_key_sees_every_value_and_its_type() -> None:
    base = stored({"model": "m", "max_tokens": 10})
    assert base.key() != stored({"model": "m", "max_tokens": 11}).key()
    assert base.key() != stored({"model": "m", "max_tokens": "10"}).key()
    assert base.key() != stored({"model": "m", "max_tokens": 10, "stream": True}).key()


def test_key_sorts_query_parameters_and_beta_names_and_ignores_other_headers() -> None:
    a = stored({}, path="/v1/messages?beta=true&x=1", headers={"anthropic-beta": "b2, b1", "x-api-key": "k1"})
    b = stored({}, path="/v1/messages?x=1&beta=true", headers={"anthropic-beta": "b1,b2", "x-api-key": "k2"})
    assert a.key() == b.key()
    assert a.key() != stored({}, path="/v1/messages?x=1&beta=true").key()  # the beta flags count
    assert a.key() != stored({}, path="/v1/messages/count_tokens?beta=true&x=1").key()


def test_stored_request_keeps_only_version_and_beta_headers() -> None:
    request = stored(
        {"q": 1},
        headers={"anthropic-version": "2023-06-01", "x-api-key": KEY, "authorization": f"Bearer {KEY}"},
    )
    assert request.headers == {"anthropic-version": "2023-06-01"}


def test_non_json_bodies_compare_byte_for_byte() -> None:
    assert stored(b"\xff\x00").key() == stored(b"\xff\x00").key()
    assert stored(b"\xff\x00").key() != stored(b"\xff\x01").key()
    assert stored(b"\xff\x00").body == {"base64": "/wA="}


def test_first_user_text_of_strings_blocks_and_nothing() -> None:
    blocks = {"json": {"messages": [{"role": "user", "content": [{"type": "text", "text": " Read  this "}]}]}}
    assert first_user_text(blocks) == "Read this"
    assert first_user_text({"json": {"messages": [{"role": "user", "content": "x" * 500}]}}).endswith("…")
    assert first_user_text({}) == "(no user text)"


# --- writing and reading --------------------------------------------------------------------------------


def record_one(writer: CassetteWriter, body: dict[str, object], response: list[bytes], *, sse: bool) -> None:
    n = writer.request(stored(body))
    content_type = "text/event-stream; charset=utf-8" if sse else "application/json"
    sink = writer.response(n, 200, [("Content-Type", content_type), ("X-Secret-Header", KEY)])
    for chunk in response:
        sink.feed(chunk)
    sink.finish(complete=True)


def test_a_stream_is_written_one_event_a_line_and_read_back_byte_identical(tmp_path: Path) -> None:
    path = tmp_path / "s.cassette"
    writer = CassetteWriter(path, backend="offline", model="m", max_retries=0, scrubber=Scrubber([KEY]))
    events = b'event: a\ndata: {"x": 1}\n\nevent: b\ndata: {"y": "\xc3\xa9"}\n\n'
    # Arbitrary network chunking: split in the middle of an event and of a UTF-8 character.
    record_one(writer, {"q": "stream"}, [events[:13], events[13:45], events[45:]], sse=True)
    record_one(writer, {"q": "json"}, [b'{"id": "msg_1",', b' "ok": true}'], sse=False)
    writer.close()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [line.get("sse") for line in lines if "sse" in line] == [
        'event: a\ndata: {"x": 1}\n\n',
        'event: b\ndata: {"y": "é"}\n\n',
    ]
    cassette = load_cassette(path)
    streamed, plain = cassette.interactions
    assert streamed.response.stream and streamed.response.body == events
    assert json.loads(plain.response.body) == {"id": "msg_1", "ok": True}
    assert dict(plain.response.headers) == {"content-type": "application/json"}  # the rest is dropped
    assert cassette.incomplete == 0 and cassette.backend == "offline"


def test_a_body_the_client_closed_early_is_marked(tmp_path: Path) -> None:
    path = tmp_path / "s.cassette"
    writer = CassetteWriter(path, backend="offline", model="m", max_retries=0)
    n = writer.request(stored({"q": 1}))
    sink = writer.response(n, 200, [("content-type", "text/event-stream")])
    sink.feed(b"event: a\ndata: {}\n\nevent: b\nda")
    sink.finish(complete=False)
    sink.finish(complete=True)  # a second finish changes nothing
    writer.close()
    (interaction,) = load_cassette(path).interactions
    assert interaction.response.body == b"event: a\ndata: {}\n\nevent: b\nda"
    assert not interaction.response.complete


def test_lines_are_on_disk_before_the_writer_closes(tmp_path: Path) -> None:
    path = tmp_path / "s.cassette"
    writer = CassetteWriter(path, backend="offline", model="m", max_retries=0)
    record_one(writer, {"q": 1}, [b"{}"], sse=False)
    n = writer.request(stored({"q": 2}))  # a request whose response never comes (the kernel dies)
    assert n == 2
    cassette = load_cassette(path)
    assert len(cassette) == 1 and cassette.incomplete == 1
    writer.close()


def test_writing_where_no_file_can_be_is_a_cassette_error(tmp_path: Path) -> None:
    with pytest.raises(CassetteError, match=r"cannot write the cassette .*missing"):
        CassetteWriter(tmp_path / "missing" / "s.cassette", backend="offline", model="m", max_retries=0)


# --- damaged and foreign files ----------------------------------------------------------------------------


def test_missing_cassette(tmp_path: Path) -> None:
    path = tmp_path / "nope.cassette"
    with pytest.raises(CassetteError) as error:
        load_cassette(path)
    assert str(error.value) == (
        f"no cassette at {path}: record one with workbench.open(..., record={str(path)!r})"
    )


def test_a_file_that_is_not_a_cassette(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "x.cassette", [{"hello": "world"}])
    with pytest.raises(CassetteError) as error:
        load_cassette(path)
    assert str(error.value) == (
        f"{path} is not a webfetch-kit cassette (its first line has no 'webfetch_kit_cassette' field); "
        "record one with workbench.open(..., record=...)"
    )
    (tmp_path / "empty.cassette").write_text("")
    with pytest.raises(CassetteError, match=r"empty\.cassette is empty: it is not a cassette"):
        load_cassette(tmp_path / "empty.cassette")
    (tmp_path / "bin.cassette").write_bytes(b"\x89PNG\r\n")
    with pytest.raises(CassetteError, match=r"bin\.cassette is not UTF-8 text \(byte 0\)"):
        load_cassette(tmp_path / "bin.cassette")


def test_a_cassette_of_another_version(tmp_path: Path) -> None:
    header = {**HEADER, "webfetch_kit_cassette": 2, "recorded_with": {"webfetch_kit": "9.0"}}
    path = write_cassette(tmp_path / "v2.cassette", [header])
    with pytest.raises(CassetteError) as error:
        load_cassette(path)
    assert str(error.value) == (
        f"{path} is a version 2 cassette (written by webfetch-kit 9.0); this webfetch-kit (0.1.0) "
        "reads version 1: record the session again"
    )


def test_a_damaged_line_names_the_line(tmp_path: Path) -> None:
    path = write_cassette(tmp_path / "bad.cassette", [HEADER, REQUEST, RESPONSE])
    lines = path.read_text().splitlines()
    lines[1] = lines[1][:40]  # a line cut in the middle, then more lines after it
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(CassetteError) as error:
        load_cassette(path)
    assert str(error.value).startswith(f"{path}, line 2 is not valid JSON (")
    assert str(error.value).endswith("): the cassette is damaged; record the session again")


def test_a_last_line_cut_short_by_a_crash_is_ignored(tmp_path: Path) -> None:
    second = {"n": 2, "request": {"method": "POST", "path": "/v1/messages", "json": {"b": 2}}}
    path = write_cassette(tmp_path / "cut.cassette", [HEADER, REQUEST, RESPONSE])
    path.write_text(path.read_text() + json.dumps(second)[:30])  # no newline: the writer died here
    cassette = load_cassette(path)
    assert len(cassette) == 1 and cassette.incomplete == 0


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([RESPONSE], "line 2: a record for exchange 1 comes before its request"),
        ([{"request": {}}], "line 2: each record needs an integer 'n'"),
        ([REQUEST, REQUEST], "line 3: request 1 is malformed or recorded twice"),
        ([REQUEST, {"n": 1, "response": {"status": "200"}}], "line 3: a response needs an integer 'status'"),
        ([REQUEST, RESPONSE, {"n": 1, "sse": "x"}], "line 4: a stream event for exchange 1, which is not"),
        ([REQUEST, {"n": 1, "tape": 1}], "line 3: unknown record (expected request, response, sse, end"),
        ([REQUEST, {**RESPONSE, "response": {"status": 200, "base64": "%%"}}], "line 3: not valid base64"),
    ],
)
def test_malformed_records_name_their_line(tmp_path: Path, records: list[object], message: str) -> None:
    path = write_cassette(tmp_path / "m.cassette", [HEADER, *records])
    with pytest.raises(CassetteError, match=f"^{path}, " + message.replace("(", r"\(").replace(")", r"\)")):
        load_cassette(path)
