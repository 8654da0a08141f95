"""Routes of the misbehaving lab host (``lab.example.net``) and the request handler of the corpus server.

The handler is private: users reach it through :func:`webfetch_kit.lab.corpus.serve`. The lab host's
``/`` page lists the table below.

Routes of ``lab.example.net``:

| route | behaviour |
|---|---|
| ``/ok`` | 200, a small HTML page |
| ``/redirect/once`` | 302 to ``/ok`` |
| ``/redirect/chain/N`` | N redirects (N ≤ 50), then ``/ok`` |
| ``/redirect/loop`` | 302 to ``/redirect/loop/again``, which redirects back, forever |
| ``/redirect/cross-host`` | 302 to ``https://docs.example.com/guide/web-fetch`` |
| ``/redirect/private`` | 302 to ``http://10.0.0.7/admin`` (only the Location: nothing connects there) |
| ``/redirect/metadata`` | 302 to ``http://169.254.169.254/latest/meta-data/`` |
| ``/redirect/loopback`` | 302 to ``http://127.0.0.1/`` |
| ``/redirect/downgrade`` | 302 from https to ``http://lab.example.net/ok`` |
| ``/redirect/to?url=U&status=S`` | redirect (301/302/303/307/308) to any ``U`` |
| ``/status/N`` | status N (200–599); 429 and 503 carry ``Retry-After: 7``, 3xx a ``Location`` |
| ``/slow?delay=S`` | sleeps S seconds (default 2, at most 60) before the first byte |
| ``/drip?interval=S`` | 200 text/plain, one byte every S seconds (default 0.2), forever |
| ``/endless`` | 200 text/html, an endless fast chunked body |
| ``/gzip-bomb?mb=N`` | ``Content-Encoding: gzip``: ~100 KB that inflate to N MiB (default 100) |
| ``/encoding/br`` | ``Content-Encoding: br`` with bytes that are not valid brotli |
| ``/encoding/unknown`` | ``Content-Encoding: x-lab`` (a coding nobody knows) |
| ``/encoding/gzip`` | a small, valid gzip-encoded page |
| ``/types/pdf-as-html`` | a PDF served as ``text/html`` |
| ``/types/html-as-pdf`` | an HTML page served as ``application/pdf`` |
| ``/types/json-as-text`` | JSON served as ``text/plain`` |
| ``/types/none`` | an HTML page with no ``Content-Type`` at all |
| ``/big/sized?mb=N`` | N MiB (default 20) of HTML with ``Content-Length``, streamed |
| ``/big/chunked?mb=N`` | the same without ``Content-Length`` (chunked) |
| ``/headers`` | the request's method, path and headers as JSON |
| ``/hostile/sniff-backtrack`` | 448 bytes, an XML declaration and 61 empty comments, no ``Content-Type`` |
| ``/hostile/whitespace`` | text/plain, 1,000,000 whitespace characters |
| ``/hostile/no-spaces`` | text/plain, 10 MiB of letters without a space (streamed, ``Content-Length``) |
| ``/hostile/redirect-malformed`` | 302, ``Location: http:\\\\lab.example.net\\ok`` (backslashes) |
| ``/hostile/redirect-malformed/no-slashes`` | 302, ``Location: http:lab.example.net/ok`` |
| ``/hostile/pdf-bomb`` | a ~78 KB PDF, 100 pages sharing one content stream of ~19 MB |
| ``/hostile/deep-html`` | text/html, ``<div>`` nested 100,000 deep (~1.1 MB) |

The ``/hostile/*`` routes (:data:`HOSTILE_ROUTES`) answer at once with a small, legal input that costs
a careless reader minutes or freezes its process; :mod:`webfetch_kit.lab.hostile` builds the bodies and
says what each one targets. A fetch of each should end within its deadline as an outcome
(``bench/bench_hostile.py`` runs them all). The malformed ``Location`` values point back at
``/ok`` on this host, so a lenient parser that "repairs" them visibly succeeds where it should refuse.
"""

from __future__ import annotations

import gzip
import html
import json
import mimetypes
import socket
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from .._data import LAB_HOST
from ..problem import Problem
from ..rules import urls
from . import hostile

__all__ = [
    "HOSTILE_ROUTES",
    "CorpusRequestHandler",
    "ServedSite",
    "StaticSite",
    "gzip_bomb",
    "host_key",
]

# Routes that end with a fixed delay or an endless body check the server's stop event at least this often.
_TICK = 0.05
_CHUNK = 64 * 1024
# Caps that keep a typo in a query string from tying up the lab server.
_MAX_DELAY = 60.0
_MAX_CHAIN = 50
_MAX_MB = 512
_BOMB_MB = 100
_DEFAULT_BIG_MB = 20

