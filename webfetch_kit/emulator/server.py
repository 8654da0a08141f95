"""The emulator's HTTP server: a Messages API subset on 127.0.0.1 for the real ``anthropic`` client.

Endpoints: ``POST /v1/messages`` (JSON, or server-sent events with ``"stream": true``),
``POST /v1/messages/count_tokens`` and the Message Batches endpoints below ``/v1/messages/batches``
(:mod:`.batchapi`, run by :mod:`.batches`); a query string (the SDK's beta surface adds ``?beta=true``) is
accepted, and so is any ``anthropic-beta`` header. Every response carries an ``x-webfetch-emulator``
header (saying the answer is a stand-in's and the usage estimated), a fresh ``request-id``
(``req_011C...``), and every message an extra top-level ``"emulator"`` object, so nobody mistakes it for
Claude. A request that uses a tool version the emulator does not fully emulate also gets an
``x-webfetch-emulator-note`` header (:func:`.engine.version_notes`).

Errors use the API's shape ``{"type": "error", "error": {"type", "message"}, "request_id"}``: 400
``invalid_request_error`` (malformed JSON -- too deep, not UTF-8, lone surrogates, see :mod:`.body` --
or a bad request), 404 ``not_found_error`` (unknown path or model), 405 (wrong method on a known path,
typed ``invalid_request_error``), 411 (no Content-Length), 413 ``request_too_large`` (body over
``max_body_bytes``), and 500 ``api_error`` only for a bug in the emulator or its runtime.

The server is a stdlib ``ThreadingHTTPServer`` in a daemon thread; handler threads are daemons and
``close()`` never waits for them, so an idle keep-alive connection cannot make it hang.
"""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from .._env import __version__
from ..net.loopback import LoopbackServer
from .apierrors import ApiError, error_body
from .batchapi import MAX_BATCH_BYTES, HttpReply, is_batch_path, route_batches
from .batches import DEFAULT_BATCH_WORKERS, BatchStore
from .body import parse_body
from .engine import Engine
from .runtime import ToolRuntime
from .standin import STANDIN_NAME
from .streaming import sse_events, sse_frame
from .validation import validate_request

__all__ = ["DEFAULT_MAX_BODY_BYTES", "EMULATOR_HEADER", "NOTE_HEADER", "EmulatorServer"]

logger = logging.getLogger(__name__)

# The Messages API's documented request size limit is 32 MB.
DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
EMULATOR_HEADER = "x-webfetch-emulator"
NOTE_HEADER = "x-webfetch-emulator-note"
_HEADER_VALUE = f"webfetch-kit/{__version__}; {STANDIN_NAME}; usage estimated"
_MAX_DRAIN_BYTES = 256 * 1024 * 1024
_ROUTES = {"/v1/messages": "create", "/v1/messages/count_tokens": "count_tokens"}


