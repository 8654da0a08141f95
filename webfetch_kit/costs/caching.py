"""Prompt caching across turns: :func:`caching_table` compares a conversation with and without it.

The cached prefix can be given in tokens, or built by the accounting model from what it holds: the
server tools' definitions (``tools=``, billed on every request and first in the prefix) and a fetched
document (``document_cl100k=``: its cl100k count becomes Claude tokens plus the result wrapper).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..accounting import ACCOUNTING_NOTE, TokenEstimate, fetched_text_tokens, figure, tool_overhead
from ..errors import ConfigError, check_positive_int
from .cost import check_count, cost_of
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["caching_table"]


def caching_table(
    turns: int,
    *,
    prefix_tokens: int = 0,
    per_turn_tokens: int,
    output_tokens: int,
    model: str,
    ttl: Literal["5m", "1h", "both"] = "5m",
    batch: bool = False,
    tools: Sequence[Mapping[str, Any] | str] = (),
    document_cl100k: int | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Compare a multi-turn conversation without prompt caching and with cache writes of a given TTL.

    The conversation: turn 1 sends a prefix (tools, system prompt and the fetched document: the sum of
    ``prefix_tokens``, the definitions of ``tools`` and the ``document_cl100k`` document, as the
    accounting model sizes them) and a question of ``per_turn_tokens``; every turn answers with
    ``output_tokens``, and each later turn resends everything so far plus a new question. With caching,
    a breakpoint at the end of the prefix writes it on turn 1 and reads it on every later turn (all
    turns are assumed to fall within the TTL, which each hit refreshes); the growing history after the
    prefix stays uncached. A prefix shorter than the model's minimum cacheable length is never cached
    ("below it nothing is cached, silently", prompt-caching documentation).

    Args:
        turns: number of turns (>= 1).
        prefix_tokens: tokens up to the cache breakpoint (beyond ``tools`` and the document).
        tools: server tool definitions offered every turn; their overhead joins the prefix.
        document_cl100k: a fetched document in the prefix, as its cl100k count (1.175 × it + 129).
        per_turn_tokens: tokens of each new question.
        output_tokens: tokens of each answer.
        model: model id or alias.
        ttl: ``"5m"``, ``"1h"`` or ``"both"``: which cache-write strategies to compare with no caching.
        batch: price as Message Batches requests.
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.

    Returns:
        Long format, one row per strategy and turn: ``uncached``, ``cache_write``, ``cache_read`` and
        ``output`` tokens, the turn's ``usd`` and ``cumulative_usd``. ``attrs["break_even_turn"]`` maps
        each caching strategy to the first turn whose cumulative cost is at most no caching's (``None``
        if never, or if nothing could be cached). ``attrs["prefix"]`` is the prefix as a
        :class:`webfetch_kit.accounting.TokenEstimate` (its band and quality).
    """
    import pandas as pd

    check_positive_int(turns, "turns")
    for name, value in (
        ("prefix_tokens", prefix_tokens),
        ("per_turn_tokens", per_turn_tokens),
        ("output_tokens", output_tokens),
    ):
        check_count(value, name)
    ttls: tuple[str, ...] = {"5m": ("5m",), "1h": ("1h",), "both": ("5m", "1h")}.get(ttl, ())
    if not ttls:
        raise ConfigError(f"ttl must be '5m', '1h' or 'both', got {ttl!r}")
    table = prices if prices is not None else load_prices()
    row = table.lookup(model, on)
    prefix = TokenEstimate.exact(prefix_tokens, "prefix_tokens") + tool_overhead(tools, model)
    if document_cl100k is not None:
        check_count(document_cl100k, "document_cl100k")
        prefix = prefix + figure("fetch_result_overhead").tokens() + fetched_text_tokens(document_cl100k)
    prefix_tokens = prefix.central
    minimum = row.min_cacheable_tokens or 0
    cacheable = prefix_tokens >= minimum and prefix_tokens > 0

    records: list[dict[str, object]] = []
    cumulative: dict[str, list[Decimal]] = {}
    for strategy in ("no caching", *(f"cache {t}" for t in ttls)):
        running = Decimal(0)
        cumulative[strategy] = []
        for turn in range(1, turns + 1):
            history = (turn - 1) * (per_turn_tokens + output_tokens) + per_turn_tokens
            write = read = 0
            if strategy == "no caching" or not cacheable:
                uncached = prefix_tokens + history
            elif turn == 1:
                write, uncached = prefix_tokens, history
            else:
                read, uncached = prefix_tokens, history
            ttl_key = "ephemeral_1h_input_tokens" if strategy == "cache 1h" else "ephemeral_5m_input_tokens"
            other = (
                "ephemeral_5m_input_tokens"
                if ttl_key.endswith("1h_input_tokens")
                else "ephemeral_1h_input_tokens"
            )
            usage = {
                "input_tokens": uncached,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": write,
                "cache_read_input_tokens": read,
                "cache_creation": {ttl_key: write, other: 0},
            }
            usd = cost_of(usage, row.model, batch=batch, on=on, prices=table).total
            running += usd
            cumulative[strategy].append(running)
            records.append(
                {
                    "strategy": strategy,
                    "turn": turn,
                    "uncached": uncached,
                    "cache_write": write,
                    "cache_read": read,
                    "output": output_tokens,
                    "usd": float(usd),
                    "cumulative_usd": float(running),
                }
            )
    break_even: dict[str, int | None] = {}
    for strategy in cumulative:
        if strategy == "no caching":
            continue
        turn_found: int | None = None
        if cacheable:
            for index, (cached, plain) in enumerate(
                zip(cumulative[strategy], cumulative["no caching"], strict=True)
            ):
                if cached <= plain:
                    turn_found = index + 1
                    break
        break_even[strategy] = turn_found
    frame = pd.DataFrame.from_records(records)
    frame.attrs["break_even_turn"] = break_even
    frame.attrs["model"] = row.model
    frame.attrs["min_cacheable_tokens"] = minimum
    frame.attrs["prefix"] = prefix
    estimated = prefix.quality != "exact"
    frame.attrs["note"] = (
        f"prefix of {prefix_tokens:,} tokens cached at a breakpoint after it; all turns within the TTL"
        if cacheable
        else f"prefix of {prefix_tokens:,} tokens is below {row.model}'s minimum cacheable length "
        f"({minimum:,} tokens): nothing is cached, so caching changes nothing"
    ) + (f". The prefix is an estimate: {prefix.label()}. {ACCOUNTING_NOTE}" if estimated else "")
    return frame
