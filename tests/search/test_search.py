"""Tests for webfetch_kit.search: the offline FTS5/BM25 web search and its SDK-shaped blocks."""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
import zlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from anthropic.types import WebSearchToolResultBlock, WebSearchToolResultError

from webfetch_kit.blocks import parse_content_block
from webfetch_kit.errors import ConfigError, WebfetchError
from webfetch_kit.search import (
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchIndex,
    decode_encrypted_content,
    encode_encrypted_content,
    format_page_age,
    query_terms,
)
from webfetch_kit.search import index as search

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "search"
CACHING_URL = "https://docs.example.com/guides/prompt-caching"


def load_documents(name: str) -> list[SearchDocument]:
    raw = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return [
        SearchDocument(d["url"], d["title"], d["text"], format_page_age(d["published"]))
        for d in raw["documents"]
    ]


@pytest.fixture(scope="module")
def documents() -> list[SearchDocument]:
    return load_documents("documents.json")


@pytest.fixture(scope="module")
def index(documents: list[SearchDocument]) -> SearchIndex:
    return SearchIndex.from_documents(documents)


def urls(hits: list[SearchHit]) -> list[str]:
    return [hit.url for hit in hits]


def results_of(block: Mapping[str, Any]) -> list[dict[str, Any]]:
    content = block["content"]
    assert isinstance(content, list), content
    return [dict(result) for result in content]


# --- query tokenizing -------------------------------------------------------------------------------


def test_query_terms_drop_operators_punctuation_and_stop_words() -> None:
    assert query_terms('What is "prompt caching" AND NEAR(cache*, 2) -- in the API?') == [
        "prompt",
        "caching",
        "cache",
        "2",
        "api",
    ]


def test_query_terms_are_deduplicated_casefolded_and_capped() -> None:
    assert query_terms("Caching CACHING caching") == ["caching"]
    many = " ".join(f"word{i}" for i in range(MAX_QUERY_TERMS + 10))
    assert query_terms(many) == [f"word{i}" for i in range(MAX_QUERY_TERMS)]


def test_query_terms_keep_unicode_words() -> None:
    assert query_terms("Café «crème» 東京") == ["café", "crème", "東京"]


# --- ranking ----------------------------------------------------------------------------------------


def test_prompt_caching_query_ranks_the_caching_guide_first(index: SearchIndex) -> None:
    hits = index.search("How does prompt caching work?")
    assert hits[0].url == CACHING_URL
    assert hits[0].title == "Prompt caching"
    assert hits[0].page_age == "April 30, 2025"
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_or_semantics_let_partial_matches_rank(index: SearchIndex) -> None:
    # No page holds all of these words; pages holding some of them are still found.
    hits = index.search("zebra okapi saturation", max_results=10)
    assert set(urls(hits)) == {
        "https://papers.example.net/pdf/bm25-revisited.pdf",
        "https://papers.example.net/tie-a",
        "https://papers.example.net/tie-b",
    }
    # The BM25 paper matches two distinct words, each zebra page only one.
    assert hits[0].url == "https://papers.example.net/pdf/bm25-revisited.pdf"


def test_stemming_matches_word_forms(index: SearchIndex) -> None:
    assert CACHING_URL in urls(index.search("cached prompts"))


def test_title_weight_decides_between_title_and_body_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    with SearchIndex.from_documents(load_documents("title_boost.json")) as boost:
        assert urls(boost.search("tokenizer")) == [
            "https://docs.example.com/tokenizer",
            "https://blog.example.org/notes",
        ]
        # The fixture is built so that without the title weight the body-only page wins.
        monkeypatch.setattr(search, "TITLE_WEIGHT", 1.0)
        assert urls(boost.search("tokenizer"))[0] == "https://blog.example.org/notes"


def test_equal_scores_are_ordered_by_url(documents: list[SearchDocument]) -> None:
    for order in (documents, list(reversed(documents))):
        with SearchIndex.from_documents(order) as idx:
            hits = idx.search("zebra")
            assert urls(hits) == ["https://papers.example.net/tie-a", "https://papers.example.net/tie-b"]
            assert hits[0].score == hits[1].score


def test_max_results_limits_hits(index: SearchIndex) -> None:
    assert len(index.search("prompt caching", max_results=10)) == 5
    assert len(index.search("prompt caching", max_results=2)) == 2
    with pytest.raises(ConfigError, match=r"^max_results must be a positive whole number, got 0$"):
        index.search("prompt caching", max_results=0)


