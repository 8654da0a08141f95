"""Benchmark: median latency of an offline search + fetch + answer turn through the real SDK client."""

from __future__ import annotations

import statistics
import time

from webfetch_kit import workbench

TOOLS = [
    {"type": "web_search_20250305", "name": "web_search", "max_uses": 1},
    {"type": "web_fetch_20250910", "name": "web_fetch", "citations": {"enabled": True}},
]
QUESTIONS = [
    "What is prompt caching and how long do entries live?",
    "How do homograph attacks fool domain filters?",
    "Why do fetchers need a deadline for slow servers?",
]


def main() -> None:
    with workbench.open("offline", quiet=True) as wb:

        def turn(question: str) -> float:
            started = time.perf_counter()
            wb.client.messages.create(
                model=wb.model, max_tokens=1024, messages=[{"role": "user", "content": question}], tools=TOOLS
            )
            return time.perf_counter() - started

        for q in QUESTIONS:
            turn(q)  # warm: search index, extraction, fetch cache
        warm = [turn(QUESTIONS[i % len(QUESTIONS)]) for i in range(30)]
        wb.runtime.cache.clear()  # type: ignore[union-attr]
        cold = []
        for i in range(9):
            wb.runtime.cache.clear()  # type: ignore[union-attr]
            cold.append(turn(QUESTIONS[i % len(QUESTIONS)]))
    print(
        f"offline search+fetch+answer turn, fetch cache cold: median {statistics.median(cold) * 1000:.0f} ms"
    )
    print(
        f"offline search+fetch+answer turn, fetch cache warm: median {statistics.median(warm) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