# Every /hostile/* route, as a path on the lab host (the bench and the tests run them all).
HOSTILE_ROUTES = (
    "/hostile/sniff-backtrack",
    "/hostile/whitespace",
    "/hostile/no-spaces",
    "/hostile/redirect-malformed",
    "/hostile/redirect-malformed/no-slashes",
    "/hostile/pdf-bomb",
    "/hostile/deep-html",
)
_MALFORMED_LOCATIONS = {"": "http:\\\\lab.example.net\\ok", "no-slashes": "http:lab.example.net/ok"}

_bomb_lock = threading.Lock()
_bomb_cache: dict[int, bytes] = {}


def gzip_bomb(megabytes: int = _BOMB_MB) -> bytes:
    """Gzip data that inflates to ``megabytes`` MiB of zeros (built once, then cached in memory).

    Deflate cannot beat about 1030:1, so 100 MiB of zeros compress to roughly 100 KB.
    """
    with _bomb_lock:
        cached = _bomb_cache.get(megabytes)
        if cached is None:
            # mtime=0 and a fixed level keep the bytes identical from run to run.
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            block = bytes(1024 * 1024)
            parts = [compressor.compress(block) for _ in range(megabytes)]
            parts.append(compressor.flush())
            cached = b"".join(parts)
            _bomb_cache[megabytes] = cached
        return cached


def host_key(value: str) -> str:
    """The A-label, lower-case, port-less form of a ``Host`` header or URL host ("" if unusable).

    Only the port (and IPv6 brackets) are this function's business; the name itself goes through the
    kit's one host normaliser, :func:`webfetch_kit.rules.urls.normalize_host`.
    """
    host = value.strip()
    if host.startswith("["):
        # An IPv6 literal, possibly with a port: "[::1]:8080".
        end = host.find("]")
        host = host[1:end] if end > 0 else ""
    elif host.count(":") == 1:
        host = host.partition(":")[0]
    if not host:
        return ""
    normalized = urls.normalize_host(host)
    return "" if isinstance(normalized, Problem) else normalized.ascii


@dataclass(frozen=True)
class StaticSite:
    """Where a host's files live and which Content-Type each declared file gets (from the manifest)."""

    root: Path
    content_types: dict[str, str]

    def locate(self, path: str) -> Path | None:
        """The file serving URL ``path`` ("/guide/web-fetch" -> guide/web-fetch.html), or None."""
        relative = unquote(path).lstrip("/")
        if relative == "" or relative.endswith("/"):
            candidates = [relative + "index.html"]
        else:
            candidates = [relative, relative + ".html", relative + "/index.html"]
        base = self.root.resolve()
        for candidate in candidates:
            target = (base / candidate).resolve()
            # A path that climbs out of the host's folder ("/../other-host/x") is not this site's.
            if target.is_relative_to(base) and target.is_file():
                return target
        return None

    def content_type(self, file: Path) -> str:
        """The manifest's Content-Type for ``file``, else one guessed from its extension."""
        key = file.resolve().relative_to(self.root.resolve()).as_posix()
        declared = self.content_types.get(key)
        if declared:
            return declared
        guessed, _ = mimetypes.guess_type(file.name)
        guessed = guessed or "application/octet-stream"
        if guessed.startswith("text/") or guessed in ("application/json", "application/javascript"):
            return f"{guessed}; charset=utf-8"
        return guessed


_OK_PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Lab: OK</title></head>"
    b"<body><main><h1>OK</h1><p>The lab host answered this request normally.</p></main></body></html>"
)


def _lab_page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><main><h1>{title}</h1><p>{text}</p></main></body></html>"
    ).encode()


