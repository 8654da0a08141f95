"""Benchmark: the kit's fetcher over the corpus, like for like, and the cost of a cache hit.

Prints figures and ratios (not a test), each ratio measured in this one run with the same work on both
sides. Run with ``make bench`` or ``.venv/bin/python bench/bench_fetch.py``.

1. ``fetch_many`` over every corpus URL, four times (HTML, text, PDFs and the error routes alike), no
   cache: at concurrency 1 and 8, with a one-worker and a two-worker extraction pool (both warm), in
   ``text`` mode (trafilatura: the extraction is most of the work, which the pool spreads over the cores)
   and in ``api`` mode, the default (html-to-markdown is ~3x cheaper, so the parent's share — HTTP, the
   guard, token counting — bounds the gain). The corpus is served by a child process
   (``webfetch-kit serve-corpus``), as a web server would be, so serving its pages is not counted as
   the fetcher's work; the fetcher's corpus transport is pointed at that server's port.
   The pages are the same on every side; "2 workers / 1 worker" is the use of the second core.
2. A cache hit with an injected transport (the corpus) and without one (a real client would load the
   CA bundle): the hit must not build a client either way.
"""

from __future__ import annotations

import contextlib
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

from webfetch_kit.lab.corpus import documents, serve
from webfetch_kit.net.cache import FetchCache
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.reading.extract import ExtractMode
from webfetch_kit.rules.policy import FetchPolicy

MODES: tuple[ExtractMode, ...] = ("text", "api")
ROUNDS = 3
REPEAT = 4
HITS = 200


def pages_per_second(fetcher: Fetcher, urls: list[str], concurrency: int) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        outcomes = fetcher.fetch_many(urls, concurrency=concurrency, progress=False)
        timings.append(time.perf_counter() - started)
    assert len(outcomes) == len(urls)
    return len(urls) / statistics.median(timings)


@contextlib.contextmanager
def corpus_in_a_child() -> Iterator[int]:
    """The corpus served by ``webfetch-kit serve-corpus`` in a child process; yields its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    child = subprocess.Popen(
        [sys.executable, "-m", "webfetch_kit.cli", "serve-corpus", "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("the corpus child process did not start listening")
        yield port
    finally:
        child.terminate()
        child.wait()


def main() -> None:
    with serve() as site, corpus_in_a_child() as port:
        site.port = port  # the transport now delivers to the child's server; this one stays idle
        # Every corpus URL four times: the longest page (~0.5 s of trafilatura) must not be the whole
        # round, or the round measures one page's critical path instead of the cores.
        urls = [site.url(f"{d.host}{d.path}") for d in documents()] * REPEAT
        rates: dict[tuple[ExtractMode, int, int], float] = {}
        for mode in MODES:
            for workers in (1, 2):
                pool = ExtractionPool(workers)
                options = {**site.fetch_options(), "cache": False, "pool": pool, "extract_mode": mode}
                with pool.acquire(), Fetcher(FetchPolicy(), **options) as f:  # type: ignore[arg-type]
                    pool.start()
                    f.fetch_many(urls, concurrency=8, progress=False)  # warm: workers ready, imports done
                    for concurrency in (1, 8):
                        rates[mode, workers, concurrency] = pages_per_second(f, urls, concurrency)
                assert pool.pids == ()

        page = site.url("docs.example.com/guide/web-fetch")
        shared = FetchCache()
        with Fetcher(FetchPolicy(), **site.fetch_options(), cache=shared) as first:
            assert first.fetch(page).ok
        hit_ms: dict[str, float] = {}
        for name, options in (
            ("with the corpus transport", site.fetch_options()),
            ("without a transport", {"allow_hosts": site.hosts, "resolver": site.resolver}),
        ):
            samples = []
            for _ in range(HITS):
                # A new Fetcher each time: what a cache hit costs a fetcher that has made no client yet.
                with Fetcher(FetchPolicy(), **options, cache=shared) as fetcher:  # type: ignore[arg-type]
                    started = time.perf_counter()
                    outcome = fetcher.fetch(page)
                    samples.append(time.perf_counter() - started)
                    assert outcome.from_cache
            hit_ms[name] = statistics.median(samples) * 1000

    print(f"corpus: {len(urls)} URLs per round (the same on every side), median of {ROUNDS} rounds, no cache")
    for (mode, workers, concurrency), rate in rates.items():
        print(f"  {mode:<4} pool {workers} worker(s), concurrency {concurrency}: {rate:.1f} pages/s")
    for mode in MODES:
        for concurrency in (1, 8):
            ratio = rates[mode, 2, concurrency] / rates[mode, 1, concurrency]
            print(f"{mode:<4} ratio 2 workers / 1 worker at concurrency {concurrency}: {ratio:.2f}")
        spread = rates[mode, 2, 8] / rates[mode, 2, 1]
        print(f"{mode:<4} ratio concurrency 8 / concurrency 1 with 2 workers: {spread:.2f}")
    print("target: 2 workers >= 1.7x one worker at concurrency 8 (text mode, where extraction is the work)")
    for name, ms in hit_ms.items():
        print(f"cache hit {name}: median {ms:.2f} ms over {HITS}")
    with_t, without_t = hit_ms["with the corpus transport"], hit_ms["without a transport"]
    print(f"ratio cache hit without / with transport: {without_t / with_t:.2f}")


if __name__ == "__main__":
    main()
