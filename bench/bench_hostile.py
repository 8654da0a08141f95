"""Benchmark: every ``/hostile/*`` lab input, fetched by the kit, must end as an outcome within the deadline.

Target: every hostile input ends within the fetch deadline as an outcome, with the process responsive.

Each run happens in a child process (this file with ``--child``) that serves the corpus, starts a
heartbeat thread, and calls ``Fetcher(...).fetch_many`` with the corpus's ``fetch_options()``. The
heartbeat prints a line every 0.1 s, so the longest gap between two lines says whether the process
stayed responsive (a pattern that backtracks or a parse that holds the GIL shows as a gap; a healthy
process never has one much over 0.1 s). The parent kills a child that has not finished after the
deadline + 10 s and reports the hang, with the heartbeat it saw until then, instead of freezing.

One child per route (a hang cannot hide the others), then one child fetching them all together, as a
notebook would. Prints a table (not a test). Run with ``make bench`` or::

    .venv/bin/python bench/bench_hostile.py [--deadline 10] [--mode api]
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, cast

from webfetch_kit.lab.routes import HOSTILE_ROUTES
from webfetch_kit.reading.extract import ExtractMode

TARGET = "every hostile input ends within the fetch deadline as an outcome, with the process responsive"
HEARTBEAT = 0.1
# A heartbeat gap longer than this means the process stopped running Python for that long.
RESPONSIVE_GAP = 1.0
GRACE = 10.0
LAB = "https://lab.example.net"


# --------------------------------------------------------------------------------------------- child


def child(routes: list[str], deadline: float, mode: ExtractMode) -> None:
    """Serve the corpus, fetch ``routes`` with fetch_many, print heartbeats and then one RESULT line."""
    from webfetch_kit.lab.corpus import serve
    from webfetch_kit.net.fetcher import Fetcher
    from webfetch_kit.rules.policy import FetchPolicy

    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT):
            print(f"HB {time.monotonic():.4f}", flush=True)

    with serve() as site:
        fetcher = Fetcher(
            FetchPolicy(), **site.fetch_options(), deadline=deadline, cache=False, extract_mode=mode
        )
        urls = [LAB + route for route in routes]
        beat = threading.Thread(target=heartbeat, daemon=True)
        print(f"START {time.monotonic():.4f}", flush=True)
        beat.start()
        started = time.monotonic()
        outcomes = fetcher.fetch_many(urls, concurrency=8, progress=False)
        elapsed = time.monotonic() - started
        stop.set()
        beat.join()
    rows = [
        {
            "url": o.url,
            "ok": o.ok,
            "code": o.error_code,
            "reason": o.detail,
            "notes": list(o.notes),
            "chars": len(o.document.text) if o.document is not None else 0,
            "elapsed": o.elapsed,
        }
        for o in outcomes
    ]
    print("RESULT " + json.dumps({"elapsed": elapsed, "end": time.monotonic(), "rows": rows}), flush=True)


# -------------------------------------------------------------------------------------------- parent


@dataclass(frozen=True)
class Row:
    """One fetch outcome as the child reported it."""

    url: str
    ok: bool
    code: str | None
    reason: str
    notes: list[str]
    chars: int
    elapsed: float

    def describe(self) -> str:
        if self.ok:
            return f"ok, {self.chars:,} chars ({', '.join(self.notes) or 'no notes'})"
        return f"{self.code}: {self.reason}"


@dataclass(frozen=True)
class Run:
    """One child's run: its outcomes (if it printed them), whether it was killed, and its heartbeat."""

    elapsed: float
    """Seconds from the fetch's start to its result (or to the kill, when there is none)."""
    killed: bool
    """The child was still running ``deadline + GRACE`` after launch (with or without a result)."""
    killed_after: float
    rows: list[Row]
    ticks: int
    max_gap: float
    """The longest time without a heartbeat while the fetch ran (up to the kill, for a hang)."""
    error: str

    def problems(self, deadline: float) -> list[str]:
        """Why this run misses the target (none when it meets it)."""
        found = []
        if not self.rows:
            found.append(
                f"no outcome: killed after {self.killed_after:.1f} s"
                if self.killed
                else f"no outcome: the child crashed ({self.error or 'no result printed'})"
            )
        late = [row for row in self.rows if row.elapsed > deadline + 0.5]
        if late:
            found.append(f"{len(late)} outcome(s) after the {deadline:g} s deadline")
        if self.max_gap > RESPONSIVE_GAP:
            found.append(f"the process froze for {self.max_gap:.1f} s (no heartbeat)")
        if self.rows and self.killed:
            found.append(
                f"work kept running after the outcome (the child was killed {self.killed_after:.0f} s in)"
            )
        internal = [row for row in self.rows if row.reason.startswith("internal error")]
        if internal:
            found.append(
                f"{len(internal)} outcome(s) are internal errors (an exception reached the last resort)"
            )
        return found