def test_snippet_is_plain_text_from_the_body(index: SearchIndex) -> None:
    hit = index.search("breakpoints")[0]
    assert hit.url == CACHING_URL
    assert "breakpoint." in hit.snippet  # stemmed: the query said "breakpoints"
    assert "<" not in hit.snippet


def test_unicode_query_finds_accented_page(index: SearchIndex) -> None:
    assert urls(index.search("cafe creme")) == ["https://blog.example.org/posts/café-crème"]
    assert urls(index.search("東京")) == ["https://blog.example.org/posts/café-crème"]


# --- hostile and empty queries ----------------------------------------------------------------------


HOSTILE = json.loads((FIXTURES / "hostile_queries.json").read_text(encoding="utf-8"))["queries"]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_raise(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    block = index.result_block("srvtoolu_hostile", query)
    assert isinstance(parse_content_block(block), WebSearchToolResultBlock)
    assert isinstance(block["content"], list)


@pytest.mark.parametrize("query", ["", "   ", "the of and", "AND OR NOT", '" * ( ) ^ :'])
def test_empty_or_stop_word_queries_give_no_hits(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []
    assert index.result_block("srvtoolu_empty", query)["content"] == []


def test_operator_characters_are_not_interpreted(index: SearchIndex) -> None:
    # "prompt*" would be a prefix query in FTS5; here it is the word "prompt".
    assert urls(index.search("prompt*")) == urls(index.search("prompt"))
    # "title:caching" would restrict to the title column; here it is two words.
    assert urls(index.search("title:caching")) == urls(index.search("title caching"))


def test_query_at_the_limit_runs_and_one_more_character_is_too_long(index: SearchIndex) -> None:
    at_limit = ("caching " * MAX_QUERY_CHARS)[:MAX_QUERY_CHARS]
    assert index.search(at_limit)[0].url == CACHING_URL
    with pytest.raises(SearchError) as caught:
        index.search(at_limit + "x")
    assert caught.value.error_code == "query_too_long"
    assert str(caught.value) == f"query_too_long: query is {MAX_QUERY_CHARS + 1} characters; the limit is 500"
    assert isinstance(caught.value, WebfetchError)


def test_ten_kilobyte_query_gives_query_too_long_block(index: SearchIndex) -> None:
    block = index.result_block("srvtoolu_long", "prompt caching " * 700)
    parsed = parse_content_block(block)
    assert isinstance(parsed, WebSearchToolResultBlock)
    assert isinstance(parsed.content, WebSearchToolResultError)
    assert parsed.content.error_code == "query_too_long"
    assert block == {
        "type": "web_search_tool_result",
        "tool_use_id": "srvtoolu_long",
        "content": {"type": "web_search_tool_result_error", "error_code": "query_too_long"},
    }


def test_non_string_query_is_invalid_tool_input(index: SearchIndex) -> None:
    outcome = index.run(["prompt", "caching"])
    assert not outcome.ok
    assert outcome.error_code == "invalid_tool_input"
    block = index.result_block("srvtoolu_bad", None)
    assert block["content"] == {"type": "web_search_tool_result_error", "error_code": "invalid_tool_input"}
    parse_content_block(block)


# --- domain filters (FetchPolicy's matcher) ---------------------------------------------------------


def test_allowed_domains_include_subdomains_and_exclude_lookalikes(index: SearchIndex) -> None:
    pytest.importorskip("webfetch_kit.rules.policy")
    everything = urls(index.search("prompt caching messages", max_results=20))
    assert "https://badexample.com/prompt-caching-tips" in everything
    assert "https://docs.example.com.evil.net/guides/prompt-caching" in everything
    allowed = urls(index.search("prompt caching messages", max_results=20, allowed_domains=["example.com"]))
    assert set(allowed) == {
        CACHING_URL,
        "https://docs.example.com/guides/web-fetch",
        "https://api.docs.example.com/reference/messages",
    }


def test_blocked_domains_block_subdomains_but_not_lookalikes(index: SearchIndex) -> None:
    pytest.importorskip("webfetch_kit.rules.policy")
    hits = urls(index.search("prompt caching messages", max_results=20, blocked_domains=["docs.example.com"]))
    assert CACHING_URL not in hits
    assert "https://api.docs.example.com/reference/messages" not in hits
    assert "https://docs.example.com.evil.net/guides/prompt-caching" in hits
    assert "https://badexample.com/prompt-caching-tips" in hits


def test_filters_apply_before_max_results(index: SearchIndex) -> None:
    pytest.importorskip("webfetch_kit.rules.policy")
    hits = index.search("prompt caching", max_results=1, blocked_domains=["docs.example.com"])
    assert len(hits) == 1
    assert hits[0].url != CACHING_URL


def test_both_domain_lists_is_a_configuration_error(index: SearchIndex) -> None:
    pytest.importorskip("webfetch_kit.rules.policy")
    with pytest.raises(ConfigError):
        index.search("caching", allowed_domains=["example.com"], blocked_domains=["evil.net"])


# --- result blocks and encrypted_content -----------------------------------------------------------


def test_result_block_has_the_sdk_shape(index: SearchIndex, documents: list[SearchDocument]) -> None:
    block = index.result_block("srvtoolu_01", "prompt caching", max_results=3)
    parsed = parse_content_block(block)
    assert isinstance(parsed, WebSearchToolResultBlock)
    assert parsed.tool_use_id == "srvtoolu_01"
    assert isinstance(parsed.content, list)
    assert len(parsed.content) == 3
    first = results_of(block)[0]
    assert set(first) == {"type", "url", "title", "encrypted_content", "page_age"}
    assert first["type"] == "web_search_result"
    assert first["url"] == CACHING_URL
    assert first["page_age"] == "April 30, 2025"
    assert first["encrypted_content"].startswith("wfk1.")


def test_result_without_published_date_has_no_page_age(index: SearchIndex) -> None:
    block = index.result_block("srvtoolu_02", "café crème")
    (result,) = results_of(block)
    assert "page_age" not in result
    parse_content_block(block)


def test_encrypted_content_round_trips(index: SearchIndex, documents: list[SearchDocument]) -> None:
    by_url = {doc.url: doc for doc in documents}
    block = index.result_block("srvtoolu_03", "prompt caching fetch", max_results=10)
    for result in results_of(block):
        decoded = decode_encrypted_content(result["encrypted_content"])
        assert decoded.url == result["url"]
        assert decoded.title == by_url[decoded.url].title
        assert decoded.text == by_url[decoded.url].text


def test_encrypted_content_text_is_capped(index: SearchIndex, documents: list[SearchDocument]) -> None:
    block = index.result_block("srvtoolu_04", "prompt caching", max_results=1, max_content_chars=40)
    decoded = decode_encrypted_content(results_of(block)[0]["encrypted_content"])
    caching = next(doc for doc in documents if doc.url == CACHING_URL)
    assert decoded.text == caching.text[:40]


def test_encrypted_content_is_url_safe_and_unpadded() -> None:
    encoded = encode_encrypted_content("https://x.example/ü", "Tïtle", "tëxt " * 50)
    assert set(encoded[5:]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_encrypted_content(encoded).title == "Tïtle"


def _pack(payload: bytes) -> str:
    return "wfk1." + base64.urlsafe_b64encode(zlib.compress(payload)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        ("EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5", "does not start with 'wfk1.'"),
        ("wfk1.!!!!", "is corrupt"),
        ("wfk1.AAAA", "is corrupt"),
        (_pack(b'{"v": 2, "url": "u", "title": "t", "text": "x"}'), "unknown version or layout"),
        (_pack(b'{"v": 1, "url": "u", "title": 3, "text": "x"}'), "unknown version or layout"),
        (_pack(b"[1, 2]"), "unknown version or layout"),
        (_pack(b"\xff\xfe"), "is corrupt"),
        (_pack(b" " * (9 * 1024 * 1024)), "more than 8 MiB"),
    ],
)
def test_decode_refuses_foreign_or_corrupt_content(encoded: str, message: str) -> None:
    with pytest.raises(SearchError, match=message) as caught:
        decode_encrypted_content(encoded)
    assert caught.value.error_code == "invalid_tool_input"


# --- page_age -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-04-30", "April 30, 2025"),
        ("2025-04-03T09:30:00+00:00", "April 3, 2025"),
        (date(2024, 12, 1), "December 1, 2024"),
        (None, None),
        ("", None),
        ("last spring", "last spring"),
    ],
)
def test_page_age_as_a_date(published: str | date | None, expected: str | None) -> None:
    assert format_page_age(published) == expected


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        ("2025-06-10", "today"),
        ("2025-06-11", "today"),
        ("2025-06-09", "1 day ago"),
        ("2025-06-07", "3 days ago"),
        ("2025-05-27", "2 weeks ago"),
        ("2025-04-10", "2 months ago"),
        ("2023-06-01", "2 years ago"),
    ],
)
def test_page_age_relative_to_an_injected_now(published: str, expected: str) -> None:
    assert format_page_age(published, now=datetime(2025, 6, 10, 12, 0)) == expected


