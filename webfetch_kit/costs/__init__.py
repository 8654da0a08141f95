"""Prices and costs: the pricing table, exact ``cost_of`` a response, labelled estimate tables, and
``batch_cost_table`` (a Message Batch priced standard and batch)."""

from __future__ import annotations

from .batch import ESTIMATED_TOKENS, REPORTED_TOKENS, batch_cost_table
from .estimates import (
    DEFAULT_ESTIMATE_MODELS,
    DEFAULT_SIZES,
    PDF_TOKENS_PER_PAGE,
    PDF_TOKENS_PER_PAGE_TEXT,
    Cost,
    CostLine,
    caching_table,
    cost_of,
    estimate_table,
    measure_corpus,
    pdf_estimate_table,
    sample_text,
)
from .pricing import PriceRow, PriceTable, ToolPrice, load_prices, price_for

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "ESTIMATED_TOKENS",
    "PDF_TOKENS_PER_PAGE",
    "PDF_TOKENS_PER_PAGE_TEXT",
    "REPORTED_TOKENS",
    "Cost",
    "CostLine",
    "PriceRow",
    "PriceTable",
    "ToolPrice",
    "batch_cost_table",
    "caching_table",
    "cost_of",
    "estimate_table",
    "load_prices",
    "measure_corpus",
    "pdf_estimate_table",
    "price_for",
    "sample_text",
]