def run(routes: list[str], deadline: float, mode: str) -> Run:
    """Run ``routes`` in a child and read its lines. The child's stamps and the parent's kill time are
    on one clock: ``time.monotonic`` is system-wide on Linux."""
    command = [sys.executable, __file__, "--child", "--deadline", str(deadline), "--mode", mode, *routes]
    launched = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=deadline + GRACE)
    except subprocess.TimeoutExpired as exc:
        raw = exc.stdout or b""
        out, killed, error = (raw.decode() if isinstance(raw, bytes) else raw), True, ""
    else:
        out, killed = done.stdout, False
        error = (done.stderr.strip().splitlines() or [""])[-1] if done.returncode else ""
    ended = time.monotonic()
    start: float | None = None
    beats: list[float] = []
    result: dict[str, Any] | None = None
    for line in out.splitlines():
        kind, _, value = line.partition(" ")
        if kind == "START":
            start = float(value)
        elif kind == "HB":
            beats.append(float(value))
        elif kind == "RESULT":
            result = json.loads(value)
    end = float(result["end"]) if result is not None else ended
    begin = start if start is not None else end
    gaps = [b - a for a, b in itertools.pairwise([begin, *beats, end])]
    rows = [Row(**row) for row in result["rows"]] if result is not None else []
    elapsed = float(result["elapsed"]) if result is not None else end - begin
    return Run(elapsed, killed, ended - launched, rows, len(beats), max(gaps, default=0.0), error)


def report(label: str, outcome: Run, deadline: float) -> bool:
    """Print one run's rows, heartbeat and verdict; True when it meets the target."""
    for row in outcome.rows:
        name = row.url.removeprefix(LAB) if len(outcome.rows) > 1 else label
        print(f"  {name:<40} {row.elapsed:6.2f} s / {deadline:g} s  {row.describe()}")
    if not outcome.rows:
        print(f"  {label:<40}  no outcome")
    problems = outcome.problems(deadline)
    print(
        f"  {'':<40} {outcome.ticks} heartbeats, longest gap {outcome.max_gap:.2f} s; "
        + ("meets the target" if not problems else "MISSES: " + "; ".join(problems))
    )
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadline", type=float, default=10.0, help="the Fetcher's deadline, seconds")
    parser.add_argument("--mode", default="api", choices=["api", "main", "text"], help="extract_mode")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("routes", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.routes, args.deadline, cast("ExtractMode", args.mode))
        return
    print(f"target: {TARGET}")
    print(
        f"Fetcher(deadline={args.deadline:g} s, extract_mode={args.mode!r}); each child is killed after "
        f"deadline + {GRACE:g} s; responsive = no heartbeat gap over {RESPONSIVE_GAP:g} s"
    )
    print("one route per process:")
    met = [report(route, run([route], args.deadline, args.mode), args.deadline) for route in HOSTILE_ROUTES]
    print("all routes in one fetch_many:")
    together = report("(all)", run(list(HOSTILE_ROUTES), args.deadline, args.mode), args.deadline)
    print(
        f"{sum(met)} of {len(met)} routes meet the target alone; together: {'met' if together else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
