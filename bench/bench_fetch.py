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
2. Real pages: the article extraction benchmark's 181 pages (``ARTICLE_BENCHMARK_REPO``, the set issue
   #12 was measured on) and :data:`REAL_PAGES` pages of trafilatura's evaluation set evenly spread
   (``TRAFILATURA_REPO``), read at run time from local copies as ``bench_extract`` does (a set without
   one is skipped), served as they are (``text/html``, no charset) by a lean child process on 127.0.0.1
   and fetched with the fetcher's own HTTP client (no injected transport: the path a real fetch takes),
   ``fetch_many`` at concurrency 8 with one and two warm workers timed in turn (median of
   :data:`REAL_ROUNDS` rounds each), in both modes. A real article costs
   trafilatura ~40 ms, against ~12 ms for a corpus page, so the parent's fixed share per fetch (HTTP,
   the guard) weighs less. The CPU time of the fetcher's process, the workers and the server per page is
   printed beside the rates: it is what bounds the use of the second core.
3. A cache hit with an injected transport (the corpus) and without one (a real client would load the
   CA bundle): the hit must not build a client either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from webfetch_kit.lab.corpus import documents, serve
from webfetch_kit.net.cache import FetchCache
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.net.loopback import LISTEN_BACKLOG
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.reading.extract import ExtractMode
from webfetch_kit.rules.policy import FetchPolicy

MODES: tuple[ExtractMode, ...] = ("text", "api")
ROUNDS = 3
REPEAT = 4
HITS = 200
REAL_PAGES = 120
REAL_ROUNDS = 5
TICK = os.sysconf("SC_CLK_TCK")


def pages_per_second(fetcher: Fetcher, urls: list[str], concurrency: int) -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        outcomes = fetcher.fetch_many(urls, concurrency=concurrency, progress=False)
        timings.append(time.perf_counter() - started)
    assert len(outcomes) == len(urls)
    return len(urls) / statistics.median(timings)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def child_server(argv: list[str], port: int) -> Iterator[int]:
    """A server started as ``argv`` in a child process, once it listens on ``port``; yields its pid."""
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"the child server {argv} did not start listening")
        yield child.pid
    finally:
        child.terminate()
        child.wait()


@contextlib.contextmanager
def corpus_in_a_child() -> Iterator[int]:
    """The corpus served by ``webfetch-kit serve-corpus`` in a child process; yields its port."""
    port = free_port()
    with child_server([sys.executable, "-m", "webfetch_kit.cli", "serve-corpus", "--port", str(port)], port):
        yield port


def serve_directory(directory: str, port: int) -> None:
    """The child side of :func:`real_pages`: ``GET /<name>`` answers that file of ``directory`` as text/html.

    A lean server (one asyncio loop, the pages held in memory, one response per connection) so that the
    harness takes as little as it can of the two cores the fetcher is measured on (~0.6 ms of CPU a
    page, against ~1.3 ms for a thread-per-connection ``http.server``).
    """
    pages = {f"/{file.name}".encode(): file.read_bytes() for file in Path(directory).iterdir()}

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await reader.readuntil(b"\r\n\r\n")
            body = pages.get(request.split(b" ", 2)[1])
            if body is None:
                writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            else:
                head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n"
                writer.write(head.encode() + b"Connection: close\r\n\r\n" + body)
            await writer.drain()
        except (OSError, asyncio.IncompleteReadError, IndexError):
            pass
        finally:
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(answer, "127.0.0.1", port, backlog=LISTEN_BACKLOG)
        await server.serve_forever()

    asyncio.run(main())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def real_pages() -> None:
    from bench_extract import SETS, load_articles, load_pages

    for key, variable, load in (
        ("articles", "ARTICLE_BENCHMARK_REPO", load_articles),
        ("trafilatura", "TRAFILATURA_REPO", lambda path: load_pages(path, REAL_PAGES)),
    ):
        repo = os.environ.get(variable)
        if not repo or not Path(repo).exists():
            print(f"real pages: {SETS[key][0]} skipped (set {variable} to a local copy of {SETS[key][1]})")
            continue
        bodies = [page.body for page in load(Path(repo))]
        print(f"real pages: {len(bodies)} pages of {SETS[key][0]}")
        real_pages_of(bodies)
    print("target: 2 workers >= 1.7x one worker (issue #12, on real pages)")


