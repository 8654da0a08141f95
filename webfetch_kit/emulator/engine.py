"""One Messages API turn, end to end: prefix accounting, the stand-in, usage, the cache commit.

``Engine.create`` is the whole non-HTTP behaviour of ``POST /v1/messages``; ``Engine.count_tokens`` is
``POST /v1/messages/count_tokens``: the prompt's input tokens *before any server tool runs* and
ignoring the cache (every prefix block counted, nothing read or written), which is the "uncached worst
case" the real endpoint gives too.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .._env import __version__
from .models import min_cacheable_tokens
from .prefix import PrefixBlock, canonical_json, prefix_blocks
from .promptcache import CachePlan, PromptCache
from .runtime import ServerTools, ToolRuntime
from .standin import STANDIN_NAME, generate
from .usage import usage_dict
from .validation import MessagesRequest

__all__ = ["EMULATOR_INFO", "Engine", "Turn"]

EMULATOR_INFO: dict[str, str] = {
    "name": "webfetch-kit emulator",
    "version": __version__,
    "model": STANDIN_NAME,
    "note": "Offline Messages API subset on 127.0.0.1; answers are extractive quotes, not Claude's.",
}


@dataclass(frozen=True)
class Turn:
    """A finished turn: the message JSON and its cache plan."""

    message: dict[str, Any]
    plan: CachePlan

    @property
    def start_input_tokens(self) -> int:
        """The input known before generation (the uncached prompt tokens), for ``message_start``."""
        return self.plan.uncached_tokens


def _breakpoints(request: MessagesRequest, blocks: list[PrefixBlock]) -> list[tuple[int, str]]:
    where = {block.path: i for i, block in enumerate(blocks)}
    points: list[tuple[int, str]] = []
    for point in request.breakpoints:
        # Top-level cache_control "applies a cache_control marker to the last cacheable block" (SDK).
        index = len(blocks) - 1 if point.path == "cache_control" else where.get(point.path)
        if index is not None and index >= 0:
            points.append((index, point.ttl))
    return points


class Engine:
    """The emulator's state (prompt cache, message counter) and its two operations."""

    def __init__(self, runtime: ToolRuntime, *, clock: Callable[[], float]) -> None:
        self.runtime = runtime
        self.cache = PromptCache(clock)
        self._counter = itertools.count(1)
        self._counter_lock = threading.Lock()

    def count_tokens(self, request: MessagesRequest) -> int:
        """The request's input tokens before server tools, ignoring the cache."""
        return sum(b.tokens for b in prefix_blocks(request.tools, request.system, request.messages))

    def create(self, request: MessagesRequest) -> Turn:
        """Run one turn and commit its cache writes; returns the message JSON."""
        blocks = prefix_blocks(request.tools, request.system, request.messages)
        plan = self.cache.plan(
            request.model, blocks, _breakpoints(request, blocks), min_cacheable_tokens(request.model)
        )
        fingerprint = hashlib.sha256(
            canonical_json(
                {
                    "model": request.model,
                    "tools": request.tools,
                    "system": request.system,
                    "messages": request.messages,
                }
            ).encode()
        ).hexdigest()
        tools = ServerTools(self.runtime, request.tools, request.messages, id_seed=fingerprint)
        assert request.max_tokens is not None
        generation = generate(request.messages, tools, max_tokens=request.max_tokens)
        with self._counter_lock:
            serial = next(self._counter)
        message = {
            "id": "msg_emu_" + hashlib.sha256(f"{fingerprint}:{serial}".encode()).hexdigest()[:24],
            "type": "message",
            "role": "assistant",
            "model": request.model,
            "content": generation.content,
            "stop_reason": generation.stop_reason,
            "stop_sequence": None,
            "usage": usage_dict(
                plan,
                turn_input_tokens=generation.turn_input_tokens,
                output_tokens=generation.output_tokens,
                web_fetch_requests=generation.web_fetch_requests,
                web_search_requests=generation.web_search_requests,
            ),
            "emulator": dict(EMULATOR_INFO),
        }
        # "A cache entry only becomes available after the first response begins": written now, just
        # before the response's first byte.
        self.cache.commit(plan)
        return Turn(message, plan)