# --- on-disk cache --------------------------------------------------------------------------------


def test_disk_cache_is_reused_when_documents_are_unchanged(
    tmp_path: Path, documents: list[SearchDocument]
) -> None:
    target = tmp_path / "cache" / "search.sqlite"
    with SearchIndex.from_documents(documents, path=target) as first:
        assert not first.reused
        assert urls(first.search("prompt caching"))[0] == CACHING_URL
    stat = target.stat()
    with SearchIndex.from_documents(documents, path=target) as second:
        assert second.reused
        assert second.fingerprint == first.fingerprint
        assert urls(second.search("prompt caching"))[0] == CACHING_URL
    assert (target.stat().st_ino, target.stat().st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)
    assert [p.name for p in target.parent.iterdir()] == ["search.sqlite"]


def test_disk_cache_is_rebuilt_when_documents_change(tmp_path: Path, documents: list[SearchDocument]) -> None:
    target = tmp_path / "search.sqlite"
    SearchIndex.from_documents(documents, path=target).close()
    changed = [*documents[:-1], SearchDocument("https://new.example.com/", "Quokka", "A quokka page.")]
    with SearchIndex.from_documents(changed, path=target) as rebuilt:
        assert not rebuilt.reused
        assert len(rebuilt) == len(documents)
        assert urls(rebuilt.search("quokka")) == ["https://new.example.com/"]
        assert "https://papers.example.net/tie-a" not in urls(rebuilt.search("zebra"))


