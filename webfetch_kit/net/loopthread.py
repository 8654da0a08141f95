"""A private event loop in a daemon thread, so the sync API works inside a running notebook loop.

A notebook already runs an event loop, so library code must never call ``asyncio.run`` (it raises
"cannot be called from a running event loop" there).
Sync entry points submit their coroutine to this loop and wait for the result instead.

An ``httpx.AsyncClient`` belongs to the loop it first ran on (its connection pool's locks and sockets), so a
:class:`~webfetch_kit.net.fetcher.Fetcher` keeps its own client here, on this one loop, whichever loop
its caller runs: ``fetch()`` blocks on it, ``afetch()`` awaits it from the caller's loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["kit_loop", "run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None


def _background_loop() -> asyncio.AbstractEventLoop:
    global _loop
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="webfetch-kit-loop", daemon=True)
            thread.start()
            _loop = loop
        return _loop


def kit_loop() -> asyncio.AbstractEventLoop:
    """The kit's background loop (started on first use): where each Fetcher's own HTTP client lives."""
    return _background_loop()


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` on the kit's background loop and block until it finishes."""
    loop = _background_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        coro.close()
        raise RuntimeError("run_sync() called from the kit's own loop; await the async API instead")
    return asyncio.run_coroutine_threadsafe(coro, loop).result()
