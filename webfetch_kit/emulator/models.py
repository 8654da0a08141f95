"""Which model names the emulator accepts, and each model's minimum cacheable prompt length.

Known models are the kit's price table (``data/pricing.csv``: API ids and aliases) plus the literal ids
the installed SDK lists in ``anthropic.types.Model``. The minimum cacheable length comes from the price
table's ``min_cacheable_tokens`` column. A model the SDK knows but the table does not price gets
:data:`DEFAULT_MIN_CACHEABLE_TOKENS`, the smallest documented minimum ("1024 tokens for Claude Opus 4.1,
Claude Opus 4, Claude Sonnet 4.5, Claude Sonnet 4, Claude Sonnet 3.7").
"""

from __future__ import annotations

import functools
from typing import get_args

from ..costs.pricing import PriceRow, load_prices
from ..errors import PricingError

__all__ = ["DEFAULT_MIN_CACHEABLE_TOKENS", "is_known_model", "min_cacheable_tokens", "sdk_model_ids"]

DEFAULT_MIN_CACHEABLE_TOKENS = 1024


@functools.cache
def sdk_model_ids() -> frozenset[str]:
    """The literal model ids of the installed SDK's ``anthropic.types.Model``."""
    from anthropic.types import Model

    ids: set[str] = set()
    for arg in get_args(Model):
        ids.update(a for a in get_args(arg) if isinstance(a, str))
    return frozenset(ids)


def _price_row(model: str) -> PriceRow | None:
    try:
        return load_prices().lookup(model)
    except PricingError:
        return None


def is_known_model(model: str) -> bool:
    """True if ``model`` is an id or alias of the price table, or an SDK model literal."""
    return model in sdk_model_ids() or _price_row(model) is not None


def min_cacheable_tokens(model: str) -> int:
    """The minimum prompt length (tokens) below which nothing is cached for ``model``."""
    row = _price_row(model)
    if row is not None and row.min_cacheable_tokens is not None:
        return row.min_cacheable_tokens
    return DEFAULT_MIN_CACHEABLE_TOKENS