def _filler_html() -> bytes:
    paragraph = (
        b"<p>This oversized page repeats one paragraph so that a fetcher has to decide when to stop "
        b"reading. A careful client caps the raw bytes it reads, keeps one deadline for the whole fetch "
        b"and never trusts Content-Length to be small.</p>\n"
    )
    return paragraph * (_CHUNK // len(paragraph) + 1)


class ServedSite(Protocol):
    """What the handler needs from the site it serves (:class:`~webfetch_kit.lab.corpus.CorpusSite`)."""

    _static: dict[str, StaticSite]
    _stop: threading.Event

    def _record(self, host: str, path: str, method: str, status: int, query: str) -> None: ...

    def _arrived(self, host: str, path: str, method: str, query: str) -> object: ...

    def _answered(self, entry: object, status: int) -> None: ...

    def _track(self, connection: socket.socket, *, opened: bool) -> None: ...


class _Stopped(Exception):
    """The server is closing or the client went away: end the response quietly."""


class CorpusRequestHandler(BaseHTTPRequestHandler):
    """Serves one connection for a :class:`~webfetch_kit.lab.corpus.CorpusSite`."""

    protocol_version = "HTTP/1.1"
    server_version = "webfetch-kit-corpus/1"
    sys_version = ""
    # An idle keep-alive connection is dropped after this many seconds.
    timeout = 30

    site: ServedSite  # set on the subclass that CorpusSite builds
    # Set per request by _arrive; reset before each request, so errors the stdlib answers before
    # dispatch (a malformed request line) are logged with empty fields, not the previous request's.
    _host = ""
    _path = ""
    _query = ""
    _entry: object | None = None

    # --- plumbing -------------------------------------------------------------------------------

    def setup(self) -> None:
        super().setup()
        self.site._track(self.connection, opened=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.site._track(self.connection, opened=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the stdlib's per-request stderr log (the site records requests instead)."""

    def handle_one_request(self) -> None:
        self._host = self._path = self._query = ""
        self._entry = None
        super().handle_one_request()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Fill in the status of the request logged on arrival (the stdlib calls this as it is sent)."""
        status = int(code) if isinstance(code, int) or str(code).isdigit() else 0
        if self._entry is not None:
            self.site._answered(self._entry, status)
            self._entry = None
        else:
            # Answered by the stdlib before dispatch (a malformed request line, an unknown method).
            self.site._record(self._host, self._path, self.command or "", status, self._query)

    def do_GET(self) -> None:
        self._arrive()
        self._dispatch()

    def do_HEAD(self) -> None:
        self._arrive()
        self._dispatch()

    def do_POST(self) -> None:
        self._arrive()
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1024 * 1024))
        self._dispatch()

    # --- dispatch -------------------------------------------------------------------------------

    def _arrive(self) -> None:
        """Log the request as it arrives, before any route runs: a slow answer is already counted."""
        parts = urlsplit(self.path)
        self._path = parts.path or "/"
        self._query = parts.query
        self._host = host_key(self.headers.get("Host", ""))
        self._entry = self.site._arrived(self._host, self._path, self.command or "", self._query)

    def _dispatch(self) -> None:
        try:
            if self._host == LAB_HOST:
                self._lab(parse_qs(self._query))
            else:
                static = self.site._static.get(self._host)
                if static is None:
                    # Never fall back to another site's page: an unknown name is simply not here.
                    self._send_bytes(404, "text/plain; charset=utf-8", b"unknown host\n")
                else:
                    self._static(static)
        except _Stopped:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
            self.close_connection = True

    def _static(self, static: StaticSite) -> None:
        if self.command not in ("GET", "HEAD"):
            self._send_bytes(
                405, "text/plain; charset=utf-8", b"method not allowed\n", {"Allow": "GET, HEAD"}
            )
            return
        file = static.locate(self._path)
        if file is None:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such page."))
            return
        self._send_bytes(200, static.content_type(file), file.read_bytes())

    # --- response helpers -----------------------------------------------------------------------

    def _send_bytes(
        self, status: int, content_type: str | None, body: bytes, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _redirect(self, location: str, status: int = 302) -> None:
        self._send_bytes(
            status,
            "text/html; charset=utf-8",
            _lab_page("Moved", f"See {location}"),
            {"Location": location},
        )

    def _check_stop(self) -> None:
        if self.site._stop.is_set():
            raise _Stopped

    def _send_stream(
        self,
        status: int,
        content_type: str,
        chunks: Iterable[bytes],
        *,
        length: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Stream ``chunks``: with ``Content-Length`` if ``length`` is given, else chunked."""
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        else:
            self.send_header("Transfer-Encoding", "chunked")
        # Streamed bodies are never reused: close afterwards so a cut-off body cannot poison keep-alive.
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        for chunk in chunks:
            self._check_stop()
            if not chunk:
                continue
            if length is None:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            else:
                self.wfile.write(chunk)
            self.wfile.flush()
        if length is None:
            self.wfile.write(b"0\r\n\r\n")

    def _sleep(self, seconds: float) -> None:
        """Sleep, but return (by raising :class:`_Stopped`) as soon as the server closes."""
        if self.site._stop.wait(seconds):
            raise _Stopped

    # --- the lab --------------------------------------------------------------------------------

    def _lab(self, query: dict[str, list[str]]) -> None:
        path = self._path.rstrip("/") or "/"
        for prefix, route in _PREFIX_ROUTES:
            if path == prefix or path.startswith(prefix + "/"):
                route(self, path[len(prefix) :].strip("/"), query)
                return
        self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such lab route."))

    def _route_ok(self, rest: str, query: dict[str, list[str]]) -> None:
        if rest:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such lab route."))
            return
        self._send_bytes(200, "text/html; charset=utf-8", _OK_PAGE)

    def _route_index(self, rest: str, query: dict[str, list[str]]) -> None:
        if rest:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such lab route."))
            return
        rows = (line for line in (__doc__ or "").splitlines() if line.startswith("|"))
        body = "<br>".join(html.escape(row) for row in rows)
        self._send_bytes(200, "text/html; charset=utf-8", _lab_page("Lab routes", body))

    def _route_redirect(self, rest: str, query: dict[str, list[str]]) -> None:
        kind, _, arg = rest.partition("/")
        fixed = {
            "once": "/ok",
            "cross-host": "https://docs.example.com/guide/web-fetch",
            "private": "http://10.0.0.7/admin",
            "metadata": "http://169.254.169.254/latest/meta-data/",
            "downgrade": "http://lab.example.net/ok",
            "loopback": "http://127.0.0.1/",
        }
        if kind in fixed and not arg:
            self._redirect(fixed[kind])
        elif kind == "loop":
            # Two URLs pointing at each other: /redirect/loop <-> /redirect/loop/again.
            self._redirect("/redirect/loop" if arg == "again" else "/redirect/loop/again")
        elif kind == "chain" and arg.isdigit() and int(arg) <= _MAX_CHAIN:
            hops = int(arg)
            self._redirect("/ok" if hops <= 1 else f"/redirect/chain/{hops - 1}")
        elif kind == "to" and not arg and query.get("url"):
            status = _int_param(query, "status", 302)
            if status not in (301, 302, 303, 307, 308):
                status = 302
            self._redirect(query["url"][0], status)
        else:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such redirect."))

    def _route_status(self, rest: str, query: dict[str, list[str]]) -> None:
        if not rest.isdigit() or not 200 <= int(rest) <= 599:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such status."))
            return
        status = int(rest)
        headers = {"Retry-After": "7"} if status in (429, 503) else {}
        if 300 <= status < 400:
            headers["Location"] = "/ok"
        self._send_bytes(
            status, "text/html; charset=utf-8", _lab_page(f"Status {status}", "As asked."), headers
        )

    def _route_slow(self, rest: str, query: dict[str, list[str]]) -> None:
        delay = min(max(_float_param(query, "delay", 2.0), 0.0), _MAX_DELAY)
        self._sleep(delay)
        self._send_bytes(200, "text/html; charset=utf-8", _lab_page("Slow", f"Answered after {delay:g} s."))

    def _route_drip(self, rest: str, query: dict[str, list[str]]) -> None:
        interval = min(max(_float_param(query, "interval", 0.2), 0.01), 10.0)

        def drip() -> Iterator[bytes]:
            while True:
                yield b"."
                self._sleep(interval)

        self._send_stream(200, "text/plain; charset=utf-8", drip())

    def _route_endless(self, rest: str, query: dict[str, list[str]]) -> None:
        filler = _filler_html()
        head = b"<!doctype html><html><head><title>Endless</title></head><body>\n"

        def endless() -> Iterator[bytes]:
            yield head
            while True:
                yield filler

        self._send_stream(200, "text/html; charset=utf-8", endless())

    def _route_gzip_bomb(self, rest: str, query: dict[str, list[str]]) -> None:
        megabytes = min(max(_int_param(query, "mb", _BOMB_MB), 1), _MAX_MB)
        self._send_bytes(200, "text/html; charset=utf-8", gzip_bomb(megabytes), {"Content-Encoding": "gzip"})

    def _route_encoding(self, rest: str, query: dict[str, list[str]]) -> None:
        text = _lab_page("Encoded", "This page was compressed with a codec the client may not know.")
        if rest == "br":
            # Not real brotli (the kit has no encoder): a client must fail cleanly, not show the bytes.
            body = b"\x1b\x7f\x00\xf8" + zlib.compress(text)
            self._send_bytes(200, "text/html; charset=utf-8", body, {"Content-Encoding": "br"})
        elif rest == "unknown":
            self._send_bytes(
                200, "text/html; charset=utf-8", zlib.compress(text), {"Content-Encoding": "x-lab"}
            )
        elif rest == "gzip":
            self._send_bytes(
                200, "text/html; charset=utf-8", gzip.compress(text, mtime=0), {"Content-Encoding": "gzip"}
            )
        else:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such encoding."))

    def _route_types(self, rest: str, query: dict[str, list[str]]) -> None:
        docs = self.site._static.get("docs.example.com")
        papers = self.site._static.get("papers.example.net")
        html_file = docs.locate("/guide/domain-filters") if docs else None
        pdf_file = papers.locate("/agents-that-fetch.pdf") if papers else None
        html = html_file.read_bytes() if html_file else _OK_PAGE
        pdf = pdf_file.read_bytes() if pdf_file else b"%PDF-1.4\n%%EOF\n"
        data = json.dumps({"kind": "lab", "message": "JSON served as text/plain"}).encode()
        table: dict[str, tuple[str | None, bytes]] = {
            "pdf-as-html": ("text/html; charset=utf-8", pdf),
            "html-as-pdf": ("application/pdf", html),
            "json-as-text": ("text/plain; charset=utf-8", data),
            "none": (None, html),
        }
        if rest not in table:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such type route."))
            return
        content_type, body = table[rest]
        self._send_bytes(200, content_type, body)

    def _route_big(self, rest: str, query: dict[str, list[str]]) -> None:
        megabytes = min(max(_int_param(query, "mb", _DEFAULT_BIG_MB), 1), _MAX_MB)
        total = megabytes * 1024 * 1024
        filler = _filler_html()

        def body() -> Iterator[bytes]:
            remaining = total
            while remaining > 0:
                piece = filler[:remaining]
                remaining -= len(piece)
                yield piece

        if rest == "sized":
            self._send_stream(200, "text/html; charset=utf-8", body(), length=total)
        elif rest == "chunked":
            self._send_stream(200, "text/html; charset=utf-8", body())
        else:
            self._send_bytes(404, "text/html; charset=utf-8", _lab_page("Not found", "No such size route."))

    def _route_hostile(self, rest: str, query: dict[str, list[str]]) -> None:
        kind, _, arg = rest.partition("/")
        plain = "text/plain; charset=utf-8"
        if kind == "sniff-backtrack" and not arg:
            self._send_bytes(200, None, hostile.sniff_backtrack())
        elif kind == "whitespace" and not arg:
            self._send_bytes(200, plain, hostile.whitespace())
        elif kind == "no-spaces" and not arg:
            self._send_stream(200, plain, hostile.no_spaces(_CHUNK), length=hostile.NO_SPACES_BYTES)
        elif kind == "redirect-malformed" and arg in _MALFORMED_LOCATIONS:
            self._redirect(_MALFORMED_LOCATIONS[arg])
        elif kind == "pdf-bomb" and not arg:
            self._send_bytes(200, "application/pdf", hostile.pdf_bomb())
        elif kind == "deep-html" and not arg:
            self._send_bytes(200, "text/html; charset=utf-8", hostile.deep_html())
        else:
            self._send_bytes(
                404, "text/html; charset=utf-8", _lab_page("Not found", "No such hostile route.")
            )

    def _route_headers(self, rest: str, query: dict[str, list[str]]) -> None:
        data = {"method": self.command, "path": self.path, "headers": dict(self.headers.items())}
        self._send_bytes(200, "application/json", json.dumps(data, indent=2).encode())


def _int_param(query: dict[str, list[str]], name: str, default: int) -> int:
    try:
        return int(query[name][0])
    except (KeyError, IndexError, ValueError):
        return default


def _float_param(query: dict[str, list[str]], name: str, default: float) -> float:
    try:
        value = float(query[name][0])
    except (KeyError, IndexError, ValueError):
        return default
    return value if value == value else default  # NaN is not a delay


_Route = Callable[[CorpusRequestHandler, str, dict[str, list[str]]], None]

_PREFIX_ROUTES: tuple[tuple[str, _Route], ...] = (
    ("/ok", CorpusRequestHandler._route_ok),
    ("/redirect", CorpusRequestHandler._route_redirect),
    ("/status", CorpusRequestHandler._route_status),
    ("/slow", CorpusRequestHandler._route_slow),
    ("/drip", CorpusRequestHandler._route_drip),
    ("/endless", CorpusRequestHandler._route_endless),
    ("/gzip-bomb", CorpusRequestHandler._route_gzip_bomb),
    ("/encoding", CorpusRequestHandler._route_encoding),
    ("/types", CorpusRequestHandler._route_types),
    ("/big", CorpusRequestHandler._route_big),
    ("/headers", CorpusRequestHandler._route_headers),
    ("/hostile", CorpusRequestHandler._route_hostile),
    ("/", CorpusRequestHandler._route_index),
)
