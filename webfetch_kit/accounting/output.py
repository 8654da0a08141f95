"""The output-token model: what the model's generated blocks cost, as recorded traffic shows it.

``usage.output_tokens`` is the plain total of the tokens generated in the whole response (never summed per
pass). From recorded traffic (figures in ``data/accounting.csv``):

- **text** without citations: ≈ 1.10–1.14 × its cl100k count (``output_text_factor``, central 1.12);
- **text blocks with citations**: 1.5–1.9 × the cl100k count of their text (``output_citation_factor``,
  central 1.7): the citation markup is generated too;
- **each server-tool call** (a ``server_tool_use`` block, with any short preamble): 16–68 tokens
  (``output_per_server_call``): ≈ 20 on sonnet-4, ≈ 55 on haiku-4-5; other families get the midpoint,
  38, labelled an assumption.

A block the model produced is re-read in the response's later sampling passes (see :mod:`.passes`) at
the size it was generated: :func:`generated_block_tokens` gives that size for both uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .content import cl100k
from .estimate import TokenEstimate
from .figures import figure
from .models import model_family

__all__ = ["generated_block_tokens", "output_tokens", "server_call_tokens", "text_output_tokens"]


def text_output_tokens(text_or_count: str | int, *, cited: bool = False) -> TokenEstimate:
    """Output tokens of generated text (a ``str`` or its cl100k count); ``cited``: it carries citations."""
    count = cl100k(text_or_count) if isinstance(text_or_count, str) else text_or_count
    return figure("output_citation_factor" if cited else "output_text_factor").tokens(count)


def server_call_tokens(model: str, calls: int = 1) -> TokenEstimate:
    """Output tokens of ``calls`` server-tool calls on ``model`` (≈20 each on sonnet-4, ≈55 on haiku-4-5)."""
    return figure("output_per_server_call", model_family(model)).tokens(calls)


def generated_block_tokens(block: Mapping[str, Any], model: str) -> TokenEstimate:
    """Tokens of one generated content block: ``text`` (cited or not), ``server_tool_use`` or
    ``tool_use`` (a call), ``thinking`` (its text); result blocks are not generated and count zero here
    (their size is :func:`webfetch_kit.accounting.content.fetch_result_tokens` and friends)."""
    kind = block.get("type")
    if kind == "text":
        return text_output_tokens(str(block.get("text", "")), cited=bool(block.get("citations")))
    if kind in ("server_tool_use", "tool_use"):
        return server_call_tokens(model)
    if kind == "thinking":
        return text_output_tokens(str(block.get("thinking", "")))
    return TokenEstimate.zero()


def output_tokens(blocks: Iterable[Mapping[str, Any]], model: str) -> TokenEstimate:
    """``usage.output_tokens`` of a response whose content is ``blocks`` (every generated block once)."""
    return TokenEstimate.total(generated_block_tokens(b, model) for b in blocks)
