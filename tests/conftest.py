"""Shared test set-up: no test sees the developer's API key or backend choice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from webfetch_kit.lab.corpus import CorpusSite


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "WEBFETCH_BACKEND", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def corpus_site() -> Iterator[CorpusSite]:
    """The local corpus served on 127.0.0.1 (an ephemeral port) for the whole test session."""
    from webfetch_kit.lab.corpus import serve

    with serve() as site:
        yield site
