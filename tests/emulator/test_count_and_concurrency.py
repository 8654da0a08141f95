"""count_tokens equals the one-pass input of the same request; 50 parallel requests stay independent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anthropic
from emulator_support import MODEL

from webfetch_kit.accounting import framing_tokens, prompt_text_tokens

FRAMING = framing_tokens().central


def count_tokens(text: str) -> int:
    return prompt_text_tokens(text).central


def test_count_tokens_is_the_uncached_input_of_a_plain_request(client: anthropic.Anthropic) -> None:
    tool = {"name": "lookup", "description": "Look a word up", "input_schema": {"type": "object"}}
    system = "You answer from fetched pages."
    request: dict[str, Any] = {"model": MODEL, "system": system, "tools": [tool],
                               "messages": [{"role": "user", "content": "How long does the cache live?"}]}  # fmt: skip
    counted = client.messages.count_tokens(**request).input_tokens
    message = client.messages.create(max_tokens=1024, **request)
    assert message.usage.input_tokens == counted  # no server tool: one pass, the same prompt
    # Caching does not change count_tokens: it is the uncached worst case.
    cached = {**request, "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]}
    assert client.messages.count_tokens(**cached).input_tokens == counted


def test_fifty_concurrent_requests_have_independent_usage(client: anthropic.Anthropic) -> None:
    def ask(i: int) -> tuple[int, int, int]:
        text = "word " * i + "end"
        message = client.messages.create(
            model=MODEL, max_tokens=64, messages=[{"role": "user", "content": text}]
        )
        assert message.usage.cache_read_input_tokens == 0
        return i, message.usage.input_tokens, FRAMING + count_tokens(text)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(ask, range(50)))
    assert [i for i, _, _ in results] == list(range(50))
    assert all(got == expected for _, got, expected in results)
    assert len({got for _, got, _ in results}) == 50


def test_concurrent_identical_cached_requests_never_read_half_written_entries(
    client: anthropic.Anthropic,
) -> None:
    system = [{"type": "text", "text": "Cacheable words. " * 400, "cache_control": {"type": "ephemeral"}}]
    expected = FRAMING + count_tokens(system[0]["text"])

    def ask(_: int) -> tuple[int, int]:
        u = client.messages.create(model=MODEL, max_tokens=32, system=system,  # type: ignore[arg-type]
                                   messages=[{"role": "user", "content": "Hi"}]).usage  # fmt: skip
        return u.cache_read_input_tokens or 0, u.cache_creation_input_tokens or 0

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(ask, range(50)))
    # Each request either read the whole entry or wrote the whole entry: never a partial figure.
    assert all(pair in {(expected, 0), (0, expected)} for pair in results)
    assert (expected, 0) in results
