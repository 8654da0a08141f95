"""Set-up for the tests that run the project's `make` targets (make lab, wheelhouse, notebooks)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _no_outer_make(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under `make unit`, the outer make's flags and command-line variables (MAKEFLAGS) would reach the
    # makes these tests start, and change what they run.
    for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        monkeypatch.delenv(name, raising=False)
