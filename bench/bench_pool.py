"""Benchmark: the extraction pool's start-up and per-job overhead, and inline vs pool for small pages.

Prints figures and ratios (not a test); this is where ``webfetch_kit.net.reader.INLINE_HTML_BYTES`` comes
from. Run with ``make bench`` or ``.venv/bin/python bench/bench_pool.py``.

1. start-up: from the first job on a cold pool (a fresh interpreter per worker importing trafilatura,
   lxml and pypdf) until its answer, for a trivial job;
2. per-job overhead: a trivial job (a 1-byte text body) on a warm worker, against the same read inline;
3. small corpus pages, read inline vs through a warm one-worker pool (the same pages on both sides);
4. the densest markup of the inline size (an element every 7 bytes), read inline: how far an inline read
   can be from its time bound.
"""

from __future__ import annotations

import statistics
import time

from webfetch_kit.lab.corpus import documents
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.net.reader import _WARM, INLINE_HTML_BYTES, _read_job, read_bounded
from webfetch_kit.reading.extract import read_body

ROUNDS = 20
TRIVIAL = (b"x", "text/plain", "", "text")  # a 1-byte text body: the job's round trip, nothing else


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    # 1. start-up of a cold pool, to the first answer.
    pool = ExtractionPool(1, warm=_WARM)
    with pool.acquire():
        started = time.perf_counter()
        pool.run(_read_job, TRIVIAL, timeout=60, label="60 s")
        startup = time.perf_counter() - started

        # 2. per-job overhead on the warm worker, against the same work inline.
        pooled = []
        for _ in range(ROUNDS * 5):
            started = time.perf_counter()
            pool.run(_read_job, TRIVIAL, timeout=60, label="60 s")
            pooled.append(time.perf_counter() - started)
        inline = []
        for _ in range(ROUNDS * 5):
            started = time.perf_counter()
            read_body(b"x", "text/plain")
            inline.append(time.perf_counter() - started)
        overhead = _median_ms(pooled) - _median_ms(inline)

        # 3. small corpus pages: inline (reading's own read) vs through the warm pool (read_bounded).
        small = [
            (d.file.read_bytes(), d.content_type, d.url)
            for d in documents()
            if d.content_type.startswith("text/html") and d.file.stat().st_size <= INLINE_HTML_BYTES
        ]
        for body, ctype, url in small:  # warm this process's imports too
            read_body(body, ctype, url, mode="text")
        inline_pages, pooled_pages = [], []
        for _ in range(ROUNDS // 4):
            started = time.perf_counter()
            for body, ctype, url in small:
                read_body(body, ctype, url, mode="text")
            inline_pages.append(time.perf_counter() - started)
            started = time.perf_counter()
            for body, ctype, url in small:
                read_bounded(body, ctype, url, mode="text", pool=pool)
            pooled_pages.append(time.perf_counter() - started)
    assert not pool.pids, "the last lease stops the workers"

    # 4. the densest markup of the inline size, read inline.
    dense = ("<html><body>" + "<p>x</p>" * (INLINE_HTML_BYTES // 8) + "</body></html>").encode()[
        :INLINE_HTML_BYTES
    ]
    worst = []
    for _ in range(3):
        started = time.perf_counter()
        read_body(dense, "text/html", mode="text")
        worst.append(time.perf_counter() - started)

    n = len(small)
    print(f"pool start-up (cold worker to first answer): {startup * 1000:.0f} ms")
    print(
        f"per-job: pool {_median_ms(pooled):.2f} ms, inline {_median_ms(inline):.3f} ms, "
        f"overhead {overhead:.2f} ms"
    )
    print(
        f"{n} small HTML pages (<= {INLINE_HTML_BYTES:,} bytes): "
        f"inline {_median_ms(inline_pages) / n:.1f} ms/page, "
        f"pool {_median_ms(pooled_pages) / n:.1f} ms/page, ratio pool / inline "
        f"{statistics.median(pooled_pages) / statistics.median(inline_pages):.2f}"
    )
    print(
        f"start-up / one small page inline: {startup / (statistics.median(inline_pages) / n):.0f}x "
        "(why a cold pool reads small pages inline)"
    )
    print(
        f"densest {INLINE_HTML_BYTES:,}-byte markup inline: median {_median_ms(worst):.0f} ms "
        "(the inline read's worst case; the HTML bound is 5,000 ms)"
    )


if __name__ == "__main__":
    main()
