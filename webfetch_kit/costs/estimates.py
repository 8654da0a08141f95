"""What a request costs, and what fetched content of a given size would cost.

:func:`cost_of` prices one response's ``usage`` line by line from ``data/pricing.csv``
(:mod:`webfetch_kit.costs.pricing`), with exact decimal sums. The rest are estimate tables for notebooks:
:func:`estimate_table` (content size -> tokens -> input cost), :func:`pdf_estimate_table` (PDF pages),
:func:`caching_table` (a multi-turn conversation with and without prompt caching) and
:func:`measure_corpus` (real pages through a fetcher).

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

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol

from .._data import data_dir
from ..errors import ConfigError
from ..tokens import APPROXIMATION_NOTE, count_tokens, rule_of_thumb_tokens, tokenizer_info
from .pricing import PriceRow, PriceTable, ToolPrice, load_prices

if TYPE_CHECKING:
    import anthropic.types
    import pandas as pd

__all__ = [
    "DEFAULT_ESTIMATE_MODELS",
    "DEFAULT_SIZES",
    "PDF_TOKENS_PER_PAGE",
    "PDF_TOKENS_PER_PAGE_TEXT",
    "Cost",
    "CostLine",
    "caching_table",
    "cost_of",
    "estimate_table",
    "measure_corpus",
    "pdf_estimate_table",
    "sample_text",
]

_MILLION = Decimal(1_000_000)
_PER_MTOK = "USD/MTok"
_PER_USE = "USD/use"

DEFAULT_SIZES: tuple[int, ...] = (1_000, 10_000, 100_000, 500_000, 1_000_000)
"""Content sizes in bytes for :func:`estimate_table` (1 KB = 1,000 bytes, as in the tool page's examples)."""

# Current models (the SDK marks claude-sonnet-4-5 deprecated, end of life 2026-11-30).
DEFAULT_ESTIMATE_MODELS: tuple[str, ...] = ("claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6")

# Secondary source (reference notes): a measurement on Haiku 4.5 found about 2,100 tokens per PDF page
# (text plus the page image) against about 500 for the same page as plain text.
PDF_TOKENS_PER_PAGE = 2_100
PDF_TOKENS_PER_PAGE_TEXT = 500


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


def _is_count(value: object) -> bool:
    """A whole number of tokens, bytes or pages: an int (not a bool) that is not negative."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _count(value: Any, name: str) -> int:
    if value is None:
        return 0
    if not _is_count(value):
        raise ConfigError(f"usage field {name!r} must be a non-negative integer, got {value!r}")
    return int(value)


# --------------------------------------------------------------------------- estimates


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
    return float(_input_cost(tokens, model, table, on).total)


def _input_cost(tokens: int, model: str, table: PriceTable, on: date | str | None) -> Cost:
    return cost_of({"input_tokens": tokens, "output_tokens": 0}, model, on=on, prices=table)


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
    if max_content_tokens is not None and (
        isinstance(max_content_tokens, bool)
        or not isinstance(max_content_tokens, int)
        or max_content_tokens < 1
    ):
        raise ConfigError(f"max_content_tokens must be a positive integer, got {max_content_tokens!r}")
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
            cost = _input_cost(billed, model, table, on)
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
    if not _is_count(size):
        raise ConfigError(f"size must be a non-negative integer number of bytes, got {size!r}")
    return size


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
        if not _is_count(value):
            raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    table = prices if prices is not None else load_prices()
    records: list[dict[str, object]] = []
    for count in pages:
        if not _is_count(count):
            raise ConfigError(f"pages must be non-negative integers, got {count!r}")
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


# --------------------------------------------------------------------------- caching


def caching_table(
    turns: int,
    *,
    prefix_tokens: int,
    per_turn_tokens: int,
    output_tokens: int,
    model: str,
    ttl: Literal["5m", "1h", "both"] = "5m",
    batch: bool = False,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> pd.DataFrame:
    """Compare a multi-turn conversation without prompt caching and with cache writes of a given TTL.

    The conversation: turn 1 sends a prefix of ``prefix_tokens`` (tools, system prompt and the fetched
    document) and a question of ``per_turn_tokens``; every turn answers with ``output_tokens``, and each
    later turn resends everything so far plus a new question. With caching, a breakpoint at the end of
    the prefix writes it on turn 1 and reads it on every later turn (all turns are assumed to fall within
    the TTL, which each hit refreshes); the growing history after the prefix stays uncached. A prefix
    shorter than the model's minimum cacheable length is never cached ("below it nothing is cached,
    silently", prompt-caching documentation).

    Args:
        turns: number of turns (>= 1).
        prefix_tokens: tokens up to the cache breakpoint.
        per_turn_tokens: tokens of each new question.
        output_tokens: tokens of each answer.
        model: model id or alias.
        ttl: ``"5m"``, ``"1h"`` or ``"both"``: which cache-write strategies to compare with no caching.
        batch: price as Message Batches requests.
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.

    Returns:
        Long format, one row per strategy and turn: ``uncached``, ``cache_write``, ``cache_read`` and
        ``output`` tokens, the turn's ``usd`` and ``cumulative_usd``. ``attrs["break_even_turn"]`` maps
        each caching strategy to the first turn whose cumulative cost is at most no caching's (``None``
        if never, or if nothing could be cached).
    """
    import pandas as pd

    for name, value in (
        ("turns", turns),
        ("prefix_tokens", prefix_tokens),
        ("per_turn_tokens", per_turn_tokens),
        ("output_tokens", output_tokens),
    ):
        if not _is_count(value):
            raise ConfigError(f"{name} must be a non-negative integer, got {value!r}")
    if turns < 1:
        raise ConfigError(f"turns must be >= 1, got {turns}")
    ttls: tuple[str, ...] = {"5m": ("5m",), "1h": ("1h",), "both": ("5m", "1h")}.get(ttl, ())
    if not ttls:
        raise ConfigError(f"ttl must be '5m', '1h' or 'both', got {ttl!r}")
    table = prices if prices is not None else load_prices()
    row = table.lookup(model, on)
    minimum = row.min_cacheable_tokens or 0
    cacheable = prefix_tokens >= minimum and prefix_tokens > 0

    records: list[dict[str, object]] = []
    cumulative: dict[str, list[Decimal]] = {}
    for strategy in ("no caching", *(f"cache {t}" for t in ttls)):
        running = Decimal(0)
        cumulative[strategy] = []
        for turn in range(1, turns + 1):
            history = (turn - 1) * (per_turn_tokens + output_tokens) + per_turn_tokens
            write = read = 0
            if strategy == "no caching" or not cacheable:
                uncached = prefix_tokens + history
            elif turn == 1:
                write, uncached = prefix_tokens, history
            else:
                read, uncached = prefix_tokens, history
            ttl_key = "ephemeral_1h_input_tokens" if strategy == "cache 1h" else "ephemeral_5m_input_tokens"
            other = (
                "ephemeral_5m_input_tokens"
                if ttl_key.endswith("1h_input_tokens")
                else "ephemeral_1h_input_tokens"
            )
            usage = {
                "input_tokens": uncached,
                "output_tokens": output_tokens,
                "cache_creation_input_tokens": write,
                "cache_read_input_tokens": read,
                "cache_creation": {ttl_key: write, other: 0},
            }
            usd = cost_of(usage, row.model, batch=batch, on=on, prices=table).total
            running += usd
            cumulative[strategy].append(running)
            records.append(
                {
                    "strategy": strategy,
                    "turn": turn,
                    "uncached": uncached,
                    "cache_write": write,
                    "cache_read": read,
                    "output": output_tokens,
                    "usd": float(usd),
                    "cumulative_usd": float(running),
                }
            )
    break_even: dict[str, int | None] = {}
    for strategy in cumulative:
        if strategy == "no caching":
            continue
        turn_found: int | None = None
        if cacheable:
            for index, (cached, plain) in enumerate(
                zip(cumulative[strategy], cumulative["no caching"], strict=True)
            ):
                if cached <= plain:
                    turn_found = index + 1
                    break
        break_even[strategy] = turn_found
    frame = pd.DataFrame.from_records(records)
    frame.attrs["break_even_turn"] = break_even
    frame.attrs["model"] = row.model
    frame.attrs["min_cacheable_tokens"] = minimum
    frame.attrs["note"] = (
        f"prefix of {prefix_tokens:,} tokens cached at a breakpoint after it; all turns within the TTL"
        if cacheable
        else f"prefix of {prefix_tokens:,} tokens is below {row.model}'s minimum cacheable length "
        f"({minimum:,} tokens): nothing is cached, so caching changes nothing"
    )
    return frame


# --------------------------------------------------------------------------- measuring real pages


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
            tokens = _count_cached(text)
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
                record[f"usd_{model}"] = _input_usd(tokens, model, table, on)
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
