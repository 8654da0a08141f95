"""Costs: every component summed by hand, batch, TTLs, long context, estimates, caching, corpus."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from anthropic.types import Usage

from webfetch_kit.costs import (
    caching_table,
    cost_of,
    estimate_table,
    measure_corpus,
    pdf_estimate_table,
    sample_text,
)
from webfetch_kit.errors import ConfigError, PricingError
from webfetch_kit.tokens import APPROXIMATION_NOTE, count_tokens

D = Decimal

# Sonnet 4.5: input 3, output 15, 5m write 3.75, 1h write 6, read 0.30 USD per million tokens.
FULL_USAGE: dict[str, Any] = {
    "input_tokens": 1_000,
    "output_tokens": 500,
    "cache_creation_input_tokens": 3_000,
    "cache_read_input_tokens": 20_000,
    "cache_creation": {"ephemeral_5m_input_tokens": 2_000, "ephemeral_1h_input_tokens": 1_000},
    "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 3},
}


def test_every_component_summed_by_hand() -> None:
    cost = cost_of(FULL_USAGE, "claude-sonnet-4-5")
    assert cost.model == "claude-sonnet-4-5-20250929"
    expected = {
        "input": D("0.003"),  # 1,000 x 3 / 1M
        "cache_write_5m": D("0.0075"),  # 2,000 x 3.75 / 1M
        "cache_write_1h": D("0.006"),  # 1,000 x 6 / 1M
        "cache_read": D("0.006"),  # 20,000 x 0.30 / 1M
        "output": D("0.0075"),  # 500 x 15 / 1M
        "web_search": D("0.02"),  # 2 x $10 / 1,000
        "web_fetch": D("0"),  # no fee beyond tokens
    }
    assert {line.component: line.usd for line in cost.lines} == expected
    assert cost.total == D("0.05")  # exact: 0.003 + 0.0075 + 0.006 + 0.006 + 0.0075 + 0.02
    assert cost.line("web_fetch").quantity == 3
    assert "no fee" in cost.line("web_fetch").note


def test_sdk_usage_object_gives_the_same_cost() -> None:
    usage = Usage.model_validate(FULL_USAGE)
    assert cost_of(usage, "claude-sonnet-4-5").total == D("0.05")


def test_one_hour_writes_cost_more_than_five_minute_writes() -> None:
    base = {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 100_000}
    five = cost_of(
        {**base, "cache_creation": {"ephemeral_5m_input_tokens": 100_000, "ephemeral_1h_input_tokens": 0}},
        "claude-opus-4-1",
    )
    hour = cost_of(
        {**base, "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 100_000}},
        "claude-opus-4-1",
    )
    assert five.total == D("1.875")  # 100,000 x 18.75 / 1M
    assert hour.total == D("3")  # 100,000 x 30 / 1M
    assert hour.line("cache_write_1h").rate == D(30)


def test_missing_breakdown_bills_every_write_at_five_minutes_and_says_so() -> None:
    cost = cost_of(
        {"input_tokens": 0, "output_tokens": 0, "cache_creation_input_tokens": 4_000}, "claude-haiku-4-5"
    )
    assert cost.line("cache_write_5m").quantity == 4_000
    assert cost.line("cache_write_5m").usd == D("0.005")  # 4,000 x 1.25 / 1M
    assert cost.line("cache_write_1h").quantity == 0
    assert "5-minute rate" in cost.line("cache_write_5m").note


def test_breakdown_that_does_not_add_up_is_refused() -> None:
    usage = {
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_creation_input_tokens": 10,
        "cache_creation": {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 3},
    }
    with pytest.raises(ConfigError, match=r"does not add up .*\(3 \+ 3 != 10\)"):
        cost_of(usage, "claude-haiku-4-5")


def test_batch_halves_token_lines_but_not_search_fees() -> None:
    cost = cost_of(FULL_USAGE, "claude-sonnet-4-5", batch=True)
    # token lines: (0.003 + 0.0075 + 0.006 + 0.006 + 0.0075) / 2 = 0.015; searches stay 0.02
    assert cost.line("input").rate == D("1.5")
    assert cost.line("output").usd == D("0.00375")
    assert cost.line("web_search").usd == D("0.02")
    assert cost.total == D("0.035")
    assert "batch: 50% off" in cost.line("output").note


def test_long_context_above_threshold_reprices_the_whole_request() -> None:
    usage = {
        "input_tokens": 150_000,
        "output_tokens": 1_000,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 60_000,
    }
    cost = cost_of(usage, "claude-sonnet-4-5")
    assert cost.long_context  # 150,000 + 60,000 = 210,000 > 200,000
    assert cost.line("input").usd == D("0.9")  # 150,000 x 6 / 1M
    assert cost.line("cache_read").rate == D("0.60")  # 0.30 x (6 / 3)
    assert cost.line("cache_read").usd == D("0.036")  # 60,000 x 0.60 / 1M
    assert cost.line("output").usd == D("0.0225")  # 1,000 x 22.50 / 1M
    assert cost.total == D("0.9585")
    assert "long-context rates" in cost.line("input").note


def test_long_context_with_batch_and_cache_writes() -> None:
    usage = {
        "input_tokens": 1_000,
        "output_tokens": 0,
        "cache_creation_input_tokens": 200_000,
        "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 200_000},
    }
    cost = cost_of(usage, "claude-sonnet-4-0", batch=True)
    # 1h write 6 x 2 (long context) x 0.5 (batch) = 6 per MTok; input 6 x 0.5 = 3 per MTok
    assert cost.line("cache_write_1h").usd == D("1.2")  # 200,000 x 6 / 1M
    assert cost.line("input").usd == D("0.003")  # 1,000 x 3 / 1M
    assert cost.total == D("1.203")


def test_exactly_at_the_threshold_is_standard_pricing() -> None:
    cost = cost_of({"input_tokens": 200_000, "output_tokens": 0}, "claude-sonnet-4-5")
    assert not cost.long_context
    assert cost.total == D("0.6")  # 200,000 x 3 / 1M


def test_models_without_a_premium_never_switch() -> None:
    cost = cost_of({"input_tokens": 500_000, "output_tokens": 0}, "claude-sonnet-4-6")
    assert not cost.long_context
    assert cost.total == D("1.5")


def test_unknown_model_lists_known_ones() -> None:
    with pytest.raises(
        PricingError, match=r"no price for model 'gpt-4o'; known models: .*claude-opus-4-1-20250805"
    ):
        cost_of({"input_tokens": 1, "output_tokens": 1}, "gpt-4o")


def test_on_date_before_the_model_existed_is_refused() -> None:
    with pytest.raises(PricingError, match=r"on 2025-01-01"):
        cost_of({"input_tokens": 1, "output_tokens": 1}, "claude-opus-4-5", on=date(2025, 1, 1))


def test_searches_before_the_search_tool_row_are_refused_but_zero_searches_are_fine() -> None:
    usage = {"input_tokens": 1_000, "output_tokens": 0}
    assert cost_of(usage, "claude-3-5-haiku-latest", on="2024-12-01").total == D("0.0008")
    with pytest.raises(PricingError, match=r"no price for tool 'web_search' on 2024-12-01"):
        cost_of({**usage, "server_tool_use": {"web_search_requests": 1, "web_fetch_requests": 0}},
                "claude-3-5-haiku-latest", on="2024-12-01")  # fmt: skip


@pytest.mark.parametrize(
    ("usage", "message"),
    [
        ({"output_tokens": 1}, r"usage is missing 'input_tokens'"),
        (
            {"input_tokens": -1, "output_tokens": 1},
            r"usage field 'input_tokens' must be a non-negative integer, got -1",
        ),
        (
            {"input_tokens": 1.5, "output_tokens": 1},
            r"usage field 'input_tokens' must be a non-negative integer, got 1.5",
        ),
    ],
)
def test_bad_usage_is_a_config_error(usage: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        cost_of(usage, "claude-haiku-4-5")


def test_to_frame_ends_with_the_total() -> None:
    frame = cost_of(FULL_USAGE, "claude-sonnet-4-5").to_frame()
    assert list(frame["component"])[-1] == "total"
    assert frame["usd"].iloc[-1] == D("0.05")
    assert len(frame) == 8


# --------------------------------------------------------------------------- estimates


def test_sample_text_is_cut_to_size() -> None:
    assert len(sample_text(1_000).encode()) == 1_000
    assert len(sample_text(100_000).encode()) == 100_000  # longer than the file: repeated
    assert sample_text(0) == ""


def test_estimate_table_counts_with_the_kit_and_the_rule_of_thumb() -> None:
    frame = estimate_table(sizes=[10_000], models=["claude-haiku-4-5", "claude-opus-4-1"])
    row = frame.iloc[0]
    tokens = int(count_tokens(sample_text(10_000)))
    assert row["size"] == "10 KB"
    assert row["tokens_cl100k_base"] == tokens
    assert row["tokens_rule_of_thumb"] == 2_500  # the tool page: 10 KB ~ 2,500 tokens
    assert row["usd_claude-haiku-4-5"] == pytest.approx(tokens * 1 / 1e6)
    assert row["usd_claude-opus-4-1"] == pytest.approx(tokens * 15 / 1e6)
    assert APPROXIMATION_NOTE in frame.attrs["note"]
    assert frame.attrs["note"].startswith("Estimates")
    assert row["note"] == "estimate"


def test_estimate_table_default_sizes() -> None:
    frame = estimate_table(models=["claude-haiku-4-5"])
    assert list(frame["size"]) == ["1 KB", "10 KB", "100 KB", "500 KB", "1 MB"]
    assert list(frame["tokens_rule_of_thumb"]) == [250, 2_500, 25_000, 125_000, 250_000]


def test_estimate_table_with_max_content_tokens_caps_what_is_billed() -> None:
    frame = estimate_table(sizes=[100_000], models=["claude-sonnet-4-5"], max_content_tokens=10_000)
    row = frame.iloc[0]
    assert row["tokens_cl100k_base"] > 10_000
    assert row["tokens_billed"] == 10_000
    assert bool(row["truncated"])
    assert row["usd_claude-sonnet-4-5"] == pytest.approx(0.03)  # 10,000 x 3 / 1M


def test_estimate_table_marks_long_context_rows() -> None:
    frame = estimate_table(sizes=[1_000_000], models=["claude-sonnet-4-5"])
    row = frame.iloc[0]
    assert row["tokens_cl100k_base"] > 200_000
    assert row["usd_claude-sonnet-4-5"] == pytest.approx(row["tokens_cl100k_base"] * 6 / 1e6)
    assert "long-context rates for claude-sonnet-4-5" in row["note"]


def test_estimate_table_with_own_text() -> None:
    frame = estimate_table(sizes=[8], models=["claude-haiku-4-5"], text="abcd")
    assert frame.iloc[0]["chars"] == 8


def test_estimate_table_rejects_bad_arguments() -> None:
    with pytest.raises(ConfigError, match=r"max_content_tokens must be a positive whole number or None, got 0"):
        estimate_table(max_content_tokens=0)
    with pytest.raises(PricingError, match=r"no price for model 'claude-nope'"):
        estimate_table(models=["claude-nope"])


def test_pdf_estimate_table_by_pages() -> None:
    frame = pdf_estimate_table(pages=(1, 10), models=["claude-haiku-4-5"])
    assert list(frame["tokens_as_pdf"]) == [2_100, 21_000]
    assert list(frame["tokens_as_text"]) == [500, 5_000]
    assert frame.iloc[1]["usd_pdf_claude-haiku-4-5"] == pytest.approx(0.021)  # 21,000 x 1 / 1M
    assert "secondary source" in frame.attrs["note"]
    assert "max_content_tokens does not apply to PDFs" in frame.attrs["note"]


# --------------------------------------------------------------------------- caching


def test_caching_table_by_hand_on_sonnet_4_5() -> None:
    frame = caching_table(
        3, prefix_tokens=10_000, per_turn_tokens=100, output_tokens=200, model="claude-sonnet-4-5", ttl="both"
    )
    cumulative = {(r.strategy, r.turn): r.cumulative_usd for r in frame.itertuples()}
    # No caching: turn t sends 10,000 + (t-1) x 300 + 100 tokens at $3, and 200 output at $15.
    assert cumulative["no caching", 1] == pytest.approx(0.0333)  # 10,100 x 3 + 200 x 15, per 1M
    assert cumulative["no caching", 2] == pytest.approx(0.0675)  # + 10,400 x 3 + 3,000
    assert cumulative["no caching", 3] == pytest.approx(0.1026)  # + 10,700 x 3 + 3,000
    # 5m: write 10,000 x 3.75 + 100 x 3 + output; then read 10,000 x 0.30 + history x 3 + output.
    assert cumulative["cache 5m", 1] == pytest.approx(0.0408)
    assert cumulative["cache 5m", 2] == pytest.approx(0.0480)  # + 0.003 + 0.0012 + 0.003
    # 1h: write 10,000 x 6 = 0.06 on turn 1.
    assert cumulative["cache 1h", 1] == pytest.approx(0.0633)
    assert cumulative["cache 1h", 2] == pytest.approx(0.0705)  # still above 0.0675
    assert cumulative["cache 1h", 3] == pytest.approx(0.0786)  # below 0.1026
    assert frame.attrs["break_even_turn"] == {"cache 5m": 2, "cache 1h": 3}
    turn2 = frame[(frame.strategy == "cache 5m") & (frame.turn == 2)].iloc[0]
    assert (turn2.uncached, turn2.cache_write, turn2.cache_read) == (400, 0, 10_000)


def test_caching_table_default_is_five_minutes_only() -> None:
    frame = caching_table(
        2, prefix_tokens=5_000, per_turn_tokens=50, output_tokens=100, model="claude-haiku-4-5"
    )
    assert set(frame["strategy"]) == {"no caching", "cache 5m"}


def test_prefix_below_the_minimum_is_never_cached() -> None:
    # Haiku 4.5's minimum is 4,096 tokens: a 3,000-token prefix is not cached, silently.
    frame = caching_table(
        3, prefix_tokens=3_000, per_turn_tokens=100, output_tokens=100, model="claude-haiku-4-5", ttl="both"
    )
    assert frame["cache_write"].sum() == 0
    assert frame["cache_read"].sum() == 0
    assert frame.attrs["break_even_turn"] == {"cache 5m": None, "cache 1h": None}
    assert "below claude-haiku-4-5-20251001's minimum cacheable length (4,096 tokens)" in frame.attrs["note"]
    # the same prefix is cached on Sonnet 4.5 (minimum 1,024)
    sonnet = caching_table(
        2, prefix_tokens=3_000, per_turn_tokens=100, output_tokens=100, model="claude-sonnet-4-5"
    )
    assert sonnet["cache_write"].sum() == 3_000


def test_caching_table_rejects_bad_arguments() -> None:
    with pytest.raises(ConfigError, match=r"turns must be a positive whole number, got 0"):
        caching_table(0, prefix_tokens=1, per_turn_tokens=1, output_tokens=1, model="claude-haiku-4-5")
    with pytest.raises(ConfigError, match=r"ttl must be '5m', '1h' or 'both', got '2h'"):
        caching_table(
            1, prefix_tokens=1, per_turn_tokens=1, output_tokens=1, model="claude-haiku-4-5", ttl="2h"
        )  # type: ignore[arg-type]


# --------------------------------------------------------------------------- measuring pages


@dataclass(frozen=True)
class FakeDocument:
    text: str
    media_type: str
    pages: tuple[str, ...] = ()


@dataclass(frozen=True)
class FakeOutcome:
    url: str
    error_code: str | None
    bytes_read: int
    document: FakeDocument | None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass
class FakeFetcher:
    """Serves canned outcomes and records how it was called."""

    outcomes: dict[str, FakeOutcome]
    calls: list[tuple[list[str], bool]] = field(default_factory=list)

    def fetch_many(self, urls: Sequence[str], *, progress: bool = True) -> list[FakeOutcome]:
        self.calls.append((list(urls), progress))
        return [self.outcomes[url] for url in urls]


def test_measure_corpus_tabulates_pages_and_failures() -> None:
    page = sample_text(4_000)
    pdf_pages = ("First page text.", "Second page text.")
    fetcher = FakeFetcher(
        {
            "https://docs.example.com/a": FakeOutcome(
                "https://docs.example.com/a", None, 8_000, FakeDocument(page, "text/plain")
            ),
            "https://papers.example.net/p.pdf": FakeOutcome(
                "https://papers.example.net/p.pdf",
                None,
                2_000,
                FakeDocument("\n".join(pdf_pages), "application/pdf", pdf_pages),
            ),
            "https://blog.example.org/missing": FakeOutcome(
                "https://blog.example.org/missing", "url_not_accessible", 0, None
            ),
        }
    )
    frame = measure_corpus(list(fetcher.outcomes), fetcher=fetcher, models=["claude-haiku-4-5"])
    assert fetcher.calls == [(list(fetcher.outcomes), False)]
    html, pdf, failed = (frame.iloc[i] for i in range(3))
    tokens = int(count_tokens(page))
    assert html["media_type"] == "text/plain"
    assert html["bytes"] == 8_000
    assert html["chars"] == 4_000
    assert html["tokens_cl100k_base"] == tokens
    assert html["tokens_per_kb"] == pytest.approx(round(tokens / 8, 1))
    assert html["tokens_rule_of_thumb"] == 2_000  # 8,000 bytes / 4
    assert html["usd_claude-haiku-4-5"] == pytest.approx(tokens / 1e6)
    assert pdf["pdf_pages"] == 2
    assert pdf["media_type"] == "application/pdf"
    assert not failed["ok"]
    assert failed["error_code"] == "url_not_accessible"
    assert pd.isna(failed["usd_claude-haiku-4-5"])
    assert APPROXIMATION_NOTE in frame.attrs["note"]
