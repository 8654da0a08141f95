"""The price table: every row sourced and dated, aliases, date selection, bad files."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from webfetch_kit._data import data_dir
from webfetch_kit.costs.pricing import PriceTable, load_prices, price_for
from webfetch_kit.errors import ConfigError, PricingError

PRICING_CSV = data_dir() / "pricing.csv"


def _raw_rows() -> list[dict[str, str]]:
    with PRICING_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_every_row_has_a_source_url_and_an_effective_date() -> None:
    rows = _raw_rows()
    assert rows
    for row in rows:
        assert row["source_url"].startswith("https://"), row["model"]
        assert row["source_note"].strip(), row["model"]
        date.fromisoformat(row["effective_date"])  # raises on a missing or malformed date
        assert row["verified_on_anthropic"] in ("true", "false"), row["model"]


def test_unverified_rows_say_they_are_not_from_anthropic() -> None:
    for row in _raw_rows():
        if row["verified_on_anthropic"] == "false":
            assert "NOT from Anthropic's own pages" in row["source_note"], row["model"]


def test_models_the_tool_page_lists_are_priced() -> None:
    table = load_prices()
    for model in (
        "claude-sonnet-4-5-20250929",
        "claude-sonnet-4-20250514",
        "claude-3-7-sonnet-20250219",
        "claude-3-5-sonnet-latest",
        "claude-haiku-4-5-20251001",
        "claude-3-5-haiku-latest",
        "claude-opus-4-1-20250805",
        "claude-opus-4-20250514",
    ):
        assert table.lookup(model).input > 0


@pytest.mark.parametrize(
    ("name", "api_id", "rates"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929", ("3", "15", "3.75", "6", "0.30")),
        ("claude-haiku-4-5", "claude-haiku-4-5-20251001", ("1", "5", "1.25", "2", "0.10")),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022", ("0.80", "4", "1", "1.6", "0.08")),
        ("claude-opus-4-1", "claude-opus-4-1-20250805", ("15", "75", "18.75", "30", "1.50")),
        ("claude-opus-4-5", "claude-opus-4-5-20251101", ("5", "25", "6.25", "10", "0.50")),
    ],
)
def test_aliases_resolve_to_the_api_id_and_its_rates(name: str, api_id: str, rates: tuple[str, ...]) -> None:
    row = price_for(name)
    assert row.model == api_id
    assert (row.input, row.output, row.cache_write_5m, row.cache_write_1h, row.cache_read) == tuple(
        Decimal(r) for r in rates
    )


def test_minimum_cacheable_lengths_follow_the_reference_notes() -> None:
    table = load_prices()
    assert table.lookup("claude-sonnet-4-5").min_cacheable_tokens == 1024
    assert table.lookup("claude-opus-4-1").min_cacheable_tokens == 1024
    assert table.lookup("claude-3-5-haiku-latest").min_cacheable_tokens == 2048
    assert table.lookup("claude-haiku-4-5").min_cacheable_tokens == 4096
    assert table.lookup("claude-opus-4-5").min_cacheable_tokens == 4096


def test_long_context_only_where_the_table_says() -> None:
    table = load_prices()
    sonnet = table.lookup("claude-sonnet-4-5")
    assert (sonnet.long_context_threshold, sonnet.long_context_input, sonnet.long_context_output) == (
        200_000,
        Decimal(6),
        Decimal("22.50"),
    )
    assert table.lookup("claude-sonnet-4-6").long_context_threshold is None
    assert table.lookup("claude-opus-4-6").long_context_threshold is None


def test_tool_rows_web_search_ten_dollars_per_thousand_web_fetch_free() -> None:
    table = load_prices()
    assert table.tool("web_search").usd_per_use == Decimal("0.01")
    assert table.tool("web_fetch").usd_per_use == 0
    assert "no additional charges" in table.tool("web_fetch").source_note


def test_unknown_model_lists_known_models() -> None:
    with pytest.raises(PricingError) as info:
        price_for("claude-imaginary-9")
    message = str(info.value)
    assert "'claude-imaginary-9'" in message
    assert "claude-sonnet-4-5-20250929 (claude-sonnet-4-5)" in message
    assert "claude-haiku-4-5-20251001 (claude-haiku-4-5)" in message


def test_unknown_tool_lists_known_tools() -> None:
    with pytest.raises(
        PricingError, match=r"no price for tool 'code_execution'; known tools: web_fetch, web_search"
    ):
        load_prices().tool("code_execution")


def test_on_before_the_first_row_is_a_pricing_error() -> None:
    with pytest.raises(PricingError, match=r"no price for 'claude-sonnet-4-5-20250929' on 2025-09-01"):
        price_for("claude-sonnet-4-5", on=date(2025, 9, 1))


def test_on_picks_the_row_in_force(tmp_path: Path) -> None:
    rows = _raw_rows()
    haiku = next(r for r in rows if r["model"] == "claude-3-5-haiku-20241022")
    # A made-up later price change, to exercise the selection: the real table has one row per model.
    later = {**haiku, "effective_date": "2026-01-01", "input": "0.5", "source_note": "test row"}
    table = load_prices(_write(tmp_path / "pricing.csv", [*rows, later]))
    assert table.lookup("claude-3-5-haiku-latest", on=date(2025, 12, 31)).input == Decimal("0.80")
    assert table.lookup("claude-3-5-haiku-latest", on="2026-01-01").input == Decimal("0.5")
    assert table.lookup("claude-3-5-haiku-latest").input == Decimal("0.5")
    assert [r.effective_date for r in table.history("claude-3-5-haiku-20241022")] == [
        date(2024, 10, 22),
        date(2026, 1, 1),
    ]


def test_on_must_be_a_date() -> None:
    with pytest.raises(
        ConfigError, match=r"on must be a datetime.date or an ISO date string, got 'yesterday'"
    ):
        price_for("claude-sonnet-4-5", on="yesterday")


def test_a_row_without_source_url_is_refused(tmp_path: Path) -> None:
    rows = _raw_rows()
    rows[0] = {**rows[0], "source_url": ""}
    with pytest.raises(ConfigError, match=r"pricing.csv:2: column 'source_url' must not be empty"):
        load_prices(_write(tmp_path / "pricing.csv", rows))


def test_a_row_without_effective_date_is_refused(tmp_path: Path) -> None:
    rows = _raw_rows()
    rows[1] = {**rows[1], "effective_date": ""}
    with pytest.raises(ConfigError, match=r"pricing.csv:3: column 'effective_date' must not be empty"):
        load_prices(_write(tmp_path / "pricing.csv", rows))


def test_an_alias_claimed_by_two_models_is_refused(tmp_path: Path) -> None:
    rows = _raw_rows()
    rows[1] = {**rows[1], "aliases": "claude-sonnet-4-5"}
    with pytest.raises(ConfigError, match=r"name 'claude-sonnet-4-5' is used by both"):
        load_prices(_write(tmp_path / "pricing.csv", rows))


def test_to_frame_has_one_row_per_model_row() -> None:
    table = load_prices()
    frame = table.to_frame()
    assert len(frame) == len(table.models)
    assert {"model", "effective_date", "input", "source_url", "verified_on_anthropic"} <= set(frame.columns)


def test_price_table_is_a_value() -> None:
    table = load_prices()
    assert isinstance(table, PriceTable)
    assert load_prices() is table  # cached while the file is unchanged
