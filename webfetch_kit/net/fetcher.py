"""The fetch executor: a web fetch run locally, with the tool's rules, guards and result blocks.

For every URL, and again for every redirect hop (at most 10, followed here, never by httpx), the checks run
in this order; redirects are followed here so that every check runs again on every hop (policy,
provenance, address, length):

1. URL validation and domain policy (:meth:`FetchPolicy.check`), giving ``url_too_long``,
   ``invalid_tool_input`` or ``url_not_allowed``;
2. the prior-context ledger, when one is given (``url_not_in_prior_context``);
3. the use counter (``max_uses_exceeded``) -- first hop only: the documentation counts "web fetches
   performed", and a redirect is part of one fetch;
4. the cache (first hop only; ``use_cache=False`` skips it). A hit runs checks 1 and 2 again on every
   redirect hop the entry remembers (a cache is a hop: a destination blocked by this policy, or never
   seen by this ledger, is not served because another fetcher once followed the redirect). Nothing
   touches the HTTP client before this step, so a hit costs no client set-up;
5. the SSRF guard (:mod:`webfetch_kit.net.guard`): resolve, refuse non-public addresses unless the host
   was opened with ``allow_hosts``, pin the checked address;
6. the request, under one wall-clock ``deadline`` for the whole fetch (DNS and redirects included), with
   a cap of ``max_bytes`` on the raw bytes read and on the decoded body.

The HTTP client (and its TLS context) is made once per Fetcher, on first network use, and lives on the
kit's background loop (:mod:`webfetch_kit.net.loopthread`), whichever loop the caller runs; the
extraction pool (:mod:`webfetch_kit.net.pool`) is held from the first read. ``close()`` (or ``with``)
gives both back; a closed Fetcher takes them again if it is used again.

Failures never raise: they become a :class:`FetchOutcome` carrying a :class:`~webfetch_kit.problem.Problem`
(one of the SDK's error codes and a sentence for people, which stays out of the result block). HTTP
statuses map as: 429 → ``too_many_requests``; any other 4xx/5xx, connection errors, the deadline and
redirect loops → ``url_not_accessible``; bodies over the cap → ``content_too_large``; bodies that are not
text or PDF → ``unsupported_content_type``; a bug in the kit → ``unavailable``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from ..blocks import document_block, web_fetch_error_block, web_fetch_result_block
from ..errors import ConfigError, TokenizerError, check_positive_int
from ..problem import Problem
from ..reading.extract import EXTRACT_MODES, Document, ExtractMode
from ..rules.policy import FetchPolicy
from ..rules.urls import ParsedUrl
from ..rules.usecount import UseCounter
from ..tokens import count_tokens, truncate_to_tokens
from .bounded import BoundedDecoder, DecodedTooLarge, UnboundedEncoding
from .cache import CachedFetch, FetchCache
from .guard import NetGuard, PinnedTarget, Refusal, Resolver, make_client_kwargs, system_resolver
from .loopthread import kit_loop, run_sync
from .pool import GRACE, ExtractionPool, PoolLease
from .reader import DEFAULT_HTML_TIMEOUT, DEFAULT_PDF_TIMEOUT, read_counted, shared_pool

if TYPE_CHECKING:
    from anthropic.types import WebFetchToolResultBlockParam

    from ..problem import FetchErrorCode
    from ..rules.provenance import UrlLedger

__all__ = ["DEFAULT_USER_AGENT", "FetchOutcome", "Fetcher"]

log = logging.getLogger(__name__)

_AFTER_READING = GRACE + 0.5
"""Seconds of a fetch's deadline kept free after the reading's time bound: the pool's grace for a worker
that must be killed, then the token count (bounded by the text caps)."""

DEFAULT_USER_AGENT = "webfetch-kit/0.1 (+https://github.com/; research workbench; local executor)"
T = TypeVar("T")

MAX_REDIRECTS = 10
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}


@dataclass(frozen=True)
class FetchOutcome:
    """The result of one web fetch: a document, or a :class:`~webfetch_kit.problem.Problem` (the error
    code and a sentence for people)."""

    url: str
    """The URL as requested."""
    problem: Problem | None = None
    """Why the fetch failed: the SDK error code and one sentence (never put into the result block)."""
    document: Document | None = None
    """The extracted document, after ``max_content_tokens`` truncation."""
    final_url: str | None = None
    retrieved_at: str | None = None
    """ISO 8601 UTC time the content was retrieved (the original fetch's time on a cache hit)."""
    from_cache: bool = False
    status: int | None = None
    content_type: str | None = None
    bytes_read: int = 0
    """Raw bytes read from the network by this fetch (0 on a cache hit)."""
    content_bytes: int = 0
    """Raw bytes the content had on the wire when it was fetched: ``bytes_read`` of the original fetch,
    kept on a cache hit (what a page *is*, as opposed to what this call read)."""
    redirects: tuple[str, ...] = ()
    tokens_before: int | None = None
    """Tokens of the extracted text before truncation (the kit's offline count)."""
    tokens_after: int | None = None
    truncated: bool = False
    elapsed: float = 0.0
    citations: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when the fetch produced a document."""
        return self.problem is None

    @property
    def error_code(self) -> FetchErrorCode | None:
        """The failure's error code (``problem.code``), None on success."""
        return None if self.problem is None else self.problem.code  # type: ignore[return-value]

    @property
    def detail(self) -> str:
        """What went wrong, for people (``problem.reason``); ``""`` on success."""
        return "" if self.problem is None else self.problem.reason

    def to_block(self, tool_use_id: str) -> WebFetchToolResultBlockParam:
        """The ``web_fetch_tool_result`` block for this outcome, exactly as the SDK types it."""
        if self.problem is not None or self.document is None:
            return web_fetch_error_block(tool_use_id, self.error_code or "unavailable")
        doc = self.document
        if doc.is_pdf:
            block = document_block(pdf=doc.source_bytes or b"", title=doc.title, citations=self.citations)
        else:
            block = document_block(text=doc.text, title=doc.title, citations=self.citations)
        return web_fetch_result_block(tool_use_id, self.final_url or self.url, block, self.retrieved_at)

    def summary(self) -> str:
        """One line for people: what was fetched, or why not."""
        if self.problem is not None:
            return f"{self.url}: {self.problem.code} ({self.problem.reason})"
        assert self.document is not None
        source = "cache" if self.from_cache else f"{self.bytes_read:,} bytes"
        tokens = f"{self.tokens_after:,} tokens" if self.tokens_after is not None else "tokens n/a"
        cut = f", truncated from {self.tokens_before:,}" if self.truncated and self.tokens_before else ""
        return f"{self.url}: {self.document.media_type}, {tokens}{cut} (approx.), from {source}"


@dataclass(frozen=True)
class _Failure:
    # How a step of the pipeline says "stop here": the problem to report and the HTTP status, if any.
    problem: Problem
    status: int | None = None


def _fail(code: FetchErrorCode, reason: str, status: int | None = None) -> _Failure:
    return _Failure(Problem(code, reason), status)


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Fetcher:
    """Runs web fetches locally the way the tool does (see the module docstring for the order of checks).

    Args:
        policy: the domain rules, ``max_uses``, ``max_content_tokens`` and citations flag.
        ledger: when given, only URLs in prior context may be fetched (``url_not_in_prior_context``).
        allow_hosts: hosts (``"docs.example.com"``) or address:port pairs (``"127.0.0.1:8123"``) that may
            resolve to non-public addresses; nothing opens everything.
        resolver: host → addresses; defaults to the system resolver.
        transport: an ``httpx.AsyncBaseTransport`` (e.g. the corpus server's ``async_transport()``).
        client: an ``httpx.AsyncClient`` to send with instead (it must not follow redirects itself).
        timeout: per-operation socket timeout, seconds.
        deadline: one wall-clock limit for the whole fetch (DNS, redirects, body), seconds.
        max_bytes: cap on the raw bytes read and on the decoded body.
        cache: a :class:`FetchCache`; ``None`` makes a private in-memory one; ``False`` disables caching.
        use_cache: default for ``fetch(..., use_cache=)``; ``None`` follows the policy's ``use_cache``
            (the tool option of versions 20260309 and later), which defaults to using the cache.
        user_agent: the User-Agent header sent.
        clock: wall clock for ``retrieved_at`` (the cache has its own, usually the same).
        extract_mode: how HTML becomes text: ``"api"`` (the default: the whole page as Markdown, as the
            real tool returns it), ``"main"`` (main content as Markdown) or ``"text"`` (plain main text);
            see :func:`~webfetch_kit.reading.extract.extract_document`. Part of the cache key,
            so a page cached in one mode is never served in another.
        pool: the worker processes HTML and PDFs are read in; default the process's shared pool
            (:func:`webfetch_kit.net.reader.shared_pool`, one worker per core).
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        ledger: UrlLedger | None = None,
        allow_hosts: Iterable[str] = (),
        resolver: Resolver = system_resolver,
        transport: httpx.AsyncBaseTransport | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        deadline: float = 30.0,
        max_bytes: int = 10 * 1024 * 1024,
        cache: FetchCache | bool | None = None,
        use_cache: bool | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        clock: Callable[[], float] = time.time,
        extract_mode: ExtractMode = "api",
        pool: ExtractionPool | None = None,
    ) -> None:
        if transport is not None and client is not None:
            raise ConfigError("give Fetcher either transport= or client=, not both")
        if transport is not None and not isinstance(transport, httpx.AsyncBaseTransport):
            raise ConfigError(
                "Fetcher(transport=) needs an httpx.AsyncBaseTransport "
                "(for the corpus server use site.async_transport())"
            )
        if client is not None and client.trust_env:
            raise ConfigError(
                "Fetcher(client=) needs an httpx.AsyncClient(trust_env=False): a proxy bypasses the guard"
            )
        if extract_mode not in EXTRACT_MODES:
            raise ConfigError(f"extract_mode must be one of {list(EXTRACT_MODES)}, got {extract_mode!r}")
        if timeout <= 0 or deadline <= 0 or max_bytes <= 0:
            raise ConfigError("Fetcher needs timeout, deadline and max_bytes greater than 0")
        self.policy = policy if policy is not None else FetchPolicy()
        self.ledger = ledger
        self.guard = NetGuard(resolver=resolver, allow_hosts=tuple(allow_hosts))
        self.timeout = timeout
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.use_cache = use_cache if use_cache is not None else self.policy.use_cache is not False
        self.user_agent = user_agent
        self.clock = clock
        self.extract_mode: ExtractMode = extract_mode
        if cache is False:
            self.cache: FetchCache | None = None
        elif cache is None or cache is True:
            self.cache = FetchCache(clock=clock)
        else:
            self.cache = cache
        self._transport = transport
        self._given_client = client
        self._pool = pool
        self._counter = UseCounter(self.policy.max_uses)
        # Taken on first use, given back by close(): the client (kit loop only) and the pool lease.
        self._own_client: httpx.AsyncClient | None = None
        self._ssl: ssl.SSLContext | None = None
        self._lock = threading.Lock()
        self._lease: list[PoolLease] = []  # shared with the finalizer (no reference back to self)
        self._finalizer = weakref.finalize(self, _release_all, self._lease)

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        """Give back the HTTP client and the extraction pool's lease; safe to call twice.

        With no other holder left, the pool's worker processes stop (no child process outlives the
        fetchers that used it). A closed Fetcher can be used again: it takes both again.
        """
        with self._lock:
            client, self._own_client = self._own_client, None
        if client is not None:
            loop = kit_loop()
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:  # inside the kit's own loop: cannot block on it
                loop.create_task(client.aclose())
            else:
                run_sync(client.aclose())
        _release_all(self._lease)

    async def aclose(self) -> None:
        """:meth:`close` from async code."""
        await asyncio.get_running_loop().run_in_executor(None, self.close)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _client(self) -> httpx.AsyncClient:
        """The client to send with: the one given, or this Fetcher's own (made on first use)."""
        if self._given_client is not None:
            return self._given_client
        with self._lock:
            if self._own_client is None:
                if self._transport is None and self._ssl is None:
                    # Loading the CA bundle is most of a client's cost (~20 ms): once per Fetcher.
                    self._ssl = httpx.create_ssl_context()
                # make_client_kwargs(): no environment proxies (they bypass the pin), no automatic
                # redirects, no keep-alive (the pool is keyed by the pinned address, not the name).
                self._own_client = httpx.AsyncClient(
                    transport=_Borrowed(self._transport) if self._transport is not None else None,
                    verify=self._ssl if self._ssl is not None else True,
                    **make_client_kwargs(),
                    timeout=self.timeout,
                    headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
                )
            return self._own_client

    def _extraction_pool(self) -> ExtractionPool:
        """The pool to read in, leased from this Fetcher's first read until :meth:`close`."""
        pool = self._pool if self._pool is not None else shared_pool()
        with self._lock:
            if not self._lease:
                self._lease.append(pool.acquire())
        return pool

    async def _on_kit_loop(self, work: Coroutine[Any, Any, T]) -> T:
        # The Fetcher's own client lives on the kit's loop; a client given by the caller is used on the
        # caller's loop, as it always was.
        loop = kit_loop()
        if self._given_client is not None or asyncio.get_running_loop() is loop:
            return await work
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work, loop))

    # ------------------------------------------------------------------ public API

    def new_request(self) -> None:
        """Start a new API request: ``max_uses`` counts fetches per request."""
        self._counter = UseCounter(self.policy.max_uses)

    def fetch(self, url: str, *, use_cache: bool | None = None) -> FetchOutcome:
        """Fetch one URL (blocking; safe inside a running notebook event loop)."""
        return run_sync(self.afetch(url, use_cache=use_cache))

    async def afetch(self, url: str, *, use_cache: bool | None = None) -> FetchOutcome:
        """Fetch one URL from async code."""
        return await self._on_kit_loop(self._fetch(url, self.use_cache if use_cache is None else use_cache))

    def fetch_many(
        self,
        urls: Sequence[str],
        *,
        concurrency: int = 8,
        progress: bool = True,
        use_cache: bool | None = None,
    ) -> list[FetchOutcome]:
        """Fetch several URLs concurrently; outcomes come back in input order (blocking)."""
        return run_sync(
            self.afetch_many(urls, concurrency=concurrency, progress=progress, use_cache=use_cache)
        )

    async def afetch_many(
        self,
        urls: Sequence[str],
        *,
        concurrency: int = 8,
        progress: bool = True,
        use_cache: bool | None = None,
    ) -> list[FetchOutcome]:
        """Fetch several URLs concurrently from async code; outcomes in input order."""
        check_positive_int(concurrency, "concurrency")
        urls = list(urls)
        bar = _progress_bar(len(urls), enabled=progress)
        cached = self.use_cache if use_cache is None else use_cache

        async def many() -> list[FetchOutcome]:
            gate = asyncio.Semaphore(concurrency)

            async def one(u: str) -> FetchOutcome:
                async with gate:
                    outcome = await self._fetch(u, cached)
                if bar is not None:
                    bar.update(1)
                return outcome

            return list(await asyncio.gather(*(one(u) for u in urls)))

        try:
            return await self._on_kit_loop(many())
        finally:
            if bar is not None:
                bar.close()

    # ------------------------------------------------------------------ the pipeline

    async def _fetch(self, url: str, use_cache: bool) -> FetchOutcome:
        started = time.monotonic()
        deadline = started + self.deadline
        redirects: list[str] = []
        try:
            result = await asyncio.wait_for(
                self._fetch_hops(url, use_cache, deadline, redirects), timeout=self.deadline
            )
        except TimeoutError:
            result = _fail(
                "url_not_accessible", f"the fetch did not finish within its {self.deadline:g} s deadline"
            )
        except TokenizerError as exc:  # the page was fetched; the kit cannot count it (not a kit bug)
            log.warning("the offline tokenizer failed on %s: %s", url, exc)
            result = _fail("unavailable", f"the kit's offline tokenizer failed: {exc}")
        except Exception as exc:  # a bug in the kit must not crash a notebook or the emulator
            log.exception("unexpected error fetching %s", url)
            result = _fail("unavailable", f"internal error: {exc!r}")
        if isinstance(result, _Failure):
            result = FetchOutcome(url=url, problem=result.problem, status=result.status)
        return replace(
            result,
            redirects=tuple(redirects),
            elapsed=time.monotonic() - started,
            citations=self.policy.citations,
        )

    def _check(self, url: str, *, first_hop: bool) -> ParsedUrl | _Failure:
        verdict = self.policy.check(url)
        if verdict.problem is not None:
            return _Failure(verdict.problem)
        parsed = verdict.url
        assert parsed is not None, "an allowed verdict carries the URL it parsed"
        if self.ledger is not None:
            seen = self.ledger.check(parsed)  # its reason names the sources url_sources leaves out
            if seen.problem is not None:
                hop = "" if first_hop else " (redirect targets are checked too)"
                return _Failure(replace(seen.problem, reason=seen.problem.reason + hop))
        if first_hop:
            code = self._counter.take()
            if code is not None:
                return _fail(code, f"max_uses={self.policy.max_uses} fetches already made in this request")
        return parsed

    async def _fetch_hops(
        self, url: str, use_cache: bool, deadline: float, redirects: list[str]
    ) -> FetchOutcome | _Failure:
        first = self._check(url, first_hop=True)
        if isinstance(first, _Failure):
            return first
        canonical = first.canonical
        if use_cache and self.cache is not None:
            hit = self.cache.get(canonical, self.extract_mode)
            if hit is not None:
                # A cache is a hop: every redirect the first fetch followed is checked again, by this
                # fetcher's policy and ledger, exactly as a live fetch would check it.
                for hop_url in hit.redirects:
                    redirects.append(hop_url)
                    hop = self._check(hop_url, first_hop=False)
                    if isinstance(hop, _Failure):
                        return hop
                return self._finish(url, hit, from_cache=True)
        # Each hop's URL is parsed once, by the policy check; the ledger, the cache key and the guard
        # all use the ParsedUrl its verdict carries.
        current = first
        previous: ParsedUrl | None = None
        for _hop in range(MAX_REDIRECTS + 1):
            target = await asyncio.get_running_loop().run_in_executor(
                None, functools.partial(self.guard.vet, current, deadline=deadline, previous=previous)
            )
            if isinstance(target, Refusal):
                return _Failure(target.problem)
            response = await self._send(self._client(), target, current.url)
            if isinstance(response, _Failure):
                return response
            try:
                if response.status_code in _REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        return _fail(
                            "url_not_accessible", f"redirect {response.status_code} without a Location header"
                        )
                    try:
                        next_url = str(current.url.join(location))
                    except httpx.InvalidURL as exc:
                        return _fail(
                            "url_not_accessible", f"the redirect's Location {location!r} is invalid: {exc}"
                        )
                    redirects.append(next_url)
                    hop = self._check(next_url, first_hop=False)
                    if isinstance(hop, _Failure):
                        return hop
                    previous, current = current, hop
                    continue
                entry = await self._read(response, canonical, current.url, deadline, tuple(redirects))
            finally:
                await response.aclose()
            if isinstance(entry, _Failure):
                return entry
            if self.cache is not None:
                self.cache.put(entry)
            return self._finish(url, entry, from_cache=False)
        return _fail("url_not_accessible", f"more than {MAX_REDIRECTS} redirects")

    async def _send(
        self, client: httpx.AsyncClient, target: PinnedTarget, url: httpx.URL
    ) -> httpx.Response | _Failure:
        request = target.pinned_request("GET", url, client.headers)
        try:
            return await client.send(request, stream=True, follow_redirects=False)
        except httpx.TimeoutException as exc:
            return _fail("url_not_accessible", f"timed out connecting or reading: {exc!r}")
        except httpx.TransportError as exc:
            return _fail("url_not_accessible", f"could not connect: {exc!r}")
        except httpx.InvalidURL as exc:
            # httpx builds the next request of a redirect response even when it does not follow it, and
            # a Location its parser rejects (``http:\\host\\``, ``http:host/``) raises here: the site
            # answered with an unusable redirect, which is an inaccessible URL, not a kit bug.
            return _fail("url_not_accessible", f"the site answered with an invalid redirect: {exc}")

    async def _read(
        self,
        response: httpx.Response,
        canonical: str,
        url: httpx.URL,
        deadline: float,
        redirects: tuple[str, ...],
    ) -> CachedFetch | _Failure:
        status = response.status_code
        if status == 429:
            return _fail("too_many_requests", "the site answered 429 Too Many Requests", status)
        if status >= 400 or status < 200:
            return _fail("url_not_accessible", f"the site answered HTTP {status}", status)
        declared = response.headers.get("content-length")
        if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
            return _fail(
                "content_too_large",
                f"Content-Length {int(declared):,} exceeds the {self.max_bytes:,}-byte cap",
                status,
            )
        body = await self._receive(response, deadline)
        if isinstance(body, _Failure):
            return replace(body, status=status)
        raw, data = body
        content_type = response.headers.get("content-type", "")
        # The reading's time bounds end before the fetch's deadline, so no work outlives the outcome: a
        # PDF still being parsed then keeps the pages read so far (noted pdf_timeout), an HTML page its
        # visible text, instead of a deadline error with a worker still busy behind it.
        budget = deadline - time.monotonic() - _AFTER_READING
        if budget <= 0:
            return _fail("url_not_accessible", "the body came too near the deadline to be read", status)
        read = await asyncio.get_running_loop().run_in_executor(
            None,
            functools.partial(
                # Counted once per network fetch and kept in the cache entry: a hit must not re-tokenise.
                read_counted,
                data,
                content_type,
                str(url),
                mode=self.extract_mode,
                pool=self._extraction_pool(),
                html_timeout=min(DEFAULT_HTML_TIMEOUT, budget),
                pdf_timeout=min(DEFAULT_PDF_TIMEOUT, budget),
            ),
        )
        if isinstance(read, Problem):
            return _Failure(read, status)
        document, tokens = read
        return CachedFetch(
            canonical_url=canonical,
            final_url=str(url),
            document=document,
            retrieved_at=self.clock(),
            bytes_read=raw,
            status=status,
            content_type=content_type,
            text_tokens=tokens,
            extract_mode=self.extract_mode,
            redirects=redirects,
        )

    async def _receive(self, response: httpx.Response, deadline: float) -> tuple[int, bytes] | _Failure:
        """(raw bytes read, decoded body), within ``max_bytes`` on the wire and decoded, by ``deadline``."""
        try:
            decoder = BoundedDecoder(response.headers.get("content-encoding", ""), self.max_bytes)
        except UnboundedEncoding as exc:
            return _fail(
                "url_not_accessible", f"Content-Encoding {exc} cannot be decoded within a size bound"
            )
        body = bytearray()
        raw = 0
        try:
            async for chunk in response.aiter_raw():
                raw += len(chunk)
                if raw > self.max_bytes:
                    return _fail("content_too_large", f"more than {self.max_bytes:,} bytes on the wire")
                body += decoder.feed(chunk)
                if time.monotonic() > deadline:
                    return _fail("url_not_accessible", "the body did not arrive before the deadline")
        except DecodedTooLarge as exc:
            return _fail("content_too_large", f"{exc} after decoding")
        except httpx.TimeoutException as exc:
            return _fail("url_not_accessible", f"timed out reading the body: {exc!r}")
        except httpx.TransportError as exc:
            return _fail("url_not_accessible", f"connection failed mid-body: {exc!r}")
        return raw, bytes(body)

    def _finish(self, url: str, entry: CachedFetch, *, from_cache: bool) -> FetchOutcome:
        document = entry.document
        limit = self.policy.max_content_tokens
        before = after = entry.text_tokens
        truncated = False
        # The SDK: "The limit is approximate and does not apply to binary content such as PDFs."
        if not document.is_pdf and limit is not None and before > limit:
            document = replace(document, text=truncate_to_tokens(document.text, limit))
            after = int(count_tokens(document.text))
            truncated = True
        notes = tuple(document.notes) + (("truncated_to_max_content_tokens",) if truncated else ())
        return FetchOutcome(
            url=url,
            document=document,
            final_url=entry.final_url,
            retrieved_at=_iso(entry.retrieved_at),
            from_cache=from_cache,
            status=entry.status,
            content_type=entry.content_type,
            bytes_read=0 if from_cache else entry.bytes_read,
            content_bytes=entry.bytes_read,
            tokens_before=before,
            tokens_after=after,
            truncated=truncated,
            notes=notes,
        )


class _Borrowed(httpx.AsyncBaseTransport):
    """A transport the caller gave: used, never closed by this Fetcher's client.

    It may serve other Fetchers at the same time (the emulator's runtime gives every fetch the corpus
    transport), and closing a client closes its transport: one fetch finishing would cut the connections
    of the others (a ``ReadError``, then ``url_not_accessible``). Its owner closes it.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None


def _release_all(leases: list[PoolLease]) -> None:
    while True:
        try:
            lease = leases.pop()
        except IndexError:  # none left (close() and the finalizer may race)
            return
        lease.release()


def _progress_bar(total: int, *, enabled: bool) -> Any:
    if not enabled or total == 0:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="web fetch", unit="url")
