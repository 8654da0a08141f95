"""Helpers for the Message Batches tests: request builders and a runtime that holds a fetch until told.

``HeldRuntime`` wraps the corpus runtime: a fetch of a URL in ``hold`` signals ``entered`` and waits for
``release`` (with a timeout, so a broken test fails instead of hanging). That lets a test know a request is
running, act (cancel, advance the clock), and then let it finish: races made deterministic, no sleeps.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from typing import Any

from emulator_support import MODEL, CorpusRuntime, fetch_tool

WEB_FETCH_PAGE = "https://docs.example.com/guide/web-fetch"
CACHING_PAGE = "https://docs.example.com/guide/caching"
WAIT = 10.0  # seconds a test waits for a signal before failing


def params(text: str = "Hello", **extra: Any) -> dict[str, Any]:
    """Messages API params with one user message."""
    return {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": text}], **extra}


def fetch_params(url: str = WEB_FETCH_PAGE) -> dict[str, Any]:
    """Params whose answer fetches ``url`` with the web_fetch tool."""
    return params(f"Summarise {url}", max_tokens=300, tools=[fetch_tool()])


def requests_of(*pairs: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``requests`` list of a create call."""
    return [{"custom_id": custom_id, "params": p} for custom_id, p in pairs]


class HeldRuntime(CorpusRuntime):
    """The corpus runtime, but fetches of URLs in ``hold`` wait for ``release`` (see the module docstring)."""

    def __init__(self, hold: Sequence[str] = ()) -> None:
        super().__init__()
        self.hold = set(hold)
        self.entered = threading.Event()
        self.release = threading.Event()

    def web_fetch(self, url: str, **call: Any) -> Mapping[str, Any]:
        if url in self.hold:
            self.entered.set()
            if not self.release.wait(WAIT):
                raise RuntimeError("the test never released the held fetch")
        return super().web_fetch(url, **call)


class BarrierRuntime(CorpusRuntime):
    """Every fetch waits at a barrier of ``parties``: it only passes if that many fetches run at once."""

    def __init__(self, parties: int) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=WAIT)
        self.running = 0
        self.most_running = 0
        self._count_lock = threading.Lock()

    def web_fetch(self, url: str, **call: Any) -> Mapping[str, Any]:
        with self._count_lock:
            self.running += 1
            self.most_running = max(self.most_running, self.running)
        try:
            self.barrier.wait()  # BrokenBarrierError (a failed test) unless `parties` fetches overlap
            return super().web_fetch(url, **call)
        finally:
            with self._count_lock:
                self.running -= 1
