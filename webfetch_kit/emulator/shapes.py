"""Response blocks in the shape recorded real API traffic shows, whatever the tool runtime returned.

The runtime returns SDK-valid blocks (``webfetch_kit.blocks``); the real API's JSON differs in details a
client can see, and the emulator sends what the API sends:

- ``server_tool_use`` and both tool-result blocks carry ``caller: {"type": "direct"}`` (a call made from
  code execution would name it instead; the emulator makes none).
- ``retrieved_at`` is written ``2025-07-17T21:38:38.606000+00:00``: microseconds and a ``+00:00`` offset.
- A document whose citations are off has no ``citations`` key; with citations on it is
  ``{"enabled": true}``. A ``text`` block with no citations has no ``citations`` key either.
- Every ``web_search_result`` has a ``page_age`` key (``null`` when the page has no date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ..blocks import server_tool_use_block

__all__ = [
    "DIRECT_CALLER",
    "recorded_time",
    "result_block",
    "server_tool_use",
    "text_block",
]

DIRECT_CALLER: dict[str, str] = {"type": "direct"}


def _caller() -> dict[str, str]:
    return dict(DIRECT_CALLER)


def recorded_time(value: str) -> str:
    """An ISO 8601 time as the API writes ``retrieved_at`` (``...T21:38:38.606000+00:00``).

    A value that is not an ISO time is returned unchanged (the runtime's, not the emulator's, fault).
    """
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _document(document: Mapping[str, Any]) -> dict[str, Any]:
    shaped = dict(document)
    citations = shaped.pop("citations", None)
    if isinstance(citations, Mapping) and citations.get("enabled"):
        shaped["citations"] = {"enabled": True}
    return shaped


def _fetch_content(content: Any) -> Any:
    if not isinstance(content, Mapping) or content.get("type") != "web_fetch_result":
        return content
    shaped = dict(content)
    if isinstance(shaped.get("retrieved_at"), str):
        shaped["retrieved_at"] = recorded_time(shaped["retrieved_at"])
    if isinstance(shaped.get("content"), Mapping):
        shaped["content"] = _document(shaped["content"])
    return shaped


def _search_content(content: Any) -> Any:
    if not isinstance(content, Sequence) or isinstance(content, str):
        return content
    return [{**result, "page_age": result.get("page_age")} for result in content]


def result_block(block: Mapping[str, Any]) -> dict[str, Any]:
    """A ``web_fetch_tool_result`` or ``web_search_tool_result`` block in the recorded shape."""
    shaped = dict(block)
    if shaped.get("type") == "web_fetch_tool_result":
        shaped["content"] = _fetch_content(shaped.get("content"))
    elif shaped.get("type") == "web_search_tool_result":
        shaped["content"] = _search_content(shaped.get("content"))
    shaped["caller"] = _caller()
    return shaped


def server_tool_use(
    tool_use_id: str, name: Literal["web_fetch", "web_search"], tool_input: Mapping[str, Any]
) -> dict[str, Any]:
    """A ``server_tool_use`` block, as the API sends it (``caller`` included)."""
    return {**server_tool_use_block(tool_use_id, name, tool_input), "caller": _caller()}


def text_block(text: str, citations: Sequence[Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A ``text`` block: ``citations`` only when there are some."""
    block: dict[str, Any] = {"type": "text", "text": text}
    if citations:
        block["citations"] = [dict(c) for c in citations]
    return block
