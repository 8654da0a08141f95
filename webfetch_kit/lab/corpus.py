"""The local corpus: a small web under ``data/corpus/`` served on 127.0.0.1 under virtual hosts.

``serve()`` starts a threaded stdlib HTTP server on an ephemeral loopback port and picks the site from
the ``Host`` header. ``site.transport()`` gives an httpx transport that carries
``https://docs.example.com/...`` to that server over loopback HTTP (and refuses every other
destination), so notebooks and tests use realistic URLs without touching the network::

    with serve() as site:
        client = httpx.Client(transport=site.transport())
        client.get(site.url("docs.example.com/guide/web-fetch"))

Hosts (the A-label form is the one served; ``dоcs.example.com`` has a Cyrillic ``о``):

| host | what it is for |
|---|---|
| ``docs.example.com`` | a ~100 KB reference (``/guide/web-fetch``), guides, a JavaScript-only shell |
| | (``/app/``), plain text, JSON, a PNG, a windows-1252 page (``/legacy/charset``) |
| ``blog.example.org`` | ~10 KB articles inside navigation, sidebar, comments and footer |
| ``news.example.com`` | short dated news items (``article:published_time``; ``page_age`` for search) |
| ``papers.example.net`` | multi-page PDFs with extractable text, an encrypted PDF and a truncated PDF |
| ``xn--dcs-sed.example.com`` | ``dоcs.example.com`` with a Cyrillic ``о``: a phishing copy of the docs |
| ``lab.example.net`` | the routes below, which misbehave on purpose |

The routes of ``lab.example.net`` are listed in :mod:`webfetch_kit.lab.routes` (and on its ``/`` page),
among them the ``/hostile/*`` inputs (a backtracking sniff, a million spaces, 10 MiB without a space,
malformed redirects, a PDF bomb, HTML nested 100,000 deep), generated at request time by
:mod:`webfetch_kit.lab.hostile`.

Endless and slow routes stop as soon as the client disconnects or the server closes, so leaving
``serve()`` never waits for them. Every request is recorded (``site.requests``) so tests can assert
that a refused URL never reached the server. A request is logged when it arrives, before its route
runs, with status 0 until its status line is sent: a slow answer is counted at once, never later in
someone else's count. ``site.wait_for_requests(n)`` waits for arrivals (a test's event, not a sleep).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from .._data import (
    CORPUS_HOSTS,
    LAB_HOST,
    LOOKALIKE_HOST,
    CorpusDocument,
    corpus_dir,
    documents,
    read_manifest,
)
from ..errors import ConfigError, CorpusError
from ..net.loopback import LoopbackServer
from .routes import CorpusRequestHandler, StaticSite, host_key

__all__ = [
    "CORPUS_HOSTS",
    "LAB_HOST",
    "LOOKALIKE_HOST",
    "CorpusDocument",
    "CorpusSite",
    "ServedRequest",
    "corpus_dir",
    "documents",
    "serve",
    "serve_forever",
]

_LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class ServedRequest:
    """One request the corpus server received; ``status`` is 0 until its status line is sent (and stays 0
    if none ever is: the server closed, or the client left, first)."""

    host: str
    path: str
    method: str
    status: int
    query: str = ""


def _static_sites(root: Path) -> dict[str, StaticSite]:
    types: dict[str, dict[str, str]] = {}
    if (root / "manifest.json").exists():
        for entry in read_manifest(root):
            host, _, relative = str(entry["file"]).partition("/")
            types.setdefault(host, {})[relative] = str(entry["content_type"])
    return {
        host: StaticSite(root / host, types.get(host, {}))
        for host in CORPUS_HOSTS
        if host != LAB_HOST and (root / host).is_dir()
    }


class CorpusSite:
    """A running corpus server (made by :func:`serve`): its address, request log and httpx transports."""

    def __init__(self, *, port: int = 0, root: Path | None = None) -> None:
        self.root = (root or corpus_dir()).resolve()
        if not self.root.is_dir():
            raise CorpusError(f"corpus folder {self.root} not found")
        self.address = _LOOPBACK
        self.hosts: tuple[str, ...] = CORPUS_HOSTS
        self._static = _static_sites(self.root)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._arrival = threading.Condition(self._lock)
        self._requests: list[ServedRequest] = []
        self._connections: set[socket.socket] = set()
        handler = type("_BoundHandler", (CorpusRequestHandler,), {"site": self})
        self._server = LoopbackServer((self.address, port), handler)
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"corpus-server-{self.port}",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    def __repr__(self) -> str:
        return f"<CorpusSite http://{self.address}:{self.port} hosts={len(self.hosts)}>"

    # --- URLs and names -------------------------------------------------------------------------

    def url(self, host_path: str, scheme: str = "https") -> str:
        """The URL of a corpus page: ``"docs.example.com/guide/web-fetch"`` -> ``"https://docs.example.com/guide/web-fetch"``.

        Args:
            host_path: A corpus host (Unicode or A-label) followed by the path, without a scheme.
            scheme: ``"https"`` (default) or ``"http"``; both reach this server through :meth:`transport`.

        Raises:
            ConfigError: ``host_path`` has a scheme, the host is not a corpus host, or the scheme is unknown.
        """
        if scheme not in ("http", "https"):
            raise ConfigError(f"scheme must be 'http' or 'https', not {scheme!r}")
        if "://" in host_path:
            raise ConfigError(
                f"give the host and path without a scheme, e.g. 'docs.example.com/guide', not {host_path!r}"
            )
        host, slash, path = host_path.partition("/")
        name = host_key(host)
        if name not in self.hosts:
            raise ConfigError(f"{host!r} is not a corpus host; known hosts: {', '.join(self.hosts)}")
        return f"{scheme}://{name}/{path}" if slash else f"{scheme}://{name}/"

    def resolver(self, host: str) -> list[str]:
        """Resolve a corpus host to ``["127.0.0.1"]``; any other name raises :class:`socket.gaierror`."""
        if host_key(host) in self.hosts:
            return [self.address]
        raise socket.gaierror(socket.EAI_NONAME, f"{host!r} is not a corpus host (name or service not known)")

    # --- transports -----------------------------------------------------------------------------

    def routes_to_me(self, url: httpx.URL) -> bool:
        """True when :meth:`transport` would deliver a request for ``url`` to this server."""
        if url.scheme not in ("http", "https"):
            return False
        host = host_key(url.raw_host.decode("ascii", "replace"))
        port = url.port
        if host in self.hosts:
            return port in (None, 80, 443)
        if host == self.address:
            return port in (None, 80, 443, self.port)
        return False

    def _rewrite(self, request: httpx.Request) -> httpx.Request:
        if self._closed:
            raise httpx.ConnectError("the corpus server is closed", request=request)
        if not self.routes_to_me(request.url):
            # Refuse before any socket is opened: the corpus transport never talks to the network.
            raise httpx.ConnectError(
                f"the corpus transport only reaches corpus hosts; refused {request.url.host!r}",
                request=request,
            )
        # A copy: the caller's request (and so response.url and redirect resolution) keeps the real URL.
        return httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host=self.address, port=self.port),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )

    def transport(self) -> httpx.BaseTransport:
        """An httpx transport delivering corpus-host URLs (any scheme) to this server, keeping ``Host``.

        Requests whose URL host is a corpus host, or the pinned address ``127.0.0.1`` on port 80/443,
        go to ``http://127.0.0.1:<port>``; anything else raises :class:`httpx.ConnectError` without
        opening a socket.
        """
        return _SyncCorpusTransport(self)

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """The asynchronous twin of :meth:`transport`."""
        return _AsyncCorpusTransport(self)

    def fetch_options(self) -> dict[str, Any]:
        """Keyword arguments that open a ``Fetcher`` (or ``KitRuntime``) for the corpus hosts only.

        ``Fetcher(policy, **site.fetch_options())``: the corpus hosts may resolve to loopback
        (``allow_hosts``), resolve through :meth:`resolver`, and connect through :meth:`async_transport`.
        """
        return {"allow_hosts": self.hosts, "resolver": self.resolver, "transport": self.async_transport()}

    # --- request log ----------------------------------------------------------------------------

    def _record(self, host: str, path: str, method: str, status: int, query: str) -> None:
        self._log(ServedRequest(host, path, method, status, query))

    def _arrived(self, host: str, path: str, method: str, query: str) -> ServedRequest:
        """Log a request on arrival (status 0); the handler passes the entry back to :meth:`_answered`."""
        entry = ServedRequest(host, path, method, 0, query)
        self._log(entry)
        return entry

    def _answered(self, entry: object, status: int) -> None:
        """Fill in the status of a logged request (gone from the log after :meth:`reset_counts`)."""
        with self._lock:
            for i in range(len(self._requests) - 1, -1, -1):
                if self._requests[i] is entry:
                    self._requests[i] = replace(self._requests[i], status=status)
                    return

    def _log(self, entry: ServedRequest) -> None:
        with self._arrival:
            self._requests.append(entry)
            self._arrival.notify_all()

    def _track(self, connection: socket.socket, *, opened: bool) -> None:
        with self._lock:
            if opened:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    @property
    def request_count(self) -> int:
        """How many requests have reached the server since start or :meth:`reset_counts` (answered or not)."""
        with self._lock:
            return len(self._requests)

    @property
    def requests(self) -> list[ServedRequest]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)

    def count_for(self, host: str | None = None, path: str | None = None) -> int:
        """How many logged requests match ``host`` and ``path`` (``None`` matches anything)."""
        wanted_host = host_key(host) if host is not None else None
        with self._lock:
            return sum(
                1
                for served in self._requests
                if (wanted_host is None or served.host == wanted_host)
                and (path is None or served.path == path)
            )

    def reset_counts(self) -> None:
        """Forget the request log (a request still being answered is not logged again when it is)."""
        with self._lock:
            self._requests.clear()

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until at least ``count`` requests are in the log; False if ``timeout`` seconds pass first.

        A request is logged on arrival, before its route runs, so this returns while a slow route is
        still waiting: tests act on "the request has reached the server" without sleeping.
        """
        with self._arrival:
            return self._arrival.wait_for(lambda: len(self._requests) >= count, timeout)

    # --- life cycle -----------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the server: endless and slow responses end at once; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._server.shutdown()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._server.server_close()
        self._thread.join(timeout=2)

    def __enter__(self) -> CorpusSite:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _SyncCorpusTransport(httpx.BaseTransport):
    def __init__(self, site: CorpusSite) -> None:
        self._site = site
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(self._site._rewrite(request))

    def close(self) -> None:
        self._inner.close()


