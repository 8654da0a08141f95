"""estimate_table and pdf_estimate_table on the accounting model: content alone beside a one-fetch turn."""

from __future__ import annotations

import pytest

from webfetch_kit.accounting import fetched_text_tokens, prompt_tokens, server_call_tokens, tool_overhead
from webfetch_kit.costs import estimate_table, pdf_estimate_table, sample_text
from webfetch_kit.costs.request import TURN_QUESTION
from webfetch_kit.errors import ConfigError, PricingError
from webfetch_kit.tokens import APPROXIMATION_NOTE, count_tokens


def test_sample_text_is_cut_to_size() -> None:
    assert len(sample_text(1_000).encode()) == 1_000
    assert len(sample_text(100_000).encode()) == 100_000  # longer than the file: repeated
    assert sample_text(0) == ""


def test_estimate_table_counts_three_ways() -> None:
    frame = estimate_table(sizes=[10_000], models=["claude-haiku-4-5", "claude-opus-4-1"])
    row = frame.iloc[0]
    tokens = int(count_tokens(sample_text(10_000)))
    assert tokens == 2_096
    assert row["size"] == "10 KB"
    assert row["tokens_cl100k_base"] == 2_096
    assert row["tokens_rule_of_thumb"] == 2_500  # the tool page: 10 KB ~ 2,500 tokens
    # Claude tokens: 2,096 x 1.175 = 2,462.8; x 1.15 = 2,410.4; x 1.26 = 2,640.96
    assert (row["tokens_claude"], row["tokens_claude_low"], row["tokens_claude_high"]) == (
        2_463,
        2_410,
        2_641,
    )
    assert row["usd_claude-haiku-4-5"] == pytest.approx(2_463 * 1 / 1e6)  # content alone
    assert row["usd_claude-opus-4-1"] == pytest.approx(2_463 * 15 / 1e6)
    assert APPROXIMATION_NOTE in frame.attrs["note"]
    assert frame.attrs["note"].startswith("Estimates")
    assert row["note"] == "estimate"
    assert "1.175 (1.15–1.26)" in frame.attrs["estimates"]["tokens_claude"]


def test_the_turn_beside_the_content_on_haiku_4_5() -> None:
    row = estimate_table(sizes=[1_000], models=["claude-haiku-4-5"]).iloc[0]
    model = "claude-haiku-4-5"
    first = prompt_tokens([{"role": "user", "content": TURN_QUESTION}], model=model).central + 1_030
    assert (
        first == tool_overhead(["web_fetch_20250910"], model).central + 8 + 12 == 1_050
    )  # framing, question
    content = fetched_text_tokens(216).central  # 1 KB of prose: 216 cl100k -> 254
    assert content == 254
    # pass 2 = pass 1 + the call (55 on haiku-4-5) + 129 + content
    turn = first + (first + 55 + 129 + content)
    assert row["turn_tokens_claude-haiku-4-5"] == turn == 2_538
    assert row["usd_turn_claude-haiku-4-5"] == pytest.approx((turn * 1 + 55 * 5) / 1e6)
    assert row["usd_turn_low_claude-haiku-4-5"] < row["usd_turn_claude-haiku-4-5"]
    assert row["usd_turn_high_claude-haiku-4-5"] > row["usd_turn_claude-haiku-4-5"]
    assert row["turn_tokens_claude-haiku-4-5"] / row["tokens_claude"] > 9  # a small page: the turn dominates
    assert server_call_tokens(model).central == 55


def test_estimate_table_default_sizes() -> None:
    frame = estimate_table(models=["claude-haiku-4-5"])
    assert list(frame["size"]) == ["1 KB", "10 KB", "100 KB", "500 KB", "1 MB"]
    assert list(frame["tokens_rule_of_thumb"]) == [250, 2_500, 25_000, 125_000, 250_000]


def test_max_content_tokens_keeps_about_the_limit_in_claude_tokens() -> None:
    frame = estimate_table(sizes=[100_000], models=["claude-sonnet-4-5"], max_content_tokens=10_000)
    row = frame.iloc[0]
    assert row["tokens_claude"] > 10_000
    assert row["tokens_billed"] == 10_000
    assert bool(row["truncated"])
    assert row["usd_claude-sonnet-4-5"] == pytest.approx(0.03)  # 10,000 x 3 / 1M


def test_estimate_table_marks_long_context_rows() -> None:
    frame = estimate_table(sizes=[1_000_000], models=["claude-sonnet-4-5"])
    row = frame.iloc[0]
    assert row["tokens_claude"] > 200_000
    assert row["usd_claude-sonnet-4-5"] == pytest.approx(row["tokens_claude"] * 6 / 1e6)
    assert "long-context rates for claude-sonnet-4-5" in row["note"]


def test_estimate_table_with_own_text() -> None:
    frame = estimate_table(sizes=[8], models=["claude-haiku-4-5"], text="abcd")
    assert frame.iloc[0]["chars"] == 8


def test_estimate_table_rejects_bad_arguments() -> None:
    with pytest.raises(
        ConfigError, match=r"max_content_tokens must be a positive whole number or None, got 0"
    ):
        estimate_table(max_content_tokens=0)
    with pytest.raises(ConfigError, match=r"size \(bytes\) must be a non-negative integer, got -5"):
        estimate_table(sizes=[-5])
    with pytest.raises(PricingError, match=r"no price for model 'claude-nope'"):
        estimate_table(models=["claude-nope"])


def test_pdf_estimate_table_by_pages() -> None:
    frame = pdf_estimate_table(pages=(1, 10), models=["claude-haiku-4-5"])
    assert list(frame["tokens_as_pdf"]) == [1_650, 16_500]
    assert list(frame["tokens_as_pdf_low"]) == [1_600, 16_000]
    assert list(frame["tokens_as_pdf_high"]) == [2_100, 21_000]
    assert list(frame["tokens_as_text"]) == [500, 5_000]
    assert frame.iloc[1]["usd_pdf_claude-haiku-4-5"] == pytest.approx(0.0165)  # 16,500 x 1 / 1M
    assert frame.iloc[0]["turn_tokens_pdf_claude-haiku-4-5"] == 2 * 1_050 + 55 + 129 + 1_650
    assert "secondary source" in frame.attrs["note"]
    assert "max_content_tokens does not apply to PDFs" in frame.attrs["note"]
    with pytest.raises(ConfigError, match=r"pages must be a non-negative integer, got -1"):
        pdf_estimate_table(pages=(-1,))