class _HttpServer(LoopbackServer):
    def __init__(
        self,
        address: tuple[str, int],
        engine: Engine,
        max_body_bytes: int,
        batches: BatchStore,
        max_batch_bytes: int,
    ) -> None:
        super().__init__(address, _Handler)
        self.engine = engine
        self.max_body_bytes = max_body_bytes
        self.batches = batches
        self.max_batch_bytes = max_batch_bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "webfetch-kit-emulator"
    timeout = 60
    server: _HttpServer

    def setup(self) -> None:
        super().setup()
        # Headers and body go out as separate writes; without this, Nagle + delayed ACK add ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    # Every method goes through one entry point, so a wrong method gets the 405 shape.
    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        self._request_id = self.server.engine.ids.request_id()
        self._notes: tuple[str, ...] = ()
        try:
            self._route(method)
        except ApiError as exc:
            self._send_json(exc.status, exc.body(self._request_id))
        except Exception as exc:  # a genuine emulator bug: say so in the API's shape, never hang
            logger.exception("emulator internal error")
            self.close_connection = True
            detail = f"Internal emulator error: {type(exc).__name__}: {exc}"
            self._send_json(500, error_body("api_error", detail, self._request_id))

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        beta = bool(self.headers.get("anthropic-beta")) or "beta=true" in urlsplit(self.path).query
        if is_batch_path(path):
            self._send_reply(
                route_batches(
                    self.server.batches,
                    method,
                    path,
                    urlsplit(self.path).query,
                    read_json=lambda: self._read_json(self.server.max_batch_bytes),
                    discard_body=self._discard_body,
                    beta=beta,
                    base_url="http://{}:{}".format(*self.server.server_address[:2]),
                )
            )
            return
        route = _ROUTES.get(path)
        if route is None:
            self._discard_body()
            raise ApiError(404, "not_found_error", f"Not Found: {method} {path}")
        if method != "POST":
            self._discard_body()
            raise ApiError(405, "invalid_request_error", f"Method Not Allowed: {method} {path} (use POST)")
        body = self._read_json()
        engine = self.server.engine
        if route == "count_tokens":
            request = validate_request(body, beta=beta, count_only=True)
            self._send_json(200, {"input_tokens": engine.count_tokens(request)})
            return
        request = validate_request(body, beta=beta)
        turn = engine.create(request)
        self._notes = turn.notes
        if request.stream:
            self._send_stream(turn.message, turn.start_usage)
        else:
            self._send_json(200, turn.message)

    def _content_length(self) -> int:
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            self.close_connection = True
            raise ApiError(411, "invalid_request_error", "A Content-Length header is required")
        raw = self.headers.get("content-length", "0")
        try:
            length = int(raw)
        except ValueError:
            self.close_connection = True
            raise ApiError.invalid(f"Invalid Content-Length header: {raw!r}") from None
        if length < 0:
            self.close_connection = True
            raise ApiError.invalid(f"Invalid Content-Length header: {raw!r}")
        return length

    def _discard_body(self, length: int | None = None) -> None:
        # Reading what the client sends (in bounded chunks) lets it finish writing and read the answer.
        remaining = self._content_length() if length is None else length
        if remaining > _MAX_DRAIN_BYTES:
            self.close_connection = True
            return
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 16))
            if not chunk:
                break
            remaining -= len(chunk)

    def _read_json(self, limit: int | None = None) -> Any:
        length = self._content_length()
        limit = self.server.max_body_bytes if limit is None else limit
        if length > limit:
            self._discard_body(length)
            self.close_connection = True
            raise ApiError(
                413,
                "request_too_large",
                f"Request exceeds the maximum allowed number of bytes ({limit}).",
            )
        return parse_body(self.rfile.read(length))

    def _common_headers(self) -> None:
        self.send_header(EMULATOR_HEADER, _HEADER_VALUE)
        for note in self._notes:
            # Header values are Latin-1 on the wire; the notes are ASCII, but never let one break a reply.
            self.send_header(NOTE_HEADER, note.encode("ascii", "replace").decode("ascii"))
        self.send_header("request-id", self._request_id)
        self.send_header("anthropic-organization-id", "webfetch-kit-emulator")

    def _send_json(self, status: int, payload: Any) -> None:
        self._send_reply(
            HttpReply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8", "backslashreplace"))
        )

    def _send_reply(self, reply: HttpReply) -> None:
        data = reply.body
        self.send_response(reply.status)
        self.send_header("content-type", reply.content_type)
        self.send_header("content-length", str(len(data)))
        self._common_headers()
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _send_stream(self, message: dict[str, Any], start_usage: dict[str, Any]) -> None:
        self.close_connection = True  # the stream ends when the connection closes
        self.send_response(200)
        self.send_header("content-type", "text/event-stream; charset=utf-8")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self._common_headers()
        self.end_headers()
        for event in sse_events(message, start_usage=start_usage):
            self.wfile.write(sse_frame(str(event["type"]), event))
        self.wfile.flush()


class EmulatorServer:
    """The emulator on ``127.0.0.1``: ``start()``, ``url``, ``close()``; also a context manager.

    Args:
        runtime: runs the ``web_fetch`` and ``web_search`` server tools (:class:`ToolRuntime`).
        clock: seconds since the epoch, for cache TTLs (inject a fake clock in tests).
        port: 0 picks a free port.
        host: the loopback address to bind.
        max_body_bytes: larger request bodies get 413 ``request_too_large``.
        batch_workers: threads running Message Batches requests (0: none, run them with
            ``server.batches.drain()``).
        max_batch_bytes: larger batch create bodies get 413 ``request_too_large`` (the API's 256 MB).
        seed: makes message, tool-use and request ids reproducible (any int or str): the same requests
            in the same order get the same ids from a fresh emulator. ``None`` (the default): random.
    """

    def __init__(
        self,
        runtime: ToolRuntime,
        *,
        clock: Callable[[], float] = time.time,
        port: int = 0,
        host: str = "127.0.0.1",
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        batch_workers: int = DEFAULT_BATCH_WORKERS,
        max_batch_bytes: int = MAX_BATCH_BYTES,
        seed: int | str | None = None,
    ) -> None:
        self.engine = Engine(runtime, clock=clock, seed=seed)
        self.batches = BatchStore(self.engine, clock=clock, workers=batch_workers)
        self._max_batch_bytes = max_batch_bytes
        self._address = (host, port)
        self._max_body_bytes = max_body_bytes
        self._httpd: _HttpServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def cache(self) -> Any:
        """The :class:`~.promptcache.PromptCache` (inspect or ``clear()`` it)."""
        return self.engine.cache

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: pass it as ``base_url`` to ``anthropic.Anthropic``."""
        if self._httpd is None:
            raise RuntimeError("the emulator is not running: call start() first")
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.url.rsplit(":", 1)[1])

    def start(self) -> EmulatorServer:
        """Bind and serve in a daemon thread (idempotent)."""
        if self._httpd is None:
            self._httpd = _HttpServer(
                self._address, self.engine, self._max_body_bytes, self.batches, self._max_batch_bytes
            )
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.1},
                name="webfetch-kit-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and release the port; never waits for open client connections."""
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self.batches.close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
