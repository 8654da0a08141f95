"""Prices and costs: the pricing table, exact ``cost_of`` a response, and labelled estimate tables.

:mod:`.pricing` the price table · :mod:`.cost` ``cost_of`` · :mod:`.estimates` tables by content size
and PDF pages · :mod:`.caching` the caching table · :mod:`.corpus` ``measure_corpus`` ·
:mod:`.request` ``estimate_request`` (a request with server tools, before sending it). Token figures
come from :mod:`webfetch_kit.accounting`. :mod:`.batch` ``batch_cost_table`` (a Message Batch priced
standard and batch).
"""

from __future__ import annotations

from .batch import ESTIMATED_TOKENS, REPORTED_TOKENS, batch_cost_table
from .caching import caching_table
from .corpus import measure_corpus
from .cost import Cost, CostLine, cost_of
from .estimates import DEFAULT_ESTIMATE_MODELS, DEFAULT_SIZES, estimate_table, pdf_estimate_table, sample_text
from .pricing import PriceRow, PriceTable, ToolPrice, load_prices, price_for
from .request import PlannedCall, RequestEstimate, estimate_request, estimate_turn, one_fetch_turn

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "ESTIMATED_TOKENS",
    "REPORTED_TOKENS",
    "Cost",
    "CostLine",
    "PlannedCall",
    "PriceRow",
    "PriceTable",
    "RequestEstimate",
    "ToolPrice",
    "batch_cost_table",
    "caching_table",
    "cost_of",
    "estimate_request",
    "estimate_table",
    "estimate_turn",
    "load_prices",
    "measure_corpus",
    "one_fetch_turn",
    "pdf_estimate_table",
    "price_for",
    "sample_text",
]
