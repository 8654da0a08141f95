"""Estimate tables for lessons: what fetched content of a given size, or a PDF of so many pages, costs.

:func:`estimate_table` (content size -> tokens -> input cost) and :func:`pdf_estimate_table` (PDF pages).
Every figure is an estimate and each table says so.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from .._data import data_dir
from ..errors import ConfigError, check_positive_int
from ..tokens import APPROXIMATION_NOTE, count_tokens, rule_of_thumb_tokens, tokenizer_info
from .cost import check_count, input_cost
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "PDF_TOKENS_PER_PAGE",
    "PDF_TOKENS_PER_PAGE_TEXT",
    "estimate_table",
    "pdf_estimate_table",
    "sample_text",
]

DEFAULT_SIZES: tuple[int, ...] = (1_000, 10_000, 100_000, 500_000, 1_000_000)
"""Content sizes in bytes for :func:`estimate_table` (1 KB = 1,000 bytes, as in the tool page's examples)."""

# Current models (the SDK marks claude-sonnet-4-5 deprecated, end of life 2026-11-30).
DEFAULT_ESTIMATE_MODELS: tuple[str, ...] = ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6")

# Secondary source (reference notes): a measurement on Haiku 4.5 found about 2,100 tokens per PDF page
# (text plus the page image) against about 500 for the same page as plain text.
PDF_TOKENS_PER_PAGE = 2_100
PDF_TOKENS_PER_PAGE_TEXT = 500


def sample_text(n_bytes: int) -> str:
    """``n_bytes`` of representative English prose (``data/sample_text.txt`` repeated and cut to size)."""
    return _sample_of_size(_sample_source(), _checked_size(n_bytes))


@functools.cache
def _sample_source() -> str:
    return (data_dir() / "sample_text.txt").read_text(encoding="utf-8")


def _sample_of_size(source: str, n_bytes: int) -> str:
    if not source:
        raise ConfigError("the sample text is empty")
    encoded = source.encode("utf-8")
    repeats = n_bytes // len(encoded) + 1
    return (encoded * repeats)[:n_bytes].decode("utf-8", errors="ignore")


@functools.lru_cache(maxsize=64)
def _count_cached(text: str) -> int:
    return int(count_tokens(text))


def _size_label(n_bytes: int) -> str:
    if n_bytes >= 1_000_000 and n_bytes % 1_000_000 == 0:
        return f"{n_bytes // 1_000_000} MB"
    if n_bytes >= 1_000 and n_bytes % 1_000 == 0:
        return f"{n_bytes // 1_000} KB"
    return f"{n_bytes} B"


def _input_usd(tokens: int, model: str, table: PriceTable, on: date | str | None) -> float:
    return float(input_cost(tokens, model, on=on, prices=table).total)


def estimate_table(
    sizes: Sequence[int] | None = None,
    models: Sequence[str] | None = None,
    *,
    max_content_tokens: int | None = None,
    text: str | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """What does fetching content of each size cost as input? One row per size.

    Tokens are counted by the kit's offline counter on English prose of that size (``text`` repeated
    and cut, default the kit's ``data/sample_text.txt``) and by the documentation's rule of thumb
    (about 4 bytes a token: 10 KB ~ 2,500 tokens). With ``max_content_tokens`` the content is truncated
    as the tool would (the tool's limit is approximate). Costs are the input cost of the (truncated)
    content alone, per model, at standard rates (long-context rates where a model's table row says so).

    Args:
        sizes: content sizes in bytes (default 1 KB, 10 KB, 100 KB, 500 KB, 1 MB; 1 KB = 1,000 bytes).
        models: model ids or aliases to price (default: ``DEFAULT_ESTIMATE_MODELS``).
        max_content_tokens: the tool's ``max_content_tokens`` limit, if any.
        text: the sample to repeat instead of the kit's own.
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.

    Returns:
        A DataFrame whose ``attrs["note"]`` (and ``note`` column) labels every figure as an estimate.
    """
    import pandas as pd

    sizes = tuple(DEFAULT_SIZES if sizes is None else sizes)
    models = tuple(DEFAULT_ESTIMATE_MODELS if models is None else models)
    check_positive_int(max_content_tokens, "max_content_tokens", none_ok=True)
    table = prices if prices is not None else load_prices()
    for model in models:
        table.resolve(model)
    source = _sample_source() if text is None else text
    tokenizer = tokenizer_info().name
    note = (
        f"Estimates: tokens of English sample text counted with {tokenizer} (offline), not Claude's "
        f"tokenizer; input cost of the content alone at standard rates. {APPROXIMATION_NOTE}"
    )
    records: list[dict[str, object]] = []
    for size in sizes:
        sample = sample_text(size) if text is None else _sample_of_size(source, _checked_size(size))
        tokens = _count_cached(sample)
        billed = tokens if max_content_tokens is None else min(tokens, max_content_tokens)
        record: dict[str, object] = {
            "size": _size_label(size),
            "bytes": size,
            "chars": len(sample),
            f"tokens_{tokenizer}": tokens,
            "tokens_rule_of_thumb": rule_of_thumb_tokens(size),
            "max_content_tokens": max_content_tokens,
            "tokens_billed": billed,
            "truncated": billed < tokens,
        }
        long_context: list[str] = []
        for model in models:
            cost = input_cost(billed, model, on=on, prices=table)
            record[f"usd_{model}"] = float(cost.total)
            if cost.long_context:
                long_context.append(model)
        record["note"] = "estimate" + (
            f"; long-context rates for {', '.join(long_context)}" if long_context else ""
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["note"] = note
    frame.attrs["caption"] = f"Estimated input cost of fetched content by size ({tokenizer} counts)"
    frame.attrs["tokenizer"] = tokenizer
    return frame


def _checked_size(size: int) -> int:
    return check_count(size, "size (bytes)")


def pdf_estimate_table(
    pages: Sequence[int] = (1, 10, 50, 100),
    models: Sequence[str] | None = None,
    *,
    tokens_per_page_text: int = PDF_TOKENS_PER_PAGE_TEXT,
    tokens_per_page_pdf: int = PDF_TOKENS_PER_PAGE,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Estimated input cost of PDFs by page count, as text only and as a PDF document.

    A PDF sent as a document is processed page by page as text plus an image of the page. The default
    per-page figures (about 500 tokens as text, about 2,100 as a PDF) are a secondary-source
    measurement on Haiku 4.5, not Anthropic's figures; ``max_content_tokens`` does not apply to PDFs.

    Returns:
        One row per page count with token and cost columns per model; ``attrs["note"]`` says what the
        figures are.
    """
    import pandas as pd

    models = tuple(DEFAULT_ESTIMATE_MODELS if models is None else models)
    for name, value in (
        ("tokens_per_page_text", tokens_per_page_text),
        ("tokens_per_page_pdf", tokens_per_page_pdf),
    ):
        check_count(value, name)
    table = prices if prices is not None else load_prices()
    records: list[dict[str, object]] = []
    for count in pages:
        check_count(count, "pages")
        text_tokens, pdf_tokens = count * tokens_per_page_text, count * tokens_per_page_pdf
        record: dict[str, object] = {
            "pages": count,
            "tokens_as_text": text_tokens,
            "tokens_as_pdf": pdf_tokens,
        }
        for model in models:
            record[f"usd_text_{model}"] = _input_usd(text_tokens, model, table, on)
            record[f"usd_pdf_{model}"] = _input_usd(pdf_tokens, model, table, on)
        record["note"] = "estimate (secondary source)"
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["note"] = (
        f"Estimates from a secondary source: ~{tokens_per_page_pdf:,} tokens per PDF page (text plus page "
        f"image, measured on Haiku 4.5) vs ~{tokens_per_page_text:,} as plain text; max_content_tokens does "
        "not apply to PDFs. Input cost of the document alone at standard rates."
    )
    frame.attrs["caption"] = "Estimated input cost of PDF documents by page count"
    return frame
