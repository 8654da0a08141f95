"""Prices and costs: the pricing table, exact ``cost_of`` a response, and labelled estimate tables.

:mod:`.pricing` the price table · :mod:`.cost` ``cost_of`` · :mod:`.estimates` tables by content size
and PDF pages · :mod:`.caching` the caching table · :mod:`.corpus` ``measure_corpus``.
"""

from __future__ import annotations

from .caching import caching_table
from .corpus import measure_corpus
from .cost import Cost, CostLine, cost_of
from .estimates import (
    DEFAULT_ESTIMATE_MODELS,
    DEFAULT_SIZES,
    PDF_TOKENS_PER_PAGE,
    PDF_TOKENS_PER_PAGE_TEXT,
    estimate_table,
    pdf_estimate_table,
    sample_text,
)
from .pricing import PriceRow, PriceTable, ToolPrice, load_prices, price_for

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "PDF_TOKENS_PER_PAGE",
    "PDF_TOKENS_PER_PAGE_TEXT",
    "Cost",
    "CostLine",
    "PriceRow",
    "PriceTable",
    "ToolPrice",
    "caching_table",
    "cost_of",
    "estimate_table",
    "load_prices",
    "measure_corpus",
    "pdf_estimate_table",
    "price_for",
    "sample_text",
]
