"""Benchmark: the kit's fetcher over the corpus, like for like, and the cost of a cache hit.

Prints figures and ratios (not a test), each ratio measured in this one run with the same work on both
sides. Run with ``make bench`` or ``.venv/bin/python bench/bench_fetch.py``.

1. ``fetch_many`` over every corpus URL, four times (HTML, text, PDFs and the error routes alike), no
   cache: at concurrency 1 and 8, with a one-worker and a two-worker extraction pool (both warm).
   The pages are the same on every side; "2 workers / 1 worker" is the use of the second core.
2. A cache hit with an injected transport (the corpus) and without one (a real client would load the
   CA bundle): the hit must not build a client either way.
"""

from __future__ import annotations

import statistics
import time

from webfetch_kit.lab.corpus import documents, serve
from webfetch_kit.net.cache import FetchCache
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.rules.policy import FetchPolicy

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


def main() -> None:
    with serve() as site:
        # Every corpus URL four times: the longest page (~0.5 s of trafilatura) must not be the whole
        # round, or the round measures one page's critical path instead of the cores.
        urls = [site.url(f"{d.host}{d.path}") for d in documents()] * REPEAT
        rates: dict[tuple[int, int], float] = {}
        for workers in (1, 2):
            pool = ExtractionPool(workers)
            with pool.acquire(), Fetcher(FetchPolicy(), **site.fetch_options(), cache=False, pool=pool) as f:
                pool.start()
                f.fetch_many(urls, concurrency=8, progress=False)  # warm: workers ready, imports done
                for concurrency in (1, 8):
                    rates[workers, concurrency] = pages_per_second(f, urls, concurrency)
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
    for (workers, concurrency), rate in rates.items():
        print(f"  pool {workers} worker(s), concurrency {concurrency}: {rate:.1f} pages/s")
    for concurrency in (1, 8):
        print(
            f"ratio 2 workers / 1 worker at concurrency {concurrency}: "
            f"{rates[2, concurrency] / rates[1, concurrency]:.2f}"
        )
    print(f"ratio concurrency 8 / concurrency 1 with 2 workers: {rates[2, 8] / rates[2, 1]:.2f}")
    for name, ms in hit_ms.items():
        print(f"cache hit {name}: median {ms:.2f} ms over {HITS}")
    with_t, without_t = hit_ms["with the corpus transport"], hit_ms["without a transport"]
    print(f"ratio cache hit without / with transport: {without_t / with_t:.2f}")


if __name__ == "__main__":
    main()
