"""Tool-definition overheads (measured rows and the rules for the rest), output tokens, sampling passes."""

from __future__ import annotations

from pathlib import Path

import pytest

from webfetch_kit.accounting import (
    Round,
    TokenEstimate,
    fetched_text_tokens,
    figure,
    load_tool_overheads,
    output_tokens,
    passes_frame,
    sampling_passes,
    server_call_tokens,
    summed_input,
    text_output_tokens,
    tool_overhead,
)
from webfetch_kit.errors import ConfigError

FETCH = {"type": "web_fetch_20250910", "name": "web_fetch"}
FETCH_CITED = {**FETCH, "citations": {"enabled": True}}
SEARCH = {"type": "web_search_20250305", "name": "web_search"}


def bounds(estimate: TokenEstimate) -> tuple[int, int, int, str]:
    return (estimate.central, estimate.low, estimate.high, estimate.quality)


@pytest.mark.parametrize(
    ("tools", "model", "thinking", "expected"),
    [
        ([FETCH], "claude-sonnet-4-0", False, (849, 849, 849, "measured")),
        ([FETCH], "claude-sonnet-4-0", True, (877, 877, 877, "measured")),
        ([FETCH], "claude-haiku-4-5", False, (1_030, 1_030, 1_030, "measured")),
        ([FETCH_CITED], "claude-haiku-4-5", False, (1_515, 1_515, 1_515, "measured")),
        ([SEARCH], "claude-sonnet-4-0", False, (2_030, 2_030, 2_030, "measured")),
        ([SEARCH], "claude-sonnet-4-0", True, (2_059, 2_059, 2_059, "measured")),
        ([SEARCH], "claude-haiku-4-5", False, (2_214, 2_214, 2_214, "measured")),
        ([SEARCH], "claude-sonnet-4-5", True, (2_230, 2_213, 2_248, "measured")),
        (["web_fetch_20260209"], "claude-sonnet-4-6", False, (3_440, 3_440, 3_440, "measured")),
        (
            [
                {"type": "web_search_20260209", "name": "web_search"},
                {"type": "web_fetch_20260209", "name": "web_fetch"},
            ],
            "claude-sonnet-4-6",
            False,
            (4_900, 4_900, 4_900, "inferred"),
        ),
    ],
)
def test_measured_rows(
    tools: list[object], model: str, thinking: bool, expected: tuple[int, int, int, str]
) -> None:
    assert bounds(tool_overhead(tools, model, thinking=thinking)) == expected  # type: ignore[arg-type]


def test_domain_lists_and_max_uses_add_nothing() -> None:
    busy = {**FETCH, "allowed_domains": ["example.com"], "max_uses": 3, "max_content_tokens": 5_000}
    assert tool_overhead([busy], "claude-sonnet-4-0") == tool_overhead([FETCH], "claude-sonnet-4-0")


def test_no_tools_cost_nothing() -> None:
    assert tool_overhead([], "claude-sonnet-4-0") == TokenEstimate.zero()


def test_rule_2_citations_on_another_family_add_the_measured_delta() -> None:
    # 849 on sonnet-4 + (1,515 - 1,030) measured on haiku-4-5
    assert bounds(tool_overhead([FETCH_CITED], "claude-sonnet-4-0")) == (1_334, 1_334, 1_334, "inferred")


def test_rule_2_thinking_off_subtracts_the_delta() -> None:
    # sonnet-4-5 was measured with thinking only (2,213-2,248); thinking on web_search costs 29 (sonnet-4)
    assert bounds(tool_overhead([SEARCH], "claude-sonnet-4-5")) == (2_201, 2_184, 2_219, "inferred")


def test_rule_3_an_unmeasured_family_gets_the_mean_and_the_range() -> None:
    estimate = tool_overhead([FETCH], "claude-sonnet-4-6")
    assert bounds(estimate) == (940, 849, 1_030, "assumption")  # mean of 849 and 1,030 is 939.5
    assert estimate.basis == ("not measured on sonnet-4-6: sonnet-4, haiku-4-5",)


def test_rule_3_one_measured_family_gets_the_largest_spread() -> None:
    # web_fetch_20260209 was measured on sonnet-4-6 only: 3,440 x/÷ (1,030 / 849)
    assert bounds(tool_overhead(["web_fetch_20260209"], "claude-haiku-4-5")) == (
        3_440,
        2_835,
        4_173,
        "assumption",
    )


def test_rule_4_another_version_of_the_same_kind() -> None:
    assert bounds(tool_overhead(["web_fetch_20251201"], "claude-sonnet-4-0")) == (849, 849, 849, "assumption")
    assert bounds(tool_overhead(["web_fetch_20260309"], "claude-sonnet-4-6")) == (
        3_440,
        3_440,
        3_440,
        "assumption",
    )


