"""Message Batches, offline: the batches the emulator holds and the bounded pool that runs their requests.

Each request of a batch runs through the emulator's one :class:`~.engine.Engine` (validation, server
tools, usage, prompt cache), exactly as ``POST /v1/messages`` would run it, on a
``concurrent.futures.ThreadPoolExecutor`` of ``workers`` threads (default 2). ``workers=0`` runs nothing in
the background: :meth:`BatchStore.drain` (or :meth:`BatchStore.run_one`) processes requests in the
calling thread, which is what deterministic tests want.

The life of a batch, as the Message Batches API documents it and as traffic captured from the real API
shows it (the error wording below is the captured wording unless marked "ours"):

- Created ``in_progress`` with every request counted in ``request_counts.processing``. A request's
  ``params`` are validated only when it runs: invalid params give an ``errored`` result whose ``error`` is
  the API's error body with ``"request_id": null``; ``"stream": true`` gives the ``errored`` result
  ``"stream=True" is not supported in the Message Batches API``.
- Counts move from ``processing`` to ``succeeded`` / ``errored`` as requests finish (captured traffic saw
  them fill progressively; the SDK's docstring says they stay zero until the batch ends — the emulator
  follows the traffic, which a progress bar needs).
- ``expires_at`` is 24 h after ``created_at``. Once the clock passes it, every request without a result
  (queued or running) becomes ``expired`` and the batch ends with ``ended_at = expires_at``.
- Cancel: the batch goes ``canceling`` (``cancel_initiated_at`` set, counts unchanged); requests already
  running finish with their real result; once none is running, every request not started becomes
  ``canceled`` and the batch ends.
- Results exist once the batch has ended, in request order (the real API's order is arbitrary); they are
  kept 29 days after creation ("Batch results are available for 29 days after creation"), after which
  ``archived_at`` is set and the results are dropped.
- Successful results carry ``usage.service_tier: "batch"``, as the real API reports batch usage.

Transitions that depend on time (expiry, archiving) and the end of a canceled batch are applied whenever
the store looks at a batch (a poll, a worker picking up work), so a :class:`~webfetch_kit.clock.ManualClock`
advanced by a lesson takes effect on the next poll. Everything is kept in memory only.
"""

from __future__ import annotations

import logging
import secrets
import string
import threading
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from ..errors import ConfigError
from .apierrors import ApiError, error_body
from .engine import Engine
from .validation import validate_request

__all__ = [
    "BATCH_ID_PREFIX",
    "DEFAULT_BATCH_WORKERS",
    "EXPIRY_SECONDS",
    "RESULTS_RETENTION_SECONDS",
    "STREAM_NOT_SUPPORTED",
    "BatchStore",
    "results_path",
]

logger = logging.getLogger(__name__)

BATCH_ID_PREFIX = "msgbatch_01"
DEFAULT_BATCH_WORKERS = 2
EXPIRY_SECONDS = 24 * 3600  # "expires_at ... which is 24 hours after creation" (SDK MessageBatch)
RESULTS_RETENTION_SECONDS = 29 * 24 * 3600  # "Batch results are available for 29 days after creation"
STREAM_NOT_SUPPORTED = '"stream=True" is not supported in the Message Batches API'
_ID_ALPHABET = string.digits + string.ascii_letters
_ID_RANDOM_CHARS = 22  # msgbatch_01 + 22 base62 characters, the length of the real ids

State = Literal["queued", "running", "succeeded", "errored", "canceled", "expired"]
_FINAL: frozenset[str] = frozenset({"succeeded", "errored", "canceled", "expired"})
_COUNTED: tuple[str, ...] = ("succeeded", "errored", "canceled", "expired")


def results_path(batch_id: str) -> str:
    """The path of a batch's results (the real ``results_url`` is this path on the API's host)."""
    return f"/v1/messages/batches/{batch_id}/results"


