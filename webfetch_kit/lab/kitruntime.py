"""The emulator's real server tools: the kit's fetcher (over the corpus) and its offline search index.

:class:`KitRuntime` implements the emulator's :class:`~webfetch_kit.emulator.runtime.ToolRuntime`: every
web fetch gets the policy of the tool definition it came with (domain lists, ``max_content_tokens``,
citations, ``use_cache``), the prior-context ledger built from the conversation (honouring
``url_sources``), the SSRF guard opened for the corpus hosts only, and the shared fetch cache. The
emulator itself counts ``max_uses``, so the fetcher here never does.

``max_content_tokens`` is a limit in *Claude* tokens: the real tool keeps a plain prefix of ≈ the limit
in Claude tokens, no marker (recorded traffic), which is ≈ 0.84 × the limit in the kit's offline
cl100k count. So the fetcher is asked to cut at
:func:`webfetch_kit.accounting.cl100k_cut_for` (limit) cl100k tokens.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import httpx

from ..accounting import cl100k_cut_for
from ..net.cache import FetchCache
from ..net.fetcher import Fetcher
from ..net.guard import Resolver
from ..net.reader import shared_pool
from ..rules.policy import FetchPolicy
from ..rules.provenance import UrlLedger
from ..search.index import SearchIndex

__all__ = ["KitRuntime"]


class KitRuntime:
    """Runs ``web_fetch`` and ``web_search`` for the emulator with the kit's own fetcher and search.

    Args:
        allow_hosts: hosts the fetcher may reach although they resolve to loopback (the corpus hosts).
        resolver: host → addresses (the corpus server's resolver).
        transport: the corpus server's async transport.
        search_index: the offline index (built from the corpus when omitted).
        clock: wall clock for the fetch cache and ``retrieved_at``.
        deadline: per-fetch wall-clock limit, seconds.
    """

    def __init__(
        self,
        *,
        allow_hosts: Sequence[str],
        resolver: Resolver,
        transport: httpx.AsyncBaseTransport,
        search_index: SearchIndex | None = None,
        clock: Callable[[], float] = time.time,
        deadline: float = 10.0,
    ) -> None:
        self.allow_hosts = tuple(allow_hosts)
        self.resolver = resolver
        self.transport = transport
        self.clock = clock
        self.deadline = deadline
        self.cache = FetchCache(clock=clock)
        self._search_index = search_index
        # Each fetch gets a Fetcher of its own (closed after it): this lease keeps the extraction pool's
        # workers warm between fetches, until close().
        self._pool_lease = shared_pool().acquire()

    def close(self) -> None:
        """Let the extraction pool's workers stop (unless another fetcher holds them); safe to call twice."""
        self._pool_lease.release()

    @property
    def search_index(self) -> SearchIndex:
        """The offline search index (built from the corpus on first use)."""
        if self._search_index is None:
            self._search_index = SearchIndex.from_corpus()
        return self._search_index

    def fetcher_for(self, policy: FetchPolicy, ledger: UrlLedger | None = None) -> Fetcher:
        """A fetcher with ``policy`` that shares this runtime's corpus access and cache."""
        return Fetcher(
            policy,
            ledger=ledger,
            allow_hosts=self.allow_hosts,
            resolver=self.resolver,
            transport=self.transport,
            cache=self.cache,
            clock=self.clock,
            deadline=self.deadline,
        )

    def web_fetch(
        self,
        url: str,
        *,
        tool: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        tool_use_id: str,
    ) -> Mapping[str, Any]:
        """Fetch ``url`` as the tool definition says; the ledger sees the conversation so far."""
        # The emulator counts max_uses per request; the fetcher here must not count again.
        policy = FetchPolicy.from_tool_definition(tool)
        limit = policy.max_content_tokens
        cut = None if limit is None else cl100k_cut_for(limit)
        policy = replace(policy, max_uses=None, max_content_tokens=cut)
        ledger = UrlLedger(url_sources=policy.url_sources)
        ledger.observe(messages)
        with self.fetcher_for(policy, ledger) as fetcher:
            outcome = fetcher.fetch(url)
        return dict(outcome.to_block(tool_use_id))

    def web_search(self, query: str, *, tool: Mapping[str, Any], tool_use_id: str) -> Mapping[str, Any]:
        """Search the corpus with the tool's domain filters."""
        allowed = tool.get("allowed_domains")
        blocked = tool.get("blocked_domains")
        outcome = self.search_index.run(
            query,
            allowed_domains=None if allowed is None else list(allowed),
            blocked_domains=None if blocked is None else list(blocked),
        )
        return dict(outcome.to_block(tool_use_id))
