"""The loopback server base queues a burst of 100 connections instead of dropping them."""

from __future__ import annotations

import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler

from webfetch_kit.lab.corpus import CorpusSite
from webfetch_kit.net.loopback import LISTEN_BACKLOG, LoopbackServer

CLIENTS = 100


class _Ok(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-length", "2")
        self.send_header("connection", "close")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


def _connect(port: int) -> socket.socket:
    # A connect completes in the kernel's accept queue; beyond the listen backlog the kernel drops the
    # SYN and this blocks until the timeout.
    return socket.create_connection(("127.0.0.1", port), timeout=5)


def _ask(sock: socket.socket) -> bytes:
    with sock:
        sock.sendall(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
        data = b""
        while chunk := sock.recv(4096):
            data += chunk
        return data


def test_a_burst_of_100_connections_is_queued_before_the_server_accepts_any() -> None:
    assert LISTEN_BACKLOG >= 128
    server = LoopbackServer(("127.0.0.1", 0), _Ok)
    port = server.server_address[1]
    try:
        # Nothing accepts yet: every one of the 100 connections must fit in the listen queue.
        with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            sockets = list(pool.map(_connect, [port] * CLIENTS))
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        with ThreadPoolExecutor(max_workers=16) as pool:
            answers = list(pool.map(_ask, sockets))
    finally:
        server.shutdown()
        server.server_close()
    assert len(answers) == CLIENTS
    assert all(a.startswith(b"HTTP/1.1 200") and a.endswith(b"ok") for a in answers)


def test_the_corpus_server_is_a_loopback_server_with_the_backlog() -> None:
    site = CorpusSite()
    try:
        assert isinstance(site._server, LoopbackServer)
        assert site._server.request_queue_size == LISTEN_BACKLOG
    finally:
        site.close()
