"""The estimate value and the model's parameters: bands add, the worse quality wins, every row parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from webfetch_kit.accounting import (
    Figure,
    TokenEstimate,
    figure,
    load_figures,
    round_half_up,
    worst_quality,
)
from webfetch_kit.errors import ConfigError

HEADER = "name,family,central,low,high,unit,quality,observed,source,note\n"


def test_round_half_up_is_not_bankers_rounding() -> None:
    assert [round_half_up(x) for x in (2.5, 3.5, 2.4999, 0.5, 2374.675)] == [3, 4, 2, 1, 2375]


def test_sum_adds_the_bounds_and_keeps_the_worse_quality() -> None:
    a = TokenEstimate(100, 90, 120, "measured", ("a",))
    b = TokenEstimate(10, 5, 20, "assumption", ("b",))
    total = a + b
    assert (total.central, total.low, total.high) == (110, 95, 140)
    assert total.quality == "assumption"
    assert total.basis == ("a", "b")


def test_zero_is_the_identity_and_keeps_the_other_quality() -> None:
    a = TokenEstimate(7, 6, 8, "inferred", ("a",))
    assert TokenEstimate.zero() + a == a
    assert a + TokenEstimate.zero() == a
    assert TokenEstimate.total([]) == TokenEstimate.zero()


def test_worst_quality_orders_exact_to_assumption() -> None:
    assert worst_quality(["measured", "secondary", "inferred"]) == "secondary"
    assert worst_quality([]) == "exact"


def test_capped_cuts_each_bound_at_the_limit() -> None:
    capped = TokenEstimate(1_175, 1_150, 1_260, "measured", ("x",)).capped(1_200, "max_content_tokens")
    assert (capped.central, capped.low, capped.high) == (1_175, 1_150, 1_200)
    assert capped.basis == ("x", "max_content_tokens")
    below = TokenEstimate(10, 9, 11, "measured")
    assert below.capped(100, "cap") is below


def test_times_and_labels() -> None:
    one = TokenEstimate(129, 120, 140, "inferred")
    assert one.times(3) == TokenEstimate(387, 360, 420, "inferred")
    assert one.label() == "≈129 tokens (estimate 120–140; inferred from recorded real API traffic)"
    assert TokenEstimate.exact(5).label() == "5 tokens (counted)"
    assert int(one) == 129


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((5, 6, 7), r"0 <= low <= central <= high, got 6, 5, 7"),
        ((5, 4, 3), r"0 <= low <= central <= high, got 4, 5, 3"),
        ((0, -1, 0), r"got -1, 0, 0"),
    ],
)
def test_a_band_out_of_order_is_refused(args: tuple[int, int, int], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        TokenEstimate(*args)


def test_figure_tokens_round_each_bound() -> None:
    factor = figure("fetched_text_factor")
    estimate = factor.tokens(2_021)
    assert (estimate.central, estimate.low, estimate.high) == (2_375, 2_324, 2_546)  # 1.175 / 1.15 / 1.26
    assert estimate.quality == "measured"
    assert factor.label() == (
        "1.175 (1.15–1.26) Claude tokens per cl100k token, measured on recorded real API traffic"
    )


@pytest.mark.parametrize(
    ("name", "family", "central", "low", "high", "quality"),
    [
        ("message_framing", None, 8, 8, 8, "measured"),
        ("prompt_text_factor", None, 1.0, 1.0, 1.26, "inferred"),
        ("fetched_text_factor", None, 1.175, 1.15, 1.26, "measured"),
        ("fetch_result_overhead", None, 129, 129, 129, "inferred"),
        ("error_result_overhead", None, 76, 76, 76, "inferred"),
        ("pdf_page_tokens", None, 1_650, 1_600, 2_100, "measured"),
        ("search_tokens_per_char", None, 0.27, 0.27, 0.27, "measured"),
        ("max_content_cl100k_ratio", None, 0.84, 0.79, 0.87, "measured"),
        ("output_text_factor", None, 1.12, 1.10, 1.14, "measured"),
        ("output_citation_factor", None, 1.7, 1.5, 1.9, "measured"),
        ("output_per_server_call", "sonnet-4", 20, 16, 68, "measured"),
        ("output_per_server_call", "haiku-4-5", 55, 16, 68, "measured"),
        ("output_per_server_call", "sonnet-4-6", 38, 16, 68, "assumption"),
    ],
)
def test_the_kit_figures(
    name: str, family: str | None, central: float, low: float, high: float, quality: str
) -> None:
    row = figure(name, family)
    assert (row.central, row.low, row.high, row.quality) == (central, low, high, quality)
    assert row.source and row.observed


def test_every_row_has_a_source_and_a_unit() -> None:
    table = load_figures()
    assert all(f.source and f.unit and f.observed for f in table.figures)
    assert "fetched_text_factor" in table.names()


def test_unknown_figure_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no accounting figure 'nope'; known: message_framing, "):
        figure("nope")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("x,,abc,1,2,t,measured,2025,src,\n", r":2: column 'central' must be a number, got 'abc'"),
        ("x,,1,1,2,t,guessed,2025,src,\n", r":2: column 'quality' must be one of assumption, inferred, "),
        ("x,,1,1,2,t,measured,2025,,\n", r":2: column 'source' must not be empty"),
        (
            "x,,3,1,2,t,measured,2025,src,\n",
            r":2: figure 'x': need low <= central <= high, got 1.0, 3.0, 2.0",
        ),
        ("x,,-1,-1,2,t,measured,2025,src,\n", r":2: column 'central' must not be negative"),
        ("x,,1,1,1,t,measured,2025,src,\nx,,1,1,1,t,measured,2025,src,\n", r":3: a second row for 'x'"),
    ],
)
def test_bad_figure_rows_are_refused_with_their_line(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "accounting.csv"
    path.write_text(HEADER + row, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_figures(path)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "accounting.csv"
    path.write_text("name,central\nx,1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"missing column\(s\) family, low, high, unit, quality"):
        load_figures(path)


def test_figure_needs_an_ordered_band() -> None:
    with pytest.raises(ConfigError, match=r"figure 'f': need low <= central <= high"):
        Figure("f", 1, 2, 3, "t", "measured", "2025", "src")


def test_an_assumed_zero_still_marks_the_sum_an_assumption() -> None:
    assumed = TokenEstimate(0, 0, 0, "assumption", ("images not modelled",))
    total = TokenEstimate(10, 9, 12, "measured") + assumed
    assert total.quality == "assumption"
    assert total.basis == ("images not modelled",)
    assert (TokenEstimate.exact(0) + TokenEstimate(10, 9, 12, "measured")).quality == "measured"
