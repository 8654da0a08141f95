"""The ``usage`` of a response as the real API reports it, from the kit's accounting model.

Every number is an **estimate** of Claude's count (:mod:`webfetch_kit.accounting`, calibrated on
recorded real API traffic) and the response says so: its ``emulator.usage`` object carries each
figure's band and quality, and the ``x-webfetch-emulator`` header ends with ``usage estimated``.

- **Sampling passes.** A response that runs N server-tool rounds is sampled N + 1 times; each pass
  re-reads the prompt, the tool definitions and everything the response produced or fetched before it
  (:func:`webfetch_kit.accounting.sampling_passes`). ``input_tokens`` is the **sum** over the passes;
  a stream's ``message_start`` reports **pass 1** only. A continuation of a ``pause_turn`` response
  reads the pending call's result in its pass 1.
- **Generated blocks** are re-read at the size they were generated
  (:func:`webfetch_kit.accounting.generated_block_tokens`); ``output_tokens`` is their plain total.
- **Prompt cache.** Pass 1 is split by the cache plan (:mod:`.promptcache`) into cache reads, cache
  writes and uncached input. Each later pass re-reads the prefix pass 1 read or wrote *from the cache*
  (``cache_read_input_tokens`` grows by it) and the rest as ``input_tokens``. How the real API bills
  cached prefixes across web-tool passes was not measured: this is the emulator's assumption, chosen
  because every pass re-reads the whole prompt and the entry exists once pass 1 has begun. Anthropic
  answered the same question for tool search that way (anthropics/anthropic-sdk-typescript issue
  #907: the server-side loop re-reads the cached prompt, so that turn's ``cache_read_input_tokens`` is
  higher).
- ``server_tool_use`` is present only when a server tool ran; ``web_fetch_requests`` counts every
  attempt (:mod:`.runtime`). ``service_tier`` is ``standard`` and ``inference_geo`` ``global``, as in
  recorded responses.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..accounting import (
    ACCOUNTING_NOTE,
    Round,
    SamplingPass,
    TokenEstimate,
    block_tokens,
    describe_quality,
    generated_block_tokens,
    sampling_passes,
    summed_input,
    text_output_tokens,
)
from ..tokens import truncate_to_tokens
from .promptcache import CachePlan

__all__ = ["TurnUsage", "fit_text", "generated_tokens", "result_tokens", "turn_usage"]

INFERENCE_GEO = "global"


def generated_tokens(block: Mapping[str, Any], model: str) -> int:
    """Output tokens of a block the stand-in generates (text, cited or not; a server-tool call)."""
    return generated_block_tokens(block, model).central


def result_tokens(block: Mapping[str, Any], model: str) -> TokenEstimate:
    """Input tokens of a tool result block when a later pass re-reads it."""
    return block_tokens(block, model=model)


def fit_text(text: str, budget: int, *, cited: bool, model: str) -> str:
    """The longest prefix of ``text`` whose output tokens (:func:`generated_tokens`) fit ``budget``."""
    if budget <= 0:
        return ""
    # Output tokens are a factor times the cl100k count: cut at the cl100k count the budget allows,
    # then step back while rounding puts it over.
    allowed = budget
    while allowed > 0:
        cut = truncate_to_tokens(text, allowed)
        if text_output_tokens(cut, cited=cited).central <= budget:
            return cut
        allowed = min(allowed - 1, len(cut))
    return ""


@dataclass(frozen=True)
class TurnUsage:
    """A response's usage: the final ``usage`` JSON, ``message_start``'s, and the passes behind them."""

    final: dict[str, Any]
    start: dict[str, Any]
    passes: tuple[SamplingPass, ...]
    output: TokenEstimate

    def estimate_info(self) -> dict[str, Any]:
        """The bands and quality of the estimate, for the response's ``emulator`` object."""
        total = summed_input(self.passes)
        return {
            "estimated": True,
            "note": ACCOUNTING_NOTE,
            "sampling_passes": [p.input_tokens.central for p in self.passes],
            "input_tokens": _band(total),
            "output_tokens": _band(self.output),
        }


def _band(estimate: TokenEstimate) -> dict[str, Any]:
    return {
        "central": estimate.central,
        "low": estimate.low,
        "high": estimate.high,
        "quality": describe_quality(estimate.quality),
    }


def _rounds(
    content: Sequence[Mapping[str, Any]], pass_starts: Sequence[int], model: str
) -> tuple[TokenEstimate, list[Round]]:
    """What precedes pass 1 in the response (a continuation's pending result), and each round."""
    lead = TokenEstimate.total(result_tokens(b, model) for b in content[: pass_starts[0]])
    rounds: list[Round] = []
    for begin, end in itertools.pairwise(pass_starts):
        blocks = content[begin:end]
        generated = TokenEstimate.total(generated_block_tokens(b, model) for b in blocks)
        results = TokenEstimate.total(
            result_tokens(b, model) for b in blocks if str(b.get("type", "")).endswith("_tool_result")
        )
        calls = sum(1 for b in blocks if b.get("type") == "server_tool_use")
        rounds.append(Round(generated=generated, results=results, calls=calls))
    return lead, rounds


def turn_usage(
    *,
    model: str,
    prompt: TokenEstimate,
    plan: CachePlan,
    content: Sequence[Mapping[str, Any]],
    pass_starts: Sequence[int],
    web_fetch_requests: int,
    web_search_requests: int,
) -> TurnUsage:
    """The usage of a response whose prompt (framing, tools, system, messages) is ``prompt``.

    ``plan`` splits ``prompt.central`` into cache reads, writes and uncached tokens; ``content`` and
    ``pass_starts`` are the response's blocks and where each sampling pass begins.
    """
    lead, rounds = _rounds(content, pass_starts or [len(content)], model)
    passes = sampling_passes(prompt + lead, rounds)
    output = TokenEstimate.total(generated_block_tokens(b, model) for b in content)
    cached = plan.read_tokens + plan.write_tokens  # what pass 1 read from or wrote to the cache
    first_input = passes[0].input_tokens.central - cached
    later = passes[1:]
    input_tokens = first_input + sum(p.input_tokens.central - cached for p in later)
    cache_read = plan.read_tokens + cached * len(later)
    creation = {
        "ephemeral_5m_input_tokens": plan.write_5m_tokens,
        "ephemeral_1h_input_tokens": plan.write_1h_tokens,
    }
    final: dict[str, Any] = {
        "input_tokens": input_tokens,
        "cache_creation_input_tokens": plan.write_tokens,
        "cache_read_input_tokens": cache_read,
        "cache_creation": creation,
        "output_tokens": output.central,
    }
    if web_fetch_requests or web_search_requests:
        final["server_tool_use"] = {
            "web_fetch_requests": web_fetch_requests,
            "web_search_requests": web_search_requests,
        }
    final["service_tier"] = "standard"
    final["inference_geo"] = INFERENCE_GEO
    start = {
        **{k: v for k, v in final.items() if k != "server_tool_use"},
        "input_tokens": first_input,
        "cache_read_input_tokens": plan.read_tokens,
        "output_tokens": 1,
    }
    return TurnUsage(final=final, start=start, passes=passes, output=output)
