"""The fetch executor against the corpus server over real loopback HTTP."""

from __future__ import annotations

import asyncio
import base64
import gzip
import logging
import subprocess
import sys
import threading
import urllib.parse
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from anthropic.types import WebFetchToolResultBlock
from pool_support import let_workers_import_this_folder, start_every_worker

from webfetch_kit.blocks import parse_content_block
from webfetch_kit.clock import ManualClock
from webfetch_kit.errors import ConfigError, TokenizerError
from webfetch_kit.lab.corpus import CorpusSite
from webfetch_kit.net.cache import FetchCache
from webfetch_kit.net.fetcher import Fetcher, FetchOutcome
from webfetch_kit.net.pool import ExtractionPool
from webfetch_kit.net.reader import pdf_page_texts
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.rules.provenance import UrlLedger
from webfetch_kit.tokens import count_tokens

PAPERS = Path(__file__).resolve().parents[2] / "data" / "corpus" / "papers.example.net"


@pytest.fixture
def site(fresh_site: CorpusSite) -> Iterator[CorpusSite]:
    # A server of this test's own: the request counts asserted below see this test's requests only.
    yield fresh_site


@dataclass
class CodedServer:
    port: int
    answer: tuple[str, bytes] = ("identity", b"")


@pytest.fixture
def coded_server() -> Iterator[CodedServer]:
    """An HTTP server of this test's own on 127.0.0.1 answering every GET with ``answer`` (coding, body)."""
    state = CodedServer(0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            coding, body = state.answer
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Encoding", coding)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def make(site: CorpusSite, policy: FetchPolicy | None = None, **kwargs: object) -> Fetcher:
    options: dict[str, object] = {**site.fetch_options(), "deadline": 5.0, **kwargs}
    return Fetcher(policy or FetchPolicy(), **options)  # type: ignore[arg-type]


def block_of(outcome: FetchOutcome) -> WebFetchToolResultBlock:
    parsed = parse_content_block(outcome.to_block("srvtoolu_test"))
    assert isinstance(parsed, WebFetchToolResultBlock)
    return parsed


# --- documents ---------------------------------------------------------------------------------


def test_html_page_becomes_a_text_document_block(site: CorpusSite) -> None:
    outcome = make(site, FetchPolicy(citations=True)).fetch(site.url("docs.example.com/guide/web-fetch"))
    assert outcome.ok, outcome.detail
    assert outcome.document is not None
    assert outcome.status == 200
    assert outcome.bytes_read > 90_000
    assert "web fetch" in outcome.document.text.lower()
    block = block_of(outcome)
    assert block.content.type == "web_fetch_result"
    assert block.content.url == "https://docs.example.com/guide/web-fetch"
    assert block.content.content.source.type == "text"
    assert block.content.content.citations is not None and block.content.content.citations.enabled
    assert block.content.retrieved_at is not None and block.content.retrieved_at.endswith("Z")


def test_pdf_keeps_base64_source_and_per_page_text(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("papers.example.net/tide-pools.pdf"))
    assert outcome.ok, outcome.detail
    doc = outcome.document
    assert doc is not None and doc.is_pdf
    raw = (PAPERS / "tide-pools.pdf").read_bytes()
    assert doc.source_bytes == raw
    assert doc.pages == pdf_page_texts(raw)
    assert len(doc.pages) >= 3
    block = block_of(outcome)
    source = block.content.content.source  # type: ignore[union-attr]
    assert source.type == "base64" and source.media_type == "application/pdf"
    assert base64.b64decode(source.data) == raw


def test_non_utf8_page_decodes_with_its_charset(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("docs.example.com/legacy/charset"))
    assert outcome.ok and outcome.document is not None
    assert "é" in outcome.document.text
    assert "\ufffd" not in outcome.document.text


def test_javascript_only_page_is_near_empty_and_says_so(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("docs.example.com/app/"))
    assert outcome.ok and outcome.document is not None
    assert outcome.document.javascript_only
    assert len(outcome.document.text) < 200


def test_plain_text_is_kept_as_is(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("docs.example.com/notes/changelog.txt"))
    assert outcome.ok and outcome.document is not None
    assert outcome.document.kind == "text"


# --- truncation --------------------------------------------------------------------------------


def test_max_content_tokens_truncates_text_and_records_counts(site: CorpusSite) -> None:
    outcome = make(site, FetchPolicy(max_content_tokens=300)).fetch(
        site.url("docs.example.com/guide/web-fetch")
    )
    assert outcome.ok and outcome.document is not None
    assert outcome.truncated
    assert outcome.tokens_before is not None and outcome.tokens_before > 10_000
    assert outcome.tokens_after == count_tokens(outcome.document.text) <= 300
    assert outcome.tokens_after > 250


def test_max_content_tokens_does_not_apply_to_pdfs(site: CorpusSite) -> None:
    outcome = make(site, FetchPolicy(max_content_tokens=10)).fetch(
        site.url("papers.example.net/tide-pools.pdf")
    )
    assert outcome.ok and not outcome.truncated
    assert outcome.tokens_after == outcome.tokens_before


# --- error codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host_path", "code"),
    [
        ("lab.example.net/status/404", "url_not_accessible"),
        ("lab.example.net/status/403", "url_not_accessible"),
        ("lab.example.net/status/500", "url_not_accessible"),
        ("lab.example.net/status/429", "too_many_requests"),
        ("docs.example.com/api/tools.json", "unsupported_content_type"),
        ("docs.example.com/img/pipeline.png", "unsupported_content_type"),
        ("lab.example.net/big/sized?mb=20", "content_too_large"),
        ("lab.example.net/big/chunked?mb=20", "content_too_large"),
        ("lab.example.net/gzip-bomb", "content_too_large"),
        ("lab.example.net/encoding/br", "url_not_accessible"),
        ("lab.example.net/redirect/loop", "url_not_accessible"),
        ("papers.example.net/encrypted.pdf", None),
        ("papers.example.net/truncated.pdf", None),
    ],
)
def test_misbehaving_routes_become_error_outcomes(site: CorpusSite, host_path: str, code: str | None) -> None:
    outcome = make(site).fetch(site.url(host_path))
    assert not outcome.ok
    if code is not None:
        assert outcome.error_code == code, outcome.detail
    block = block_of(outcome)
    assert block.content.type == "web_fetch_tool_result_error"
    assert block.content.error_code == outcome.error_code
    assert outcome.detail  # a human reason, kept out of the block
    assert outcome.detail not in outcome.to_block("x").__repr__()