def test_rule_4_a_dynamic_version_nobody_measured_alone_adds_code_execution() -> None:
    # web_search_20250305 on sonnet-4 (2,030) + surcharge 3,440 - 939.5 (band 3,440 - 1,030 .. 3,440 - 849)
    estimate = tool_overhead(["web_search_20260209"], "claude-sonnet-4-0")
    assert bounds(estimate) == (4_531, 4_440, 4_621, "assumption")
    assert "code-execution surcharge" in estimate.basis


def test_rule_5_two_tools_nobody_measured_together() -> None:
    estimate = tool_overhead([FETCH, SEARCH], "claude-sonnet-4-0")
    assert bounds(estimate) == (2_879, 2_030, 2_879, "assumption")  # 849 + 2,030; low: the larger alone


def test_rule_6_other_tools_count_as_text() -> None:
    estimate = tool_overhead(
        [{"name": "get_weather", "input_schema": {"type": "object"}}], "claude-sonnet-4-0"
    )
    assert estimate.quality == "assumption"
    assert estimate.basis == ("tool definition as text",)


def test_a_bad_overhead_row_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "tool_overheads.csv"
    path.write_text(
        "tools,family,citations,thinking,central,low,high,quality,observed,source,note\n"
        "bash_20250124,sonnet-4,false,false,1,1,1,measured,2025,src,\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=r"tool_overheads.csv:2: column 'tools' must name web_fetch_/web_search_"
    ):
        load_tool_overheads(path)


def test_output_tokens() -> None:
    assert bounds(text_output_tokens(100)) == (112, 110, 114, "measured")
    assert bounds(text_output_tokens(100, cited=True)) == (170, 150, 190, "measured")
    assert bounds(server_call_tokens("claude-sonnet-4-0")) == (20, 16, 68, "measured")
    assert bounds(server_call_tokens("claude-haiku-4-5", 2)) == (110, 32, 136, "measured")
    assert bounds(server_call_tokens("claude-sonnet-4-6")) == (38, 16, 68, "assumption")
    blocks = [
        {"type": "server_tool_use", "id": "s", "name": "web_fetch", "input": {"url": "https://a"}},
        {"type": "web_fetch_tool_result", "tool_use_id": "s", "content": {}},
        {"type": "text", "text": "Entries live five minutes.", "citations": [{"type": "char_location"}]},
    ]
    total = output_tokens(blocks, "claude-sonnet-4-0")
    assert total == server_call_tokens("claude-sonnet-4-0") + text_output_tokens(
        "Entries live five minutes.", cited=True
    )


def one_fetch_round(page_cl100k: int, model: str) -> Round:
    result = figure("fetch_result_overhead").tokens() + fetched_text_tokens(page_cl100k)
    return Round(generated=server_call_tokens(model), results=result, calls=1, label="web_fetch")


def test_worked_check_the_recorded_sonnet_4_one_fetch_turn() -> None:
    # Recorded: claude-sonnet-4, one fetch of a 2,021-cl100k page; first pass 868, final input 4,234.
    first = TokenEstimate.exact(868, "recorded first pass")
    passes = sampling_passes(first, [one_fetch_round(2_021, "claude-sonnet-4-0")])
    assert [p.input_tokens.central for p in passes] == [868, 3_392]  # 868 + 20 + 129 + 2,375
    final = summed_input(passes)
    assert bounds(final)[:3] == (4_260, 4_205, 4_479)
    assert final.low <= 4_234 <= final.high
    assert abs(final.central - 4_234) / 4_234 < 0.01
    # Taking only the last pass would need a Claude/cl100k ratio of ~1.6: the sum is the rule.
    assert passes[-1].input_tokens.high < 4_234


def test_a_turn_without_server_tools_is_one_pass() -> None:
    first = TokenEstimate.exact(100)
    passes = sampling_passes(first, [])
    assert len(passes) == 1
    assert summed_input(passes) == first


def test_parallel_calls_end_a_pass_once() -> None:
    first = TokenEstimate.exact(1_000)
    two_at_once = Round(
        generated=server_call_tokens("claude-sonnet-4-0", 2),
        results=TokenEstimate.exact(600),
        calls=2,
    )
    one_then_one = [
        Round(server_call_tokens("claude-sonnet-4-0"), TokenEstimate.exact(300)),
        Round(server_call_tokens("claude-sonnet-4-0"), TokenEstimate.exact(300)),
    ]
    parallel = sampling_passes(first, [two_at_once])
    sequential = sampling_passes(first, one_then_one)
    assert summed_input(parallel).central == 1_000 + 1_640  # 2 passes
    assert summed_input(sequential).central == 1_000 + 1_320 + 1_640  # 3 passes
    assert [p.calls for p in parallel] == [2, 0]


def test_passes_frame() -> None:
    passes = sampling_passes(TokenEstimate.exact(868), [one_fetch_round(2_021, "claude-sonnet-4-0")])
    frame = passes_frame(passes)
    assert list(frame["input_tokens"]) == [868, 3_392]
    assert list(frame["cumulative"]) == [868, 4_260]
    assert list(frame["input_low"]) == [868, 3_337]
    assert list(frame["input_high"]) == [868, 3_611]
    assert "Estimates" in frame.attrs["note"]
