"""The price table: ``data/pricing.csv`` loaded into frozen rows, looked up by model and date.

Every row carries where its figures came from (``source_url``, ``source_note``) and whether they were
read on Anthropic's own pages (``verified_on_anthropic``). Rates are stored as absolute USD per million
tokens, never as multipliers: the documentation warns that newer models do not always follow the
1.25x / 2x / 0.1x cache multipliers.

A model may have several rows; the row in force on a date is the one with the latest
``effective_date`` on or before it. Tool rows (``kind == "tool"``) price server tools per use.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .._data import data_dir, read_csv_rows
from ..errors import ConfigError, PricingError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PriceRow", "PriceTable", "ToolPrice", "load_prices", "price_for"]

_FILE_NAME = "pricing.csv"
_REQUIRED_COLUMNS = (
    "kind",
    "model",
    "aliases",
    "display_name",
    "effective_date",
    "input",
    "output",
    "cache_write_5m",
    "cache_write_1h",
    "cache_read",
    "batch_discount",
    "long_context_threshold",
    "long_context_input",
    "long_context_output",
    "min_cacheable_tokens",
    "usd_per_1000_uses",
    "source_url",
    "source_note",
    "verified_on_anthropic",
)


@dataclass(frozen=True)
class PriceRow:
    """One model's prices from one effective date on (rates in USD per million tokens)."""

    model: str
    aliases: tuple[str, ...]
    display_name: str
    effective_date: date
    input: Decimal
    output: Decimal
    cache_write_5m: Decimal
    cache_write_1h: Decimal
    cache_read: Decimal
    batch_discount: Decimal
    long_context_threshold: int | None
    long_context_input: Decimal | None
    long_context_output: Decimal | None
    min_cacheable_tokens: int | None
    source_url: str
    source_note: str
    verified_on_anthropic: bool

    @property
    def names(self) -> tuple[str, ...]:
        """The API id followed by its aliases."""
        return (self.model, *self.aliases)


@dataclass(frozen=True)
class ToolPrice:
    """A server tool's fee per use, from one effective date on."""

    tool: str
    display_name: str
    effective_date: date
    usd_per_1000_uses: Decimal
    source_url: str
    source_note: str
    verified_on_anthropic: bool

    @property
    def usd_per_use(self) -> Decimal:
        """The fee for one use (exact: ``usd_per_1000_uses / 1000``)."""
        return self.usd_per_1000_uses / 1000


