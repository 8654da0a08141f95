"""Fixtures for the emulator tests: runtime, fake clock, a running emulator and an SDK client."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest
from emulator_support import CorpusRuntime, FakeClock

from webfetch_kit.emulator import EmulatorServer


@pytest.fixture
def runtime() -> CorpusRuntime:
    return CorpusRuntime()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server(runtime: CorpusRuntime, clock: FakeClock) -> Iterator[EmulatorServer]:
    with EmulatorServer(runtime, clock=clock) as emulator:
        yield emulator


@pytest.fixture
def client(server: EmulatorServer) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0, timeout=30) as sdk:
        yield sdk
