"""A finished message as the Messages API streams it (server-sent events, in the documented order).

``message_start`` (the message with empty ``content``, ``stop_reason: null`` and the usage known
before generation: cached and uncached prompt tokens, ``output_tokens: 1``), a ``ping``, then per block
``content_block_start`` → deltas → ``content_block_stop``, then ``message_delta`` (``stop_reason`` and the
cumulative usage: output tokens, input tokens including this turn's tool results, cache figures and
``server_tool_use``) and ``message_stop``.

Deltas per block type: ``text`` starts empty and receives ``text_delta`` chunks, then one
``citations_delta`` per citation; ``server_tool_use`` starts with ``input: {}`` and receives its input
as ``input_json_delta`` fragments; tool result blocks arrive whole in ``content_block_start``. The SDK's
``MessageStream.get_final_message()`` rebuilds exactly the non-streamed message from these events.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["TEXT_CHUNK_CHARS", "sse_events", "sse_frame"]

TEXT_CHUNK_CHARS = 48


def sse_frame(event: str, data: Mapping[str, Any]) -> bytes:
    """One server-sent event: ``event:`` and ``data:`` lines and a blank line."""
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def _chunks(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def _block_events(index: int, block: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    kind = block["type"]
    if kind == "text":
        yield {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}}
        for piece in _chunks(block["text"], TEXT_CHUNK_CHARS):
            yield {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": piece},
            }
        for citation in block.get("citations") or ():
            yield {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "citations_delta", "citation": citation},
            }
    elif kind in ("server_tool_use", "tool_use"):
        yield {"type": "content_block_start", "index": index, "content_block": {**block, "input": {}}}
        partial = json.dumps(block["input"], ensure_ascii=False)
        half = len(partial) // 2
        for piece in (partial[:half], partial[half:]):
            if piece:
                yield {
                    "type": "content_block_delta",
                    "index": index,
                    "delta": {"type": "input_json_delta", "partial_json": piece},
                }
    else:
        yield {"type": "content_block_start", "index": index, "content_block": dict(block)}
    yield {"type": "content_block_stop", "index": index}


def sse_events(message: Mapping[str, Any], *, start_input_tokens: int) -> Iterator[dict[str, Any]]:
    """The event payloads that stream ``message`` (a complete non-streamed message dict).

    ``start_input_tokens`` is the input known before generation (the uncached prompt tokens), reported
    in ``message_start``; ``message_delta`` then gives the final cumulative figures.
    """
    usage = message["usage"]
    start_usage = {
        **usage,
        "input_tokens": start_input_tokens,
        "output_tokens": 1,
        "server_tool_use": {"web_fetch_requests": 0, "web_search_requests": 0},
    }
    yield {
        "type": "message_start",
        "message": {
            **message,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": start_usage,
        },
    }
    yield {"type": "ping"}
    for index, block in enumerate(message["content"]):
        yield from _block_events(index, block)
    yield {
        "type": "message_delta",
        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": message.get("stop_sequence")},
        "usage": {
            "output_tokens": usage["output_tokens"],
            "input_tokens": usage["input_tokens"],
            "cache_creation_input_tokens": usage["cache_creation_input_tokens"],
            "cache_read_input_tokens": usage["cache_read_input_tokens"],
            "server_tool_use": usage["server_tool_use"],
        },
    }
    yield {"type": "message_stop"}