def test_disk_cache_that_is_not_an_index_is_replaced(tmp_path: Path, documents: list[SearchDocument]) -> None:
    target = tmp_path / "search.sqlite"
    target.write_bytes(b"not a database at all")
    with SearchIndex.from_documents(documents, path=target) as idx:
        assert not idx.reused
        assert urls(idx.search("prompt caching"))[0] == CACHING_URL


def test_duplicate_urls_are_refused(documents: list[SearchDocument]) -> None:
    with pytest.raises(ConfigError) as caught:
        SearchIndex.from_documents([documents[0], documents[0]])
    assert str(caught.value) == f"duplicate search document URL {CACHING_URL!r}: each page must appear once"


def test_failed_build_leaves_no_scratch_file(tmp_path: Path, documents: list[SearchDocument]) -> None:
    with pytest.raises(ConfigError):
        SearchIndex.from_documents([documents[0], documents[0]], path=tmp_path / "search.sqlite")
    assert os.listdir(tmp_path) == []


# --- concurrency ----------------------------------------------------------------------------------


def test_concurrent_searches_from_eight_threads(index: SearchIndex) -> None:
    queries = ["prompt caching", "web fetch domains", "zebra", "bm25 title", "café", "messages usage"]
    expected = {q: index.search(q, max_results=10) for q in queries}
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(offset: int) -> None:
        try:
            barrier.wait()
            for round_ in range(40):
                query = queries[(offset + round_) % len(queries)]
                assert index.search(query, max_results=10) == expected[query]
                index.result_block(f"srvtoolu_{offset}_{round_}", query)
        except BaseException as exc:  # collected and re-raised on the main thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert not any(thread.is_alive() for thread in threads)


# --- the corpus -----------------------------------------------------------------------------------

CORPUS = FIXTURES / "corpus"


def test_from_corpus_indexes_html_text_and_pdf_and_skips_unsupported() -> None:
    with SearchIndex.from_corpus(root=CORPUS) as idx:
        assert len(idx) == 3
        assert idx.search("status ok json") == []
        hit = idx.search("how does prompt caching work")[0]
        assert (hit.url, hit.title, hit.page_age) == (
            "https://docs.example.com/guides/caching",
            "Prompt caching guide",
            "April 30, 2025",
        )
        (retry,) = idx.search("Retry-After header")
        assert (retry.url, retry.page_age) == ("https://docs.example.com/limits.txt", None)


