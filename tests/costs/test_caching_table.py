"""caching_table: by hand on Sonnet 4.5, TTLs, the minimum cacheable length, a prefix the model builds."""

from __future__ import annotations

import pytest

from webfetch_kit.accounting import tool_overhead
from webfetch_kit.costs import caching_table
from webfetch_kit.errors import ConfigError


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


def test_the_prefix_can_be_built_from_tools_and_a_fetched_document() -> None:
    frame = caching_table(
        2,
        document_cl100k=17_562,
        tools=["web_fetch_20250910"],
        per_turn_tokens=30,
        output_tokens=150,
        model="claude-sonnet-4-0",
    )
    prefix = frame.attrs["prefix"]
    # 849 (web_fetch_20250910 on sonnet-4) + 129 (result wrapper) + 1.175 x 17,562 (20,635.35)
    assert (prefix.central, prefix.low, prefix.high) == (21_613, 21_174, 23_106)
    first = frame[(frame.strategy == "cache 5m") & (frame.turn == 1)].iloc[0]
    assert first.cache_write == 21_613
    assert "The prefix is an estimate: ≈21,613 tokens (estimate 21,174–23,106" in frame.attrs["note"]
    assert tool_overhead(["web_fetch_20250910"], "claude-sonnet-4-0").central == 849


def test_a_prefix_given_in_tokens_is_not_called_an_estimate() -> None:
    frame = caching_table(
        2, prefix_tokens=5_000, per_turn_tokens=50, output_tokens=100, model="claude-haiku-4-5"
    )
    assert "estimate" not in frame.attrs["note"]
