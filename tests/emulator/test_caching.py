"""Prompt-cache accounting over a real conversation, checked against the accounting model's sizes.

The expected numbers are built here from the accounting model's public functions, entry by entry: the
message framing, the tool definitions' overhead, each block (``block_tokens``), and for the turn that
fetches, the second sampling pass that re-reads the cached prefix (``cache_read_input_tokens``) and the
pass-1 output and fetched page (``input_tokens``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anthropic
import pytest
from anthropic.types import Message
from emulator_support import MODEL, FakeClock, corpus_document, fetch_tool

from webfetch_kit.accounting import (
    block_tokens,
    fetch_result_tokens,
    framing_tokens,
    generated_block_tokens,
    prompt_text_tokens,
    tool_overhead,
)

SAMPLE = (Path(__file__).resolve().parents[2] / "data" / "sample_text.txt").read_text(encoding="utf-8")
CACHING = "https://docs.example.com/guide/caching"
TOOL = fetch_tool(citations={"enabled": True})
EPHEMERAL_5M = {"type": "ephemeral"}
EPHEMERAL_1H = {"type": "ephemeral", "ttl": "1h"}


FRAMING = framing_tokens().central


def count_tokens(text: str) -> int:
    """A text block's tokens in the prompt."""
    return prompt_text_tokens(text).central


def _tool_tokens(tool: dict[str, Any]) -> int:
    return tool_overhead([tool], MODEL).central


def _block_tokens(block: Any) -> int:
    """Tokens of one response block when a later request re-sends it."""
    return block_tokens(block.model_dump(exclude_none=True), model=MODEL).central


def _usage(message: Message) -> tuple[int, int, int, int, int]:
    u = message.usage
    assert u.cache_creation is not None
    return (
        u.input_tokens,
        u.cache_read_input_tokens or 0,
        u.cache_creation_input_tokens or 0,
        u.cache_creation.ephemeral_5m_input_tokens,
        u.cache_creation.ephemeral_1h_input_tokens,
    )


def _create(client: anthropic.Anthropic, messages: list[dict[str, Any]], **kw: Any) -> Message:
    system = [{"type": "text", "text": SAMPLE, "cache_control": EPHEMERAL_1H}]
    return client.messages.create(
        model=MODEL, max_tokens=1024, system=system, tools=[TOOL], messages=messages, **kw
    )


def _user(text: str, cached: bool) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": text}
    if cached:
        block["cache_control"] = EPHEMERAL_5M
    return {"role": "user", "content": [block]}


def test_three_turns_write_then_read_then_expire(client: anthropic.Anthropic, clock: FakeClock) -> None:
    q1, q2, q3 = f"Please read {CACHING}", "How long does a cache entry live?", "Which prefix order is used?"
    tools_system = FRAMING + _tool_tokens(TOOL) + count_tokens(SAMPLE)
    assert tools_system >= 1024  # above claude-sonnet-4-6's minimum, so the system breakpoint writes

    # Turn 1: nothing cached yet. The 1h breakpoint (system) writes framing+tools+system, the 5m one q1.
    # The fetch makes two sampling passes: pass 2 reads that prefix from the cache again, and pass 1's
    # output and the fetched page as input.
    first = _create(client, [_user(q1, cached=True)])
    dumped = [b.model_dump(exclude_none=True) for b in first.content]
    result = next(b for b in dumped if b["type"] == "web_fetch_tool_result")
    assert corpus_document(result["content"]["url"]).text == result["content"]["content"]["source"]["data"]
    round_1 = fetch_result_tokens(result).central + sum(
        generated_block_tokens(b, MODEL).central
        for b in dumped[: dumped.index(result)]
        if b["type"] != result["type"]
    )
    prefix_1 = tools_system + count_tokens(q1)
    assert _usage(first) == (round_1, prefix_1, prefix_1, count_tokens(q1), tools_system)
    assert first.usage.output_tokens == sum(generated_block_tokens(b, MODEL).central for b in dumped)

    # Turn 2: the breakpoint moves to q2; the lookback finds q1's entry. Turn 1's answer and q2 are written.
    clock.advance(60)
    a1 = sum(_block_tokens(b) for b in first.content)
    history = [_user(q1, cached=False), {"role": "assistant", "content": first.content}]
    second = _create(client, [*history, _user(q2, cached=True)])
    read2 = tools_system + count_tokens(q1)
    written2 = a1 + count_tokens(q2)
    assert _usage(second) == (0, read2, written2, written2, 0)
    assert second.usage.server_tool_use is None  # no server tool ran

    # Turn 3: reads everything up to q2, writes turn 2's answer and q3.
    clock.advance(60)
    a2 = sum(_block_tokens(b) for b in second.content)
    history3 = [*history, _user(q2, cached=False), {"role": "assistant", "content": second.content}]
    third = _create(client, [*history3, _user(q3, cached=True)])
    read3 = read2 + written2
    written3 = a2 + count_tokens(q3)
    assert _usage(third) == (0, read3, written3, written3, 0)

    # Six minutes later the 5m entries are gone; the 1h system entry survives: write again from q1 on.
    clock.advance(6 * 60)
    fourth = _create(client, [*history3, _user(q3, cached=True)])
    rewritten = count_tokens(q1) + a1 + count_tokens(q2) + a2 + count_tokens(q3)
    assert _usage(fourth) == (0, tools_system, rewritten, rewritten, 0)

    # An hour and a bit later nothing is left; the whole prompt is written again.
    clock.advance(3700)
    fifth = _create(client, [*history3, _user(q3, cached=True)])
    assert _usage(fifth) == (0, 0, tools_system + rewritten, rewritten, tools_system)


