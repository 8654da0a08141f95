"""A small pool of worker processes for work bounded in time: what overruns is killed, and replaced.

**Bound the work, not the wait** (SECURITY.md): a thread that stops waiting for a parse leaves the parse
running and holding the GIL; only a process can be stopped. So HTML extraction and PDF parsing (through
:mod:`webfetch_kit.net.reader`, which decides what runs here) go to :class:`ExtractionPool`:

* **Slots.** One worker process per slot, sized to the cores (more workers than cores only add memory):
  one job at a time each, so ``fetch_many`` reads as many pages at once as there are cores.
* **A lane for light jobs.** A job marked ``heavy`` (a PDF: its size says nothing about its cost, and
  its bound is 20 s against HTML's 5 s) may take at most ``workers - 1`` slots when there are two or
  more, so one slot is always left for the light ones: two hostile PDFs cannot hold every worker while
  an ordinary page waits out its bound for a slot and comes back as its fallback. Heavy jobs wait for
  each other instead (ordinary PDFs take 0.05-0.2 s). With one worker there is no lane to keep.
* **Kill.** Each job has a budget (the caller's timeout, time spent waiting for a slot included). The
  worker (:mod:`webfetch_kit.net.worker`) runs the job on a thread and, at the budget, answers with the
  job's honest partial result (a PDF's pages read so far, the HTML fallback) and ends; the pool then kills
  the process and starts its replacement at once. If the worker does not answer within
  :data:`GRACE` seconds after the budget (native code holding the GIL), it is killed all the same
  (``killed``). Nothing overrunning survives its deadline by more than that grace.
* **Lifetime.** Workers start on the first job (or :meth:`ExtractionPool.start`) and stay warm while
  someone holds a lease (:meth:`ExtractionPool.acquire`: each :class:`~webfetch_kit.net.fetcher.Fetcher`
  holds one from its first read until ``close()``; every job holds one while it runs). When the last lease
  is released the workers are stopped, so a kernel whose fetchers (or workbench) are closed keeps no
  child processes; :meth:`ExtractionPool.close` and interpreter exit stop them too. The next job starts
  them again.
* **Why not concurrent.futures.** ``ProcessPoolExecutor`` on Python 3.11 cannot terminate one worker
  (``terminate_workers`` arrives in 3.14; killing its process breaks the whole executor) and has no
  channel for a partial answer at the deadline; its spawn start method also imports the user's
  ``__main__`` again in each child (a script without an ``if __name__ == "__main__"`` guard would run
  twice). Each worker here is ``python -m webfetch_kit.net.worker`` (a fresh interpreter: no fork of a
  threaded process) talking over two pipes with :mod:`multiprocessing.connection`, killed with
  ``Popen.kill``.

Measured on 2 cores (``bench/bench_pool.py``): a cold worker answers its first job after 0.48-0.49 s (a
fresh interpreter importing trafilatura, lxml and pypdf; up to 1.9 s on a busy machine); a job's round trip
on a warm worker costs 0.30 ms more than the same work inline.
``bench/bench_fetch.py``: ``fetch_many`` of real pages (two public evaluation sets over loopback) at
concurrency 8 reads 1.72-2.00x as many pages per second with two workers as with one.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal

from ..errors import ConfigError

__all__ = ["GRACE", "ExtractionPool", "PoolAnswer", "PoolLease", "WorkerError", "default_workers"]

GRACE = 1.0
"""Seconds a worker may take, after its budget, to hand back its partial answer before it is killed.
Building that answer is a copy of what the job holds (milliseconds); the rest is room for a busy machine."""

AnswerStatus = Literal["done", "stopped", "killed", "no_worker", "lost"]


class WorkerError(Exception):
    """A job raised in its worker: a bug in the job (its text is the worker's traceback)."""


@dataclass(frozen=True)
class PoolAnswer:
    """How a job ended.

    ``done``: it finished, ``value`` is its result. ``stopped``: it ran past its budget, ``value`` is the
    partial result the worker handed back, and the worker was killed. ``killed``: it ran past its budget
    and the worker did not answer in time (no value). ``no_worker``: no worker became free (or finished
    starting) within the budget, the job never ran. ``lost``: the worker died (``detail`` says how).
    """

    status: AnswerStatus
    value: Any = None
    detail: str = ""


def default_workers() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Slot:
    """One worker process and its two pipe ends, as the parent sees them."""

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None
        self.incoming: Connection | None = None
        self.outgoing: Connection | None = None
        self.ready = False
        self.busy = False
        self.heavy = False  # the job it runs now is heavy
        self.generation = -1

    def start(self, warm: Sequence[str], generation: int) -> None:
        from_child, child_out = os.pipe()
        child_in, to_child = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "webfetch_kit.net.worker", str(child_in), str(child_out), *warm],
                pass_fds=(child_in, child_out),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                # Its own session: Ctrl-C in a terminal interrupts the parent, not the workers mid-job.
                start_new_session=True,
            )
        except BaseException:
            for fd in (from_child, to_child):
                os.close(fd)
            raise
        finally:
            os.close(child_in)
            os.close(child_out)
        self.incoming = Connection(from_child, writable=False)
        self.outgoing = Connection(to_child, readable=False)
        self.ready = False
        self.generation = generation

    def poll_ready(self) -> bool:
        """Read the worker's ``ready`` if it has arrived (only for an idle slot: nobody else reads it)."""
        if self.ready or self.incoming is None:
            return self.ready
        try:
            if self.incoming.poll(0):
                status, _pid = self.incoming.recv()
                self.ready = status == "ready"
        except (EOFError, OSError):
            return False  # it died starting: the next job on this slot reports it
        return self.ready

    def stop(self) -> None:
        process, self.process = self.process, None
        for connection in (self.incoming, self.outgoing):
            if connection is not None:
                connection.close()
        self.incoming = self.outgoing = None
        self.ready = False
        if process is not None:
            process.kill()
            process.wait()

    def exit_status(self) -> str:
        code = self.process.poll() if self.process is not None else None
        return "still running" if code is None else f"exit code {code}"


