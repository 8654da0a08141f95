"""Jobs for tests/net/test_pool.py, importable in a worker process (the tests put this folder on PYTHONPATH).

Each factory returns an object with ``run()`` and ``finish(stopped)``, as the pool's jobs have. None of them
depends on time: they finish at once, or never.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field


@dataclass
class Quick:
    value: str

    def run(self) -> None:
        pass

    def finish(self, stopped: str | None) -> tuple[str, str | None, int]:
        return self.value, stopped, os.getpid()


def quick(value: str) -> Quick:
    return Quick(value)


@dataclass
class Forever:
    """Runs until its process ends; hands back what it did so far."""

    steps: list[int] = field(default_factory=list)

    def run(self) -> None:
        never = threading.Event()
        self.steps.append(1)
        never.wait()

    def finish(self, stopped: str | None) -> tuple[str, tuple[int, ...], str | None]:
        return "partial", tuple(self.steps), stopped


def forever() -> Forever:
    return Forever()


def stuck() -> Quick:
    # Blocks the worker's main thread itself, so it can never answer at its budget: the parent must kill it.
    threading.Event().wait()
    raise AssertionError("unreachable")


def crash(code: int) -> Quick:
    os._exit(code)


class Failing:
    def run(self) -> None:
        raise ValueError("a bug in the job")

    def finish(self, stopped: str | None) -> None:
        raise AssertionError("finish is not called after run raised")


def failing() -> Failing:
    return Failing()
