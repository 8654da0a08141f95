"""One search result about tides, and a response citing it: shared by the citation tests."""

from __future__ import annotations

from typing import Any


def tide_search(**changes: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(response, conversation): a user turn holding one search result, a text citing its block 0.

    ``changes`` replace fields of the ``search_result_location`` citation.
    """
    search_result = {
        "type": "search_result",
        "source": "https://kb.example.com/tides",
        "title": "Tides",
        "content": [{"type": "text", "text": "Tides follow the Moon."}],
        "citations": {"enabled": True},
    }
    conversation = [{"role": "user", "content": [search_result, {"type": "text", "text": "Why?"}]}]
    citation = {
        "type": "search_result_location",
        "cited_text": "Tides follow the Moon.",
        "search_result_index": 0,
        "source": "https://kb.example.com/tides",
        "title": "Tides",
        "start_block_index": 0,
        "end_block_index": 1,
        **changes,
    }
    response = [{"type": "text", "text": "The Moon.", "citations": [citation]}]
    return response, conversation
