"""Benchmark: an offline Message Batch of 100 fetch requests, create to ``ended``, on 1 / 2 / 4 workers.

Prints figures and ratios (not a test); the README's "Timing" line under "Message Batches, offline" comes
from here. Run with ``make bench`` or ``.venv/bin/python bench/bench_batches.py``.

For each worker count a fresh offline workbench (empty fetch cache) runs a batch of 100 requests, each
asking the stand-in model to summarise one corpus HTML page with ``web_fetch`` (cycling over the pages),
through the real ``anthropic`` client: ``messages.batches.create``, then ``retrieve`` every
:data:`POLL` seconds until ``processing_status == "ended"`` (cold). The same batch then runs again on the
same workbench (warm: every page is in the fetch cache). The ratios compare runs of this one process,
the same 100 requests on both sides. A request that did not get its page (an errored result, or a
``web_fetch`` error block) did less work than one that did: the script counts them per run, prints them
beside the times, and exits non-zero, since the figures would then not compare like with like.

Kept out of the timings, so that they differ only by the worker count and the fetch cache: one untimed
batch first, on a workbench of its own, pays what a process pays once (imports, the tokenizer, the
emulator's sentence cache); and a lease on the shared extraction pool keeps its worker processes running
from one workbench to the next (otherwise closing a workbench stops them and the next cold run would
start them again).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from webfetch_kit import _data, workbench
from webfetch_kit.lab.workbench import Workbench
from webfetch_kit.net.reader import shared_pool

REQUESTS = 100
WORKER_COUNTS = (1, 2, 4)
POLL = 0.05  # seconds between two retrieve calls
TIMEOUT = 120.0  # seconds a batch may take before the benchmark gives up
TOOLS = [{"type": "web_fetch_20250910", "name": "web_fetch"}]
THREAD_PREFIX = "webfetch-kit-batch"  # BatchStore's worker threads


def _open(workers: int) -> Workbench:
    """An offline workbench whose emulator runs batches on ``workers`` threads."""
    wb = workbench.open("offline", quiet=True)
    assert wb.emulator is not None
    # workbench.open() has no batch_workers argument; the store starts its pool (of `workers` threads)
    # on the first batch, so setting it before any batch is created sizes the pool.
    wb.emulator.batches.workers = workers
    return wb


def _requests(wb: Workbench) -> list[dict[str, Any]]:
    pages = [d for d in _data.documents() if d.content_type.startswith("text/html")]
    requests = []
    for i in range(REQUESTS):
        url = wb.url(f"{pages[i % len(pages)].host}{pages[i % len(pages)].path}")
        params = {
            "model": wb.model,
            "max_tokens": 300,
            "messages": [{"role": "user", "content": f"Summarise {url}"}],
            "tools": TOOLS,
        }
        requests.append({"custom_id": f"page-{i:03d}", "params": params})
    return requests


def _run_batch(wb: Workbench, requests: list[dict[str, Any]]) -> tuple[float, int]:
    """Seconds from create to ``ended``, and how many requests did not get their page (should be 0)."""
    client = wb.client
    started = time.perf_counter()
    batch = client.messages.batches.create(requests=requests)  # type: ignore[arg-type]
    while batch.processing_status != "ended":
        if time.perf_counter() - started > TIMEOUT:
            raise TimeoutError(f"batch {batch.id} not ended after {TIMEOUT} s: {batch.request_counts}")
        time.sleep(POLL)
        batch = client.messages.batches.retrieve(batch.id)
    elapsed = time.perf_counter() - started
    failed = 0
    for line in client.messages.batches.results(batch.id):
        if line.result.type != "succeeded":
            failed += 1
            continue
        fetched = [b for b in line.result.message.content if b.type == "web_fetch_tool_result"]
        if not fetched or any(b.content.type != "web_fetch_result" for b in fetched):
            failed += 1  # an error block (e.g. url_not_accessible): less work than a fetched page
    return elapsed, failed


def _batch_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith(THREAD_PREFIX)}


def main() -> None:
    pages = sum(d.content_type.startswith("text/html") for d in _data.documents())
    rows: dict[int, tuple[tuple[float, int], tuple[float, int]]] = {}
    with shared_pool().acquire():
        with _open(2) as wb:
            _run_batch(wb, _requests(wb))  # untimed: one-time costs of the process (module docstring)
        for workers in WORKER_COUNTS:
            before = _batch_threads()
            with _open(workers) as wb:
                requests = _requests(wb)
                cold_run = _run_batch(wb, requests)
                warm_run = _run_batch(wb, requests)
                threads = len(_batch_threads() - before)  # this workbench's pool
                if threads != workers:
                    raise RuntimeError(f"{threads} batch worker threads ran, not {workers}")
            rows[workers] = (cold_run, warm_run)
    print(f"Message Batch of {REQUESTS} web_fetch requests ({pages} corpus HTML pages), create to ended:")
    base_cold, base_warm = rows[1][0][0], rows[1][1][0]
    for workers, ((cold, cold_failed), (warm, warm_failed)) in rows.items():
        line = f"  {workers} worker{'s' if workers > 1 else ' '}: cold {cold:.2f} s, warm {warm:.2f} s"
        line += f" (warm/cold {warm / cold:.2f}x"
        if workers > 1:
            line += f"; vs 1 worker: cold {base_cold / cold:.2f}x, warm {base_warm / warm:.2f}x faster"
        line += ")"
        if cold_failed or warm_failed:
            line += f"  [fetch FAILED: cold {cold_failed}, warm {warm_failed} of {REQUESTS}]"
        print(line)
    failed = sum(c[1] + w[1] for c, w in rows.values())
    if failed:
        raise SystemExit(
            f"{failed} request(s) did not get their page: the runs above did unequal work, so their "
            "times and ratios are not comparable"
        )


if __name__ == "__main__":
    main()