def test_a_pdf_served_as_html_is_still_a_pdf(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("lab.example.net/types/pdf-as-html"))
    assert outcome.ok and outcome.document is not None and outcome.document.is_pdf


def test_html_served_as_pdf_is_read_as_html_and_noted(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("lab.example.net/types/html-as-pdf"))
    assert outcome.ok and outcome.document is not None and outcome.document.kind == "html"
    assert any(note.startswith("content_type_mismatch") for note in outcome.notes)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://docs.example.com/x", "invalid_tool_input"),
        ("https://user@docs.example.com/", "invalid_tool_input"),
        ("https://docs.example.com/" + "a" * 300, "url_too_long"),
        ("not a url", "invalid_tool_input"),
    ],
)
def test_bad_urls_never_raise_and_never_reach_the_server(site: CorpusSite, url: str, code: str) -> None:
    outcome = make(site).fetch(url)
    assert outcome.error_code == code
    assert site.request_count == 0


def test_domain_policy_refuses_before_any_request(site: CorpusSite) -> None:
    fetcher = make(site, FetchPolicy(allowed_domains=["docs.example.com"]))
    outcome = fetcher.fetch(site.url("blog.example.org/posts/reading-the-web"))
    assert outcome.error_code == "url_not_allowed"
    assert site.request_count == 0


def test_max_uses_counts_per_request(site: CorpusSite) -> None:
    fetcher = make(site, FetchPolicy(max_uses=2))
    urls = [site.url("lab.example.net/ok")] * 3
    codes = [fetcher.fetch(u).error_code for u in urls]
    assert codes == [None, None, "max_uses_exceeded"]
    fetcher.new_request()
    assert fetcher.fetch(urls[0]).ok


