"""cost_of: every component summed by hand, batch, TTLs, long context, bad usage."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from anthropic.types import Usage

from webfetch_kit.costs import cost_of
from webfetch_kit.costs.cost import check_count, input_cost
from webfetch_kit.errors import ConfigError, PricingError

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


def test_input_cost_is_content_alone() -> None:
    assert input_cost(10_000, "claude-sonnet-4-5").total == D("0.03")  # 10,000 x 3 / 1M


@pytest.mark.parametrize("value", [-1, 1.5, True, "3"])
def test_check_count_refuses_what_is_not_a_whole_number(value: object) -> None:
    with pytest.raises(ConfigError, match=rf"pages must be a non-negative integer, got {value!r}"):
        check_count(value, "pages")
