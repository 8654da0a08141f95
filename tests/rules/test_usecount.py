"""UseCounter: max_uses per request (webfetch_kit.rules.usecount)."""

from __future__ import annotations

import threading

import pytest

from webfetch_kit.errors import PolicyError
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.rules.usecount import UseCounter

# ---------------------------------------------------------------- use counter


def test_use_counter_limit() -> None:
    counter = UseCounter(FetchPolicy(max_uses=2).max_uses)
    assert [counter.take() for _ in range(4)] == [None, None, "max_uses_exceeded", "max_uses_exceeded"]
    assert counter.used == 2


def test_use_counter_unlimited() -> None:
    counter = UseCounter(None)
    assert all(counter.take() is None for _ in range(1000))


def test_use_counter_is_thread_safe() -> None:
    counter = UseCounter(100)
    results: list[str | None] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(50):
            r = counter.take()
            with lock:
                results.append(r)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(None) == 100
    assert results.count("max_uses_exceeded") == 300


def test_use_counter_refuses_bad_limit() -> None:
    with pytest.raises(PolicyError) as info:
        UseCounter(0)
    assert str(info.value) == "max_uses must be a positive whole number or None, got 0"
