"""The ``usage`` object of a response, as the API reports it.

"Total input tokens in a request is the summation of ``input_tokens``, ``cache_creation_input_tokens``,
and ``cache_read_input_tokens``" (SDK ``Usage``). Here ``input_tokens`` is the prefix's uncached tokens
plus the server tool results added during this turn (fetched documents and search results count as
input in the turn that fetched them); ``output_tokens`` counts the generated blocks (text and
``server_tool_use``), with :func:`webfetch_kit.tokens.count_tokens` like everything else.
"""

from __future__ import annotations

from typing import Any

from .promptcache import CachePlan

__all__ = ["usage_dict"]


def usage_dict(
    plan: CachePlan,
    *,
    turn_input_tokens: int,
    output_tokens: int,
    web_fetch_requests: int,
    web_search_requests: int,
) -> dict[str, Any]:
    """The ``usage`` JSON of a message."""
    return {
        "input_tokens": plan.uncached_tokens + turn_input_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": plan.write_tokens,
        "cache_read_input_tokens": plan.read_tokens,
        "cache_creation": {
            "ephemeral_5m_input_tokens": plan.write_5m_tokens,
            "ephemeral_1h_input_tokens": plan.write_1h_tokens,
        },
        "server_tool_use": {
            "web_fetch_requests": web_fetch_requests,
            "web_search_requests": web_search_requests,
        },
        "service_tier": "standard",
    }
