"""The background worker pool: bounded, two batches at once, and cancel or expiry racing a running request.

Races are made deterministic with events (``HeldRuntime``: a fetch signals it has started and waits to
be released) and barriers (``BarrierRuntime``: a fetch passes only if enough fetches run at once), and the
tests wait with ``BatchStore.join()``: nothing here sleeps and hopes.
"""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest
from batch_support import (
    CACHING_PAGE,
    WAIT,
    WEB_FETCH_PAGE,
    BarrierRuntime,
    HeldRuntime,
    fetch_params,
    params,
)
from emulator_support import FakeClock

from webfetch_kit.emulator import EmulatorServer
from webfetch_kit.emulator.batches import BatchStore

DAY = 24 * 3600


def _serve(runtime: object, clock: FakeClock, workers: int) -> EmulatorServer:
    return EmulatorServer(runtime, clock=clock, batch_workers=workers)  # type: ignore[arg-type]


def _types(store: BatchStore, batch_id: str) -> list[tuple[str, str]]:
    return [(line["custom_id"], line["result"]["type"]) for line in store.results(batch_id)]


@pytest.fixture
def held(clock: FakeClock) -> Iterator[tuple[EmulatorServer, HeldRuntime]]:
    runtime = HeldRuntime(hold=[WEB_FETCH_PAGE])
    with _serve(runtime, clock, workers=1) as emulator:
        yield emulator, runtime
        runtime.release.set()  # never leave a worker waiting


def test_two_batches_run_at_once_on_two_workers(clock: FakeClock) -> None:
    runtime = BarrierRuntime(parties=2)
    with (
        _serve(runtime, clock, workers=2) as emulator,
        anthropic.Anthropic(base_url=emulator.url, api_key="offline", max_retries=0) as sdk,
    ):
        first = sdk.messages.batches.create(
            requests=[{"custom_id": "first", "params": fetch_params(WEB_FETCH_PAGE)}]  # type: ignore[typeddict-item]
        )
        second = sdk.messages.batches.create(
            requests=[{"custom_id": "second", "params": fetch_params(CACHING_PAGE)}]  # type: ignore[typeddict-item]
        )
        emulator.batches.join(WAIT)  # each fetch waited at the barrier for the other one
        for batch, name, url in ((first, "first", WEB_FETCH_PAGE), (second, "second", CACHING_PAGE)):
            ended = sdk.messages.batches.retrieve(batch.id)
            assert ended.processing_status == "ended" and ended.request_counts.succeeded == 1
            (line,) = sdk.messages.batches.results(batch.id)
            assert line.custom_id == name and line.result.type == "succeeded"
            fetched = [b for b in line.result.message.content if b.type == "web_fetch_tool_result"]
            assert [b.content.url for b in fetched] == [url]  # type: ignore[union-attr]
    assert runtime.most_running == 2


def test_the_pool_never_runs_more_requests_than_workers(clock: FakeClock) -> None:
    runtime = BarrierRuntime(parties=2)
    with _serve(runtime, clock, workers=2) as emulator:
        store = emulator.batches
        batch = store.create([(f"r{i}", fetch_params()) for i in range(6)])
        store.join(WAIT)
        assert store.retrieve(batch["id"])["request_counts"]["succeeded"] == 6
    # Six fetches passed a barrier of two in three rounds: at most two ever ran together.
    assert runtime.most_running == 2


def test_cancel_racing_a_running_request(held: tuple[EmulatorServer, HeldRuntime]) -> None:
    emulator, runtime = held
    store = emulator.batches
    batch = store.create([("running", fetch_params()), ("queued-1", params()), ("queued-2", params())])
    assert runtime.entered.wait(WAIT)  # the first request is inside its fetch
    canceling = store.cancel(batch["id"])
    assert canceling["processing_status"] == "canceling"
    assert store.cancel(batch["id"])["processing_status"] == "canceling"  # repeated while running
    assert store.retrieve(batch["id"])["processing_status"] == "canceling"  # still running
    runtime.release.set()
    store.join(WAIT)
    ended = store.retrieve(batch["id"])
    assert ended["processing_status"] == "ended"
    assert ended["request_counts"] == {
        "processing": 0,
        "succeeded": 1,
        "errored": 0,
        "canceled": 2,
        "expired": 0,
    }
    assert _types(store, batch["id"]) == [
        ("running", "succeeded"),
        ("queued-1", "canceled"),
        ("queued-2", "canceled"),
    ]
    assert runtime.fetch_calls == [WEB_FETCH_PAGE]  # the canceled requests never ran


def test_cancel_racing_the_last_request_cancels_nothing(held: tuple[EmulatorServer, HeldRuntime]) -> None:
    # "cancellation may not result in any canceled requests if they were non-interruptible" (SDK docs).
    emulator, runtime = held
    store = emulator.batches
    batch = store.create([("only", fetch_params())])
    assert runtime.entered.wait(WAIT)
    assert store.cancel(batch["id"])["processing_status"] == "canceling"
    runtime.release.set()
    store.join(WAIT)
    assert store.retrieve(batch["id"])["request_counts"]["succeeded"] == 1
    assert _types(store, batch["id"]) == [("only", "succeeded")]


def test_expiry_while_a_request_runs_discards_its_late_result(
    held: tuple[EmulatorServer, HeldRuntime], clock: FakeClock
) -> None:
    emulator, runtime = held
    store = emulator.batches
    batch = store.create([("slow", fetch_params()), ("next", params())])
    assert runtime.entered.wait(WAIT)
    clock.advance(DAY)
    expired = store.retrieve(batch["id"])
    assert expired["processing_status"] == "ended" and expired["ended_at"] == expired["expires_at"]
    assert expired["request_counts"]["expired"] == 2
    runtime.release.set()
    store.join(WAIT)
    assert _types(store, batch["id"]) == [("slow", "expired"), ("next", "expired")]
    assert store.retrieve(batch["id"])["request_counts"]["expired"] == 2


def test_hold_keeps_requests_queued_until_the_batch_expires(clock: FakeClock) -> None:
    runtime = HeldRuntime()
    with _serve(runtime, clock, workers=2) as emulator:
        store = emulator.batches
        with store.hold():
            assert store.paused
            batch = store.create([("a", fetch_params()), ("b", params())])
            clock.advance(DAY + 60)
        assert not store.paused
        store.join(WAIT)
        assert store.retrieve(batch["id"])["request_counts"]["expired"] == 2
        assert runtime.fetch_calls == []


def test_resume_runs_what_was_queued_while_paused(clock: FakeClock) -> None:
    runtime = HeldRuntime()
    with _serve(runtime, clock, workers=2) as emulator:
        store = emulator.batches
        store.pause()
        batch = store.create([(f"r{i}", params(f"question {i}")) for i in range(5)])
        store.join(WAIT)  # tasks that found the store paused return at once
        assert store.retrieve(batch["id"])["request_counts"]["processing"] == 5
        store.resume()
        store.join(WAIT)
        assert store.retrieve(batch["id"])["request_counts"]["succeeded"] == 5


def test_a_closed_pool_restarts_with_what_it_left_queued(clock: FakeClock) -> None:
    runtime = HeldRuntime()
    emulator = _serve(runtime, clock, workers=1)
    store = emulator.batches
    store.pause()
    batch = store.create([("left", params())])
    store.close()  # the emulator closing: nothing waits, the request stays queued
    store.resume()
    store.join(WAIT)
    assert store.retrieve(batch["id"])["request_counts"]["succeeded"] == 1
    store.close()
