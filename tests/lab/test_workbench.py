"""workbench.open() and the real runtime, driven only through the anthropic client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import pytest

from webfetch_kit import BackendError, ConfigError, ManualClock, workbench
from webfetch_kit.citations import verify
from webfetch_kit.lab.workbench import Workbench, choose_backend

FETCH = {"type": "web_fetch_20250910", "name": "web_fetch", "citations": {"enabled": True}}
SEARCH = {"type": "web_search_20250305", "name": "web_search", "max_uses": 1}


@pytest.fixture(scope="module")
def wb() -> Iterator[Workbench]:
    bench = workbench.open("offline", quiet=True)
    try:
        yield bench
    finally:
        bench.close()


def ask(wb: Workbench, content: Any, tools: list[dict[str, Any]], **kwargs: Any) -> anthropic.types.Message:
    return wb.client.messages.create(
        model=wb.model,
        max_tokens=1024,
        messages=[{"role": "user", "content": content}],
        tools=tools,
        **kwargs,
    )


def result_blocks(message: anthropic.types.Message, kind: str) -> list[Any]:
    return [b for b in message.content if b.type == kind]


# --- backend choice ----------------------------------------------------------------------------


def test_auto_is_offline_without_a_key() -> None:
    assert choose_backend("auto") == "offline"


def test_auto_uses_the_api_with_a_key_unless_told_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    assert choose_backend("auto") == "anthropic"
    monkeypatch.setenv("WEBFETCH_BACKEND", "offline")
    assert choose_backend("auto") == "offline"
    monkeypatch.setenv("WEBFETCH_BACKEND", "cloud")
    with pytest.raises(BackendError, match="WEBFETCH_BACKEND must be"):
        choose_backend("auto")


def test_anthropic_backend_without_a_key_says_how_to_fix() -> None:
    with pytest.raises(BackendError, match="needs ANTHROPIC_API_KEY"):
        workbench.open("anthropic")


def test_unknown_backend_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="backend must be"):
        workbench.open("cloud")  # type: ignore[arg-type]


def test_open_prints_the_backend_it_chose(capsys: pytest.CaptureFixture[str]) -> None:
    with workbench.open() as bench:
        assert bench.offline
    out = capsys.readouterr().out
    assert "offline backend" in out and "not Claude" in out


# --- urls --------------------------------------------------------------------------------------


def test_url_maps_corpus_pages(wb: Workbench) -> None:
    assert wb.url("docs.example.com/guide/web-fetch") == "https://docs.example.com/guide/web-fetch"
    assert wb.url("https://papers.example.net/tide-pools.pdf") == "https://papers.example.net/tide-pools.pdf"


def test_real_backend_maps_to_public_pages_and_refuses_offline_only_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-not-used")
    with workbench.open("anthropic", quiet=True) as bench:
        assert bench.url("docs.example.com/guide/web-fetch").startswith("https://docs.claude.com/")
        with pytest.raises(BackendError, match="exists only in the offline corpus"):
            bench.url("lab.example.net/drip")


# --- turns through the real runtime ------------------------------------------------------------


def test_fetch_turn_cites_the_fetched_page(wb: Workbench) -> None:
    url = wb.url("docs.example.com/guide/caching")
    message = ask(wb, f"How long does a cache entry live? {url}", [FETCH])
    fetched = result_blocks(message, "web_fetch_tool_result")
    assert len(fetched) == 1 and fetched[0].content.type == "web_fetch_result"
    assert message.usage.server_tool_use is not None and message.usage.server_tool_use.web_fetch_requests == 1
    results = verify(message, [])
    assert results and all(r.status == "ok" for r in results)
    assert message.model_dump()["emulator"]["model"].startswith("extractive stand-in")


def test_search_then_fetch_turn(wb: Workbench) -> None:
    message = ask(wb, "What is prompt caching and how long do entries live?", [SEARCH, FETCH])
    kinds = [b.type for b in message.content]
    assert "web_search_tool_result" in kinds and "web_fetch_tool_result" in kinds
    assert kinds.index("web_search_tool_result") < kinds.index("web_fetch_tool_result")
    assert all(r.status == "ok" for r in verify(message, []))


def test_a_url_the_model_invents_is_not_in_prior_context(wb: Workbench) -> None:
    # A URL that appears only in the assistant's own text is not in prior context: the real
    # runtime's ledger refuses it (the model may not construct URLs).
    url = wb.url("docs.example.com/guide/citations")
    block = wb.runtime.web_fetch(  # type: ignore[union-attr]
        url,
        tool=FETCH,
        messages=[
            {"role": "user", "content": "Tell me about citations."},
            {"role": "assistant", "content": [{"type": "text", "text": f"I could read {url}"}]},
        ],
        tool_use_id="srvtoolu_ledger",
    )
    assert block["content"] == {
        "type": "web_fetch_tool_result_error",
        "error_code": "url_not_in_prior_context",
    }


def test_url_sources_none_for_user_input_refuses_user_urls(wb: Workbench) -> None:
    url = wb.url("docs.example.com/guide/citations")
    tool = {**FETCH, "type": "web_fetch_20260209", "url_sources": {"user_input": {"type": "none"}}}
    message = ask(wb, f"Read {url}", [tool])
    (fetched,) = result_blocks(message, "web_fetch_tool_result")
    assert fetched.content.error_code == "url_not_in_prior_context"


def test_domain_filter_of_the_tool_definition_applies(wb: Workbench) -> None:
    url = wb.url("blog.example.org/posts/homographs")
    message = ask(wb, f"Read {url}", [{**FETCH, "allowed_domains": ["docs.example.com"]}])
    (fetched,) = result_blocks(message, "web_fetch_tool_result")
    assert fetched.content.error_code == "url_not_allowed"


def test_misbehaving_route_reaches_the_model_as_an_error_block(wb: Workbench) -> None:
    message = ask(wb, f"Read {wb.url('lab.example.net/status/429')}", [FETCH])
    (fetched,) = result_blocks(message, "web_fetch_tool_result")
    assert fetched.content.error_code == "too_many_requests"


def test_max_content_tokens_of_the_tool_definition_truncates(wb: Workbench) -> None:
    url = wb.url("docs.example.com/guide/web-fetch")
    small = ask(wb, f"Read {url}", [{**FETCH, "max_content_tokens": 200}])
    (fetched,) = result_blocks(small, "web_fetch_tool_result")
    from webfetch_kit import count_tokens

    assert count_tokens(fetched.content.content.source.data) <= 200


def test_use_cache_false_refetches_from_the_corpus(wb: Workbench) -> None:
    path = "/guide/pdf-support"
    url = wb.url(f"docs.example.com{path}")
    tool = {**FETCH, "type": "web_fetch_20260309"}
    before = wb.corpus.count_for(path=path)
    ask(wb, f"Read {url}", [tool])
    ask(wb, f"Read {url}", [tool])
    assert wb.corpus.count_for(path=path) == before + 1  # the second came from the fetch cache
    ask(wb, f"Read {url}", [{**tool, "use_cache": False}])
    assert wb.corpus.count_for(path=path) == before + 2


def test_prompt_cache_ttl_follows_the_workbench_clock() -> None:
    clock = ManualClock(start=1_800_000_000)
    with workbench.open("offline", clock=clock, quiet=True) as bench:
        url = bench.url("docs.example.com/guide/web-fetch")
        first = ask(bench, [{"type": "text", "text": f"Read {url}"}], [FETCH])
        messages: list[dict[str, Any]] = [
            {"role": "user", "content": f"Read {url}"},
            {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "And the limits?", "cache_control": {"type": "ephemeral"}}
                ],
            },
        ]
        kwargs: dict[str, Any] = {"model": bench.model, "max_tokens": 512, "tools": [FETCH]}
        write = bench.client.messages.create(messages=messages, **kwargs)  # type: ignore[arg-type]
        read = bench.client.messages.create(messages=messages, **kwargs)  # type: ignore[arg-type]
        clock.advance(6 * 60)
        rewrite = bench.client.messages.create(messages=messages, **kwargs)  # type: ignore[arg-type]
    assert (write.usage.cache_creation_input_tokens or 0) > 1024
    assert read.usage.cache_read_input_tokens == write.usage.cache_creation_input_tokens
    assert rewrite.usage.cache_creation_input_tokens == write.usage.cache_creation_input_tokens
    assert (rewrite.usage.cache_read_input_tokens or 0) == 0


def test_workbench_fetcher_is_opened_for_the_corpus_only(wb: Workbench) -> None:
    assert wb.fetcher.fetch(wb.url("docs.example.com/guide/citations")).ok
    refused = wb.fetcher.fetch("http://127.0.0.1:9/")
    assert refused.error_code == "url_not_accessible"


def test_the_stand_in_quotes_on_the_question_not_on_the_url_words(wb: Workbench) -> None:
    url = wb.url("docs.example.com/guide/web-fetch")
    message = ask(wb, f"Read {url} and tell me what max_content_tokens limits.", [FETCH])
    quoted = [b.text for b in message.content if b.type == "text" and b.citations]
    assert quoted
    assert all("max_content_tokens" in text for text in quoted)
    assert not any("docs.example.com/guide/web-fetch" in text for text in quoted)


def test_presentation_options_of_newer_versions_are_accepted(wb: Workbench) -> None:
    tool = {**FETCH, "type": "web_fetch_20260318", "response_inclusion": "full", "strict": True}
    message = ask(wb, f"Read {wb.url('docs.example.com/guide/caching')}", [tool])
    (fetched,) = result_blocks(message, "web_fetch_tool_result")
    assert fetched.content.type == "web_fetch_result"


# --- estimate -------------------------------------------------------------------------------------


def test_estimate_sizes_the_named_page_with_the_workbench_fetcher(wb: Workbench) -> None:
    url = wb.url("docs.example.com/guide/caching")
    params = {
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": f"Summarise {url}"}],
        "tools": [FETCH],
    }
    estimate = wb.estimate(params, answer_tokens=100)
    outcome = wb.fetcher.fetch(url)
    assert outcome.tokens_before is not None
    assert estimate.model == wb.model  # params["model"] defaults to the workbench's
    assert [c.status for c in estimate.calls] == ["fetched"]
    assert estimate.calls[0].content.central == round(outcome.tokens_before * 1.175)
    assert len(estimate.passes) == 2
    assert estimate.input_tokens.central > 2 * estimate.first_pass.central


def test_estimate_runs_locally_with_the_real_api_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-never-sent")
    bench = Workbench("anthropic")
    try:
        params = {"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "What is 2 + 2?"}]}
        estimate = bench.estimate(params, answer_tokens=5)
        assert estimate.input_tokens.central == 16
        corpus_url = bench.corpus.url("docs.example.com/guide/caching")
        named = {**params, "messages": [{"role": "user", "content": f"Read {corpus_url}"}], "tools": [FETCH]}
        sized = bench.estimate(named, fetcher=bench.fetcher)
        assert sized.calls[0].status == "fetched"
    finally:
        bench.close()
