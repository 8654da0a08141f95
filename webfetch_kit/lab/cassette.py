"""Cassettes: a recorded Messages API session in a file a replay answers from, and how requests match.

A cassette is UTF-8 JSON lines, one record a line, written as the traffic happens (each line is flushed
at once, so a kernel that dies mid-lesson leaves every finished exchange on disk)::

    {"webfetch_kit_cassette": 1, "backend": "anthropic", "model": "claude-sonnet-4-6", ...}
    {"n": 1, "request": {"method": "POST", "path": "/v1/messages", "headers": {...}, "json": {...}}}
    {"n": 1, "response": {"status": 200, "headers": {...}, "json": {...}}}
    {"n": 2, "request": {"method": "POST", "path": "/v1/messages", ..., "json": {..., "stream": true}}}
    {"n": 2, "response": {"status": 200, "headers": {"content-type": "text/event-stream"}, "stream": true}}
    {"n": 2, "sse": "event: message_start\\ndata: {...}\\n\\n"}
    ...
    {"n": 2, "end": "complete"}

The first line says what recorded it; then each exchange ``n`` has a ``request`` line, a ``response``
line, and, for a streamed (server-sent events) response, one ``sse`` line per event and an ``end`` line.
JSON bodies are stored parsed (``"json"``), other text as ``"text"``, anything else as ``"base64"``;
an SSE body is stored byte for byte, so its replay is byte-identical. One exchange changes a few lines,
so a cassette diffs well in git.

**Matching.** A request matches a recorded one when these agree (:class:`RequestKey`):

* the method;
* the path with its query string, parameters sorted (the SDK's beta surface adds ``?beta=true``);
* the ``anthropic-beta`` header as a set of names (beta flags change what the API does);
* the JSON body as data: key order and whitespace do not count (it is compared re-serialised with sorted
  keys and no spaces); a body that is not JSON is compared byte for byte.

The host is ignored (a recording of the emulator on some port replays anywhere), and so are all other
headers: the API key, the SDK's ``x-stainless-*`` telemetry, retry counts and idempotency keys change
from run to run without changing the answer.

**Scrubbing.** Before anything is written, request headers are cut to ``anthropic-version`` and
``anthropic-beta`` (so ``x-api-key`` and ``authorization`` never reach the file), response headers to the
few the SDK reads (``content-type``, ``request-id``, retry hints) and the emulator's banner, and every
value of ``ANTHROPIC_API_KEY`` — and anything shaped like an Anthropic key (``sk-ant-...``) — is replaced
by ``[scrubbed]`` wherever it appears: paths, header values, JSON bodies and stream events. A replay
scrubs the live request the same way before matching, so both sides compare alike.

A damaged, foreign or wrong-version file raises :class:`~webfetch_kit.errors.CassetteError` naming the
file and, for damage, the line. Recording (SDK event hooks) and replaying (a transport) are in :mod:`.replay`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Literal
from urllib.parse import parse_qsl, quote, urlencode

from .._env import __version__
from ..errors import CassetteError

__all__ = [
    "CASSETTE_VERSION",
    "SCRUBBED",
    "Cassette",
    "CassetteWriter",
    "Interaction",
    "RecordedResponse",
    "RequestKey",
    "ResponseSink",
    "Scrubber",
    "StoredRequest",
    "first_user_text",
    "load_cassette",
]

CASSETTE_VERSION = 1
SCRUBBED = "[scrubbed]"
_MARKER = "webfetch_kit_cassette"
# Request headers worth keeping: the API version, and the beta flags (they take part in matching).
_REQUEST_HEADERS = ("anthropic-version", "anthropic-beta")
# Response headers the SDK reads (type, request id, retry hints) and the emulator's "not Claude" banner;
# the rest (rate limits, organisation id, cookies, CDN ids) is noise or private.
_RESPONSE_HEADERS = (
    "content-type",
    "content-encoding",
    "request-id",
    "retry-after",
    "retry-after-ms",
    "x-should-retry",
    "x-webfetch-emulator",
)
# Anything shaped like an Anthropic key, whoever's it is. A plain character class: linear on any input.
_KEY_SHAPE = re.compile(r"sk-ant-[A-Za-z0-9_\-]{8,}")
# Shorter values (the offline backend's api_key "offline") would scrub ordinary words.
_MIN_SECRET_LENGTH = 8
_FIRST_TEXT_CHARS = 120


# --- scrubbing ------------------------------------------------------------------------------------


class Scrubber:
    """Replaces secrets by ``[scrubbed]`` in text and in JSON values (keys included).

    Each secret is also looked for in the forms it takes inside JSON (escaped) and inside URLs
    (percent-encoded). Anything shaped like an Anthropic key (``sk-ant-...``) is scrubbed too.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        forms: set[str] = set()
        for secret in secrets:
            secret = secret.strip()
            if len(secret) < _MIN_SECRET_LENGTH:
                continue
            forms |= {
                secret,
                json.dumps(secret)[1:-1],
                json.dumps(secret, ensure_ascii=False)[1:-1],
                quote(secret, safe=""),
            }
        # Longest first, so a form that contains another is replaced whole.
        self._forms = sorted(forms, key=len, reverse=True)

    @classmethod
    def from_environment(cls, *extra: str) -> Scrubber:
        """A scrubber for ``ANTHROPIC_API_KEY`` (as it is now) and any ``extra`` secrets."""
        return cls([os.environ.get("ANTHROPIC_API_KEY", ""), *extra])

    def text(self, text: str) -> str:
        """``text`` with every secret replaced."""
        for form in self._forms:
            text = text.replace(form, SCRUBBED)
        return _KEY_SHAPE.sub(SCRUBBED, text)

    def value(self, value: Any) -> Any:
        """A JSON value with every string (and object key) scrubbed."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(item) for item in value]
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        return value


# --- bodies and keys ------------------------------------------------------------------------------


def _encode_body(data: bytes, content_type: str, scrubber: Scrubber) -> dict[str, Any]:
    """A body as stored: ``{"json": ...}``, ``{"text": ...}``, ``{"base64": ...}`` or ``{}`` (empty)."""
    if not data:
        return {}
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}
    if "json" in content_type.lower():
        try:
            return {"json": scrubber.value(json.loads(text))}
        except json.JSONDecodeError:
            pass
    return {"text": scrubber.text(text)}


def _decode_body(stored: Mapping[str, Any], where: str) -> bytes:
    if "json" in stored:
        return json.dumps(stored["json"], ensure_ascii=False).encode("utf-8")
    if "text" in stored:
        return _string(stored["text"], where).encode("utf-8")
    if "base64" in stored:
        return _base64(stored["base64"], where)
    return b""


def _canonical_json(value: Any) -> str:
    # Key order and whitespace never change what a request asks.
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _fingerprint(stored: Mapping[str, Any], where: str) -> str:
    if "json" in stored:
        kind, data = "json", _canonical_json(stored["json"]).encode("utf-8")
    elif "text" in stored:
        kind, data = "text", _string(stored["text"], where).encode("utf-8")
    elif "base64" in stored:
        kind, data = "bytes", _base64(stored["base64"], where)
    else:
        return "empty"
    return f"{kind}:{hashlib.sha256(data).hexdigest()}"


def _normalise_path(raw: str, scrubber: Scrubber) -> str:
    path, _, query = raw.partition("?")
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    normalised = path + (f"?{urlencode(pairs)}" if pairs else "")
    return scrubber.text(normalised)


def _normalise_beta(value: str) -> str:
    return ",".join(sorted({name.strip() for name in value.split(",") if name.strip()}))


@dataclass(frozen=True)
class RequestKey:
    """What a replayed request is matched on (see the module docstring)."""

    method: str
    path: str
    beta: str
    body: str


def _texts(content: Any) -> list[Any]:
    # A message's content is a string or a list of blocks; only text blocks carry user text.
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [
            block.get("text") for block in content if isinstance(block, dict) and block.get("type") == "text"
        ]
    return []


def first_user_text(stored_body: Mapping[str, Any]) -> str:
    """The first user message's text in a stored request body (shortened), or ``"(no user text)"``."""
    payload = stored_body.get("json")
    messages = payload.get("messages") if isinstance(payload, dict) else None
    for message in messages if isinstance(messages, list) else []:
        if not isinstance(message, dict) or message.get("role") != "user":
            continue
        for text in _texts(message.get("content")):
            if isinstance(text, str) and text.strip():
                flat = " ".join(text.split())
                return flat if len(flat) <= _FIRST_TEXT_CHARS else flat[: _FIRST_TEXT_CHARS - 1] + "…"
    return "(no user text)"


