"""The extraction pool: jobs in worker processes, killed and replaced when they overrun, none left behind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pool_jobs
import pytest
from pool_support import let_workers_import_this_folder, start_every_worker

from webfetch_kit.errors import ConfigError
from webfetch_kit.net.pool import ExtractionPool, PoolAnswer, WorkerError


@pytest.fixture
def pool(monkeypatch: pytest.MonkeyPatch) -> Iterator[ExtractionPool]:
    """A one-worker pool of this test's own, whose workers can import tests/net/pool_jobs.py."""
    let_workers_import_this_folder(monkeypatch)
    workers = ExtractionPool(1, grace=0.2)
    with workers.acquire():
        yield workers
    workers.close()


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_a_finished_job_gives_its_value_and_keeps_its_worker(pool: ExtractionPool) -> None:
    first = pool.run(pool_jobs.quick, ("one",), timeout=60, label="60 s")
    second = pool.run(pool_jobs.quick, ("two",), timeout=60, label="60 s")
    assert (first.status, first.value[:2]) == ("done", ("one", None))
    assert (second.status, second.value[:2]) == ("done", ("two", None))
    assert first.value[2] == second.value[2] == pool.pids[0]


def test_an_overrunning_job_hands_back_its_partial_result_and_its_worker_is_killed(
    pool: ExtractionPool,
) -> None:
    warm = pool.run(pool_jobs.quick, ("warm",), timeout=60, label="60 s")
    old = warm.value[2]
    answer = pool.run(pool_jobs.forever, (), timeout=0.5, label="0.5 s")
    assert answer == PoolAnswer("stopped", ("partial", (1,), "0.5 s"))
    assert not alive(old)
    after = pool.run(pool_jobs.quick, ("after",), timeout=60, label="60 s")
    assert after.status == "done" and after.value[2] != old  # a fresh worker took the slot


def test_a_worker_that_cannot_answer_is_killed_after_the_grace(pool: ExtractionPool) -> None:
    old = pool.run(pool_jobs.quick, ("warm",), timeout=60, label="60 s").value[2]
    answer = pool.run(pool_jobs.stuck, (), timeout=0.3, label="0.3 s")
    assert answer == PoolAnswer("killed", detail="the worker did not answer within 0.3 s (+0.2 s)")
    assert not alive(old)
    assert pool.run(pool_jobs.quick, ("after",), timeout=60, label="60 s").status == "done"


def test_a_dying_worker_is_lost_and_replaced(pool: ExtractionPool) -> None:
    old = pool.run(pool_jobs.quick, ("warm",), timeout=60, label="60 s").value[2]
    answer = pool.run(pool_jobs.crash, (3,), timeout=60, label="60 s")
    assert answer.status == "lost"
    assert answer.detail.startswith("the worker process ended")
    assert not alive(old)
    assert pool.run(pool_jobs.quick, ("after",), timeout=60, label="60 s").status == "done"


def test_a_job_that_raises_is_a_worker_error_with_its_traceback(pool: ExtractionPool) -> None:
    with pytest.raises(WorkerError, match="ValueError: a bug in the job"):
        pool.run(pool_jobs.failing, (), timeout=60, label="60 s")
    assert pool.run(pool_jobs.quick, ("after",), timeout=60, label="60 s").status == "done"


def test_no_free_worker_within_the_bound_means_the_job_never_ran(pool: ExtractionPool) -> None:
    pool.run(pool_jobs.quick, ("warm",), timeout=60, label="60 s")
    holding = threading.Thread(
        target=pool.run, args=(pool_jobs.forever, ()), kwargs={"timeout": 2, "label": "2 s"}
    )
    holding.start()
    try:
        while not any(slot.busy for slot in pool._slots):
            threading.Event().wait(0.01)
        answer = pool.run(pool_jobs.quick, ("late",), timeout=0.05, label="0.05 s")
    finally:
        holding.join()
    assert answer == PoolAnswer("no_worker", detail="no worker became free within the time bound")


def test_the_last_lease_stops_every_worker_and_the_next_job_starts_them_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    let_workers_import_this_folder(monkeypatch)
    pool = ExtractionPool(2)
    lease = pool.acquire()
    pool.start()
    pids = pool.pids
    assert len(pids) == 2
    other = pool.acquire()
    lease.release()
    lease.release()  # idempotent: a second release does not take another holder's lease
    assert pool.pids == pids
    other.release()
    assert pool.pids == ()
    assert not any(alive(pid) for pid in pids)
    assert pool.run(pool_jobs.quick, ("again",), timeout=60, label="60 s").status == "done"
    assert pool.pids == ()  # the job's own lease was the only one
    pool.start()
    assert pool.pids == ()  # nothing starts without a lease


def test_close_stops_the_workers_at_once(pool: ExtractionPool) -> None:
    pool.start()
    pids = pool.pids
    pool.close()
    assert pool.pids == ()
    assert not any(alive(pid) for pid in pids)


@pytest.mark.parametrize("workers", [0, -1, True, 1.5])
def test_bad_worker_counts_are_config_errors(workers: object) -> None:
    with pytest.raises(ConfigError, match=r"^workers must be a positive whole number, got "):
        ExtractionPool(workers)  # type: ignore[arg-type]


def test_heavy_jobs_leave_one_worker_for_the_light_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    let_workers_import_this_folder(monkeypatch)
    pool = ExtractionPool(2, grace=0.2)
    with pool.acquire():
        start_every_worker(pool)  # both workers started: a free slot below is a warm one
        holding = threading.Thread(
            target=pool.run,
            args=(pool_jobs.forever, ()),
            kwargs={"timeout": 60, "label": "60 s", "heavy": True},
        )
        holding.start()
        try:
            while not any(slot.busy for slot in pool._slots):
                threading.Event().wait(0.01)
            # One heavy job runs: a second waits (and here runs out of time), a light one runs at once.
            heavy = pool.run(pool_jobs.quick, ("heavy",), timeout=0.3, label="0.3 s", heavy=True)
            light = pool.run(pool_jobs.quick, ("light",), timeout=60, label="60 s")
        finally:
            pool.close()  # ends the holding job ("lost")
            holding.join()
    assert heavy == PoolAnswer("no_worker", detail="no worker became free within the time bound")
    assert (light.status, light.value[0]) == ("done", "light")


def test_one_worker_runs_heavy_jobs_too(pool: ExtractionPool) -> None:
    answer = pool.run(pool_jobs.quick, ("heavy",), timeout=60, label="60 s", heavy=True)
    assert (answer.status, answer.value[0]) == ("done", "heavy")
