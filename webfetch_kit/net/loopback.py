"""The one threading HTTP server the kit's loopback servers (corpus, emulator) are built on."""

from __future__ import annotations

import socket
import sys
from http.server import ThreadingHTTPServer
from typing import Any

__all__ = ["LISTEN_BACKLOG", "LoopbackServer"]

LISTEN_BACKLOG = 128


class LoopbackServer(ThreadingHTTPServer):
    """Daemon handler threads, no waiting for them on close, and quiet about clients that hang up."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    # socketserver's default listen backlog is 5: a burst of clients (a notebook fanning out 100
    # requests, the emulator's fetches hitting the corpus) overflowed it and 11-26 % of 100
    # simultaneous connections were reset. The kernel caps it at net.core.somaxconn anyway.
    request_queue_size = LISTEN_BACKLOG

    def get_request(self) -> tuple[socket.socket, Any]:
        # The stdlib's handlers write the status line and headers, then the body, in separate sends:
        # with Nagle's algorithm on, the body waits for the client's delayed ACK (~40 ms on Linux) on
        # every response. Measured: a sequential corpus fetch of a 2 KB page took 52 ms with it on.
        connection, address = super().get_request()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection, address

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up early (a fetcher refusing a 404 or an oversized body, an SDK client
        # abandoning a stream) is normal here; the stdlib would print its traceback into whatever
        # notebook cell is running.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return
        super().handle_error(request, client_address)