@dataclass(frozen=True)
class StoredRequest:
    """A request as the cassette stores it (scrubbed), and the key it matches on."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any]

    @classmethod
    def from_http(
        cls,
        method: str,
        raw_path: str,
        headers: Mapping[str, str],
        content: bytes,
        scrubber: Scrubber,
    ) -> StoredRequest:
        """Scrub and normalise what the client sent (``headers`` are looked up by lower-case name)."""
        kept = {name: scrubber.text(headers[name]) for name in _REQUEST_HEADERS if name in headers}
        content_type = headers.get("content-type", "application/json")
        return cls(
            method.upper(),
            _normalise_path(raw_path, scrubber),
            kept,
            _encode_body(content, content_type, scrubber),
        )

    def key(self) -> RequestKey:
        """The :class:`RequestKey` of this request."""
        where = f"{self.method} {self.path}"
        beta = _normalise_beta(self.headers.get("anthropic-beta", ""))
        return RequestKey(self.method, self.path, beta, _fingerprint(self.body, where))

    def first_user_text(self) -> str:
        """See :func:`first_user_text`."""
        return first_user_text(self.body)

    def to_json(self) -> dict[str, Any]:
        """The ``request`` record."""
        return {"method": self.method, "path": self.path, "headers": self.headers, **self.body}


# --- responses ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordedResponse:
    """A recorded response: status, kept headers, and the body in the pieces it was recorded in."""

    status: int
    headers: tuple[tuple[str, str], ...]
    chunks: tuple[bytes, ...]
    stream: bool
    complete: bool

    @property
    def body(self) -> bytes:
        """The whole body."""
        return b"".join(self.chunks)


@dataclass(frozen=True)
class Interaction:
    """One recorded exchange: the ``n``-th request of the session and its response."""

    n: int
    request: StoredRequest
    response: RecordedResponse
    key: RequestKey = field(compare=False)


class ResponseSink:
    """Receives a response body as the client reads it and writes it to the cassette.

    A server-sent-events body is written one event a line as each arrives; any other body is written
    whole once it has been read. ``finish(complete=False)`` records a body the client closed early.
    """

    def __init__(
        self, writer: CassetteWriter, n: int, status: int, headers: list[tuple[str, str]], stream: bool
    ) -> None:
        self._writer = writer
        self._n = n
        self._status = status
        self._headers = headers
        self._stream = stream
        self._buffer = bytearray()
        self._done = False
        if stream:
            writer._response_line(n, status, headers, {"stream": True})

    def feed(self, chunk: bytes) -> None:
        """A piece of the body, as the client received it."""
        if self._done:
            return
        self._buffer += chunk
        if not self._stream:
            return
        # One event a line: split after each blank line (the SSE event terminator).
        while (end := self._buffer.find(b"\n\n")) >= 0:
            frame = bytes(self._buffer[: end + 2])
            del self._buffer[: end + 2]
            self._writer._sse_line(self._n, frame)

    def finish(self, *, complete: bool) -> None:
        """The body ended (``complete``) or the client closed it early; safe to call twice."""
        if self._done:
            return
        self._done = True
        if self._stream:
            if self._buffer:
                self._writer._sse_line(self._n, bytes(self._buffer))
            self._writer._write({"n": self._n, "end": "complete" if complete else "closed by the client"})
            return
        content_type = dict(self._headers).get("content-type", "")
        encoded = (
            {"base64": base64.b64encode(bytes(self._buffer)).decode("ascii")}
            if dict(self._headers).get("content-encoding", "identity") != "identity"
            else _encode_body(bytes(self._buffer), content_type, self._writer.scrubber)
        )
        extra = {} if complete else {"complete": False}
        self._writer._response_line(self._n, self._status, self._headers, {**encoded, **extra})


# --- writing --------------------------------------------------------------------------------------


class CassetteWriter:
    """Writes a cassette as the traffic happens: one line per record, flushed at once.

    Args:
        path: The file to write; an existing file is replaced (one recording is one workbench session).
        backend: ``"offline"`` or ``"anthropic"``: what answered. A replay behaves as this backend.
        model: The workbench's model (a replay uses it as its own default).
        max_retries: The recording client's retry budget (a replay retries recorded errors alike).
        scrubber: What to scrub (default: ``ANTHROPIC_API_KEY`` and key-shaped strings).

    Raises:
        CassetteError: The file cannot be written.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        backend: Literal["offline", "anthropic"],
        model: str,
        max_retries: int,
        scrubber: Scrubber | None = None,
    ) -> None:
        import anthropic

        self.path = Path(path)
        self.scrubber = scrubber or Scrubber.from_environment()
        self._lock = threading.Lock()
        self._count = 0
        try:
            self._file: IO[str] | None = self.path.open("w", encoding="utf-8", newline="\n")
        except OSError as exc:
            raise CassetteError(f"cannot write the cassette {self.path}: {exc.strerror or exc}") from exc
        self._write(
            {
                _MARKER: CASSETTE_VERSION,
                "backend": backend,
                "model": model,
                "max_retries": max_retries,
                "recorded_with": {"webfetch_kit": __version__, "anthropic": anthropic.__version__},
                "recorded_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "about": "Messages API traffic recorded by webfetch-kit, secrets scrubbed; replay it with "
                "workbench.open('replay', cassette=...)",
            }
        )

    @property
    def count(self) -> int:
        """How many requests have been recorded."""
        with self._lock:
            return self._count

    def _write(self, record: Mapping[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self._lock:
            # A response that finishes after close() has nowhere to go; the recording has ended.
            if self._file is not None:
                self._file.write(line)
                self._file.flush()

    def request(self, stored: StoredRequest) -> int:
        """Record a request (already scrubbed); returns its number ``n``."""
        with self._lock:
            self._count += 1
            n = self._count
        self._write({"n": n, "request": stored.to_json()})
        return n

    def response(self, n: int, status: int, headers: Iterable[tuple[str, str]]) -> ResponseSink:
        """Start recording the response to request ``n``; feed its body to the returned sink."""
        kept = [
            (name.lower(), self.scrubber.text(value))
            for name, value in headers
            if name.lower() in _RESPONSE_HEADERS
        ]
        content_type = dict(kept).get("content-type", "")
        encoded = dict(kept).get("content-encoding", "identity") != "identity"
        stream = content_type.startswith("text/event-stream") and not encoded
        return ResponseSink(self, n, status, kept, stream)

    def error(self, n: int, message: str) -> None:
        """Request ``n`` got no response (a connection error): noted, never replayed."""
        self._write({"n": n, "error": self.scrubber.text(message)})

    def _response_line(
        self, n: int, status: int, headers: list[tuple[str, str]], body: Mapping[str, Any]
    ) -> None:
        self._write({"n": n, "response": {"status": status, "headers": dict(headers), **body}})

    def _sse_line(self, n: int, frame: bytes) -> None:
        try:
            self._write({"n": n, "sse": self.scrubber.text(frame.decode("utf-8"))})
        except UnicodeDecodeError:
            self._write({"n": n, "sse_base64": base64.b64encode(frame).decode("ascii")})

    def close(self) -> None:
        """Close the file (each line is already on disk); safe to call twice."""
        with self._lock:
            file, self._file = self._file, None
        if file is not None:
            file.close()

    def __repr__(self) -> str:
        return f"<CassetteWriter {str(self.path)!r} requests={self.count}>"


# --- reading --------------------------------------------------------------------------------------


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise CassetteError(f"{where}: expected a string, got {type(value).__name__}")
    return value


def _base64(value: Any, where: str) -> bytes:
    try:
        return base64.b64decode(_string(value, where), validate=True)
    except ValueError as exc:
        raise CassetteError(f"{where}: not valid base64 ({exc})") from exc


@dataclass(frozen=True)
class Cassette:
    """A cassette read from disk (:func:`load_cassette`): what recorded it and its exchanges."""

    path: Path
    backend: Literal["offline", "anthropic"]
    model: str
    max_retries: int
    header: Mapping[str, Any]
    interactions: tuple[Interaction, ...]
    # Requests whose response never finished (the recording stopped mid-exchange): not replayable.
    incomplete: int = 0

    def __len__(self) -> int:
        return len(self.interactions)

    def __repr__(self) -> str:
        return (
            f"<Cassette {str(self.path)!r} backend={self.backend!r} exchanges={len(self)}"
            + (f" incomplete={self.incomplete}" if self.incomplete else "")
            + ">"
        )


@dataclass
class _Building:
    request: StoredRequest
    status: int | None = None
    headers: tuple[tuple[str, str], ...] = ()
    chunks: list[bytes] = field(default_factory=list)
    stream: bool = False
    complete: bool = True
    ended: bool = False


def _header(path: Path, first: str) -> dict[str, Any]:
    try:
        header = json.loads(first)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or _MARKER not in header:
        raise CassetteError(
            f"{path} is not a webfetch-kit cassette (its first line has no {_MARKER!r} field); "
            "record one with workbench.open(..., record=...)"
        )
    version = header[_MARKER]
    if version != CASSETTE_VERSION:
        made_by = header.get("recorded_with", {}).get("webfetch_kit", "another version")
        raise CassetteError(
            f"{path} is a version {version!r} cassette (written by webfetch-kit {made_by}); this "
            f"webfetch-kit ({__version__}) reads version {CASSETTE_VERSION}: record the session again"
        )
    if header.get("backend") not in ("offline", "anthropic"):
        raise CassetteError(f"{path}: the first line's backend must be 'offline' or 'anthropic'")
    return header


def _apply(building: dict[int, _Building], record: Any, where: str) -> None:
    if not isinstance(record, dict) or not isinstance(record.get("n"), int):
        raise CassetteError(f"{where}: each record needs an integer 'n'")
    n = record["n"]
    if "request" in record:
        request = record["request"]
        if not isinstance(request, dict) or n in building:
            raise CassetteError(f"{where}: request {n} is malformed or recorded twice")
        headers = request.get("headers", {})
        if not isinstance(headers, dict):
            raise CassetteError(f"{where}: request headers must be an object")
        body = {kind: request[kind] for kind in ("json", "text", "base64") if kind in request}
        building[n] = _Building(
            StoredRequest(
                _string(request.get("method"), where).upper(),
                _string(request.get("path"), where),
                {str(k).lower(): _string(v, where) for k, v in headers.items()},
                body,
            )
        )
        return
    if n not in building:
        raise CassetteError(f"{where}: a record for exchange {n} comes before its request")
    exchange = building[n]
    if "response" in record:
        response = record["response"]
        if not isinstance(response, dict) or not isinstance(response.get("status"), int):
            raise CassetteError(f"{where}: a response needs an integer 'status'")
        headers = response.get("headers", {})
        if not isinstance(headers, dict):
            raise CassetteError(f"{where}: response headers must be an object")
        exchange.status = response["status"]
        exchange.headers = tuple((str(k).lower(), _string(v, where)) for k, v in headers.items())
        exchange.stream = response.get("stream") is True
        exchange.complete = response.get("complete", True) is not False
        if not exchange.stream:
            exchange.chunks = [_decode_body(response, where)]
            exchange.ended = True
    elif "sse" in record or "sse_base64" in record:
        if not exchange.stream or exchange.ended:
            raise CassetteError(f"{where}: a stream event for exchange {n}, which is not an open stream")
        exchange.chunks.append(
            _string(record["sse"], where).encode("utf-8")
            if "sse" in record
            else _base64(record["sse_base64"], where)
        )
    elif "end" in record:
        if not exchange.stream:
            raise CassetteError(f"{where}: an end record for exchange {n}, which is not a stream")
        exchange.ended = True
        exchange.complete = record["end"] == "complete"
    elif "error" not in record:
        raise CassetteError(f"{where}: unknown record (expected request, response, sse, end or error)")


def load_cassette(path: str | os.PathLike[str]) -> Cassette:
    """Read a cassette written by :class:`CassetteWriter`.

    A last line cut short (the recording process died while writing it) is ignored, and so are
    exchanges whose response never finished; they are counted in :attr:`Cassette.incomplete`.

    Raises:
        CassetteError: the file is missing, is not a cassette, has another version, or is damaged
            (the message names the line).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CassetteError(
            f"no cassette at {path}: record one with workbench.open(..., record={str(path)!r})"
        ) from None
    except OSError as exc:
        raise CassetteError(f"cannot read the cassette {path}: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CassetteError(f"{path} is not UTF-8 text (byte {exc.start}): it is not a cassette") from None
    # Split on "\n" only: str.splitlines() would also split on U+2028 inside a JSON string.
    lines = text.replace("\r\n", "\n").split("\n")
    cut_short = lines[-1] != ""  # the writer ends every line with "\n"
    if not cut_short:
        lines.pop()
    if not lines or not lines[0].strip():
        raise CassetteError(f"{path} is empty: it is not a cassette")
    header = _header(path, lines[0])
    building: dict[int, _Building] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if cut_short and number == len(lines):
                break  # the process died while writing this line
            raise CassetteError(
                f"{where} is not valid JSON ({exc.msg}, column {exc.colno}): the cassette is damaged; "
                "record the session again"
            ) from None
        _apply(building, record, where)
    interactions = []
    for n in sorted(building):
        exchange = building[n]
        if exchange.status is None or not exchange.ended:
            continue
        response = RecordedResponse(
            exchange.status, exchange.headers, tuple(exchange.chunks), exchange.stream, exchange.complete
        )
        interactions.append(Interaction(n, exchange.request, response, exchange.request.key()))
    return Cassette(
        path=path,
        backend=header["backend"],
        model=str(header.get("model") or ""),
        max_retries=int(header.get("max_retries", 0)),
        header=header,
        interactions=tuple(interactions),
        incomplete=len(building) - len(interactions),
    )
