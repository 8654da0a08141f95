"""UrlLedger: URLs in prior context, where they came from, and url_sources (webfetch_kit.rules.provenance)."""

from __future__ import annotations

from typing import Any

import pytest
from anthropic.types import Message

from webfetch_kit.errors import PolicyError
from webfetch_kit.problem import Problem
from webfetch_kit.rules.provenance import Provenance, UrlLedger, extract_urls
from webfetch_kit.rules.verdict import Verdict

CONVERSATION: list[dict[str, Any]] = [
    {
        "role": "user",
        "content": "Read https://Example.com/article. And (see https://en.wikipedia.org/wiki/Foo_(bar)).",
    },
    {
        "role": "assistant",
        "content": [
            {"type": "text", "text": "I will also look at https://assistant-made.example/x"},
            {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}},
        ],
    },
    {
        "role": "user",
        "content": [
            {
                "type": "tool_result",
                "tool_use_id": "toolu_1",
                "content": "found https://client.example/a, ok",
            },
            {"type": "text", "text": "thanks"},
            {"type": "document", "source": {"type": "url", "url": "https://files.example/paper.pdf"}},
        ],
    },
]

SERVER_TURN: dict[str, Any] = {
    "id": "msg_1",
    "type": "message",
    "role": "assistant",
    "model": "claude-sonnet-4-5",
    "stop_reason": "end_turn",
    "stop_sequence": None,
    "usage": {"input_tokens": 1, "output_tokens": 1},
    "content": [
        {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
        {
            "type": "web_search_tool_result",
            "tool_use_id": "srvtoolu_1",
            "content": [
                {
                    "type": "web_search_result",
                    "url": "https://search.example/r1",
                    "title": "R1",
                    "encrypted_content": "x",
                    "page_age": None,
                },
            ],
        },
        {
            "type": "server_tool_use",
            "id": "srvtoolu_2",
            "name": "web_fetch",
            "input": {"url": "https://search.example/r1"},
        },
        {
            "type": "web_fetch_tool_result",
            "tool_use_id": "srvtoolu_2",
            "content": {
                "type": "web_fetch_result",
                "url": "https://search.example/r1",
                "retrieved_at": "2025-08-25T10:30:00Z",
                "content": {
                    "type": "document",
                    "source": {
                        "type": "text",
                        "media_type": "text/plain",
                        "data": "Next: https://linked.example/p2.",
                    },
                    "title": "R1",
                },
            },
        },
    ],
}


def ledger(**kwargs: Any) -> UrlLedger:
    result = UrlLedger(**kwargs)
    result.observe([*CONVERSATION, Message.model_validate(SERVER_TURN)])
    return result


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see https://a.com/x.", ["https://a.com/x"]),
        ("(https://a.com/x)", ["https://a.com/x"]),
        ("[link](https://a.com/x)", ["https://a.com/x"]),
        ("https://en.wikipedia.org/wiki/Foo_(bar)", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ('"https://a.com/x?y=1";', ["https://a.com/x?y=1"]),
        ("https://a.com/x!? https://b.com", ["https://a.com/x", "https://b.com"]),
        ("<https://a.com/x>", ["https://a.com/x"]),
        ("ftp://a.com https://", []),
    ],
)
def test_extract_urls(text: str, urls: list[str]) -> None:
    assert extract_urls(text) == urls


def test_sources_of_each_kind() -> None:
    book = ledger()
    assert book.sources("https://example.com/article") == [Provenance("user_input", None, 0)]
    assert book.sources("https://en.wikipedia.org/wiki/Foo_(bar)") == [Provenance("user_input", None, 0)]
    assert book.sources("https://client.example/a") == [Provenance("client_tool_result", "lookup", 2)]
    assert book.sources("https://files.example/paper.pdf") == [Provenance("user_input", None, 2)]
    assert book.sources("https://search.example/r1") == [
        Provenance("server_tool_result", "web_search", 3),
        Provenance("server_tool_result", "web_fetch", 3),
    ]
    assert book.sources("https://linked.example/p2") == [Provenance("server_tool_result", "web_fetch", 3)]


