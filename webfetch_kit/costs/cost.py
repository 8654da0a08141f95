"""What a response costs: :func:`cost_of` prices its ``usage`` line by line, with exact decimal sums.

Rates come from ``data/pricing.csv`` (:mod:`webfetch_kit.costs.pricing`). Everything else in ``costs``
builds on this one function.

Pricing rules implemented, with where they come from:

- "total input = input_tokens + cache_creation_input_tokens + cache_read_input_tokens", each billed at
  its own rate (prompt-caching documentation).
- Cache writes are split by TTL in ``usage.cache_creation``; when that breakdown is absent every write is
  billed at the 5-minute rate and the line says so.
- Message Batches: "50% off input and output; stacks with caching" (pricing page). The kit applies
  ``batch_discount`` to every token line; server-tool fees are not discounted.
- Long context (Sonnet 4.5 / Sonnet 4, 1M-context beta): once total input exceeds 200K tokens the whole
  request is billed at $6 input / $22.50 output (pricing page). The kit's choice for cache lines in such
  a request: each cache rate is scaled by the same factor as the input rate (``long_context_input /
  input``, so 3.75 -> 7.50, 6 -> 12, 0.30 -> 0.60 on Sonnet 4.5), following "prompt caching
  multipliers stack with long-context pricing" (secondary source: eonsr.com's explainer of the Sonnet 4
  1M-context switch; not checked against a stored copy of Anthropic's page).
- Web search: $10 per 1,000 searches; web fetch: "no additional charges beyond standard token costs"
  (pricing page; web fetch tool page).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError
from .pricing import PriceRow, PriceTable, ToolPrice, load_prices

if TYPE_CHECKING:
    import anthropic.types
    import pandas as pd

__all__ = ["Cost", "CostLine", "check_count", "cost_of", "input_cost"]

_MILLION = Decimal(1_000_000)
_PER_MTOK = "USD/MTok"
_PER_USE = "USD/use"


@dataclass(frozen=True)
class CostLine:
    """One billed component of a request: ``quantity`` ``unit`` at ``rate`` (``rate_unit``) = ``usd``."""

    component: str
    quantity: int
    unit: str
    rate: Decimal
    rate_unit: str
    usd: Decimal
    note: str = ""


@dataclass(frozen=True)
class Cost:
    """The cost of one request: a line per component and their exact sum in USD (``.total``)."""

    model: str
    price_row: PriceRow
    lines: tuple[CostLine, ...]
    batch: bool
    long_context: bool

    @property
    def total(self) -> Decimal:
        """The exact sum of the lines, in USD."""
        return sum((line.usd for line in self.lines), Decimal(0))

    def line(self, component: str) -> CostLine:
        """The line named ``component`` (e.g. ``"cache_write_1h"``)."""
        for line in self.lines:
            if line.component == component:
                return line
        raise KeyError(component)

    def to_frame(self) -> pd.DataFrame:
        """The lines as a DataFrame, with a final ``total`` row."""
        import pandas as pd

        records: list[dict[str, object]] = [
            {f.name: getattr(line, f.name) for f in fields(line)} for line in self.lines
        ]
        records.append(
            {
                "component": "total",
                "quantity": None,
                "unit": "",
                "rate": None,
                "rate_unit": "",
                "usd": self.total,
            }
        )
        frame = pd.DataFrame.from_records(records)
        frame["quantity"] = frame["quantity"].astype("Int64")
        frame.attrs["model"] = self.model
        frame.attrs["source_url"] = self.price_row.source_url
        return frame

    def _repr_html_(self) -> str:
        return str(self.to_frame().to_html(index=False))


def cost_of(
    usage: anthropic.types.Usage | Mapping[str, Any],
    model: str,
    *,
    batch: bool = False,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> Cost:
    """Price one response's ``usage`` for ``model`` (an API id or alias).

    Args:
        usage: ``message.usage`` from the SDK, or a dict with the same fields.
        model: the model that served the request.
        batch: the request went through the Message Batches API (its discount applies to token lines).
        on: price with the row in force on this date (default: the newest row).
        prices: a price table to use instead of the kit's ``data/pricing.csv``.

    Returns:
        A :class:`Cost` with one line per component (uncached input, 5-minute and 1-hour cache writes,
        cache reads, output, web searches, web fetches) and the exact ``.total``.

    Raises:
        PricingError: the model is unknown (the message lists known ones) or has no price on ``on``.
        ConfigError: ``usage`` is missing a required field or holds a negative count.
    """
    table = prices if prices is not None else load_prices()
    row = table.lookup(model, on)
    fields_ = _usage_fields(usage)

    input_tokens = fields_["input_tokens"]
    written = fields_["cache_creation_input_tokens"]
    read = fields_["cache_read_input_tokens"]
    if fields_["breakdown"]:
        write_5m, write_1h = fields_["ephemeral_5m_input_tokens"], fields_["ephemeral_1h_input_tokens"]
        write_note_5m, write_note_1h = "", ""
    else:
        write_5m, write_1h = written, 0
        write_note_5m = "no usage.cache_creation breakdown: every cache write billed at the 5-minute rate"
        write_note_1h = write_note_5m

    total_input = input_tokens + written + read
    long_context = row.long_context_threshold is not None and total_input > row.long_context_threshold
    rates = _rates(row, long_context)
    discount = (1 - row.batch_discount) if batch else Decimal(1)

    common: list[str] = []
    if long_context:
        common.append(
            f"long-context rates: total input {total_input:,} > {row.long_context_threshold:,} tokens"
        )
    if batch:
        common.append(f"batch: {(row.batch_discount * 100).normalize():f}% off")

    def token_line(component: str, tokens: int, rate: Decimal, note: str = "") -> CostLine:
        effective = rate * discount
        return CostLine(
            component=component,
            quantity=tokens,
            unit="tokens",
            rate=effective,
            rate_unit=_PER_MTOK,
            usd=tokens * effective / _MILLION,
            note="; ".join(n for n in (note, *common) if n),
        )

    lines = [
        token_line("input", input_tokens, rates["input"], "uncached input (after the last cache breakpoint)"),
        token_line("cache_write_5m", write_5m, rates["cache_write_5m"], write_note_5m),
        token_line("cache_write_1h", write_1h, rates["cache_write_1h"], write_note_1h if write_1h else ""),
        token_line("cache_read", read, rates["cache_read"]),
        token_line("output", fields_["output_tokens"], rates["output"]),
        _tool_line(table, "web_search", fields_["web_search_requests"], "searches", on),
        _tool_line(table, "web_fetch", fields_["web_fetch_requests"], "fetches", on),
    ]
    return Cost(model=row.model, price_row=row, lines=tuple(lines), batch=batch, long_context=long_context)


def _rates(row: PriceRow, long_context: bool) -> dict[str, Decimal]:
    if not long_context or row.long_context_input is None or row.long_context_output is None:
        return {
            "input": row.input,
            "output": row.output,
            "cache_write_5m": row.cache_write_5m,
            "cache_write_1h": row.cache_write_1h,
            "cache_read": row.cache_read,
        }
    # Cache rates scale with the input rate (see the module docstring for the source of this choice).
    factor = row.long_context_input / row.input
    return {
        "input": row.long_context_input,
        "output": row.long_context_output,
        "cache_write_5m": row.cache_write_5m * factor,
        "cache_write_1h": row.cache_write_1h * factor,
        "cache_read": row.cache_read * factor,
    }


def _tool_line(table: PriceTable, tool: str, uses: int, unit: str, on: date | str | None) -> CostLine:
    if uses == 0:
        price: ToolPrice | None = None
        try:
            price = table.tool(tool, on)
        except LookupError:
            price = None  # nothing used, so a missing fee row cannot change the total
        rate = price.usd_per_use if price is not None else Decimal(0)
    else:
        price = table.tool(tool, on)
        rate = price.usd_per_use
    note = "no fee beyond the fetched content's tokens (billed as input)" if tool == "web_fetch" else ""
    if tool == "web_search":
        note = "result tokens are billed as input; failed searches are not billed"
    return CostLine(tool, uses, unit, rate, _PER_USE, uses * rate, note)


_INT_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")


def _usage_fields(usage: anthropic.types.Usage | Mapping[str, Any]) -> dict[str, int]:
    if isinstance(usage, Mapping):
        raw: Mapping[str, Any] = usage
    elif hasattr(usage, "model_dump"):
        raw = usage.model_dump()
    else:
        raise ConfigError(f"usage must be an anthropic.types.Usage or a mapping, got {type(usage).__name__}")
    for required in ("input_tokens", "output_tokens"):
        if raw.get(required) is None:
            raise ConfigError(f"usage is missing {required!r}")
    out = {name: _count(raw.get(name), name) for name in _INT_FIELDS}
    creation = raw.get("cache_creation")
    breakdown = isinstance(creation, Mapping)
    out["breakdown"] = int(breakdown)
    creation_map: Mapping[str, Any] = creation if isinstance(creation, Mapping) else {}
    out["ephemeral_5m_input_tokens"] = _count(creation_map.get("ephemeral_5m_input_tokens"), "ephemeral_5m")
    out["ephemeral_1h_input_tokens"] = _count(creation_map.get("ephemeral_1h_input_tokens"), "ephemeral_1h")
    if (
        breakdown
        and out["ephemeral_5m_input_tokens"] + out["ephemeral_1h_input_tokens"]
        != (out["cache_creation_input_tokens"])
    ):
        raise ConfigError(
            "usage.cache_creation breakdown (5m + 1h) does not add up to cache_creation_input_tokens "
            f"({out['ephemeral_5m_input_tokens']} + {out['ephemeral_1h_input_tokens']} != "
            f"{out['cache_creation_input_tokens']})"
        )
    server = raw.get("server_tool_use")
    server_map: Mapping[str, Any] = server if isinstance(server, Mapping) else {}
    out["web_search_requests"] = _count(server_map.get("web_search_requests"), "web_search_requests")
    out["web_fetch_requests"] = _count(server_map.get("web_fetch_requests"), "web_fetch_requests")
    return out


def check_count(value: object, name: str) -> int:
    """``value`` if it is a whole number of tokens, bytes or pages (an int, not a bool, >= 0), else
    :class:`ConfigError` naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def _count(value: Any, name: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"usage field {name!r} must be a non-negative integer, got {value!r}")
    return int(value)


def input_cost(
    tokens: int, model: str, *, on: date | str | None = None, prices: PriceTable | None = None
) -> Cost:
    """The cost of ``tokens`` of uncached input on ``model`` (no output): the "content alone" figure."""
    return cost_of({"input_tokens": tokens, "output_tokens": 0}, model, on=on, prices=prices)
