"""The one threading HTTP server the kit's loopback servers (corpus, emulator) are built on."""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any

__all__ = ["LoopbackServer"]


class LoopbackServer(ThreadingHTTPServer):
    """Daemon handler threads, no waiting for them on close, and quiet about clients that hang up."""

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up early (a fetcher refusing a 404 or an oversized body, an SDK client
        # abandoning a stream) is normal here; the stdlib would print its traceback into whatever
        # notebook cell is running.
        if isinstance(sys.exc_info()[1], ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
            return
        super().handle_error(request, client_address)