class PoolLease:
    """A hold on the pool's workers (they stay warm until the last lease is released); idempotent."""

    def __init__(self, pool: ExtractionPool) -> None:
        self._pool: ExtractionPool | None = pool

    def release(self) -> None:
        """Give the hold back (the workers stop when no lease is left)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool._release()

    def __enter__(self) -> PoolLease:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release()


class ExtractionPool:
    """Worker processes that run jobs under a budget and are killed when a job overruns (module docstring).

    Args:
        workers: how many worker processes (slots); default: the cores this process may use.
        warm: modules each worker imports before it says it is ready (so the first job does not pay).
        grace: seconds past a job's budget before a worker that has not answered is killed.

    Raises:
        ConfigError: ``workers`` is not a positive whole number or ``grace`` is negative.
    """

    def __init__(self, workers: int | None = None, *, warm: Sequence[str] = (), grace: float = GRACE) -> None:
        count = default_workers() if workers is None else workers
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise ConfigError(f"workers must be a positive whole number, got {workers!r}")
        if grace < 0:
            raise ConfigError(f"grace must be 0 or more seconds, got {grace!r}")
        self.workers = count
        self.imports = tuple(warm)
        self.grace = grace
        self._slots = [_Slot() for _ in range(count)]
        self._lock = threading.Condition()
        self._leases = 0
        self._generation = 0
        self._atexit = False

    def __repr__(self) -> str:
        return f"<ExtractionPool workers={self.workers} running={len(self.pids)} leases={self._leases}>"

    # --- life cycle -------------------------------------------------------------------------------

    def acquire(self) -> PoolLease:
        """Hold the workers warm until the returned lease is released (a context manager)."""
        with self._lock:
            self._leases += 1
        return PoolLease(self)

    def _release(self) -> None:
        with self._lock:
            self._leases -= 1
            if self._leases == 0:
                self._stop_all()

    def start(self) -> None:
        """Start the workers that are not running, without waiting for them; only under a lease."""
        with self._lock:
            if self._leases > 0:
                self._start_missing()

    @property
    def warm(self) -> bool:
        """True when at least one worker has finished starting (it may be busy)."""
        with self._lock:
            return any(slot.ready or (not slot.busy and slot.poll_ready()) for slot in self._slots)

    @property
    def pids(self) -> tuple[int, ...]:
        """Process ids of the workers running now."""
        with self._lock:
            return tuple(s.process.pid for s in self._slots if s.process is not None)

    def close(self) -> None:
        """Stop every worker now (a job still running gets ``lost``); the next job starts them again."""
        with self._lock:
            self._stop_all()

    def _stop_all(self) -> None:
        self._generation += 1
        for slot in self._slots:
            slot.stop()
        self._lock.notify_all()

    def _start_missing(self) -> None:
        if not self._atexit:
            atexit.register(self.close)
            self._atexit = True
        for slot in self._slots:
            if slot.process is None:
                slot.start(self.imports, self._generation)

    # --- jobs -------------------------------------------------------------------------------------

    def run(
        self,
        factory: Callable[..., Any],
        args: tuple[Any, ...],
        *,
        timeout: float,
        label: str,
        heavy: bool = False,
    ) -> PoolAnswer:
        """Run ``factory(*args)``'s job in a worker, within ``timeout`` seconds (waiting for a slot included).

        Args:
            factory: a module-level function (pickled by name) returning an object with ``run()`` (the
                slow step) and ``finish(stopped)`` (its result; ``stopped`` is ``label`` when it overran).
            args: its arguments (pickled to the worker).
            timeout: seconds from now until the job's result is due.
            label: what ``finish`` is told when the job overran, e.g. ``"5 s"``.
            heavy: the job may run long (a PDF): it waits while ``workers - 1`` heavy jobs run, so a
                slot stays free for light ones (see the module docstring).

        Raises:
            WorkerError: the job raised in the worker (a bug: its traceback is the message).
        """
        deadline = time.monotonic() + max(0.0, timeout)
        with self.acquire():
            slot = self._take(deadline, heavy)
            if slot is None:
                return PoolAnswer("no_worker", detail="no worker became free within the time bound")
            try:
                return self._run_on(slot, (factory, args, deadline, label))
            except BaseException:
                self._replace(slot)  # a reply may still come on its pipe: never reuse it
                raise
            finally:
                with self._lock:
                    slot.busy = slot.heavy = False
                    self._lock.notify_all()

    def _take(self, deadline: float, heavy: bool) -> _Slot | None:
        with self._lock:
            self._start_missing()
            while True:
                idle = [slot for slot in self._slots if not slot.busy and slot.process is not None]
                lane_full = heavy and self.workers > 1 and self._heavy_running() >= self.workers - 1
                if idle and not lane_full:
                    slot = next((s for s in idle if s.ready), idle[0])
                    slot.busy, slot.heavy = True, heavy
                    return slot
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self._lock.wait(remaining)
                self._start_missing()

    def _heavy_running(self) -> int:
        return sum(1 for slot in self._slots if slot.busy and slot.heavy)

    def _run_on(self, slot: _Slot, job: tuple[Any, tuple[Any, ...], float, str]) -> PoolAnswer:
        factory, args, deadline, label = job
        incoming, outgoing = slot.incoming, slot.outgoing
        assert incoming is not None and outgoing is not None, "a taken slot has a running worker"
        try:
            if not slot.ready:
                if not incoming.poll(max(0.0, deadline - time.monotonic())):
                    return PoolAnswer("no_worker", detail="no worker finished starting within the time bound")
                status, _pid = incoming.recv()
                slot.ready = status == "ready"
            budget = deadline - time.monotonic()
            if budget <= 0:
                return PoolAnswer("no_worker", detail="no time was left for the job")
            outgoing.send((factory, args, budget, label))
            if not incoming.poll(budget + self.grace):
                self._replace(slot)
                detail = f"the worker did not answer within {label} (+{self.grace:g} s)"
                return PoolAnswer("killed", detail=detail)
            status, value = incoming.recv()
        except (EOFError, OSError) as exc:
            detail = f"the worker process ended ({slot.exit_status()}): {exc!r}"
            self._replace(slot)
            return PoolAnswer("lost", detail=detail)
        if status == "error":
            raise WorkerError(str(value))
        if status == "stopped":
            self._replace(slot)
            return PoolAnswer("stopped", value)
        return PoolAnswer("done", value)

    def _replace(self, slot: _Slot) -> None:
        """Kill the slot's worker and start a fresh one (unless the pool was stopped meanwhile)."""
        with self._lock:
            current = slot.generation == self._generation
            slot.stop()
            if current:
                slot.start(self.imports, self._generation)