@dataclass(frozen=True)
class PriceTable:
    """All price rows, with lookups by model name (API id or alias) and date."""

    models: tuple[PriceRow, ...]
    tools: tuple[ToolPrice, ...]
    path: Path | None = None

    def known_models(self) -> list[str]:
        """Every API id in the table, each followed by its aliases in parentheses."""
        seen: dict[str, tuple[str, ...]] = {}
        for row in self.models:
            seen.setdefault(row.model, row.aliases)
        return [f"{m} ({', '.join(a)})" if a else m for m, a in sorted(seen.items())]

    def resolve(self, model: str) -> str:
        """The API id that ``model`` (an id or an alias) names; :class:`PricingError` if none."""
        for row in self.models:
            if model in row.names:
                return row.model
        raise PricingError(f"no price for model {model!r}; known models: {'; '.join(self.known_models())}")

    def history(self, model: str) -> list[PriceRow]:
        """All rows of ``model`` (id or alias), oldest first."""
        api_id = self.resolve(model)
        return sorted((r for r in self.models if r.model == api_id), key=lambda r: r.effective_date)

    def lookup(self, model: str, on: date | str | None = None) -> PriceRow:
        """The row of ``model`` in force on ``on`` (default: the newest row).

        Raises:
            PricingError: the model is unknown (the message lists known ones) or has no row on or
                before ``on``.
        """
        rows = self.history(model)
        return _in_force(rows, on, repr(rows[0].model))

    def tool(self, name: str, on: date | str | None = None) -> ToolPrice:
        """The fee row of server tool ``name`` (``web_search``, ``web_fetch``) in force on ``on``."""
        rows = sorted((t for t in self.tools if t.tool == name), key=lambda t: t.effective_date)
        if not rows:
            known = ", ".join(sorted({t.tool for t in self.tools}))
            raise PricingError(f"no price for tool {name!r}; known tools: {known}")
        return _in_force(rows, on, f"tool {name!r}")

    def to_frame(self) -> pd.DataFrame:
        """The model rows as a DataFrame (one row per model and effective date)."""
        import pandas as pd

        records = []
        for row in self.models:
            record: dict[str, object] = {f.name: getattr(row, f.name) for f in fields(row)}
            record["aliases"] = ";".join(row.aliases)
            records.append(record)
        return pd.DataFrame.from_records(records)


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Load the price table (default: ``pricing.csv`` in the kit's data directory).

    Raises:
        ConfigError: the file is missing a column or a value cannot be parsed (the message names the
            line and column).
    """
    resolved = Path(path) if path is not None else data_dir() / _FILE_NAME
    return _load(resolved.resolve(), resolved.stat().st_mtime_ns)


def price_for(model: str, on: date | str | None = None) -> PriceRow:
    """The row of ``model`` (API id or alias) in force on ``on`` in the kit's own table."""
    return load_prices().lookup(model, on)


@functools.cache
def _load(path: Path, _mtime_ns: int) -> PriceTable:
    models: list[PriceRow] = []
    tools: list[ToolPrice] = []
    for where, cells in read_csv_rows(path, _REQUIRED_COLUMNS):
        parser = _Cells(where, cells)
        kind = cells["kind"]
        if kind == "model":
            models.append(parser.model_row())
        elif kind == "tool":
            tools.append(parser.tool_row())
        else:
            raise ConfigError(f"{where}: kind must be 'model' or 'tool', got {kind!r}")
    _check_unique(path, ((r.model, r.effective_date) for r in models))
    _check_aliases(path, models)
    return PriceTable(models=tuple(models), tools=tuple(tools), path=path)


@dataclass(frozen=True)
class _Cells:
    where: str
    cells: dict[str, str]

    def _fail(self, column: str, why: str) -> ConfigError:
        return ConfigError(f"{self.where}: column {column!r} {why} (got {self.cells[column]!r})")

    def text(self, column: str) -> str:
        value = self.cells[column]
        if not value:
            raise self._fail(column, "must not be empty")
        return value

    def decimal(self, column: str) -> Decimal:
        text = self.text(column)
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise self._fail(column, "must be a number") from None
        if not value.is_finite() or value < 0:
            raise self._fail(column, "must be a non-negative number")
        return value

    def optional_decimal(self, column: str) -> Decimal | None:
        return self.decimal(column) if self.cells[column] else None

    def optional_int(self, column: str) -> int | None:
        if not self.cells[column]:
            return None
        try:
            return int(self.cells[column])
        except ValueError:
            raise self._fail(column, "must be an integer") from None

    def day(self, column: str) -> date:
        value = self.text(column)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self._fail(column, "must be an ISO date (YYYY-MM-DD)") from None

    def flag(self, column: str) -> bool:
        value = self.text(column).lower()
        if value not in ("true", "false"):
            raise self._fail(column, "must be true or false")
        return value == "true"

    def model_row(self) -> PriceRow:
        row = PriceRow(
            model=self.text("model"),
            aliases=tuple(a.strip() for a in self.cells["aliases"].split(";") if a.strip()),
            display_name=self.text("display_name"),
            effective_date=self.day("effective_date"),
            input=self.decimal("input"),
            output=self.decimal("output"),
            cache_write_5m=self.decimal("cache_write_5m"),
            cache_write_1h=self.decimal("cache_write_1h"),
            cache_read=self.decimal("cache_read"),
            batch_discount=self.decimal("batch_discount"),
            long_context_threshold=self.optional_int("long_context_threshold"),
            long_context_input=self.optional_decimal("long_context_input"),
            long_context_output=self.optional_decimal("long_context_output"),
            min_cacheable_tokens=self.optional_int("min_cacheable_tokens"),
            source_url=self.text("source_url"),
            source_note=self.text("source_note"),
            verified_on_anthropic=self.flag("verified_on_anthropic"),
        )
        if row.batch_discount > 1:
            raise self._fail("batch_discount", "is a fraction off and must be <= 1")
        long_context = (row.long_context_threshold, row.long_context_input, row.long_context_output)
        if any(v is not None for v in long_context) and any(v is None for v in long_context):
            raise self._fail(
                "long_context_threshold", "and long_context_input/output must be all set or all empty"
            )
        return row

    def tool_row(self) -> ToolPrice:
        return ToolPrice(
            tool=self.text("model"),
            display_name=self.text("display_name"),
            effective_date=self.day("effective_date"),
            usd_per_1000_uses=self.decimal("usd_per_1000_uses"),
            source_url=self.text("source_url"),
            source_note=self.text("source_note"),
            verified_on_anthropic=self.flag("verified_on_anthropic"),
        )


def _check_unique(path: Path, keys: Iterable[tuple[str, date]]) -> None:
    seen: set[tuple[str, date]] = set()
    for key in keys:
        if key in seen:
            raise ConfigError(f"{path}: two rows for {key[0]!r} effective {key[1].isoformat()}")
        seen.add(key)


def _check_aliases(path: Path, rows: list[PriceRow]) -> None:
    owner: dict[str, str] = {}
    for row in rows:
        for name in row.names:
            if owner.setdefault(name, row.model) != row.model:
                raise ConfigError(f"{path}: name {name!r} is used by both {owner[name]!r} and {row.model!r}")


_Dated = TypeVar("_Dated", "PriceRow", "ToolPrice")


def _in_force(rows: list[_Dated], on: date | str | None, what: str) -> _Dated:
    """The row in force on ``on`` (the newest when None) among ``rows``, sorted oldest first."""
    if on is None:
        return rows[-1]
    when = _as_date(on)
    in_force = [row for row in rows if row.effective_date <= when]
    if not in_force:
        raise PricingError(
            f"no price for {what} on {when.isoformat()}: its first row is effective "
            f"from {rows[0].effective_date.isoformat()}"
        )
    return in_force[-1]


def _as_date(on: date | str) -> date:
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(on)
    except (TypeError, ValueError):
        raise ConfigError(f"on must be a datetime.date or an ISO date string, got {on!r}") from None
