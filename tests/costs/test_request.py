"""estimate_request: a request with server tools estimated before sending, checked against recorded turns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from webfetch_kit import estimate_request
from webfetch_kit.accounting import cl100k
from webfetch_kit.costs import cost_of
from webfetch_kit.costs.estimates import sample_text
from webfetch_kit.errors import ConfigError
from webfetch_kit.lab.corpus import CorpusSite
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.tokens import truncate_to_tokens

FETCH = {"type": "web_fetch_20250910", "name": "web_fetch"}
WIKI = "https://en.wikipedia.org/wiki/Tide_pool"


@dataclass(frozen=True)
class Page:
    text: str
    pages: tuple[str, ...] = ()
    media_type: str = "text/plain"


@dataclass(frozen=True)
class Outcome:
    document: Page | None
    error_code: str | None = None
    tokens_before: int | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass
class PagesFetcher:
    """Serves fixed pages by URL and records what it was asked for."""

    pages: dict[str, Outcome]
    asked: list[list[str]] = field(default_factory=list)

    def fetch_many(self, urls: Sequence[str], *, progress: bool = True) -> list[Outcome]:
        self.asked.append(list(urls))
        return [self.pages.get(u, Outcome(None, "url_not_accessible")) for u in urls]


def ask(text: str, *tools: dict[str, Any], model: str = "claude-sonnet-4-0", **extra: Any) -> dict[str, Any]:
    return {"model": model, "max_tokens": 1_024, "messages": [{"role": "user", "content": text}],
            "tools": list(tools), **extra}  # fmt: skip


def page_of(tokens: int) -> str:
    text = truncate_to_tokens(sample_text(tokens * 6), tokens)
    assert cl100k(text) == tokens
    return text


def test_worked_check_the_recorded_sonnet_4_one_fetch_turn() -> None:
    # Recorded (claude-sonnet-4): one fetch of a 2,021-cl100k page; first pass 868, final input 4,234.
    question = f"Fetch {WIKI}."
    assert cl100k(question) == 11  # 8 framing + 11 + 849 definitions = 868
    text = page_of(2_021)
    fetcher = PagesFetcher({WIKI: Outcome(Page(text), tokens_before=2_021)})
    estimate = estimate_request(ask(question, FETCH), fetcher=fetcher, answer_tokens=0)
    assert fetcher.asked == [[WIKI]]
    assert estimate.first_pass.central == 868
    assert [p.input_tokens.central for p in estimate.passes] == [868, 3_392]
    total = estimate.input_tokens
    # the band of accounting.passes' worked check (4,205-4,479), widened by the prompt's own band: its 11
    # cl100k tokens may be up to 14 Claude tokens, read on both passes
    assert (total.central, total.low, total.high) == (4_260, 4_205, 4_485)
    assert total.low <= 4_234 <= total.high  # the recorded final input lies in the band
    assert abs(total.central - 4_234) / 4_234 < 0.01
    assert estimate.output_tokens.central == 20  # the call only: answer_tokens=0
    assert estimate.web_fetch_requests == 1
    assert estimate.model == "claude-sonnet-4-20250514"
    frame = estimate.to_frame()
    assert list(frame["input_tokens"]) == [868, 3_392]
    assert list(frame["cumulative"]) == [868, 4_260]


def test_cost_is_the_usage_priced_with_its_band_and_the_content_alone_beside_it() -> None:
    text = page_of(2_021)
    fetcher = PagesFetcher({WIKI: Outcome(Page(text), tokens_before=2_021)})
    estimate = estimate_request(ask(f"Fetch {WIKI}.", FETCH), fetcher=fetcher, answer_tokens=300)
    assert estimate.usage() == {
        "input_tokens": 4_260,
        "output_tokens": 320,
        "server_tool_use": {"web_fetch_requests": 1, "web_search_requests": 0},
    }
    assert estimate.usd == cost_of(estimate.usage(), "claude-sonnet-4-0").total == Decimal("0.01758")
    assert estimate.usd_low < estimate.usd < estimate.usd_high
    assert estimate.content_tokens.central == 2_375  # 2,021 x 1.175
    assert estimate.content_usd == Decimal("0.007125")  # 2,375 x 3 / 1M
    assert "content alone 2,375 tokens" in estimate.summary()


def test_the_caching_page_through_a_real_fetcher_on_the_corpus(corpus_site: CorpusSite) -> None:
    # The real turn for this page with web_fetch_20250910 is about 2,100-2,200 input tokens: the page
    # comes back in the real tool's Markdown shape (navigation kept), 263 cl100k tokens.
    url = corpus_site.url("docs.example.com/guide/caching")
    fetcher = Fetcher(**corpus_site.fetch_options())
    estimate = estimate_request(ask(f"How long do cache entries live? {url}", FETCH), fetcher=fetcher)
    outcome = fetcher.fetch(url)
    assert outcome.tokens_before is not None
    call = estimate.calls[0]
    assert call.status == "fetched"
    assert call.content.central == round(outcome.tokens_before * 1.175)
    assert 2_100 <= estimate.input_tokens.central <= 2_300
    assert len(estimate.passes) == 2


def test_no_server_tool_is_one_pass_and_no_server_tool_use() -> None:
    estimate = estimate_request(ask("What is 2 + 2?"), answer_tokens=5)
    assert len(estimate.passes) == 1
    assert estimate.input_tokens.central == 16  # the count_tokens framing check
    assert "server_tool_use" not in estimate.usage()


def test_urls_refused_by_the_domain_lists_or_beyond_max_uses_are_error_results() -> None:
    tool = {**FETCH, "max_uses": 2, "blocked_domains": ["blocked.example"]}
    urls = ["https://a.example/1", "https://blocked.example/x", "https://b.example/2"]
    fetcher = PagesFetcher({u: Outcome(Page("text"), tokens_before=100) for u in urls})
    estimate = estimate_request(ask("Read " + " ".join(urls), tool), fetcher=fetcher)
    assert [c.status for c in estimate.calls] == [
        "fetched",
        "error: url_not_allowed",
        "error: max_uses_exceeded",
    ]
    assert [c.result.central for c in estimate.calls] == [129 + 118, 76, 76]
    assert fetcher.asked == [["https://a.example/1"]]
    assert estimate.web_fetch_requests == 3  # every attempt counts, as recorded


def test_a_failed_fetch_is_an_error_result() -> None:
    estimate = estimate_request(ask(f"Read {WIKI}", FETCH), fetcher=PagesFetcher({}))
    assert estimate.calls[0].status == "error: url_not_accessible"
    assert estimate.calls[0].result.central == 76


def test_without_a_fetcher_pages_are_an_assumption_or_page_tokens() -> None:
    assumed = estimate_request(ask(f"Read {WIKI}", FETCH))
    call = assumed.calls[0]
    assert call.status == "not fetched"
    assert (call.content.central, call.content.low, call.content.high) == (2_500, 250, 25_000)
    assert call.content.quality == "assumption"
    assert any("pass fetcher=" in note for note in assumed.notes)
    sized = estimate_request(ask(f"Read {WIKI}", {**FETCH, "max_content_tokens": 1_000}), page_tokens=5_000)
    assert sized.calls[0].content.central == 1_000  # cut at max_content_tokens, in Claude tokens


def test_a_pdf_is_counted_by_page() -> None:
    url = "https://papers.example.net/p.pdf"
    fetcher = PagesFetcher({url: Outcome(Page("x", ("a", "b", "c"), "application/pdf"), tokens_before=1)})
    estimate = estimate_request(ask(f"Read {url}", {**FETCH, "max_content_tokens": 100}), fetcher=fetcher)
    assert estimate.calls[0].content.central == 3 * 1_650  # max_content_tokens does not apply to PDFs


def test_parallel_fetches_share_a_pass() -> None:
    urls = ["https://a.example/1", "https://b.example/2"]
    sequential = estimate_request(ask("Read " + " ".join(urls), FETCH), page_tokens=1_000)
    parallel = estimate_request(ask("Read " + " ".join(urls), FETCH), page_tokens=1_000, parallel=True)
    assert len(sequential.passes) == 3
    assert len(parallel.passes) == 2
    assert parallel.input_tokens.central < sequential.input_tokens.central
    assert parallel.output_tokens == sequential.output_tokens


def test_search_is_one_measured_result_block() -> None:
    search = {"type": "web_search_20250305", "name": "web_search"}
    estimate = estimate_request(ask("Who counts swifts?", search), answer_tokens=0)
    assert [c.tool for c in estimate.calls] == ["web_search"]
    block = estimate.calls[0].result
    assert (block.central, block.low, block.high) == (6_700, 1_900, 13_300)
    assert estimate.first_pass.central == 8 + cl100k("Who counts swifts?") + 2_030
    assert estimate.web_search_requests == 1
    assert estimate.cost.line("web_search").usd == Decimal("0.01")


def test_more_than_ten_calls_pause_the_turn() -> None:
    urls = [f"https://a.example/{i}" for i in range(12)]
    estimate = estimate_request(ask("Read " + " ".join(urls), FETCH), page_tokens=100)
    assert len(estimate.calls) == 10
    assert any("pause_turn" in note for note in estimate.notes)


def test_the_answer_is_an_assumption_unless_given() -> None:
    assumed = estimate_request(ask("Hi"))
    assert (assumed.output_tokens.central, assumed.output_tokens.low, assumed.output_tokens.high) == (
        931,
        0,
        1_024,
    )
    assert assumed.output_tokens.quality == "assumption"
    given = estimate_request(ask("Hi"), answer_tokens=50)
    assert given.output_tokens.central == 50
    tight = estimate_request(ask(f"Read {WIKI}", FETCH, max_tokens=100), page_tokens=10)
    assert (tight.output_tokens.central, tight.output_tokens.high) == (100, 100)  # never past max_tokens


def test_model_override_and_thinking() -> None:
    params = ask(f"Read {WIKI}", FETCH, thinking={"type": "enabled", "budget_tokens": 2_000})
    estimate = estimate_request(params, model="claude-sonnet-4-0", page_tokens=10)
    assert estimate.first_pass.central == 8 + cl100k(f"Read {WIKI}") + 877  # thinking: 877 measured


@pytest.mark.parametrize(
    ("params", "kwargs", "message"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, {}, r"needs a model: params\['model'\] or model="),
        ({"model": "claude-haiku-4-5", "messages": []}, {}, r"needs params\['messages'\], a non-empty list"),
        (ask("x"), {"page_tokens": 0}, r"page_tokens must be a positive whole number or None, got 0"),
        (ask("x"), {"searches": -1}, r"searches must be a non-negative integer, got -1"),
        ({**ask("x"), "max_tokens": 0}, {}, r"params\['max_tokens'\] must be a positive whole number, got 0"),
    ],
)
def test_bad_input_is_a_config_error(params: dict[str, Any], kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        estimate_request(params, **kwargs)
