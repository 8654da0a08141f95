"""One Messages API turn, end to end: prefix accounting, the stand-in, usage, the cache commit.

``Engine.create`` is the whole non-HTTP behaviour of ``POST /v1/messages``; ``Engine.count_tokens`` is
``POST /v1/messages/count_tokens``, which, like the real endpoint, refuses server tools: any server tool
in ``tools`` is a 400 ``invalid_request_error`` with the real message (``Server tools are not supported
in the count_tokens endpoint: web_fetch_20250910. Use the /v1/messages endpoint instead.``). Users report
the same refusal for server-tool blocks in the history; the emulator refuses those too, naming the block
types (that wording was not recorded). A plain request is counted with the accounting model: message
framing plus its blocks ("What is 2 + 2?" counts 16, as recorded), every prefix block, no cache.

Responses carry what recorded traffic shows: a fresh ``msg_01...`` id (reproducible with a seed, see
:mod:`.ids`), the model alias resolved to its dated id (:func:`webfetch_kit.accounting.resolve_model`,
``data/models.csv``), ``stop_details: null``, and the ``usage`` of :mod:`.usage`. The extra top-level
``emulator`` object says the answer is the stand-in's and the usage an estimate, with its band.

**Newer tool versions.** ``web_fetch_20260209`` and ``web_search_20260209`` and later filter results
through code execution ("dynamic filtering"). The emulator does not emulate that: it runs them as the
2025 versions, but bills their measured (larger) definition overhead and says so in an
``x-webfetch-emulator-note`` header and in ``emulator.notes``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._env import __version__
from ..accounting import (
    count_tokens_input,
    count_tokens_refusal,
    is_dynamic_filtering,
    resolve_model,
    tool_overhead,
    web_tool_types,
)
from .apierrors import ApiError
from .ids import IdSource
from .models import min_cacheable_tokens
from .prefix import PrefixBlock, prefix_blocks, prompt_estimate
from .promptcache import CachePlan, PromptCache
from .runtime import ServerTools, ToolRuntime
from .standin import STANDIN_NAME, generate, turn_so_far
from .usage import turn_usage
from .validation import MessagesRequest

__all__ = ["EMULATOR_INFO", "Engine", "Turn", "version_notes"]

EMULATOR_INFO: dict[str, str] = {
    "name": "webfetch-kit emulator",
    "version": __version__,
    "model": STANDIN_NAME,
    "note": "Offline Messages API subset on 127.0.0.1; answers are extractive quotes, not Claude's; "
    "usage is an estimate of the real API's (see usage.note).",
}
_SERVER_BLOCKS = ("server_tool_use", "web_fetch_tool_result", "web_search_tool_result")


@dataclass(frozen=True)
class Turn:
    """A finished turn: the message JSON, its cache plan, ``message_start``'s usage and any notes."""

    message: dict[str, Any]
    plan: CachePlan
    start_usage: dict[str, Any]
    notes: tuple[str, ...] = field(default=())


def _breakpoints(request: MessagesRequest, blocks: list[PrefixBlock]) -> list[tuple[int, str]]:
    where = {block.path: i for i, block in enumerate(blocks)}
    points: list[tuple[int, str]] = []
    for point in request.breakpoints:
        # Top-level cache_control "applies a cache_control marker to the last cacheable block" (SDK).
        index = len(blocks) - 1 if point.path == "cache_control" else where.get(point.path)
        if index is not None and index >= 0:
            points.append((index, point.ttl))
    return points


def version_notes(tools: Sequence[Mapping[str, Any]], model: str) -> tuple[str, ...]:
    """What the emulator says about tool versions it does not fully emulate (dynamic filtering)."""
    newer = [t for t in web_tool_types(tools) if is_dynamic_filtering(t)]
    if not newer:
        return ()
    overhead = tool_overhead(tools, model)
    return (
        f"{', '.join(newer)}: dynamic filtering (code execution over results) is not emulated; the tool "
        f"runs as its 2025 version does, and its definitions are billed as measured for the newer version "
        f"(about {overhead.central:,} tokens a sampling pass for these tools on {model}, an estimate)",
    )


