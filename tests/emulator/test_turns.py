"""Non-streamed turns through the real SDK: fetch, search-then-fetch, citations, documents, max_tokens."""

from __future__ import annotations

import base64

import anthropic
from anthropic.types import Message
from emulator_support import MODEL, CorpusRuntime, corpus_document, fetch_tool, search_tool

from webfetch_kit.blocks import parse_content_block
from webfetch_kit.emulator import EMULATOR_HEADER, EmulatorServer
from webfetch_kit.net.reader import pdf_page_texts

CACHING = "https://docs.example.com/guide/caching"
BUDGETS_PDF = "https://papers.example.net/token-budgets.pdf"


def _ask(client: anthropic.Anthropic, text: str, tools: list[dict[str, object]], **kw: object) -> Message:
    return client.messages.create(
        model=MODEL, max_tokens=kw.pop("max_tokens", 1024), messages=[{"role": "user", "content": text}],  # type: ignore[arg-type]
        tools=tools, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_fetch_turn_quotes_the_page_with_exact_char_citations(
    client: anthropic.Anthropic, runtime: CorpusRuntime
) -> None:
    message = _ask(
        client, f"How long does the prompt cache live? {CACHING}", [fetch_tool(citations={"enabled": True})]
    )

    types = [b.type for b in message.content]
    assert types[:3] == ["text", "server_tool_use", "web_fetch_tool_result"]
    assert runtime.fetch_calls == [CACHING]
    use, result = message.content[1], message.content[2]
    assert use.type == "server_tool_use" and use.name == "web_fetch" and use.input == {"url": CACHING}
    assert use.id.startswith("srvtoolu_") and result.type == "web_fetch_tool_result"
    assert result.tool_use_id == use.id
    for block in message.content:  # every block is exactly the SDK's shape
        parse_content_block(block.model_dump(exclude_none=True))
    source_text = corpus_document(CACHING).text
    cited = [c for b in message.content if b.type == "text" for c in (b.citations or [])]
    assert cited, "citations were enabled, the stand-in must cite"
    for citation in cited:
        assert citation.type == "char_location"
        assert citation.document_index == 0
        assert citation.document_title == corpus_document(CACHING).title
        assert citation.cited_text == source_text[citation.start_char_index : citation.end_char_index]
    assert message.stop_reason == "end_turn"
    assert message.usage.server_tool_use is not None
    assert message.usage.server_tool_use.web_fetch_requests == 1
    assert message.usage.server_tool_use.web_search_requests == 0


def test_response_says_it_came_from_the_emulator(client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.create(
        model=MODEL, max_tokens=100, messages=[{"role": "user", "content": "Hello"}]
    )
    assert raw.headers[EMULATOR_HEADER].startswith("webfetch-kit/")
    message = raw.parse()
    dumped = message.model_dump()
    assert dumped["emulator"]["model"] == "extractive stand-in (not Claude)"
    assert "Claude" not in "".join(b.text for b in message.content if b.type == "text").replace(
        "(not Claude)", ""
    )


def test_citations_disabled_gives_plain_text(client: anthropic.Anthropic) -> None:
    message = _ask(client, f"How long does the prompt cache live? {CACHING}", [fetch_tool()])
    texts = [b for b in message.content if b.type == "text"]
    assert len(texts) >= 3
    assert all(b.citations is None for b in texts)


def test_pdf_fetch_cites_pages(client: anthropic.Anthropic) -> None:
    message = _ask(
        client,
        f"What token budget per document is recommended? {BUDGETS_PDF}",
        [fetch_tool(citations={"enabled": True})],
    )
    result = message.content[2]
    assert result.type == "web_fetch_tool_result"
    document = result.content.content  # type: ignore[union-attr]
    pages = pdf_page_texts(base64.b64decode(document.source.data))  # type: ignore[union-attr]
    cited = [c for b in message.content if b.type == "text" for c in (b.citations or [])]
    assert cited
    for citation in cited:
        assert citation.type == "page_location"
        assert citation.end_page_number == citation.start_page_number + 1
        assert citation.cited_text in pages[citation.start_page_number - 1]


def test_search_then_fetch_turn(client: anthropic.Anthropic, runtime: CorpusRuntime) -> None:
    message = _ask(
        client,
        "How much should a token budget per document be?",
        [search_tool(), fetch_tool(citations={"enabled": True})],
    )
    types = [b.type for b in message.content]
    # The search is one pass; the two fetches are parallel calls of the next: both calls, then both results.
    assert types[:7] == ["text", "server_tool_use", "web_search_tool_result", "server_tool_use",
                         "server_tool_use", "web_fetch_tool_result", "web_fetch_tool_result"]  # fmt: skip
    search_result = message.content[2]
    assert search_result.type == "web_search_tool_result" and isinstance(search_result.content, list)
    top_two = [r.url for r in search_result.content[:2]]
    assert runtime.fetch_calls == top_two
    assert runtime.search_calls == ["How much should a token budget per document be?"]
    # The search results of this turn are part of the conversation the fetch runtime sees.
    assert runtime.seen_messages[0][-1]["content"][1]["type"] == "web_search_tool_result"
    assert message.usage.server_tool_use is not None
    assert message.usage.server_tool_use.web_search_requests == 1
    assert message.usage.server_tool_use.web_fetch_requests == 2
    cited = [c for b in message.content if b.type == "text" for c in (b.citations or [])]
    assert {c.document_index for c in cited if c.type == "char_location"} <= {0, 1}
    # A result that was not fetched can still be quoted, cited as the search result it is.
    unfetched = {r.url for r in search_result.content[2:]}
    assert {c.url for c in cited if c.type == "web_search_result_location"} <= unfetched


def test_follow_up_turn_cites_the_earlier_fetch_by_document_index(client: anthropic.Anthropic) -> None:
    tools = [fetch_tool(citations={"enabled": True})]
    first = _ask(client, f"Read {CACHING}", tools)
    messages = [
        {"role": "user", "content": f"Read {CACHING}"},
        {"role": "assistant", "content": first.content},
        {"role": "user", "content": [
            {"type": "document", "source": {"type": "text", "media_type": "text/plain",
             "data": "Tide pools hold anemones. Cache entries expire after five minutes without use."},
             "title": "Notes", "citations": {"enabled": True}},
            {"type": "text", "text": "When do cache entries expire?"}]},
    ]  # fmt: skip
    second = client.messages.create(model=MODEL, max_tokens=1024, messages=messages, tools=tools)  # type: ignore[arg-type]
    assert [b.type for b in second.content if b.type != "text"] == []  # no URL in the question: no fetch
    cited = [c for b in second.content if b.type == "text" for c in (b.citations or [])]
    assert cited
    sources = {0: corpus_document(CACHING).text, 1: messages[2]["content"][0]["source"]["data"]}  # type: ignore[index]
    for citation in cited:
        assert citation.type == "char_location"
        assert (
            citation.cited_text
            == sources[citation.document_index][citation.start_char_index : citation.end_char_index]
        )
    assert 1 in {c.document_index for c in cited}


def test_text_only_request_without_documents_gets_a_canned_reply(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL, max_tokens=200, messages=[{"role": "user", "content": "Hi there"}]
    )
    assert [b.type for b in message.content] == ["text"]
    assert "had no document to quote" in message.content[0].text  # type: ignore[union-attr]
    assert message.usage.server_tool_use is None  # absent when no server tool ran, as the API reports


def test_max_tokens_truncates_and_says_so(client: anthropic.Anthropic) -> None:
    full = _ask(client, f"How long does the prompt cache live? {CACHING}", [fetch_tool()])
    short = _ask(
        client,
        f"How long does the prompt cache live? {CACHING}",
        [fetch_tool()],
        max_tokens=full.usage.output_tokens - 3,
    )
    assert full.stop_reason == "end_turn"
    assert short.stop_reason == "max_tokens"
    assert short.usage.output_tokens <= full.usage.output_tokens - 3
    assert short.content[-1].type == "text"
    assert full.content[len(short.content) - 1].text.startswith(short.content[-1].text)  # type: ignore[union-attr]


def test_max_tokens_too_small_for_the_tool_call_never_calls_the_tool(
    client: anthropic.Anthropic, runtime: CorpusRuntime
) -> None:
    message = _ask(client, f"Read {CACHING}", [fetch_tool()], max_tokens=12)
    assert message.stop_reason == "max_tokens"
    assert runtime.fetch_calls == []
    assert message.usage.output_tokens <= 12


def test_max_tokens_too_small_for_the_search_never_searches(
    client: anthropic.Anthropic, runtime: CorpusRuntime
) -> None:
    question = "How does the web fetch tool handle " + " ".join(f"topic{i}" for i in range(60)) + " filters?"
    message = _ask(client, question, [search_tool()], max_tokens=20)
    assert message.stop_reason == "max_tokens"
    assert runtime.search_calls == []
    assert message.usage.server_tool_use is None


def test_beta_surface_and_header_work(server: EmulatorServer) -> None:
    with anthropic.Anthropic(base_url=server.url, api_key="offline", max_retries=0) as sdk:
        message = sdk.beta.messages.create(
            model=MODEL, max_tokens=512, betas=["web-fetch-2025-09-10"],
            messages=[{"role": "user", "content": f"Read {CACHING}"}], tools=[fetch_tool()],  # type: ignore[list-item]
        )  # fmt: skip
    assert [b.type for b in message.content][:3] == ["text", "server_tool_use", "web_fetch_tool_result"]


def test_documents_in_client_tool_results_are_indexed_in_order(client: anthropic.Anthropic) -> None:
    inner = {
        "type": "document",
        "title": "Tool doc",
        "citations": {"enabled": True},
        "source": {
            "type": "text",
            "media_type": "text/plain",
            "data": "The kettle boils water in three minutes.",
        },
    }
    top = {"type": "document", "title": "Top doc", "citations": {"enabled": True},
           "source": {"type": "text", "media_type": "text/plain", "data": "Swifts sleep on the wing over the sea."}}  # fmt: skip
    messages = [
        {"role": "user", "content": [top, {"type": "text", "text": "Look this up"}]},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [inner]},
                                     {"type": "text", "text": "How long does the kettle take to boil water?"}]},
    ]  # fmt: skip
    tools = [{"name": "lookup", "input_schema": {"type": "object"}}]
    message = client.messages.create(model=MODEL, max_tokens=256, messages=messages, tools=tools)  # type: ignore[arg-type]
    cited = [c for b in message.content if b.type == "text" for c in (b.citations or [])]
    assert [(c.document_index, c.document_title, c.cited_text) for c in cited] == [
        (1, "Tool doc", "The kettle boils water in three minutes.")
    ]