# --- redirects ---------------------------------------------------------------------------------


def test_redirect_chain_is_followed_and_each_hop_recorded(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("lab.example.net/redirect/chain/3"))
    assert outcome.ok, outcome.detail
    assert len(outcome.redirects) == 3
    assert outcome.final_url == "https://lab.example.net/ok"


def test_every_redirect_hop_is_checked_against_the_domain_policy(site: CorpusSite) -> None:
    fetcher = make(site, FetchPolicy(allowed_domains=["lab.example.net"]))
    outcome = fetcher.fetch(site.url("lab.example.net/redirect/cross-host"))
    assert outcome.error_code == "url_not_allowed"
    assert site.count_for(host="docs.example.com") == 0


@pytest.mark.parametrize("route", ["redirect/private", "redirect/metadata", "redirect/loopback"])
def test_redirects_to_internal_addresses_are_refused(site: CorpusSite, route: str) -> None:
    outcome = make(site).fetch(f"http://lab.example.net/{route}")
    assert outcome.error_code == "url_not_accessible", outcome.detail
    assert site.count_for(host="lab.example.net") == 1  # only the redirecting request was made


def test_https_to_http_downgrade_is_refused(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("lab.example.net/redirect/downgrade"))
    assert outcome.error_code == "url_not_accessible"
    assert "downgrade" in outcome.detail


def test_redirect_targets_must_also_be_in_prior_context(site: CorpusSite) -> None:
    start = site.url("lab.example.net/redirect/once")
    ledger = UrlLedger()
    ledger.observe([{"role": "user", "content": f"Please read {start}"}])
    outcome = make(site, ledger=ledger).fetch(start)
    assert outcome.error_code == "url_not_in_prior_context"
    assert "redirect" in outcome.detail
    ledger.observe([{"role": "user", "content": "and https://lab.example.net/ok"}])
    assert make(site, ledger=ledger).fetch(start).ok


