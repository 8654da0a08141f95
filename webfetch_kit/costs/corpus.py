"""Measuring real pages: :func:`measure_corpus` fetches URLs and tabulates what each costs.

Each page is sized from what the fetcher already knows, so a warm fetch cache gives the same table as a
cold one: the page's raw size is ``FetchOutcome.content_bytes`` (kept on a cache hit, where
``bytes_read`` is 0) and its offline token count is ``FetchOutcome.tokens_after`` (counted once, when
the page was fetched). Claude's count comes from the accounting model: text × 1.175 (1.15–1.26); a
PDF by page, as the API bills it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from ..accounting import ACCOUNTING_NOTE, fetched_text_tokens, figure, pdf_tokens
from ..tokens import APPROXIMATION_NOTE, count_tokens, rule_of_thumb_tokens, tokenizer_info
from .estimates import DEFAULT_ESTIMATE_MODELS, price_columns, turn_labels
from .fetching import FetcherLike
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["measure_corpus"]


def measure_corpus(
    urls: Sequence[str],
    *,
    fetcher: FetcherLike,
    models: Sequence[str] | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Fetch ``urls`` and tabulate what each page costs: alone, and as a one-fetch turn.

    One row per URL: media type, the page's raw bytes, extracted characters, tokens by the kit's offline
    counter and per KB of raw bytes, the documentation's rule of thumb on the raw bytes (4 bytes a
    token), Claude's count estimated by the accounting model (``tokens_claude`` with ``_low``/``_high``:
    text × 1.175, a PDF by page), and per model the content-alone cost ``usd_<model>`` and the one-fetch
    turn ``turn_tokens_<model>`` / ``usd_turn_<model>`` (two sampling passes, tool definitions included).
    Failed fetches are rows with ``ok=False`` and their ``error_code``.

    Args:
        urls: the pages to fetch.
        fetcher: anything with ``fetch_many(urls, progress=False)`` returning outcomes like
            :class:`webfetch_kit.FetchOutcome` (``.url``, ``.ok``, ``.error_code``, ``.content_bytes``,
            ``.tokens_after``, ``.from_cache``, ``.document``), such as :class:`webfetch_kit.Fetcher`.
            Cache hits are measured like first fetches.
        models: model ids or aliases to price (default: ``DEFAULT_ESTIMATE_MODELS``).
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.
    """
    import pandas as pd

    models = tuple(DEFAULT_ESTIMATE_MODELS if models is None else models)
    table = prices if prices is not None else load_prices()
    for model in models:
        table.resolve(model)
    tokenizer = tokenizer_info().name
    outcomes = fetcher.fetch_many(list(urls), progress=False)
    records: list[dict[str, object]] = []
    for outcome in outcomes:
        document = outcome.document if outcome.ok else None
        size = outcome.content_bytes
        record: dict[str, object] = {
            "url": outcome.url,
            "ok": bool(outcome.ok),
            "error_code": outcome.error_code,
            "media_type": document.media_type if document is not None else None,
            "bytes": size,
        }
        if document is not None:
            pages = tuple(document.pages or ())
            # The fetcher counted the text once, when it fetched it; a cache hit must not re-count.
            tokens = (
                outcome.tokens_after if outcome.tokens_after is not None else int(count_tokens(document.text))
            )
            claude = pdf_tokens(len(pages)) if pages else fetched_text_tokens(tokens)
            record.update(
                {
                    "pdf_pages": len(pages) if pages else None,
                    "chars": len(document.text),
                    f"tokens_{tokenizer}": tokens,
                    "tokens_per_kb": round(tokens / (size / 1000), 1) if size else None,
                    "tokens_rule_of_thumb": rule_of_thumb_tokens(size),
                    "tokens_claude": claude.central,
                    "tokens_claude_low": claude.low,
                    "tokens_claude_high": claude.high,
                }
            )
            status = "PDF pages" if pages else "fetched"
            price_columns(record, claude, models, status=status, table=table, on=on)
        else:
            empty = ("pdf_pages", "chars", f"tokens_{tokenizer}", "tokens_per_kb", "tokens_rule_of_thumb")
            for column in (*empty, "tokens_claude", "tokens_claude_low", "tokens_claude_high"):
                record[column] = None
            for model in models:
                for column in ("usd_", "turn_tokens_", "usd_turn_", "usd_turn_low_", "usd_turn_high_"):
                    record[f"{column}{model}"] = None
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["from_cache"] = sum(1 for o in outcomes if o.ok and o.from_cache)
    frame.attrs["estimates"] = {
        f"tokens_{tokenizer}": f"counted offline with {tokenizer} (not Claude's tokenizer)",
        "tokens_per_kb": f"{tokenizer} tokens per 1,000 raw bytes",
        "tokens_rule_of_thumb": "the documentation's rule of thumb on the raw bytes: 4 bytes a token",
        "tokens_claude": f"estimate: text cl100k × {figure('fetched_text_factor').label()}; "
        f"PDFs: pages × {figure('pdf_page_tokens').label()}",
        **turn_labels(models),
    }
    frame.attrs["note"] = (
        f"Measured pages: tokens counted with {tokenizer} offline and converted to Claude tokens by the "
        f"kit's accounting model (PDFs by page); usd_<model> is the content alone, usd_turn_<model> a "
        f"one-fetch turn. {ACCOUNTING_NOTE} {APPROXIMATION_NOTE}"
    )
    frame.attrs["tokenizer"] = tokenizer
    return frame
