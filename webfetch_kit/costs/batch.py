"""What a Message Batch cost, and what it saved: one row per result, priced standard and batch.

"The Batches API offers significant cost savings. All usage is charged at 50% of the standard API
prices" (batch processing documentation), and "Web fetch tool calls through the Messages Batches API are
priced the same as those in regular Messages API requests" (web fetch tool documentation): the fetched
content is input tokens, so the discount applies to it like to any token. :func:`cost_of` with
``batch=True`` applies the price row's ``batch_discount`` to every token line and leaves server-tool fees
(web search, $10 per 1,000) undiscounted, so a batch that searches saves a little less than half.

Only ``succeeded`` results carry ``usage``; ``errored``, ``canceled`` and ``expired`` ones are not billed
and cost 0 here. The dollars always come from the kit's price table (``data/pricing.csv``), so they are
an estimate of the bill; the token counts are the API's own with a real key, and offline estimates when
the result came from the kit's emulator (its messages carry an ``"emulator"`` object), which the table
says row by row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..accounting import ACCOUNTING_NOTE
from ..errors import ConfigError
from .cost import cost_of
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ESTIMATED_TOKENS", "REPORTED_TOKENS", "batch_cost_table"]

ESTIMATED_TOKENS = "estimate (emulator, accounting model)"
REPORTED_TOKENS = "reported by the API"
_COLUMNS = (
    "custom_id",
    "result",
    "model",
    "input_tokens",
    "cache_write_tokens",
    "cache_read_tokens",
    "output_tokens",
    "web_fetches",
    "web_searches",
    "standard_usd",
    "batch_usd",
    "saved_usd",
    "tokens",
)
_COUNT_COLUMNS = _COLUMNS[3:9]


def _as_dict(item: Any) -> dict[str, Any]:
    """A result line as a dict: an SDK ``MessageBatchIndividualResponse``, a dict, or a JSON line."""
    if isinstance(item, Mapping):
        return dict(item)
    if isinstance(item, str | bytes):
        try:
            loaded = json.loads(item)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"a batch result line is not valid JSON: {exc}") from exc
        if isinstance(loaded, dict):
            return loaded
    elif hasattr(item, "model_dump"):
        dumped = item.model_dump()
        if isinstance(dumped, dict):
            return dumped
    raise ConfigError(
        "each batch result must be an SDK MessageBatchIndividualResponse, a dict or a JSON line "
        f'{{"custom_id": ..., "result": ...}}, got {type(item).__name__}'
    )


def _row(line: Mapping[str, Any], table: PriceTable, on: date | str | None) -> dict[str, Any]:
    result = line.get("result")
    if not isinstance(result, Mapping) or not isinstance(result.get("type"), str):
        raise ConfigError(f"batch result {line.get('custom_id')!r} has no result.type")
    row: dict[str, Any] = {"custom_id": line.get("custom_id"), "result": result["type"]}
    message = result.get("message")
    if result["type"] != "succeeded" or not isinstance(message, Mapping):
        return {**row, "model": None, "standard_usd": 0.0, "batch_usd": 0.0, "saved_usd": 0.0, "tokens": ""}
    usage = message.get("usage")
    if not isinstance(usage, Mapping):
        raise ConfigError(f"succeeded batch result {row['custom_id']!r} has no message.usage")
    model = str(message.get("model"))
    standard = cost_of(usage, model, on=on, prices=table)
    batch = cost_of(usage, model, batch=True, on=on, prices=table)
    server = usage.get("server_tool_use") or {}
    return {
        **row,
        "model": model,
        "input_tokens": usage.get("input_tokens") or 0,
        "cache_write_tokens": usage.get("cache_creation_input_tokens") or 0,
        "cache_read_tokens": usage.get("cache_read_input_tokens") or 0,
        "output_tokens": usage.get("output_tokens") or 0,
        "web_fetches": server.get("web_fetch_requests") or 0,
        "web_searches": server.get("web_search_requests") or 0,
        "standard_usd": float(standard.total),
        "batch_usd": float(batch.total),
        "saved_usd": float(standard.total - batch.total),
        "tokens": ESTIMATED_TOKENS if "emulator" in message else REPORTED_TOKENS,
        "_standard": standard.total,
        "_batch": batch.total,
    }


def batch_cost_table(
    results: Iterable[Any],
    *,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Price every result of a Message Batch at standard and at batch rates.

    Args:
        results: the batch's results: ``client.messages.batches.results(id)`` (SDK objects, beta ones
            too), dicts, or the JSON lines of the results file.
        on: price with the rows in force on this date (default: the newest).
        prices: a price table to use instead of the kit's ``data/pricing.csv``.

    Returns:
        One row per result (``custom_id``, ``result``, ``model``, token counts, ``web_fetches``,
        ``web_searches``, ``standard_usd``, ``batch_usd``, ``saved_usd``, and ``tokens``: whether the
        counts are offline estimates or the API's), then a ``total`` row. ``attrs`` holds the exact
        totals (``standard_usd``, ``batch_usd``, ``saved_usd`` as ``Decimal``), ``saved_fraction``,
        ``estimate`` (True when any count is an offline estimate), ``note`` and ``caption``.

    Raises:
        ConfigError: a result is not a batch result line, or a succeeded one has no usage.
        PricingError: a result's model is not in the price table.
    """
    import pandas as pd

    table = prices if prices is not None else load_prices()
    rows = [_row(_as_dict(item), table, on) for item in results]
    standard = sum((r.pop("_standard", Decimal(0)) for r in rows), Decimal(0))
    batch = sum((r.pop("_batch", Decimal(0)) for r in rows), Decimal(0))
    estimate = any(r["tokens"] == ESTIMATED_TOKENS for r in rows)
    totals: dict[str, Any] = {"custom_id": "total", "result": f"{len(rows)} results", "tokens": ""}
    for column in _COUNT_COLUMNS:
        totals[column] = sum(int(r.get(column) or 0) for r in rows)
    totals.update(standard_usd=float(standard), batch_usd=float(batch), saved_usd=float(standard - batch))
    frame = pd.DataFrame.from_records([*rows, totals], columns=list(_COLUMNS))
    for column in _COUNT_COLUMNS:
        frame[column] = frame[column].astype("Int64")
    discounts = sorted({table.lookup(m, on).batch_discount for m in frame["model"].dropna().unique()})
    off = " / ".join(f"{(d * 100).normalize():f}%" for d in discounts) or "the batch discount"
    # The emulator bills with the accounting model, so its counts carry that model's label and band.
    estimate_note = f" Token counts are the emulator's: {ACCOUNTING_NOTE}"
    frame.attrs.update(
        standard_usd=standard,
        batch_usd=batch,
        saved_usd=standard - batch,
        saved_fraction=float((standard - batch) / standard) if standard else 0.0,
        estimate=estimate,
        caption="Message Batch results priced at standard and batch rates (USD)",
        note=(
            f"Prices from the kit's table (data/pricing.csv), so the dollars are an estimate of the bill. "
            f"Batch rates: {off} off every token line (stacking with cache rates); server-tool fees are "
            "not discounted; errored, canceled and expired requests are not billed."
            + (estimate_note if estimate else "")
        ),
    )
    return frame
