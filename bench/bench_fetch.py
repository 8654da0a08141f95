"""Benchmark: the kit's fetch_many over the whole corpus vs a plain sequential httpx + trafilatura loop.

Prints figures and ratios (not a test). The plain loop has none of the kit's guards (no policy, no DNS
check, no caps): it is the floor a guarded fetcher is measured against. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import time

import httpx
import trafilatura

from webfetch_kit.lab.corpus import documents, serve
from webfetch_kit.net.cache import FetchCache
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.rules.policy import FetchPolicy

ROUNDS = 5


def plain_loop(urls: list[str], transport: httpx.BaseTransport) -> float:
    started = time.perf_counter()
    with httpx.Client(transport=transport) as client:
        for url in urls:
            response = client.get(url)
            if response.headers.get("content-type", "").startswith("text/html"):
                trafilatura.extract(response.text)
    return time.perf_counter() - started


def main() -> None:
    with serve() as site:
        urls = [site.url(f"{d.host}{d.path}") for d in documents()]

        def fetcher() -> Fetcher:
            return Fetcher(FetchPolicy(), **site.fetch_options(), cache=False)

        plain_loop(urls, site.transport())  # warm imports and trafilatura
        fetcher().fetch_many(urls, progress=False)
        plain = [plain_loop(urls, site.transport()) for _ in range(ROUNDS)]
        kit = []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            outcomes = fetcher().fetch_many(urls, concurrency=8, progress=False)
            kit.append(time.perf_counter() - started)
        ok = sum(o.ok for o in outcomes)

        cached = Fetcher(FetchPolicy(), **site.fetch_options(), cache=FetchCache())
        page = site.url("docs.example.com/guide/web-fetch")
        miss_started = time.perf_counter()
        cached.fetch(page)
        miss = time.perf_counter() - miss_started
        hits = []
        for _ in range(50):
            started = time.perf_counter()
            assert cached.fetch(page).from_cache
            hits.append(time.perf_counter() - started)

    plain_med, kit_med, hit_med = statistics.median(plain), statistics.median(kit), statistics.median(hits)
    print(f"corpus: {len(urls)} URLs, {ok} fetched as documents by the kit (the rest are error outcomes)")
    print(f"plain sequential httpx + trafilatura: median {plain_med * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"kit fetch_many (concurrency 8, guards on): median {kit_med * 1000:.0f} ms over {ROUNDS} rounds")
    print(f"ratio kit / plain: {kit_med / plain_med:.2f}")
    print(f"100 KB page: first fetch {miss * 1000:.1f} ms, cache hit median {hit_med * 1000:.2f} ms")
    print(f"ratio cache hit / first fetch: {hit_med / miss:.3f}")


if __name__ == "__main__":
    main()