def test_each_hop_is_parsed_once_for_policy_ledger_cache_and_guard(
    site: CorpusSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The verdict carries the ParsedUrl: the ledger, the cache key and the guard use it, so a fetch with a
    # ledger and one redirect parses exactly two URLs (the ledger used to parse each hop again).
    from webfetch_kit.rules import policy, provenance, urls

    start = site.url("lab.example.net/redirect/once")
    ledger = UrlLedger()
    ledger.observe([{"role": "user", "content": f"Read {start} and https://lab.example.net/ok"}])
    parsed: list[str] = []

    def spy(url: str) -> urls.ParsedUrl | urls.UrlProblem:
        parsed.append(url)
        return urls.parse_fetch_url(url)

    monkeypatch.setattr(policy, "parse_fetch_url", spy)
    monkeypatch.setattr(provenance, "parse_fetch_url", spy)
    outcome = make(site, ledger=ledger, cache=False).fetch(start)
    assert outcome.ok, outcome.detail
    assert parsed == [start, "https://lab.example.net/ok"]


def test_the_verdict_carries_the_url_it_parsed() -> None:
    verdict = FetchPolicy(allowed_domains=["example.com"]).check("HTTPS://Docs.Example.com:443/a/../b#x")
    assert verdict.allowed and verdict.url is not None
    assert verdict.url.canonical == "https://docs.example.com/b"
    assert str(verdict.url.url) == "https://docs.example.com/b"
    refused = FetchPolicy(allowed_domains=["example.com"]).check("https://other.example/")
    assert refused.url is not None and refused.url.host == "other.example"
    assert FetchPolicy().check("ftp://x.example/").url is None


def test_ledger_refuses_urls_not_seen_and_prefix_extensions(site: CorpusSite) -> None:
    seen = site.url("docs.example.com/guide/web-fetch")
    ledger = UrlLedger()
    ledger.observe([{"role": "user", "content": f"Summarise {seen}"}])
    fetcher = make(site, ledger=ledger)
    assert fetcher.fetch(seen).ok
    assert fetcher.fetch(seen + "?q=secret").error_code == "url_not_in_prior_context"
    assert site.count_for(path="/guide/web-fetch") == 1


# --- time and size bounds ----------------------------------------------------------------------


def test_a_dripping_body_ends_at_the_deadline(site: CorpusSite) -> None:
    outcome = make(site, deadline=1.0).fetch(site.url("lab.example.net/drip"))
    assert outcome.error_code == "url_not_accessible"
    # Either the body loop or the whole-fetch timer notices first; both say it was the deadline.
    assert "deadline" in outcome.detail


def test_a_slow_first_byte_beyond_the_deadline_fails(site: CorpusSite) -> None:
    outcome = make(site, deadline=0.5).fetch(site.url("lab.example.net/slow?delay=3"))
    assert outcome.error_code == "url_not_accessible"


def test_an_endless_body_stops_at_the_byte_cap(site: CorpusSite) -> None:
    outcome = make(site, max_bytes=200_000).fetch(site.url("lab.example.net/endless"))
    assert outcome.error_code == "content_too_large"


# --- cache -------------------------------------------------------------------------------------


def test_cache_hit_sends_no_request_and_keeps_retrieved_at(site: CorpusSite) -> None:
    clock = ManualClock(start=1_750_000_000.0)
    fetcher = make(site, cache=FetchCache(clock=clock, ttl=60), clock=clock)
    url = site.url("docs.example.com/guide/caching")
    first = fetcher.fetch(url)
    clock.advance(30)
    second = fetcher.fetch(url)
    assert first.ok and second.ok
    assert second.from_cache and not first.from_cache
    assert second.retrieved_at == first.retrieved_at
    assert site.count_for(path="/guide/caching") == 1
    clock.advance(31)  # past the TTL
    third = fetcher.fetch(url)
    assert not third.from_cache
    assert site.count_for(path="/guide/caching") == 2


def test_use_cache_false_bypasses_and_refreshes(site: CorpusSite) -> None:
    clock = ManualClock(start=1_750_000_000.0)
    fetcher = make(site, cache=FetchCache(clock=clock), clock=clock)
    url = site.url("docs.example.com/guide/caching")
    fetcher.fetch(url)
    clock.advance(10)
    fresh = fetcher.fetch(url, use_cache=False)
    assert not fresh.from_cache
    assert site.count_for(path="/guide/caching") == 2
    assert fetcher.fetch(url).retrieved_at == fresh.retrieved_at


def test_disk_cache_is_read_by_a_new_fetcher(site: CorpusSite, tmp_path: Path) -> None:
    url = site.url("papers.example.net/tide-pools.pdf")
    first = make(site, cache=FetchCache(directory=tmp_path)).fetch(url)
    second = make(site, cache=FetchCache(directory=tmp_path)).fetch(url)
    assert second.from_cache and second.document == first.document
    assert site.count_for(path="/tide-pools.pdf") == 1


# --- many, and inside a running loop -----------------------------------------------------------


def test_fetch_many_keeps_input_order(site: CorpusSite) -> None:
    paths = ["lab.example.net/status/404", "docs.example.com/guide/web-fetch", "lab.example.net/ok", "bad"]
    urls = [site.url(p) if "." in p else p for p in paths]
    outcomes = make(site).fetch_many(urls, concurrency=3, progress=False)
    assert [o.url for o in outcomes] == urls
    assert [o.error_code for o in outcomes] == ["url_not_accessible", None, None, "invalid_tool_input"]


def test_sync_fetch_works_inside_a_running_event_loop(site: CorpusSite) -> None:
    fetcher = make(site)

    async def notebook_cell() -> FetchOutcome:
        return fetcher.fetch(site.url("lab.example.net/ok"))

    assert asyncio.run(notebook_cell()).ok


def test_async_fetch(site: CorpusSite) -> None:
    outcome = asyncio.run(make(site).afetch(site.url("lab.example.net/ok")))
    assert outcome.ok


# --- SSRF: names resolving inside are refused and nothing reaches the server -----------------


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1"], ["10.0.0.7"], ["93.184.216.34", "127.0.0.1"], ["169.254.169.254"], ["::ffff:127.0.0.1"]],
)
def test_names_resolving_to_internal_addresses_are_refused(site: CorpusSite, answers: list[str]) -> None:
    fetcher = Fetcher(FetchPolicy(), resolver=lambda host: answers, transport=site.async_transport())
    outcome = fetcher.fetch("https://docs.example.com/guide/web-fetch")
    assert outcome.error_code == "url_not_accessible"
    assert site.request_count == 0


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/", "http://[::1]/", "http://127.1/", "http://0x7f.1/", "http://2130706433/"]
)
def test_ip_literal_spellings_of_loopback_are_refused(site: CorpusSite, url: str) -> None:
    outcome = Fetcher(FetchPolicy(), transport=site.async_transport()).fetch(url)
    assert outcome.error_code in {"url_not_accessible", "invalid_tool_input"}
    assert site.request_count == 0