def real_pages_of(bodies: list[bytes]) -> None:
    port = free_port()
    with tempfile.TemporaryDirectory() as directory:
        for index, body in enumerate(bodies):
            Path(directory, f"{index}.html").write_bytes(body)
        argv = [sys.executable, __file__, "--serve", directory, str(port)]
        with child_server(argv, port) as server_pid:
            urls = [f"http://127.0.0.1:{port}/{index}.html" for index in range(len(bodies))]
            print(f"  {sum(map(len, bodies)) / len(bodies) / 1024:.0f} KB a page on average")
            for mode in MODES:
                compare_pools(urls, mode, port, server_pid)


def compare_pools(urls: list[str], mode: ExtractMode, port: int, server_pid: int) -> None:
    """One- and two-worker pools, both warm, timed round by round in turn (1, 2, 1, 2...).

    A slower stretch of a shared machine then falls on both sides, not on one; the idle workers of the
    other pool cost nothing. The CPU time of each side's rounds is split between the fetcher's process,
    its workers and the server.
    """
    options = {"allow_hosts": [f"127.0.0.1:{port}"], "cache": False, "extract_mode": mode}
    pools = {workers: ExtractionPool(workers) for workers in (1, 2)}
    seconds: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [0.0, 0.0, 0.0], 2: [0.0, 0.0, 0.0]}
    with contextlib.ExitStack() as stack:
        fetchers = {}
        for workers, pool in pools.items():
            stack.enter_context(pool.acquire())
            pool.start()
            fetcher = stack.enter_context(Fetcher(FetchPolicy(), **options, pool=pool))  # type: ignore[arg-type]
            assert all(o.ok for o in fetcher.fetch_many(urls, concurrency=8, progress=False))  # warm
            fetchers[workers] = fetcher
        for _ in range(REAL_ROUNDS):
            for workers, fetcher in fetchers.items():
                pids = pools[workers].pids
                before = (time.process_time(), sum(map(cpu_seconds, pids)), cpu_seconds(server_pid))
                started = time.perf_counter()
                assert len(fetcher.fetch_many(urls, concurrency=8, progress=False)) == len(urls)
                seconds[workers].append(time.perf_counter() - started)
                assert pools[workers].pids == pids, "a worker was replaced: the CPU split would be wrong"
                after = (time.process_time(), sum(map(cpu_seconds, pids)), cpu_seconds(server_pid))
                for index, (a, b) in enumerate(zip(before, after, strict=True)):
                    cpu[workers][index] += b - a
    rates = {workers: len(urls) / statistics.median(times) for workers, times in seconds.items()}
    for workers, rate in rates.items():
        parent, work, served = (1000 * total / (REAL_ROUNDS * len(urls)) for total in cpu[workers])
        print(
            f"  {mode:<4} pool {workers} worker(s), concurrency 8: {rate:.1f} pages/s;"
            f" CPU ms/page: fetcher {parent:.1f}, workers {work:.1f}, server {served:.1f}"
        )
    print(f"{mode:<4} real pages ratio 2 workers / 1 worker at concurrency 8: {rates[2] / rates[1]:.2f}")


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        serve_directory(sys.argv[2], int(sys.argv[3]))
        return
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
    print("the corpus pages are small (~12 ms of trafilatura each): see the real pages below for the target")
    for name, ms in hit_ms.items():
        print(f"cache hit {name}: median {ms:.2f} ms over {HITS}")
    with_t, without_t = hit_ms["with the corpus transport"], hit_ms["without a transport"]
    print(f"ratio cache hit without / with transport: {without_t / with_t:.2f}")
    real_pages()


if __name__ == "__main__":
    main()