def _rfc3339(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return BATCH_ID_PREFIX + "".join(secrets.choice(_ID_ALPHABET) for _ in range(_ID_RANDOM_CHARS))


@dataclass
class _Entry:
    custom_id: str
    params: Any  # dropped once the request has a result: only the result is kept
    state: State = "queued"
    result: dict[str, Any] | None = None


@dataclass
class _Batch:
    id: str
    beta: bool
    created_at: float
    entries: list[_Entry]
    status: Literal["in_progress", "canceling", "ended"] = "in_progress"
    ended_at: float | None = None
    cancel_initiated_at: float | None = None
    archived_at: float | None = None
    running: int = 0
    finished: int = 0

    @property
    def expires_at(self) -> float:
        return self.created_at + EXPIRY_SECONDS


class BatchStore:
    """The emulator's Message Batches: create, poll, list, cancel, results, delete; a bounded worker pool.

    Args:
        engine: the emulator's engine (each request runs through :meth:`Engine.create`).
        clock: seconds since the epoch (inject a :class:`~webfetch_kit.clock.ManualClock`).
        workers: background threads running requests (0: none; call :meth:`drain`).

    Raises:
        ConfigError: ``workers`` is not a whole number >= 0.
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], float], workers: int = DEFAULT_BATCH_WORKERS):
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
            raise ConfigError(f"workers must be a whole number >= 0 (0: run with drain()), got {workers!r}")
        self._engine = engine
        self._clock = clock
        self.workers = workers
        self._lock = threading.Lock()
        self._batches: dict[str, _Batch] = {}  # insertion order = creation order
        self._queue: deque[tuple[_Batch, _Entry]] = deque()
        self._pool: ThreadPoolExecutor | None = None
        self._futures: set[Future[None]] = set()
        self._paused = False

    # ------------------------------------------------------------------ the API's operations

    def create(self, requests: Sequence[tuple[str, Any]], *, beta: bool = False) -> dict[str, Any]:
        """Accept a batch of already checked ``(custom_id, params)`` pairs; its ``MessageBatch`` JSON."""
        with self._lock:
            batch_id = _new_id()
            while batch_id in self._batches:
                batch_id = _new_id()
            entries = [_Entry(custom_id, params) for custom_id, params in requests]
            batch = _Batch(id=batch_id, beta=beta, created_at=self._clock(), entries=entries)
            self._batches[batch_id] = batch
            self._queue.extend((batch, entry) for entry in entries)
            # The answer is the batch as accepted: in_progress, everything processing.
            view = self._view(batch)
            paused = self._paused
        if not paused:
            self._submit(len(entries))
        return view

    def retrieve(self, batch_id: str) -> dict[str, Any]:
        """The ``MessageBatch`` JSON of ``batch_id`` (404 ``not_found_error`` if there is none)."""
        with self._lock:
            return self._view(self._settled(batch_id))

    def list_page(
        self, *, limit: int = 20, before_id: str | None = None, after_id: str | None = None
    ) -> dict[str, Any]:
        """One page of batches, newest first: ``data``, ``has_more``, ``first_id``, ``last_id``.

        ``after_id`` gives the batches just after that one in this order (older ones), ``before_id`` the
        ones just before it (newer ones), as the SDK's page cursor expects.
        """
        with self._lock:
            newest_first = list(reversed(self._batches.values()))
            for batch in newest_first:
                self._settle(batch)
            ids = [b.id for b in newest_first]
            if after_id is not None:
                candidates = newest_first[self._position(ids, after_id) + 1 :]
                page = candidates[:limit]
            elif before_id is not None:
                candidates = newest_first[: self._position(ids, before_id)]
                page = candidates[-limit:]
            else:
                candidates = newest_first
                page = candidates[:limit]
            data = [self._view(b) for b in page]
        return {
            "data": data,
            "has_more": len(candidates) > len(page),
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def cancel(self, batch_id: str) -> dict[str, Any]:
        """Start canceling ``batch_id``: ``canceling`` now, ``ended`` once no request is running.

        Raises:
            ApiError: 404 for an unknown batch; 400 ``invalid_request_error`` if it has already ended
                (ours: the API documents "Batches may be canceled any time before processing ends").
        """
        with self._lock:
            batch = self._settled(batch_id)
            if batch.status == "ended":
                raise ApiError.invalid(f"Message Batch {batch_id} has already ended and cannot be canceled.")
            if batch.status == "in_progress":
                batch.status = "canceling"
                batch.cancel_initiated_at = self._clock()
            # Answered as "canceling" even when nothing is running: the batch ends on the next look.
            return self._view(batch)

    def results(self, batch_id: str) -> list[dict[str, Any]]:
        """The results of an ended batch: one ``{"custom_id", "result"}`` per request, in request order.

        Raises:
            ApiError: 404 ``not_found_error`` for an unknown batch, and (captured wording) ``Message
                Batch <id> has no available results.`` while it is processing or once its results are
                archived.
        """
        with self._lock:
            batch = self._settled(batch_id)
            if batch.status != "ended" or batch.archived_at is not None:
                raise ApiError(404, "not_found_error", f"Message Batch {batch_id} has no available results.")
            return [{"custom_id": e.custom_id, "result": e.result} for e in batch.entries]

    def delete(self, batch_id: str) -> dict[str, Any]:
        """Delete an ended batch; its ``DeletedMessageBatch`` JSON.

        Raises:
            ApiError: 404 for an unknown batch; 400 ``invalid_request_error`` while it is processing
                (captured wording for ``in_progress``; the ``canceling`` sentence is ours).
        """
        with self._lock:
            batch = self._settled(batch_id)
            if batch.status == "in_progress":
                raise ApiError.invalid(
                    "In progress batches cannot be deleted. Consider canceling the batch instead."
                )
            if batch.status == "canceling":
                raise ApiError.invalid(
                    "Canceling batches cannot be deleted until processing has ended. "
                    "Poll the batch until its processing_status is 'ended'."
                )
            del self._batches[batch_id]
        return {"id": batch_id, "type": "message_batch_deleted"}

    # ------------------------------------------------------------------ running requests

    def run_one(self) -> bool:
        """Run the next queued request in the calling thread; False when nothing is queued."""
        with self._lock:
            while True:
                if not self._queue:
                    return False
                batch, entry = self._queue.popleft()
                self._settle(batch)
                if batch.status == "in_progress" and entry.state == "queued":
                    entry.state = "running"
                    batch.running += 1
                    break
        result = self._execute(batch, entry)
        with self._lock:
            batch.running -= 1
            if entry.state == "running":  # not expired meanwhile: the result counts
                entry.state = result["type"]
                entry.result = result
                entry.params = None
                batch.finished += 1
            self._settle(batch)
        return True

    def drain(self) -> int:
        """Run every queued request in the calling thread (for ``workers=0``); how many ran."""
        ran = 0
        while self.run_one():
            ran += 1
        return ran

    def join(self, timeout: float = 30.0) -> None:
        """Wait until the background workers have no work left (not for ``workers=0``: use :meth:`drain`).

        Raises:
            TimeoutError: work was still running after ``timeout`` seconds.
        """
        while True:
            with self._lock:
                pending = list(self._futures)
            if not pending:
                return
            _, not_done = wait_futures(pending, timeout=timeout)
            if not_done:
                raise TimeoutError(f"{len(not_done)} batch request(s) still running after {timeout} s")

    @property
    def paused(self) -> bool:
        """True while :meth:`pause` holds the background workers."""
        return self._paused

    def pause(self) -> None:
        """Hold the background workers: no queued request starts until :meth:`resume` (running ones end)."""
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        """Let the background workers take queued requests again."""
        with self._lock:
            self._paused = False
            queued = len(self._queue)
        self._submit(queued)

    @contextmanager
    def hold(self) -> Iterator[BatchStore]:
        """``with store.hold():`` the workers start nothing inside the block (for lessons about time)."""
        self.pause()
        try:
            yield self
        finally:
            self.resume()

    def close(self) -> None:
        """Stop the pool without waiting; queued requests stay queued (a later batch restarts the pool)."""
        with self._lock:
            pool, self._pool = self._pool, None
            self._futures.clear()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ internals (lock held unless said)

    def _submit(self, count: int) -> None:
        """Give the pool ``count`` tasks; each runs at most one queued request (lock not held)."""
        if self.workers == 0 or count == 0:
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="webfetch-kit-batch")
                count = len(self._queue)  # a restarted pool also takes what an earlier one left queued
            futures = [self._pool.submit(self._work) for _ in range(count)]
            self._futures.update(futures)
        # Outside the lock: a future already done runs its callback here, and the callback takes the lock.
        for future in futures:
            future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._futures.discard(future)

    def _work(self) -> None:
        with self._lock:
            if self._paused:
                return  # resume() submits fresh tasks for everything still queued
        self.run_one()

    def _execute(self, batch: _Batch, entry: _Entry) -> dict[str, Any]:
        """Run one request through the engine (lock not held); its result JSON."""
        try:
            request = validate_request(entry.params, beta=batch.beta)
            if request.stream:
                raise ApiError.invalid(STREAM_NOT_SUPPORTED)
            message = dict(self._engine.create(request).message)
        except ApiError as exc:
            return {"type": "errored", "error": {**exc.body(), "request_id": None}}
        except Exception as exc:  # an emulator bug: an errored result in the API's shape, never a lost one
            logger.exception("batch request %s of %s failed", entry.custom_id, batch.id)
            body = error_body("api_error", f"Internal emulator error: {type(exc).__name__}: {exc}")
            return {"type": "errored", "error": {**body, "request_id": None}}
        if isinstance(message.get("usage"), Mapping):
            message["usage"] = {**message["usage"], "service_tier": "batch"}
        return {"type": "succeeded", "message": message}

    def _settled(self, batch_id: str) -> _Batch:
        batch = self._batches.get(batch_id)
        if batch is None:
            raise ApiError(404, "not_found_error", f"Message Batch {batch_id} not found.")
        self._settle(batch)
        return batch

    @staticmethod
    def _position(ids: list[str], batch_id: str) -> int:
        try:
            return ids.index(batch_id)
        except ValueError:
            raise ApiError(404, "not_found_error", f"Message Batch {batch_id} not found.") from None

    def _settle(self, batch: _Batch) -> None:
        """Apply what time and cancellation have decided for ``batch`` since it was last looked at."""
        now = self._clock()
        if batch.status != "ended":
            if now >= batch.expires_at:
                # Every request without a result expires, running ones too (a late result is dropped).
                self._mark(batch, ("queued", "running"), "expired")
                self._end(batch, batch.expires_at)
            elif batch.status == "canceling" and batch.running == 0:
                self._mark(batch, ("queued",), "canceled")
                self._end(batch, now)
            elif batch.finished == len(batch.entries):
                self._end(batch, now)
        if batch.status == "ended" and batch.archived_at is None:
            archive_at = batch.created_at + RESULTS_RETENTION_SECONDS
            if now >= archive_at:
                batch.archived_at = archive_at
                for entry in batch.entries:
                    entry.result = None  # archived: the results are gone, the counts stay

    @staticmethod
    def _mark(batch: _Batch, states: tuple[State, ...], outcome: State) -> None:
        for entry in batch.entries:
            if entry.state in states:
                entry.state = outcome
                entry.result = {"type": outcome}
                entry.params = None
                batch.finished += 1

    @staticmethod
    def _end(batch: _Batch, at: float) -> None:
        batch.status = "ended"
        batch.ended_at = at

    def _view(self, batch: _Batch) -> dict[str, Any]:
        counts = dict.fromkeys(_COUNTED, 0)
        processing = 0
        for entry in batch.entries:
            if entry.state in _FINAL:
                counts[entry.state] += 1
            else:
                processing += 1
        ended = batch.status == "ended"
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": batch.status,
            "request_counts": {"processing": processing, **counts},
            "created_at": _rfc3339(batch.created_at),
            "expires_at": _rfc3339(batch.expires_at),
            "ended_at": _rfc3339(batch.ended_at),
            "archived_at": _rfc3339(batch.archived_at),
            "cancel_initiated_at": _rfc3339(batch.cancel_initiated_at),
            # A path here; the HTTP layer makes it the absolute URL of the emulator's own address.
            "results_url": results_path(batch.id) if ended else None,
        }