def test_opening_one_host_does_not_open_the_others(site: CorpusSite) -> None:
    fetcher = Fetcher(
        FetchPolicy(),
        allow_hosts=["docs.example.com"],
        resolver=site.resolver,
        transport=site.async_transport(),
    )
    assert fetcher.fetch(site.url("docs.example.com/guide/caching")).ok
    assert (
        fetcher.fetch(site.url("blog.example.org/posts/reading-the-web")).error_code == "url_not_accessible"
    )
    assert site.count_for(host="blog.example.org") == 0


# --- configuration errors ----------------------------------------------------------------------


def test_sync_transport_is_a_config_error_with_a_hint(site: CorpusSite) -> None:
    with pytest.raises(ConfigError, match=r"site\.async_transport\(\)"):
        Fetcher(FetchPolicy(), transport=site.transport())  # type: ignore[arg-type]


def test_bad_limits_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="greater than 0"):
        Fetcher(FetchPolicy(), deadline=0)
    with pytest.raises(ConfigError, match=r"^concurrency must be a positive whole number, got 0$"):
        Fetcher(FetchPolicy()).fetch_many(["https://x.example/"], concurrency=0)


def test_the_policys_use_cache_false_bypasses_the_cache(site: CorpusSite) -> None:
    fetcher = make(site, FetchPolicy(use_cache=False))
    url = site.url("docs.example.com/guide/citations")
    first, second = fetcher.fetch(url), fetcher.fetch(url)
    assert not first.from_cache and not second.from_cache
    assert site.count_for(path="/guide/citations") == 2
    assert make(site, FetchPolicy(use_cache=False), use_cache=True).use_cache is True


def test_the_extract_mode_is_part_of_the_cache_key(site: CorpusSite) -> None:
    cache = FetchCache()
    url = site.url("docs.example.com/guide/caching")
    plain = make(site, cache=cache, extract_mode="text").fetch(url)
    api = make(site, cache=cache).fetch(url)  # "api" is the default
    assert plain.ok and api.ok and plain.document is not None and api.document is not None
    assert not api.from_cache  # a page cached as plain text is not served as Markdown
    assert (plain.document.mode, api.document.mode) == ("text", "api")
    assert api.document.text.startswith(f"{api.document.title}\n\n")
    again = make(site, cache=cache, extract_mode="api").fetch(url)
    assert again.from_cache and again.document == api.document
    with pytest.raises(
        ConfigError, match=r"^extract_mode must be one of \['api', 'main', 'text'\], got 'md'$"
    ):
        make(site, extract_mode="md")


def test_an_on_disk_cache_keeps_the_modes_apart(site: CorpusSite, tmp_path: Path) -> None:
    url = site.url("docs.example.com/guide/caching")
    make(site, cache=FetchCache(directory=tmp_path), extract_mode="main").fetch(url)
    fresh = FetchCache(directory=tmp_path)
    assert fresh.get("https://docs.example.com/guide/caching", "main") is not None
    assert fresh.get("https://docs.example.com/guide/caching", "text") is None


# --- a cache is a hop ----------------------------------------------------------------------------