class _AsyncCorpusTransport(httpx.AsyncBaseTransport):
    def __init__(self, site: CorpusSite) -> None:
        self._site = site
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(self._site._rewrite(request))

    async def aclose(self) -> None:
        await self._inner.aclose()


@contextmanager
def serve(*, port: int = 0, root: Path | None = None) -> Iterator[CorpusSite]:
    """Serve the corpus on 127.0.0.1 for the duration of a ``with`` block.

    Args:
        port: The port to listen on (0, the default, picks a free one: read ``site.port``).
        root: A corpus folder laid out like ``data/corpus`` (default: the project's corpus).

    Yields:
        The running :class:`CorpusSite`; it is closed (promptly, even mid-response) on exit.
    """
    site = CorpusSite(port=port, root=root)
    try:
        yield site
    finally:
        site.close()


def serve_forever(port: int = 0) -> None:
    """Serve the corpus until interrupted (Ctrl-C), printing the address and the host list.

    Args:
        port: The port to listen on (0 picks a free one).
    """
    with serve(port=port) as site:
        print(f"corpus server on http://{site.address}:{site.port}/ (choose the site with the Host header)")
        for host in site.hosts:
            print(f"  {host}")
        print(f"e.g. curl -H 'Host: docs.example.com' http://{site.address}:{site.port}/guide/web-fetch")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping")