def test_from_corpus_pdf_text_of_every_page_is_searchable_and_decodable() -> None:
    with SearchIndex.from_corpus(root=CORPUS) as idx:
        # "summaries" is only on page 2 of the PDF.
        (hit,) = idx.search("summaries")
        assert hit.url == "https://papers.example.net/token-budgets.pdf"
        assert hit.page_age == "November 15, 2024"
        block = idx.result_block("srvtoolu_pdf", "summaries")
        parse_content_block(block)
        decoded = decode_encrypted_content(results_of(block)[0]["encrypted_content"])
        assert decoded.text.startswith("Token budgets for agents that fetch.")
        assert decoded.text.endswith("summaries cost output tokens instead.")


def test_from_corpus_relative_page_age() -> None:
    with SearchIndex.from_corpus(root=CORPUS, now=datetime(2025, 5, 14)) as idx:
        assert idx.search("prompt caching")[0].page_age == "2 weeks ago"


def test_from_corpus_disk_cache_follows_file_changes(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(CORPUS, root)
    target = tmp_path / "search.sqlite"
    with SearchIndex.from_corpus(root=root, path=target) as first:
        assert not first.reused
    with SearchIndex.from_corpus(root=root, path=target) as second:
        assert second.reused
        assert second.search("quokka") == []
    limits = root / "docs.example.com" / "limits.txt"
    limits.write_text(limits.read_text(encoding="utf-8") + "A quokka never retries.\n", encoding="utf-8")
    with SearchIndex.from_corpus(root=root, path=target) as third:
        assert not third.reused
        assert urls(third.search("quokka")) == ["https://docs.example.com/limits.txt"]


def test_from_corpus_searches_the_description_but_does_not_encode_it() -> None:
    with SearchIndex.from_corpus(root=CORPUS) as idx:
        # "two-page" is only in the manifest's description of the PDF.
        assert urls(idx.search("two-page")) == ["https://papers.example.net/token-budgets.pdf"]
        block = idx.result_block("srvtoolu_desc", "two-page")
        assert "two-page" not in decode_encrypted_content(results_of(block)[0]["encrypted_content"]).text


@pytest.fixture(scope="module")
def project_index() -> Iterator[SearchIndex]:
    if not (Path(__file__).resolve().parents[2] / "data" / "corpus" / "manifest.json").is_file():
        pytest.skip("data/corpus/manifest.json is not in this checkout yet")
    with SearchIndex.from_corpus() as idx:
        yield idx


def test_project_corpus_ranks_the_caching_guide_first(project_index: SearchIndex) -> None:
    guide = "https://docs.example.com/guide/caching"
    assert project_index.search("how do I cache a long prompt?")[0].url == guide
    top_two = urls(project_index.search("prompt caching", max_results=2))
    assert set(top_two) == {guide, "https://blog.example.org/posts/prompt-cache-kitchen"}


def test_project_corpus_domain_filters_exclude_the_homograph_copy(project_index: SearchIndex) -> None:
    lookalike = "https://xn--dcs-sed.example.com/guide/web-fetch"
    assert lookalike in urls(project_index.search("web fetch", max_results=50))
    allowed = urls(project_index.search("web fetch", max_results=50, allowed_domains=["docs.example.com"]))
    assert "https://docs.example.com/guide/web-fetch" in allowed
    assert all(url.startswith("https://docs.example.com/") for url in allowed)
    # FetchPolicy also blocks confusable look-alikes of a blocked domain.
    blocked = urls(project_index.search("web fetch", max_results=50, blocked_domains=["docs.example.com"]))
    assert lookalike not in blocked
    assert "https://news.example.com/2025/09/web-fetch-beta" in blocked


def test_project_corpus_blocks_validate_with_the_sdk(project_index: SearchIndex) -> None:
    block = project_index.result_block("srvtoolu_corpus", "token budgets", max_results=5)
    parsed = parse_content_block(block)
    assert isinstance(parsed, WebSearchToolResultBlock)
    results = results_of(block)
    assert [r["url"] for r in results] == urls(project_index.search("token budgets"))
    assert results[0]["url"] == "https://papers.example.net/token-budgets.pdf"
    assert results[0]["page_age"] == "March 17, 2025"
    decoded = decode_encrypted_content(results[0]["encrypted_content"])
    assert decoded.title == results[0]["title"]
    assert "\f" in decoded.text  # the PDF's pages, joined by extract's page separator