def test_a_cached_redirect_is_checked_against_the_domain_policy_on_a_hit(site: CorpusSite) -> None:
    shared = FetchCache()
    start = site.url("lab.example.net/redirect/cross-host")  # 302 to docs.example.com
    assert make(site, cache=shared).fetch(start).ok
    before = site.request_count
    strict = make(site, FetchPolicy(allowed_domains=["lab.example.net"]), cache=shared)
    outcome = strict.fetch(start)
    assert outcome.error_code == "url_not_allowed"
    assert outcome.redirects == ("https://docs.example.com/guide/web-fetch",)
    assert site.request_count == before  # refused from the cache entry, nothing sent
    again = make(site, cache=shared).fetch(start)
    assert again.from_cache and again.redirects == ("https://docs.example.com/guide/web-fetch",)


def test_a_cached_redirect_is_checked_against_the_ledger_on_a_hit(site: CorpusSite) -> None:
    shared = FetchCache()
    start = site.url("lab.example.net/redirect/once")
    assert make(site, cache=shared).fetch(start).ok
    ledger = UrlLedger()
    ledger.observe([{"role": "user", "content": f"Please read {start}"}])  # not the destination
    outcome = make(site, ledger=ledger, cache=shared).fetch(start)
    assert outcome.error_code == "url_not_in_prior_context"
    assert outcome.detail.endswith("(redirect targets are checked too)")


def test_a_cached_redirect_is_checked_when_the_cache_is_read_from_disk(
    site: CorpusSite, tmp_path: Path
) -> None:
    start = site.url("lab.example.net/redirect/cross-host")
    assert make(site, cache=FetchCache(directory=tmp_path)).fetch(start).ok
    strict = make(
        site, FetchPolicy(blocked_domains=["docs.example.com"]), cache=FetchCache(directory=tmp_path)
    )
    assert strict.fetch(start).error_code == "url_not_allowed"


# --- malformed redirects -------------------------------------------------------------------------


@pytest.mark.parametrize("location", ["http:\\\\host\\", "http:host/"])
def test_a_malformed_redirect_location_is_inaccessible_not_a_kit_error(
    site: CorpusSite, caplog: pytest.LogCaptureFixture, location: str
) -> None:
    url = site.url("lab.example.net/redirect/to?" + urllib.parse.urlencode({"url": location}))
    with caplog.at_level(logging.ERROR):
        outcome = make(site).fetch(url)
    assert outcome.error_code == "url_not_accessible"
    assert outcome.detail == (
        "the site answered with an invalid redirect: For absolute URLs, path must be empty or begin with '/'"
    )
    assert caplog.records == []


# --- the tokenizer -------------------------------------------------------------------------------


def test_a_tokenizer_failure_is_an_outcome(
    site: CorpusSite, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from webfetch_kit import tokens

    def broken(text: str) -> list[int]:
        raise TokenizerError("the packaged encoding is damaged")

    # Broken here (pages read inline are counted in this process) and in the pool's worker (pages it
    # reads are counted there): wherever this page is read, its count fails.
    monkeypatch.setattr(tokens, "_encode", broken)
    let_workers_import_this_folder(monkeypatch)
    pool = ExtractionPool(1, warm=("webfetch_kit.net.reader", "broken_tokenizer"))
    small, large = site.url("lab.example.net/ok"), site.url("docs.example.com/guide/web-fetch")
    with caplog.at_level(logging.ERROR), pool.acquire():
        # A long deadline: the large pages must reach the worker even when its start-up is slow.
        one = make(site, pool=pool, deadline=60.0).fetch(small)
        many = make(site, pool=pool, deadline=60.0).fetch_many([small, large, large], progress=False)
    here_failed = "the kit's offline tokenizer failed: the packaged encoding is damaged"
    worker_failed = "the kit's offline tokenizer failed: the worker's packaged encoding is damaged"
    assert one.detail == here_failed  # a lone small page, no worker warm: read and counted inline
    assert many[0].detail in (here_failed, worker_failed)  # inline or not: when the worker warmed up
    assert [many[1].detail, many[2].detail] == [worker_failed, worker_failed]  # always in the worker
    assert all(o.error_code == "unavailable" for o in (one, *many))
    assert caplog.records == []  # not logged as a bug of the kit


# --- content codings -----------------------------------------------------------------------------


def test_a_valid_gzip_page_from_the_corpus_is_decoded(site: CorpusSite) -> None:
    outcome = make(site).fetch(site.url("lab.example.net/encoding/gzip"))
    assert outcome.ok and outcome.document is not None
    assert "This page was compressed with a codec the client may not know." in outcome.document.text


PAGE = (
    b"<html><head><title>Coded</title></head><body><p>The tide came in at noon, as it does.</p></body></html>"
)


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("coding", "body"),
    [
        ("gzip", gzip.compress(PAGE, mtime=0)),
        ("x-gzip", gzip.compress(PAGE, mtime=0)),
        ("deflate", zlib.compress(PAGE)),  # the RFC's deflate: zlib-wrapped
        ("deflate", _raw_deflate(PAGE)),  # what many servers send: raw deflate
    ],
)
def test_valid_encoded_bodies_are_decoded(coded_server: CodedServer, coding: str, body: bytes) -> None:
    coded_server.answer = (coding, body)
    fetcher = Fetcher(
        FetchPolicy(), allow_hosts=[f"127.0.0.1:{coded_server.port}"], cache=False, extract_mode="text"
    )
    with fetcher:
        outcome = fetcher.fetch(f"http://127.0.0.1:{coded_server.port}/page")
    assert outcome.ok, outcome.detail
    assert outcome.document is not None
    assert outcome.document.text == "The tide came in at noon, as it does."
    assert outcome.bytes_read == len(body)


