"""Shared test set-up: no test sees the developer's API key or backend choice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

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


@pytest.fixture
def fresh_site() -> Iterator[CorpusSite]:
    """A corpus server of this test's own (an ephemeral port), for assertions on what reached it.

    The session-wide ``corpus_site`` is shared by every test of a worker, so a slow route from an earlier
    test can land in its request log; counts asserted on a ``fresh_site`` see this test's requests only.
    """
    from webfetch_kit.lab.corpus import serve

    with serve() as site:
        yield site


CitedDocument = Callable[..., tuple[list[dict[str, Any]], list[dict[str, Any]]]]


@pytest.fixture
def cited_document() -> CitedDocument:
    """Build a one-document conversation and a response citing ``text[start:end]`` of it.

    ``cited_document(text, start, end, title=..., claim=..., **changes)`` returns ``(response content,
    conversation)``: a text ``document`` block (citations enabled) in the user's message, and one text
    block whose ``char_location`` citation quotes the span. ``changes`` replace citation fields; ``...``
    removes one (for malformed citations).
    """

    def build(
        text: str, start: int, end: int, *, title: str = "Notes", claim: str = "It says so.", **changes: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        document = {
            "type": "document",
            "source": {"type": "text", "media_type": "text/plain", "data": text},
            "title": title,
            "citations": {"enabled": True},
        }
        citation: dict[str, Any] = {
            "type": "char_location",
            "cited_text": text[start:end],
            "document_index": 0,
            "document_title": title,
            "start_char_index": start,
            "end_char_index": end,
        }
        for name, value in changes.items():
            if value is ...:
                del citation[name]
            else:
                citation[name] = value
        conversation = [{"role": "user", "content": [document, {"type": "text", "text": "Quote it."}]}]
        return [{"type": "text", "text": claim, "citations": [citation]}], conversation

    return build
