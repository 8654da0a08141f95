"""Benchmark: `import webfetch_kit` wall time in a fresh interpreter (goal: under 0.5 s)."""

from __future__ import annotations

import statistics
import subprocess
import sys

CODE = "import time; t = time.perf_counter(); import webfetch_kit; print(time.perf_counter() - t)"


def main() -> None:
    runs = [float(subprocess.check_output([sys.executable, "-c", CODE], text=True)) for _ in range(7)]
    median = statistics.median(runs)
    print(f"import webfetch_kit: median {median * 1000:.0f} ms over {len(runs)} fresh interpreters")
    print(f"ratio to the 0.5 s goal: {median / 0.5:.2f}")


if __name__ == "__main__":
    main()
