"""The prompt, block by block in prompt-cache prefix order, each block hashed and sized in Claude tokens.

The prompt is ``tools`` → ``system`` → ``messages`` ("Prompt caching references the entire prompt -
tools, system, and messages (in that order)", prompt caching documentation), preceded by the request's
message framing. Each block is:

- **hashed** by its canonical JSON (:func:`webfetch_kit.accounting.canonical_json`: keys sorted, ``None``
  values and every ``cache_control`` key dropped -- a breakpoint marks a position, it is not content),
  prefixed by its section and role. Consecutive same-role messages therefore hash exactly like one merged
  message, as the API merges them.
- **sized** with the kit's accounting model, the same estimated Claude tokens as ``usage``:

  ===================== ============================================================================
  prefix entry          tokens
  ===================== ============================================================================
  ``framing``           :func:`webfetch_kit.accounting.framing_tokens` (≈ 8), always first
  ``tools.i``           the tool definitions' overhead (:func:`webfetch_kit.accounting.tool_overhead`),
                        apportioned so that ``tools.0 .. tools.i`` hold the overhead of the first
                        ``i + 1`` tools
  ``system.j``,         :func:`webfetch_kit.accounting.block_tokens` (text, documents, tool results,
  ``messages.i.content.j`` calls at the size they were generated, ...)
  ===================== ============================================================================

The prompt's tokens (:func:`prompt_estimate`) are the sum of the entries, with the accounting model's band.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..accounting import TokenEstimate, block_tokens, canonical_json, framing_tokens, tool_overhead

__all__ = ["PrefixBlock", "canonical_json", "prefix_blocks", "prompt_estimate"]


@dataclass(frozen=True)
class PrefixBlock:
    """One entry of the prompt in cache order, with its tokens and chained prefix hash.

    ``digest`` is the SHA-256 of the canonical prefix up to and including this entry; ``estimate`` the
    entry's tokens with their band (``tokens`` is its central value).
    """

    path: str
    tokens: int
    digest: str
    estimate: TokenEstimate


def _tool_estimates(tools: Sequence[Mapping[str, Any]], model: str, thinking: bool) -> list[TokenEstimate]:
    # The overhead of a tool set is not the sum of its tools' (two web tools share instructions), so
    # tool i gets what adding it to the tools before it costs, and the entries add up to the whole
    # set's overhead; the set's band is carried by the last entry.
    if not tools:
        return []
    whole = tool_overhead(tools, model, thinking=thinking)
    shares: list[int] = []
    for i in range(len(tools) - 1):
        upto = min(tool_overhead(tools[: i + 1], model, thinking=thinking).central, whole.central)
        shares.append(max(0, upto - sum(shares)))
    before = sum(shares)
    rest = whole.central - before
    last = TokenEstimate(
        rest,
        max(0, min(rest, whole.low - before)),
        max(rest, whole.high - before),
        whole.quality,
        whole.basis,
    )
    return [TokenEstimate(s, s, s, whole.quality, whole.basis) for s in shares] + [last]


def prefix_blocks(
    tools: Sequence[Mapping[str, Any]],
    system: Sequence[Mapping[str, Any]],
    messages: Sequence[Mapping[str, Any]],
    *,
    model: str,
    thinking: bool = False,
) -> list[PrefixBlock]:
    """The prompt's entries in prefix order (framing → tools → system → messages), sized and hashed."""
    items: list[tuple[str, str, TokenEstimate]] = [("framing", "framing", framing_tokens())]
    for i, (tool, estimate) in enumerate(zip(tools, _tool_estimates(tools, model, thinking), strict=True)):
        items.append((f"tools.{i}", f"tool\n{canonical_json(tool)}", estimate))
    for j, block in enumerate(system):
        items.append((f"system.{j}", f"system\n{canonical_json(block)}", block_tokens(block, model=model)))
    for i, message in enumerate(messages):
        for j, block in enumerate(message["content"]):
            key = f"{message['role']}\n{canonical_json(block)}"
            items.append((f"messages.{i}.content.{j}", key, block_tokens(block, model=model)))
    out: list[PrefixBlock] = []
    running = hashlib.sha256()
    for path, key, estimate in items:
        encoded = key.encode("utf-8")
        running.update(len(encoded).to_bytes(8, "big"))
        running.update(encoded)
        out.append(PrefixBlock(path, estimate.central, running.copy().hexdigest(), estimate))
    return out


def prompt_estimate(blocks: Sequence[PrefixBlock]) -> TokenEstimate:
    """The prompt's tokens: every prefix entry, summed with its band."""
    return TokenEstimate.total(block.estimate for block in blocks)
