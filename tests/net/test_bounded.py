"""Capped daemon workers: overrunning work cannot pile up threads without limit."""

from __future__ import annotations

import threading

from webfetch_kit.net.bounded import run_on_worker


def test_finished_work_returns_its_value_or_its_error() -> None:
    slots = threading.BoundedSemaphore(1)
    assert run_on_worker(lambda: 42, 1.0, slots=slots, name="t").value == 42
    failed = run_on_worker(lambda: 1 / 0, 1.0, slots=slots, name="t")
    assert failed.finished and isinstance(failed.error, ZeroDivisionError)


def test_overrunning_work_holds_its_slot_until_it_ends_and_new_work_is_refused() -> None:
    slots = threading.BoundedSemaphore(1)
    release = threading.Event()
    late = run_on_worker(release.wait, 0.05, slots=slots, name="stuck")
    assert not late.finished and not late.no_slot
    refused = run_on_worker(lambda: "never runs", 0.05, slots=slots, name="t")
    assert refused.no_slot and not refused.finished
    release.set()  # the abandoned work ends and gives its slot back
    assert run_on_worker(lambda: "runs", 1.0, slots=slots, name="t").value == "runs"