def test_assistant_text_never_counts() -> None:
    verdict = ledger().check("https://assistant-made.example/x")
    assert verdict == Verdict.refuse(
        Problem(
            "url_not_in_prior_context",
            "This exact URL has not appeared in the conversation, so it cannot be fetched.",
        )
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/article?q=secret",
        "https://example.com/article/secret",
        "https://example.com/articl",
        "https://example.com/article#x?q=1",  # fragment is dropped: same URL, allowed
    ],
)
def test_exact_match_never_prefix(url: str) -> None:
    expected = url.endswith("#x?q=1")
    assert ledger().permits(url) is expected


def test_canonical_match() -> None:
    assert ledger().permits("HTTPS://EXAMPLE.COM:443/article")


def test_observing_again_is_harmless() -> None:
    book = ledger()
    book.observe(CONVERSATION)
    assert book.sources("https://example.com/article") == [Provenance("user_input", None, 0)]


def test_url_sources_user_input_none() -> None:
    book = ledger(url_sources={"user_input": {"type": "none"}})
    verdict = book.check("https://example.com/article")
    assert (verdict.allowed, verdict.error_code) == (False, "url_not_in_prior_context")
    assert verdict.reason == "The URL appeared only in sources that url_sources leaves out."
    assert book.permits("https://client.example/a")


def test_url_sources_tool_filters() -> None:
    only_search = ledger(
        url_sources={
            "server_tool_results": {
                "type": "only",
                "tools": [{"type": "tool_reference", "name": "web_search"}],
            }
        }
    )
    assert only_search.permits("https://search.example/r1")
    assert not only_search.permits("https://linked.example/p2")
    no_client = ledger(url_sources={"client_tool_results": {"type": "none"}})
    assert not no_client.permits("https://client.example/a")
    except_lookup = ledger(
        url_sources={
            "client_tool_results": {"type": "except", "tools": [{"type": "tool_reference", "name": "lookup"}]}
        }
    )
    assert not except_lookup.permits("https://client.example/a")
    assert except_lookup.permits("https://example.com/article")


def test_invalid_url_gets_validation_code() -> None:
    assert ledger().check("https://x.com/" + "a" * 300).error_code == "url_too_long"


def test_bad_url_sources_raise() -> None:
    with pytest.raises(PolicyError) as info:
        UrlLedger(url_sources={"server_tool_results": {"type": "only"}})  # type: ignore[typeddict-item]
    assert str(info.value) == (
        "url_sources['server_tool_results'] needs 'tools': a list of {'type': 'tool_reference', 'name': TOOL_NAME}"
    )


def test_a_url_source_document_is_recorded_exactly() -> None:
    url = "https://example.com/it's-here."
    ledger = UrlLedger()
    ledger.observe(
        [{"role": "user", "content": [{"type": "document", "source": {"type": "url", "url": url}}]}]
    )
    assert ledger.permits(url)
    assert not ledger.permits("https://example.com/it")


def test_url_sources_are_validated_by_provenance_for_the_policy_and_the_ledger() -> None:
    from webfetch_kit.rules.policy import FetchPolicy
    from webfetch_kit.rules.provenance import check_url_sources

    bad = {"user_input": {"type": "only"}}
    message = "url_sources['user_input'] must have 'type' one of ['all', 'none'], got {'type': 'only'}"
    for attempt in (
        lambda: check_url_sources(bad),
        lambda: UrlLedger(url_sources=bad),  # type: ignore[arg-type]
        lambda: FetchPolicy(url_sources=bad),  # type: ignore[arg-type]
    ):
        with pytest.raises(PolicyError) as caught:
            attempt()
        assert str(caught.value) == message
