"""Helpers for the tests that start extraction workers: what the workers can import, and waiting for them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from webfetch_kit.net.pool import ExtractionPool

HERE = Path(__file__).resolve().parent


def let_workers_import_this_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Worker processes started from now on (in this test) can import tests/net's modules (``pool_jobs``,
    ``broken_tokenizer``): they inherit PYTHONPATH, not this process's sys.path."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])))


def start_every_worker(pool: ExtractionPool) -> None:
    """Start the pool's workers (under a lease the caller holds) and wait until each has said ready."""
    pool.start()
    while True:
        with pool._lock:
            if all(slot.ready or slot.poll_ready() for slot in pool._slots):
                return
        threading.Event().wait(0.01)
