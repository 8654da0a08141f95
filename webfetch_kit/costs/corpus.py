"""Measuring real pages: :func:`measure_corpus` fetches URLs and tabulates what each costs as input."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol

from ..tokens import APPROXIMATION_NOTE, count_tokens, rule_of_thumb_tokens, tokenizer_info
from .cost import input_cost
from .estimates import DEFAULT_ESTIMATE_MODELS
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["measure_corpus"]


class _DocumentLike(Protocol):
    @property
    def text(self) -> str: ...

    @property
    def media_type(self) -> str: ...

    @property
    def pages(self) -> Sequence[str] | None: ...


class _OutcomeLike(Protocol):
    @property
    def url(self) -> str: ...

    @property
    def ok(self) -> bool: ...

    @property
    def error_code(self) -> str | None: ...

    @property
    def bytes_read(self) -> int: ...

    @property
    def document(self) -> _DocumentLike | None: ...


class _FetcherLike(Protocol):
    def fetch_many(self, urls: Sequence[str], *, progress: bool = ...) -> Sequence[_OutcomeLike]: ...


def measure_corpus(
    urls: Sequence[str],
    *,
    fetcher: _FetcherLike,
    models: Sequence[str] | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Fetch ``urls`` and tabulate what each page would cost as input.

    One row per URL: media type, raw bytes read, extracted characters, tokens by the kit's offline
    counter, tokens per KB of raw bytes, the documentation's rule-of-thumb tokens (4 bytes a token),
    and the input cost per model. Failed fetches are rows with ``ok=False`` and their ``error_code``.
    PDF rows count the extracted text only; the page images the API also bills are not included.

    Args:
        urls: the pages to fetch.
        fetcher: anything with ``fetch_many(urls, progress=False)`` returning outcomes with ``.url``,
            ``.ok``, ``.error_code``, ``.bytes_read`` and ``.document`` (``.text``, ``.media_type``,
            ``.pages``), such as :class:`webfetch_kit.Fetcher`.
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
        record: dict[str, object] = {
            "url": outcome.url,
            "ok": bool(outcome.ok),
            "error_code": outcome.error_code,
            "media_type": document.media_type if document is not None else None,
            "bytes": outcome.bytes_read,
        }
        if document is not None:
            pages = tuple(document.pages or ())
            text = document.text or "\n".join(pages)
            tokens = int(count_tokens(text))
            record.update(
                {
                    "pdf_pages": len(pages) if pages else None,
                    "chars": len(text),
                    f"tokens_{tokenizer}": tokens,
                    "tokens_per_kb": round(tokens / (outcome.bytes_read / 1000), 1)
                    if outcome.bytes_read
                    else None,
                    "tokens_rule_of_thumb": rule_of_thumb_tokens(outcome.bytes_read),
                }
            )
            for model in models:
                record[f"usd_{model}"] = float(input_cost(tokens, model, on=on, prices=table).total)
        else:
            record.update(
                {"pdf_pages": None, "chars": None, f"tokens_{tokenizer}": None, "tokens_per_kb": None}
            )
            record["tokens_rule_of_thumb"] = None
            for model in models:
                record[f"usd_{model}"] = None
        records.append(record)
    frame = pd.DataFrame.from_records(records)
    frame.attrs["note"] = (
        f"Measured pages; tokens counted with {tokenizer} (offline), an estimate of Claude's count; "
        f"PDF rows count extracted text only. {APPROXIMATION_NOTE}"
    )
    frame.attrs["tokenizer"] = tokenizer
    return frame