# --- the client and the pool: one each per Fetcher, given back by close() -----------------------


def test_a_cache_hit_makes_no_http_client(site: CorpusSite) -> None:
    shared = FetchCache()
    url = site.url("lab.example.net/ok")
    assert make(site, cache=shared).fetch(url).ok
    # No transport: a client would load the CA bundle. A hit must not get that far.
    cold = Fetcher(FetchPolicy(), allow_hosts=site.hosts, resolver=site.resolver, cache=shared)
    outcome = cold.fetch(url)
    assert outcome.from_cache
    assert cold._own_client is None and cold._ssl is None


def test_one_client_serves_every_fetch_and_every_event_loop_until_close(site: CorpusSite) -> None:
    fetcher = make(site, cache=False)
    url = site.url("lab.example.net/ok")
    assert fetcher.fetch(url).ok
    client = fetcher._own_client
    assert client is not None
    # Two notebook-like loops, one after the other: the client lives on the kit's loop, not theirs.
    assert asyncio.run(fetcher.afetch(url)).ok
    assert asyncio.run(fetcher.afetch(url)).ok
    assert fetcher.fetch_many([url, url], progress=False)[1].ok
    assert fetcher._own_client is client
    fetcher.close()
    assert fetcher._own_client is None and client.is_closed
    fetcher.close()  # twice is fine
    assert fetcher.fetch(url).ok  # and a closed Fetcher takes a new client when used again
    assert fetcher._own_client is not None and fetcher._own_client is not client
    fetcher.close()


def test_close_leaves_no_worker_process_behind(site: CorpusSite) -> None:
    pool = ExtractionPool(1)
    with make(site, pool=pool, cache=False) as fetcher:
        outcome = fetcher.fetch(site.url("papers.example.net/tide-pools.pdf"))  # PDFs are read in the pool
        assert outcome.ok and outcome.document is not None and outcome.document.page_count >= 3
        (pid,) = pool.pids
        assert Path(f"/proc/{pid}").exists()
    assert pool.pids == ()
    assert not Path(f"/proc/{pid}").exists()


NO_STRAYS = """
import os, sys
from pathlib import Path
from webfetch_kit import workbench
from webfetch_kit.lab.corpus import serve
from webfetch_kit.net.fetcher import Fetcher

def children():
    me = str(os.getpid())
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.append(stat.parent.name)
    return found

with serve() as site:
    fetcher = Fetcher(**site.fetch_options())
    assert fetcher.fetch(site.url("papers.example.net/tide-pools.pdf")).ok
    during = len(children())
    fetcher.close()
    after_fetcher = len(children())
wb = workbench.open("offline", quiet=True)
assert wb.fetcher.fetch(wb.url("papers.example.net/tide-pools.pdf")).ok
during_wb = len(children())
wb.close()
print(during, after_fetcher, during_wb, len(children()))
"""


