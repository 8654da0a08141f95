"""A finished message as the Messages API streams it (server-sent events, as recorded traffic shows).

``message_start`` carries the message with empty ``content``, ``stop_reason: null`` and the usage of
the **first sampling pass** (``output_tokens: 1``, no ``server_tool_use`` yet); then per block
``content_block_start`` → deltas → ``content_block_stop``, with ``ping`` events interleaved (after
``message_start`` and after every :data:`PING_EVERY` blocks); then ``message_delta`` (``stop_reason``,
``stop_details: null`` and the final usage: the **sum** over the passes) and ``message_stop``.

Per block type, as recorded:

- ``text`` starts empty; a text block with citations starts with ``"citations": []`` and each
  ``citations_delta`` comes **before** the ``text_delta`` it annotates (here: the one citation of a
  quote, then the quote's text in chunks of :data:`TEXT_CHUNK_CHARS`).
- ``server_tool_use`` starts with ``input: {}``; its first ``input_json_delta`` is ``""``, then the
  input JSON in small fragments of :data:`JSON_CHUNK_CHARS`.
- ``web_fetch_tool_result`` and ``web_search_tool_result`` arrive whole in ``content_block_start``.

The SDK's ``MessageStream.get_final_message()`` rebuilds exactly the non-streamed message from these.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["JSON_CHUNK_CHARS", "PING_EVERY", "TEXT_CHUNK_CHARS", "sse_events", "sse_frame"]

TEXT_CHUNK_CHARS = 48
JSON_CHUNK_CHARS = 12
PING_EVERY = 4
_DELTA_USAGE_KEYS = (
    "input_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "output_tokens",
    "server_tool_use",
)


def sse_frame(event: str, data: Mapping[str, Any]) -> bytes:
    """One server-sent event: ``event:`` and ``data:`` lines and a blank line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _delta(index: int, delta: dict[str, Any]) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": delta}


def _block_events(index: int, block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    kind = block["type"]
    if kind == "text":
        start: dict[str, Any] = {"type": "text", "text": ""}
        citations = block.get("citations") or ()
        if citations:
            start["citations"] = []
        yield {"type": "content_block_start", "index": index, "content_block": start}
        for citation in citations:
            yield _delta(index, {"type": "citations_delta", "citation": citation})
        for piece in _chunks(block["text"], TEXT_CHUNK_CHARS):
            yield _delta(index, {"type": "text_delta", "text": piece})
    elif kind in ("server_tool_use", "tool_use"):
        yield {"type": "content_block_start", "index": index, "content_block": {**block, "input": {}}}
        partial = json.dumps(block["input"], ensure_ascii=False)
        for piece in ("", *_chunks(partial, JSON_CHUNK_CHARS)):
            yield _delta(index, {"type": "input_json_delta", "partial_json": piece})
    else:
        yield {"type": "content_block_start", "index": index, "content_block": dict(block)}
    yield {"type": "content_block_stop", "index": index}


def sse_events(message: Mapping[str, Any], *, start_usage: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The event payloads that stream ``message`` (a complete non-streamed message dict).

    ``start_usage`` is ``message_start``'s usage (the first pass); ``message_delta`` gives the final one.
    """
    usage = message["usage"]
    yield {
        "type": "message_start",
        "message": {
            **message,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "stop_details": None,
            "usage": dict(start_usage),
        },
    }
    yield {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
        if (index + 1) % PING_EVERY == 0:
            yield {"type": "ping"}
    yield {
        "type": "message_delta",
        "delta": {
            "stop_reason": message["stop_reason"],
            "stop_sequence": message.get("stop_sequence"),
            "stop_details": message.get("stop_details"),
        },
        "usage": {key: usage[key] for key in _DELTA_USAGE_KEYS if key in usage},
    }
    yield {"type": "message_stop"}