def count_tokens_refusal_of(request: MessagesRequest) -> str | None:
    """The count_tokens endpoint's refusal for ``request``: server tools in ``tools`` or the history."""
    refusal = count_tokens_refusal(request.tools)
    if refusal is not None:
        return refusal
    found = [b["type"] for m in request.messages for b in m["content"] if b["type"] in _SERVER_BLOCKS]
    if not found:
        return None
    return (
        f"Server tools are not supported in the count_tokens endpoint: {', '.join(dict.fromkeys(found))}. "
        "Use the /v1/messages endpoint instead."
    )


def _check_pending(request: MessagesRequest, tools: ServerTools, prior: Sequence[Mapping[str, Any]]) -> None:
    # A continuation must offer the tool of the call it asks the emulator to finish.
    if not prior or prior[-1].get("type") != "server_tool_use":
        return
    name = prior[-1].get("name")
    offered = {"web_fetch": tools.fetch_tool, "web_search": tools.search_tool}
    if offered.get(str(name)) is None:
        where = f"messages.{len(request.messages) - 1}.content.{len(request.messages[-1]['content']) - 1}"
        raise ApiError.invalid(
            f"{where}: server_tool_use {name!r} has no result and the request does not offer that tool; "
            "continue a paused turn with the same tools"
        )


class Engine:
    """The emulator's state (prompt cache, id source) and its two operations.

    ``seed`` makes every id reproducible (:class:`.ids.IdSource`); without one ids are random.
    """

    def __init__(
        self, runtime: ToolRuntime, *, clock: Callable[[], float], seed: int | str | None = None
    ) -> None:
        self.runtime = runtime
        self.cache = PromptCache(clock)
        self.ids = IdSource(seed)

    def count_tokens(self, request: MessagesRequest) -> int:
        """The request's input tokens as the real endpoint counts them (no cache, no tools run)."""
        refusal = count_tokens_refusal_of(request)
        if refusal is not None:
            raise ApiError.invalid(refusal)
        return count_tokens_input(
            request.messages, request.system, request.tools, model=request.model
        ).central

    def create(self, request: MessagesRequest) -> Turn:
        """Run one turn and commit its cache writes; returns the message JSON."""
        message_id = self.ids.message_id()
        blocks = prefix_blocks(
            request.tools, request.system, request.messages, model=request.model, thinking=request.thinking
        )
        plan = self.cache.plan(
            request.model, blocks, _breakpoints(request, blocks), min_cacheable_tokens(request.model)
        )
        prior = turn_so_far(request.messages)
        tools = ServerTools(self.runtime, request.tools, request.messages, ids=self.ids, prior=prior)
        _check_pending(request, tools, prior)
        assert request.max_tokens is not None
        generation = generate(request.messages, tools, max_tokens=request.max_tokens, model=request.model)
        usage = turn_usage(
            model=request.model,
            prompt=prompt_estimate(blocks),
            plan=plan,
            content=generation.content,
            pass_starts=generation.pass_starts,
            web_fetch_requests=generation.web_fetch_requests,
            web_search_requests=generation.web_search_requests,
        )
        notes = version_notes(request.tools, request.model)
        emulator: dict[str, Any] = {**EMULATOR_INFO, "usage": usage.estimate_info()}
        if notes:
            emulator["notes"] = list(notes)
        message = {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": resolve_model(request.model),
            "content": generation.content,
            "stop_reason": generation.stop_reason,
            "stop_sequence": None,
            "stop_details": None,
            "usage": usage.final,
            "emulator": emulator,
        }
        # "A cache entry only becomes available after the first response begins": written now, just
        # before the response's first byte.
        self.cache.commit(plan)
        return Turn(message, plan, usage.start, notes)
