"""Estimate tables for lessons: what fetched content of a given size, or a PDF of so many pages, costs.

:func:`estimate_table` (content size -> tokens -> cost) and :func:`pdf_estimate_table` (PDF pages).
Both price two things per model, side by side:

- **content alone**: the document's Claude tokens at the input rate (the figure these tables used to
  be all about);
- **a one-fetch turn**: what a request that fetches that document bills, from the accounting model
  (:func:`webfetch_kit.costs.request.one_fetch_turn`): the tool definitions and the prompt on both sampling
  passes, the call, the result's fixed 129 tokens and the document. For 1 KB of prose the turn bills
  8–10 times the content's tokens (sonnet-4, haiku-4-5); for 100 KB about 1.1 times.

Every figure is an estimate; ``attrs["estimates"]`` says, column by column, what each rests on and its
band, and ``attrs["note"]`` sums it up.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from .._data import data_dir
from ..accounting import ACCOUNTING_NOTE, TokenEstimate, capped_document_tokens, figure, pdf_tokens
from ..errors import ConfigError, check_positive_int
from ..tokens import APPROXIMATION_NOTE, count_tokens, rule_of_thumb_tokens, tokenizer_info
from .cost import check_count, input_cost
from .pricing import PriceTable, load_prices
from .request import DEFAULT_TURN_TOOL, one_fetch_turn

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "estimate_table",
    "pdf_estimate_table",
    "sample_text",
]

DEFAULT_SIZES: tuple[int, ...] = (1_000, 10_000, 100_000, 500_000, 1_000_000)
"""Content sizes in bytes for :func:`estimate_table` (1 KB = 1,000 bytes, as in the tool page's examples)."""

# Current models (the SDK marks claude-sonnet-4-5 deprecated, end of life 2026-11-30).
DEFAULT_ESTIMATE_MODELS: tuple[str, ...] = ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6")


def sample_text(n_bytes: int) -> str:
    """``n_bytes`` of representative English prose (``data/sample_text.txt`` repeated and cut to size)."""
    return _sample_of_size(_sample_source(), check_count(n_bytes, "size (bytes)"))


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


def price_columns(
    record: dict[str, object],
    content: TokenEstimate,
    models: Sequence[str],
    *,
    prefix: str = "",
    status: str,
    table: PriceTable,
    on: date | str | None,
) -> list[str]:
    """Add, per model, the content-alone cost and the one-fetch turn's tokens and cost (with its band).

    Columns: ``usd_{prefix}{model}`` (content alone), ``turn_tokens_{prefix}{model}`` (the turn's summed
    input), ``usd_turn_{prefix}{model}`` and ``usd_turn_low_/high_{prefix}{model}``. Returns the models
    billed at long-context rates.
    """
    long_context = []
    for model in models:
        alone = input_cost(content.central, model, on=on, prices=table)
        turn = one_fetch_turn(content, model, status=status, on=on, prices=table)
        record[f"usd_{prefix}{model}"] = float(alone.total)
        record[f"turn_tokens_{prefix}{model}"] = turn.input_tokens.central
        record[f"usd_turn_{prefix}{model}"] = float(turn.usd)
        record[f"usd_turn_low_{prefix}{model}"] = float(turn.usd_low)
        record[f"usd_turn_high_{prefix}{model}"] = float(turn.usd_high)
        if alone.long_context or turn.cost.long_context:
            long_context.append(model)
    return long_context


def turn_labels(models: Sequence[str], prefix: str = "") -> dict[str, str]:
    """``attrs["estimates"]`` entries for the columns :func:`price_columns` adds."""
    labels: dict[str, str] = {}
    for model in models:
        labels[f"usd_{prefix}{model}"] = "estimate: the content's central Claude tokens at the input rate"
        labels[f"turn_tokens_{prefix}{model}"] = (
            f"estimate: input of a one-fetch turn ({DEFAULT_TURN_TOOL}): tool definitions and prompt on "
            "both sampling passes, the call, 129 tokens of result wrapper and the content"
        )
        labels[f"usd_turn_{prefix}{model}"] = (
            "estimate: that turn's input plus the call's output tokens (the answer is not included)"
        )
        labels[f"usd_turn_low_{prefix}{model}"] = "the low end of that estimate's band"
        labels[f"usd_turn_high_{prefix}{model}"] = "the high end of that estimate's band"
    return labels


def estimate_table(
    sizes: Sequence[int] | None = None,
    models: Sequence[str] | None = None,
    *,
    max_content_tokens: int | None = None,
    text: str | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """What does fetching content of each size cost? One row per size (see the module docstring).

    Tokens: the kit's offline count (cl100k) of English prose of that size (``text`` repeated and cut,
    default ``data/sample_text.txt``), the documentation's rule of thumb (4 bytes a token: 10 KB ~ 2,500),
    and Claude's count estimated by the accounting model (1.175 × cl100k, band 1.15–1.26).
    ``max_content_tokens`` cuts the document as the real tool does: it keeps ≈ the limit in Claude tokens.

    Args:
        sizes: content sizes in bytes (default 1 KB, 10 KB, 100 KB, 500 KB, 1 MB; 1 KB = 1,000 bytes).
        models: model ids or aliases to price (default: ``DEFAULT_ESTIMATE_MODELS``).
        max_content_tokens: the tool's ``max_content_tokens`` limit, if any.
        text: the sample to repeat instead of the kit's own.
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.

    Returns:
        One row per size: ``tokens_cl100k_base``, ``tokens_rule_of_thumb``, ``tokens_claude`` (and
        ``_low``/``_high``), ``tokens_billed`` (after the cap), ``truncated``, then per model the
        content-alone cost ``usd_<model>`` and the one-fetch turn ``turn_tokens_<model>``,
        ``usd_turn_<model>`` (``_low``/``_high``). ``attrs["estimates"]`` labels each column.
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
    records: list[dict[str, object]] = []
    for size in sizes:
        sample = _sample_of_size(source, check_count(size, "size (bytes)"))
        tokens = _count_cached(sample)
        claude = capped_document_tokens(tokens, None)
        billed = capped_document_tokens(tokens, max_content_tokens)
        record: dict[str, object] = {
            "size": _size_label(size),
            "bytes": size,
            "chars": len(sample),
            f"tokens_{tokenizer}": tokens,
            "tokens_rule_of_thumb": rule_of_thumb_tokens(size),
            "tokens_claude": claude.central,
            "tokens_claude_low": claude.low,
            "tokens_claude_high": claude.high,
            "max_content_tokens": max_content_tokens,
            "tokens_billed": billed.central,
            "truncated": billed.central < claude.central,
        }
        long_context = price_columns(record, billed, models, status="sample text", table=table, on=on)
        record["note"] = "estimate" + (
            f"; long-context rates for {', '.join(long_context)}" if long_context else ""
        )
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    factor = figure("fetched_text_factor")
    frame.attrs["estimates"] = {
        f"tokens_{tokenizer}": f"counted offline with {tokenizer} (not Claude's tokenizer)",
        "tokens_rule_of_thumb": "the documentation's rule of thumb: 4 bytes a token",
        "tokens_claude": f"estimate: cl100k × {factor.label()}",
        "tokens_billed": "estimate: tokens_claude cut at max_content_tokens (the tool keeps ≈ the limit)",
        **turn_labels(models),
    }
    frame.attrs["note"] = (
        f"Estimates: English sample text counted with {tokenizer} offline and converted to Claude tokens "
        f"by the kit's accounting model; usd_<model> is the content alone, usd_turn_<model> a whole "
        f"one-fetch turn (two sampling passes). {ACCOUNTING_NOTE} {APPROXIMATION_NOTE}"
    )
    frame.attrs["caption"] = "Estimated cost of fetched content by size: content alone and a one-fetch turn"
    frame.attrs["tokenizer"] = tokenizer
    return frame


def pdf_estimate_table(
    pages: Sequence[int] = (1, 10, 50, 100),
    models: Sequence[str] | None = None,
    *,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Estimated cost of PDFs by page count: as a PDF document, and as plain text for comparison.

    A PDF sent as a document is counted by page (text plus an image of each page): the accounting
    model's ``pdf_page_tokens``, ≈1,650 a page (a 1-page 13 KB PDF cost 1,600–1,700 on the real API;
    the band's high end, 2,100, is a secondary-source measurement on Haiku 4.5). ``max_content_tokens``
    does not apply to PDFs. The same page as plain text is ≈500 tokens (secondary source).

    Returns:
        One row per page count: ``tokens_as_pdf`` (``_low``/``_high``), ``tokens_as_text``, then per
        model ``usd_text_<model>``, ``usd_pdf_<model>`` (the document alone) and the one-fetch turn
        ``turn_tokens_pdf_<model>``, ``usd_turn_pdf_<model>`` (``_low``/``_high``).
    """
    import pandas as pd

    models = tuple(DEFAULT_ESTIMATE_MODELS if models is None else models)
    table = prices if prices is not None else load_prices()
    per_page_text = figure("pdf_page_text_tokens")
    records: list[dict[str, object]] = []
    for count in pages:
        check_count(count, "pages")
        as_pdf = pdf_tokens(count)
        as_text = per_page_text.tokens(count)
        record: dict[str, object] = {
            "pages": count,
            "tokens_as_pdf": as_pdf.central,
            "tokens_as_pdf_low": as_pdf.low,
            "tokens_as_pdf_high": as_pdf.high,
            "tokens_as_text": as_text.central,
        }
        for model in models:
            record[f"usd_text_{model}"] = float(input_cost(as_text.central, model, on=on, prices=table).total)
        price_columns(record, as_pdf, models, prefix="pdf_", status="PDF pages", table=table, on=on)
        record["note"] = "estimate"
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["estimates"] = {
        "tokens_as_pdf": f"estimate: pages × {figure('pdf_page_tokens').label()}",
        "tokens_as_text": f"estimate: pages × {per_page_text.label()}",
        **turn_labels(models, "pdf_"),
    }
    frame.attrs["note"] = (
        f"Estimates: a PDF document costs ~{figure('pdf_page_tokens').central:,.0f} tokens a page "
        f"({figure('pdf_page_tokens').low:,.0f}–{figure('pdf_page_tokens').high:,.0f}; text plus page image, "
        f"measured on the real API for one 1-page PDF, high end a secondary source) vs "
        f"~{per_page_text.central:,.0f} as plain text (secondary source); max_content_tokens does not apply "
        f"to PDFs. usd_pdf_<model> is the document alone, usd_turn_pdf_<model> a one-fetch turn."
    )
    frame.attrs["caption"] = "Estimated cost of PDF documents by page count"
    return frame