def test_a_hit_refreshes_the_ttl(client: anthropic.Anthropic, clock: FakeClock) -> None:
    messages = [_user("Hello there, nothing to fetch here", cached=False)]
    system = [{"type": "text", "text": SAMPLE, "cache_control": EPHEMERAL_5M}]
    kwargs: dict[str, Any] = {"model": MODEL, "max_tokens": 64, "system": system, "messages": messages}
    client.messages.create(**kwargs)  # writes a 5m entry
    for _ in range(3):
        clock.advance(4 * 60)  # 12 minutes in total, but every read refreshes the 5-minute TTL
        assert (
            client.messages.create(**kwargs).usage.cache_read_input_tokens or 0
        ) == FRAMING + count_tokens(SAMPLE)
    clock.advance(5 * 60 + 1)
    assert (client.messages.create(**kwargs).usage.cache_read_input_tokens or 0) == 0


def test_changing_the_tools_invalidates_the_prefix(client: anthropic.Anthropic) -> None:
    messages = [_user("Hello there, nothing to fetch here", cached=False)]
    _create(client, messages)
    assert (_create(client, messages).usage.cache_read_input_tokens or 0) > 0
    system = [{"type": "text", "text": SAMPLE, "cache_control": EPHEMERAL_1H}]
    toggled = fetch_tool(citations={"enabled": False})
    other = client.messages.create(
        model=MODEL, max_tokens=64, system=system, tools=[toggled], messages=messages
    )  # type: ignore[arg-type]
    assert other.usage.cache_read_input_tokens == 0
    assert other.usage.cache_creation_input_tokens == FRAMING + _tool_tokens(toggled) + count_tokens(SAMPLE)


def test_below_the_model_minimum_nothing_is_cached(client: anthropic.Anthropic) -> None:
    short = "A short system prompt that is far below four thousand tokens."
    kwargs: dict[str, Any] = {
        "model": "claude-haiku-4-5",  # minimum 4,096 tokens in the price table
        "max_tokens": 64,
        "system": [{"type": "text", "text": short, "cache_control": EPHEMERAL_5M}],
        "messages": [{"role": "user", "content": "Hi"}],
    }
    for _ in range(2):
        message = client.messages.create(**kwargs)
        assert message.usage.cache_creation_input_tokens == 0
        assert message.usage.cache_read_input_tokens == 0
        assert message.usage.input_tokens == FRAMING + count_tokens(short) + count_tokens("Hi")


@pytest.mark.parametrize(("gap", "hit"), [(20, True), (21, False)])
def test_lookback_is_twenty_blocks(client: anthropic.Anthropic, gap: int, hit: bool) -> None:
    system = [{"type": "text", "text": SAMPLE, "cache_control": EPHEMERAL_5M}]
    base = {"model": MODEL, "max_tokens": 32, "system": system}
    client.messages.create(**base, messages=[{"role": "user", "content": "start"}])  # type: ignore[arg-type]
    filler = [{"type": "text", "text": f"filler block {i}"} for i in range(gap - 1)]
    last = {"type": "text", "text": "end", "cache_control": EPHEMERAL_5M}
    # No breakpoint on the system prompt now: only the lookback from the last block can find it.
    plain_system = [{"type": "text", "text": SAMPLE}]
    message = client.messages.create(
        model=MODEL, max_tokens=32, system=plain_system,  # type: ignore[arg-type]
        messages=[{"role": "user", "content": [*filler, last]}],  # type: ignore[list-item]
    )  # fmt: skip
    # Block 0 is the framing, the system block is block 1, the breakpoint block `gap + 1`: 20 blocks back
    # reaches block 1 only if gap <= 20.
    assert (message.usage.cache_read_input_tokens == FRAMING + count_tokens(SAMPLE)) is hit


def test_expired_entries_are_dropped_once_the_cache_grows(clock: FakeClock) -> None:
    from webfetch_kit.emulator import PromptCache
    from webfetch_kit.emulator.promptcache import PRUNE_AT, CachePlan

    cache = PromptCache(clock)

    def write(digest: str) -> None:
        cache.commit(CachePlan(MODEL, 0, 1024, 0, 0, None, ((digest, "5m"),)))

    for i in range(PRUNE_AT):
        write(f"old-{i}")
    clock.advance(301)  # every entry so far has expired
    write("fresh-0")
    write("fresh-1")
    assert len(cache._entries) == 2 and len(cache) == 2
