"""batch_cost_table: each result priced at standard and batch rates, checked by hand, estimate-labelled."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from anthropic.types.beta.messages import BetaMessageBatchIndividualResponse
from anthropic.types.messages import MessageBatchIndividualResponse

from webfetch_kit import batch_cost_table
from webfetch_kit.accounting import ACCOUNTING_NOTE
from webfetch_kit.costs import ESTIMATED_TOKENS, REPORTED_TOKENS
from webfetch_kit.errors import ConfigError, PricingError

D = Decimal
RESULTS = Path(__file__).resolve().parents[1] / "fixtures" / "batches" / "results.jsonl"
LINES = RESULTS.read_text(encoding="utf-8").splitlines()


def _dicts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in LINES]


def test_each_result_priced_by_hand() -> None:
    table = batch_cost_table(_dicts()).set_index("custom_id")
    # Sonnet 4.6: 20,000 input x $3/M + 400 output x $15/M = $0.066; batch: half of every token line.
    assert table.loc["emulated-fetch", ["standard_usd", "batch_usd", "saved_usd"]].tolist() == pytest.approx(
        [0.066, 0.033, 0.033]
    )
    # Haiku 4.5: input $0.01 + 5m write $0.0025 + read $0.0005 + output $0.001 + one search $0.01 = $0.024;
    # batch halves the tokens ($0.007) but not the search fee: $0.017, saving $0.007.
    assert table.loc["api-search", ["standard_usd", "batch_usd", "saved_usd"]].tolist() == pytest.approx(
        [0.024, 0.017, 0.007]
    )
    assert table.loc["api-search", "model"] == "claude-haiku-4-5-20251001"
    assert table.loc["api-search", ["input_tokens", "cache_write_tokens", "cache_read_tokens"]].tolist() == [
        10_000, 2_000, 5_000]  # fmt: skip
    assert table.loc["emulated-fetch", "web_fetches"] == 1 and table.loc["api-search", "web_searches"] == 1


def test_results_that_did_not_succeed_cost_nothing() -> None:
    table = batch_cost_table(_dicts()).set_index("custom_id")
    for custom_id, kind in (("bad-model", "errored"), ("c-1", "canceled"), ("late", "expired")):
        row = table.loc[custom_id]
        assert row["result"] == kind
        assert (row["standard_usd"], row["batch_usd"], row["saved_usd"]) == (0.0, 0.0, 0.0)
        assert pd.isna(row["input_tokens"]) and pd.isna(row["model"])


def test_the_total_row_and_exact_totals() -> None:
    table = batch_cost_table(_dicts())
    total = table.iloc[-1]
    assert total["custom_id"] == "total" and total["result"] == "5 results"
    assert [total["standard_usd"], total["batch_usd"], total["saved_usd"]] == pytest.approx(
        [0.090, 0.050, 0.040]
    )
    assert total["input_tokens"] == 30_000 and total["web_searches"] == 1
    assert table.attrs["standard_usd"] == D("0.090")
    assert table.attrs["batch_usd"] == D("0.050")
    assert table.attrs["saved_usd"] == D("0.040")
    assert table.attrs["saved_fraction"] == pytest.approx(0.4444, abs=1e-4)


def test_tokens_are_labelled_estimate_only_where_they_are() -> None:
    table = batch_cost_table(_dicts()).set_index("custom_id")
    assert table.loc["emulated-fetch", "tokens"] == ESTIMATED_TOKENS
    assert table.loc["api-search", "tokens"] == REPORTED_TOKENS
    assert table.attrs["estimate"] is True
    assert ACCOUNTING_NOTE in table.attrs["note"]
    assert "50% off every token line" in table.attrs["note"]
    reported_only = batch_cost_table(_dicts()[1:])
    assert reported_only.attrs["estimate"] is False
    assert ACCOUNTING_NOTE not in reported_only.attrs["note"]


@pytest.mark.parametrize("model", [MessageBatchIndividualResponse, BetaMessageBatchIndividualResponse])
def test_sdk_objects_and_json_lines_give_the_same_table(model: Any) -> None:
    expected = batch_cost_table(_dicts())
    from_sdk = batch_cost_table(model.model_validate(d) for d in _dicts())
    pd.testing.assert_frame_equal(from_sdk, expected)
    pd.testing.assert_frame_equal(batch_cost_table(LINES), expected)


def test_an_empty_batch_is_a_total_row_of_zeros() -> None:
    table = batch_cost_table([])
    assert table["custom_id"].tolist() == ["total"]
    assert table.attrs["saved_usd"] == 0 and table.attrs["saved_fraction"] == 0.0


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (42, "each batch result must be an SDK MessageBatchIndividualResponse, a dict or a JSON line "
             '{"custom_id": ..., "result": ...}, got int'),
        ("{not json", "a batch result line is not valid JSON: Expecting property name enclosed in double "
                      "quotes: line 1 column 2 (char 1)"),
        ({"custom_id": "x"}, "batch result 'x' has no result.type"),
        ({"custom_id": "x", "result": {"type": "succeeded", "message": {"model": "claude-sonnet-4-6"}}},
         "succeeded batch result 'x' has no message.usage"),
    ],
)  # fmt: skip
def test_bad_input_is_a_config_error(item: Any, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        batch_cost_table([item])
    assert str(raised.value) == message


def test_an_unknown_model_is_a_pricing_error() -> None:
    line = _dicts()[0]
    line["result"]["message"]["model"] = "claude-imaginary-9"
    with pytest.raises(PricingError, match="no price for model 'claude-imaginary-9'"):
        batch_cost_table([line])
