"""Content sizes, the prompt's tokens and count_tokens, with exact expected numbers."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from webfetch_kit._data import data_dir
from webfetch_kit.accounting import (
    block_tokens,
    capped_document_tokens,
    cl100k,
    cl100k_cut_for,
    count_tokens_input,
    count_tokens_refusal,
    fetch_result_tokens,
    fetched_text_tokens,
    framing_tokens,
    pdf_page_count,
    pdf_tokens,
    prompt_text_tokens,
    prompt_tokens,
    search_result_block_tokens,
    search_results_tokens,
)
from webfetch_kit.blocks import document_block, web_fetch_error_block, web_fetch_result_block
from webfetch_kit.errors import ConfigError
from webfetch_kit.search.index import encode_encrypted_content
from webfetch_kit.tokens import count_tokens

SONNET_4 = "claude-sonnet-4-0"
PAPERS = data_dir() / "corpus" / "papers.example.net"


def test_cl100k_matches_the_kit_counter_and_remembers_by_hash() -> None:
    text = "Fetched pages are billed as input tokens. " * 20
    assert cl100k(text) == int(count_tokens(text))
    assert cl100k(text) == cl100k(text)
    assert cl100k("") == 0


def test_count_tokens_framing_what_is_2_plus_2_counts_16() -> None:
    assert cl100k("What is 2 + 2?") == 8
    counted = count_tokens_input([{"role": "user", "content": "What is 2 + 2?"}], model="claude-sonnet-4-5")
    assert counted.central == 16  # recorded: the real endpoint answers 16
    assert (counted.low, counted.high) == (16, 18)  # 8 framing + 8 x 1.0 .. 8 x 1.26
    assert framing_tokens().central == 8


def test_the_same_question_in_a_block_or_a_string_counts_the_same() -> None:
    as_string = prompt_tokens([{"role": "user", "content": "What is 2 + 2?"}], model=SONNET_4)
    as_block = prompt_tokens(
        [{"role": "user", "content": [{"type": "text", "text": "What is 2 + 2?"}]}], model=SONNET_4
    )
    assert as_string == as_block


def test_system_prompt_counts_as_request_text() -> None:
    with_system = prompt_tokens([{"role": "user", "content": "Hi"}], "Be brief.", model=SONNET_4)
    without = prompt_tokens([{"role": "user", "content": "Hi"}], model=SONNET_4)
    assert with_system.central - without.central == cl100k("Be brief.")


def test_count_tokens_refuses_server_tools_with_the_real_message() -> None:
    tools = [
        {"type": "web_fetch_20250910", "name": "web_fetch"},
        {"name": "get_weather", "input_schema": {"type": "object"}},
        {"type": "web_search_20250305", "name": "web_search"},
    ]
    assert count_tokens_refusal(tools) == (
        "Server tools are not supported in the count_tokens endpoint: web_fetch_20250910, "
        "web_search_20250305. Use the /v1/messages endpoint instead."
    )
    assert count_tokens_refusal([tools[1]]) is None
    with pytest.raises(ConfigError, match=r"^Server tools are not supported in the count_tokens endpoint"):
        count_tokens_input([{"role": "user", "content": "x"}], tools=tools, model=SONNET_4)


def test_client_tool_definitions_count_as_text_labelled_an_assumption() -> None:
    tool = {"name": "get_weather", "input_schema": {"type": "object"}}
    plain = count_tokens_input([{"role": "user", "content": "x"}], model=SONNET_4)
    with_tool = count_tokens_input([{"role": "user", "content": "x"}], tools=[tool], model=SONNET_4)
    assert with_tool.central - plain.central == cl100k(
        '{"input_schema":{"type":"object"},"name":"get_weather"}'
    )
    assert with_tool.quality == "assumption"


def test_fetched_text_is_1_175_times_cl100k() -> None:
    estimate = fetched_text_tokens(2_021)
    assert (estimate.central, estimate.low, estimate.high) == (2_375, 2_324, 2_546)
    assert prompt_text_tokens(100) == prompt_text_tokens(100)
    assert (prompt_text_tokens(100).central, prompt_text_tokens(100).high) == (100, 126)


def test_a_text_result_block_is_129_plus_its_text() -> None:
    text = "Cache entries live for five minutes by default. " * 40
    block = web_fetch_result_block(
        "srvtoolu_1", "https://docs.example.com/a", document_block(text=text), None
    )
    assert cl100k(text) == 361
    estimate = fetch_result_tokens(dict(block))
    # 129 + 361 x 1.175 (424.175), x 1.15 (415.15), x 1.26 (454.86)
    assert (estimate.central, estimate.low, estimate.high) == (553, 544, 584)


def test_a_titled_document_counts_its_title_too() -> None:
    text = "Body text of the page."
    titled = web_fetch_result_block(
        "srvtoolu_1", "https://docs.example.com/a", document_block(text=text, title="Caching"), None
    )
    assert fetch_result_tokens(dict(titled)).central == 129 + fetched_text_tokens("Caching\n" + text).central


def test_an_error_result_is_76() -> None:
    estimate = fetch_result_tokens(dict(web_fetch_error_block("srvtoolu_1", "url_not_accessible")))
    assert (estimate.central, estimate.low, estimate.high) == (76, 76, 76)


def test_pdfs_are_counted_by_page() -> None:
    assert (pdf_tokens(1).central, pdf_tokens(1).low, pdf_tokens(1).high) == (1_650, 1_600, 2_100)
    data = (PAPERS / "agents-that-fetch.pdf").read_bytes()
    assert pdf_page_count(data) == 6
    block = web_fetch_result_block(
        "srvtoolu_1", "https://papers.example.net/a.pdf", document_block(pdf=data), None
    )
    assert fetch_result_tokens(dict(block)).central == 129 + 6 * 1_650  # not the base64's length


def test_an_unreadable_pdf_is_one_page_and_says_so() -> None:
    broken = base64.b64encode(b"%PDF-1.4 not really").decode()
    document = {
        "type": "document",
        "source": {"type": "base64", "media_type": "application/pdf", "data": broken},
    }
    estimate = block_tokens(document, model=SONNET_4)
    assert estimate.central == 1_650
    assert estimate.quality == "assumption"
    assert estimate.basis == ("unreadable PDF: one page",)


def test_max_content_tokens_keeps_about_the_limit_in_claude_tokens() -> None:
    assert cl100k_cut_for(10_000) == 8_400  # 0.84 x the limit, in cl100k
    capped = capped_document_tokens(20_000, 10_000)
    assert (capped.central, capped.low, capped.high) == (10_000, 10_000, 10_000)
    small = capped_document_tokens(1_000, 10_000)
    assert small == fetched_text_tokens(1_000)
    with pytest.raises(ConfigError, match=r"max_content_tokens must be a positive whole number, got 0"):
        cl100k_cut_for(0)


def test_real_search_results_cost_0_27_tokens_a_character() -> None:
    results: list[dict[str, Any]] = [
        {"type": "web_search_result", "url": "https://a", "title": "A", "encrypted_content": "E" * 1_000},
        {"type": "web_search_result", "url": "https://b", "title": "B", "encrypted_content": "F" * 2_001},
    ]
    assert search_results_tokens(results).central == 270 + 540  # 0.27 x 1,000 and 0.27 x 2,001 = 540.27
    block = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1", "content": results}
    assert search_result_block_tokens(block).central == 810


def test_kit_made_search_results_count_what_they_hold() -> None:
    text = "Swifts return to the city in May. " * 30
    encrypted = encode_encrypted_content("https://blog.example.org/s", "Swifts", text)
    result = {"type": "web_search_result", "url": "https://blog.example.org/s", "title": "Swifts",
              "encrypted_content": encrypted}  # fmt: skip
    expected = cl100k("Swifts\nhttps://blog.example.org/s") + fetched_text_tokens(text).central
    assert search_results_tokens([result]).central == expected


def test_a_search_error_is_76_labelled_an_assumption() -> None:
    block = {"type": "web_search_tool_result", "tool_use_id": "srvtoolu_1",
             "content": {"type": "web_search_tool_result_error", "error_code": "unavailable"}}  # fmt: skip
    estimate = search_result_block_tokens(block)
    assert (estimate.central, estimate.quality) == (76, "assumption")


def test_history_blocks() -> None:
    call = {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_fetch", "input": {"url": "https://a"}}
    assert block_tokens(call, model=SONNET_4).central == 20  # re-read at the size it was generated
    assert block_tokens(call, model="claude-haiku-4-5").central == 55
    result = {"type": "tool_result", "tool_use_id": "t1", "content": "sunny"}
    assert block_tokens(result, model=SONNET_4).central == cl100k("sunny")
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}}
    assert block_tokens(image, model=SONNET_4).basis == ("images not modelled",)