def test_a_kernel_keeps_no_child_process_after_close(tmp_path: Path) -> None:
    # A fresh interpreter (as a notebook kernel is): nothing else in it holds the shared pool.
    done = subprocess.run(
        [sys.executable, "-c", NO_STRAYS],
        capture_output=True,
        text=True,
        timeout=100,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    during, after_fetcher, during_wb, after_wb = map(int, done.stdout.split())
    assert during >= 1 and during_wb >= 1  # the PDFs were read by worker processes
    assert (after_fetcher, after_wb) == (0, 0)


def test_a_pdf_still_parsing_at_the_deadline_keeps_its_pages_and_no_worker_outlives_the_fetch(
    coded_server: CodedServer,
) -> None:
    # The PDF's time bound (20 s) is longer than this fetch's deadline (5 s): the reading must stop inside
    # the deadline with the pages read so far, its worker killed, not end as a deadline error with the
    # parse still running behind it.
    from hostile_pdf import FIRST_PAGE_TEXT, hostile_pdf

    pool = ExtractionPool(1)
    with pool.acquire():
        pdf_page_texts((PAPERS / "tide-pools.pdf").read_bytes() + b"\n% warm-up\n", pool=pool, timeout=60)
        (warm,) = pool.pids
        coded_server.answer = ("identity", hostile_pdf(light_first=True))
        fetcher = Fetcher(
            FetchPolicy(),
            allow_hosts=[f"127.0.0.1:{coded_server.port}"],
            cache=False,
            deadline=5.0,
            pool=pool,
        )
        with fetcher:
            outcome = fetcher.fetch(f"http://127.0.0.1:{coded_server.port}/paper.pdf")
        assert outcome.ok, outcome.detail
        assert outcome.document is not None and outcome.document.pages == (FIRST_PAGE_TEXT,)
        note = outcome.document.note("pdf_timeout") or ""
        assert note.startswith("pdf_timeout: text extracted from 1 of 100 pages in "), note
        assert not any(slot.busy for slot in pool._slots)  # the parse did not outlive the fetch
        assert warm not in pool.pids


def test_two_hostile_pdfs_do_not_starve_an_ordinary_page(site: CorpusSite) -> None:
    # Two PDFs that would each hold a worker for their whole bound, and an ordinary page, at once on two
    # warm workers: the PDFs share one worker (the heavy lane), so the page is read in full on the other
    # instead of waiting out its bound and coming back as its fallback.
    pool = ExtractionPool(2)
    with pool.acquire():
        start_every_worker(pool)
        bomb, page = (
            site.url("lab.example.net/hostile/pdf-bomb"),
            site.url("docs.example.com/guide/web-fetch"),
        )
        with make(site, pool=pool, cache=False) as fetcher:
            first, second, ordinary = fetcher.fetch_many([bomb, bomb, page], progress=False)
    assert ordinary.ok and ordinary.document is not None
    assert ordinary.document.notes == ("charset_source: header",)  # no extraction_timeout, no fallback
    assert "web_fetch" in ordinary.document.text
    for outcome in (first, second):  # each ends inside the 5 s deadline: partial pages, or not opened
        assert outcome.ok or outcome.error_code == "unavailable", outcome.detail


def test_closing_a_fetcher_leaves_a_transport_it_was_given_open_for_the_others(site: CorpusSite) -> None:
    # The emulator gives every fetch's Fetcher the one corpus transport: closing one Fetcher's client
    # must not close it under the fetches still running on other batch workers.
    class Watched(httpx.AsyncBaseTransport):
        def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
            self.inner, self.closed = inner, False

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            self.closed = True

    options = {**site.fetch_options(), "cache": False}
    shared = Watched(options.pop("transport"))
    url = site.url("docs.example.com/guide/caching")
    with Fetcher(FetchPolicy(), transport=shared, **options) as first:  # type: ignore[arg-type]
        assert first.fetch(url).ok
    assert not shared.closed
    with Fetcher(FetchPolicy(), transport=shared, **options) as second:  # type: ignore[arg-type]
        assert second.fetch(url).ok
    assert not shared.closed
