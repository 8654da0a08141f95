"""Estimate a request with server tools before sending it: what the real API cannot do.

The real ``count_tokens`` endpoint refuses any server tool ("Server tools are not supported in the
count_tokens endpoint"), so nothing tells you beforehand what a ``web_fetch`` turn will bill.
:func:`estimate_request` does, from the kit's accounting model (:mod:`webfetch_kit.accounting`, calibrated
on recorded real API traffic); it runs locally, so it works whichever backend a notebook uses.

How it plans the turn (each step is an assumption about what the model will do, and says so):

1. **Pass 1** = the prompt (framing, system, messages) + the tool definitions for the model's family.
2. **Calls**: with a ``web_fetch`` tool, one call per distinct URL named in the last user message, in
   order. A URL the tool's domain lists refuse gets a ``url_not_allowed`` error result; calls beyond
   ``max_uses`` get ``max_uses_exceeded`` (both still count in ``web_fetch_requests``, as recorded).
   With a ``web_search`` tool, ``searches`` searches (default: one when the message names no URL) come
   first, each a 10-result block of the measured size (≈6,700 tokens, 1,900–13,300). The API pauses
   after 10 server-tool calls (``stop_reason: "pause_turn"``): calls beyond the 10th are left to the
   continuation and not counted here.
3. **Sizes**: with a ``fetcher`` (a :class:`webfetch_kit.Fetcher`, e.g. ``wb.fetcher``) the URLs are
   fetched and each document sized by the model (text: 1.175 × cl100k, cut at ``max_content_tokens``;
   PDF: by page); a fetch that fails becomes an error result. Without one, ``page_tokens`` (a cl100k
   count) sizes every page, or else the documentation's example pages bound it: ≈2,500 tokens (a 10 KB
   page), 250–25,000 (1 KB to 100 KB), labelled an assumption.
4. **Passes**: each call is its own round (the model reads a result before the next call) unless
   ``parallel=True``, when all fetches share one round. Each later pass re-reads everything so far.
5. **Output**: the calls (≈20 tokens each on sonnet-4, ≈55 on haiku-4-5) plus the answer:
   ``answer_tokens`` if you give it, else an assumption: 931 tokens (the web fetch tool page's example
   response), from 0 to what ``max_tokens`` leaves.
6. **Cost**: the central usage priced with :func:`webfetch_kit.costs.cost_of`, and the low and high
   usages for the band; beside it, the content alone (the fetched documents' tokens at the input rate),
   the figure the older tables showed. Prompt caching is not modelled here (see ``caching_table``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ..accounting import (
    ACCOUNTING_NOTE,
    Round,
    SamplingPass,
    TokenEstimate,
    capped_document_tokens,
    describe_quality,
    figure,
    passes_frame,
    pdf_tokens,
    prompt_tokens,
    resolve_model,
    sampling_passes,
    server_call_tokens,
    summed_input,
    tool_overhead,
)
from ..errors import ConfigError, check_positive_int
from ..rules.provenance import extract_urls
from .cost import Cost, check_count, cost_of, input_cost
from .fetching import FetcherLike, OutcomeLike
from .pricing import PriceTable, load_prices

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_ANSWER_TOKENS",
    "DEFAULT_TURN_TOOL",
    "MAX_CALLS_PER_RESPONSE",
    "TURN_QUESTION",
    "PlannedCall",
    "RequestEstimate",
    "estimate_request",
    "estimate_turn",
    "one_fetch_turn",
]

MAX_CALLS_PER_RESPONSE = 10
"""Server-tool calls after which the API pauses the response (``stop_reason: "pause_turn"``)."""

DEFAULT_ANSWER_TOKENS = 931
"""The answer's output tokens when none is given: the web fetch tool page's example usage (931 out)."""

# The documentation's example pages: 1 KB, ~10 KB (~2,500 tokens) and ~100 KB (~25,000 tokens).
_UNSIZED_PAGE = TokenEstimate(
    2_500, 250, 25_000, "assumption", ("page not fetched: the tool page's examples",)
)


@dataclass(frozen=True)
class PlannedCall:
    """One server-tool call the estimate assumes: what it targets and what its result adds.

    ``result``: the tokens of the result block as the next pass reads it (wrapper included);
    ``content``: the fetched document (or search results) alone; ``status``: how it was sized
    (``"fetched"``, ``"page_tokens"``, ``"not fetched"``, ``"error: url_not_allowed"``...).
    """

    tool: Literal["web_fetch", "web_search"]
    target: str
    result: TokenEstimate
    content: TokenEstimate
    status: str


@dataclass(frozen=True)
class RequestEstimate:
    """What a request is expected to bill: per-pass input, summed input, output, and its cost.

    ``input_tokens`` is what the final ``usage.input_tokens`` would be (the sum over passes);
    ``first_pass`` what a stream's ``message_start`` would report. Costs are USD (``Decimal``):
    ``cost`` prices the central usage line by line; ``usd_low``/``usd_high`` the band;
    ``content_usd`` the fetched content alone at the input rate.
    """

    model: str
    passes: tuple[SamplingPass, ...]
    calls: tuple[PlannedCall, ...]
    input_tokens: TokenEstimate
    output_tokens: TokenEstimate
    content_tokens: TokenEstimate
    cost: Cost
    usd_low: Decimal
    usd_high: Decimal
    content_usd: Decimal
    notes: tuple[str, ...] = field(default=())

    @property
    def first_pass(self) -> TokenEstimate:
        """Pass 1's input (a stream's ``message_start.usage.input_tokens``)."""
        return self.passes[0].input_tokens

    @property
    def web_fetch_requests(self) -> int:
        """``usage.server_tool_use.web_fetch_requests``: every attempted fetch."""
        return sum(1 for c in self.calls if c.tool == "web_fetch")

    @property
    def web_search_requests(self) -> int:
        """``usage.server_tool_use.web_search_requests``."""
        return sum(1 for c in self.calls if c.tool == "web_search")

    @property
    def usd(self) -> Decimal:
        """The central cost of the whole request, in USD."""
        return self.cost.total

    def usage(self, which: Literal["central", "low", "high"] = "central") -> dict[str, Any]:
        """The estimate as a ``usage`` dict (uncached), e.g. to pass to ``cost_of``."""
        return _usage(self.input_tokens, self.output_tokens, self.calls, which)

    def to_frame(self) -> pd.DataFrame:
        """One row per sampling pass (what it adds and reads, central/low/high, running sum)."""
        frame = passes_frame(self.passes)
        frame.attrs["model"] = self.model
        frame.attrs["summary"] = self.summary()
        return frame

    def calls_frame(self) -> pd.DataFrame:
        """One row per planned call: tool, target, how it was sized, result and content tokens."""
        import pandas as pd

        return pd.DataFrame.from_records(
            [
                {
                    "tool": c.tool,
                    "target": c.target,
                    "status": c.status,
                    "result_tokens": c.result.central,
                    "result_low": c.result.low,
                    "result_high": c.result.high,
                    "content_tokens": c.content.central,
                    "quality": describe_quality(c.result.quality),
                }
                for c in self.calls
            ],
            columns=[
                "tool",
                "target",
                "status",
                "result_tokens",
                "result_low",
                "result_high",
                "content_tokens",
                "quality",
            ],
        )

    def summary(self) -> str:
        """A few lines for people: input (first pass and sum), output, cost with its band, content alone."""
        lines = [
            f"Estimate for {self.model} ({len(self.passes)} sampling pass"
            f"{'es' if len(self.passes) != 1 else ''}, {len(self.calls)} server-tool call"
            f"{'s' if len(self.calls) != 1 else ''}):",
            f"  input_tokens  {self.input_tokens.label()}",
            f"  first pass    {self.first_pass.label()}",
            f"  output_tokens {self.output_tokens.label()}",
            f"  cost          ${self.usd:.6f} (band ${self.usd_low:.6f}–${self.usd_high:.6f})",
            f"  content alone {self.content_tokens.central:,} tokens, ${self.content_usd:.6f} as input",
        ]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    def _repr_html_(self) -> str:
        import html

        head = "<br>".join(html.escape(line) for line in self.summary().split("\n"))
        return f"<p>{head}</p>{self.to_frame().to_html()}"


def _usage(
    input_tokens: TokenEstimate,
    output_tokens: TokenEstimate,
    calls: Sequence[PlannedCall],
    which: Literal["central", "low", "high"],
) -> dict[str, Any]:
    # usage.server_tool_use is absent when no server tool ran (recorded traffic).
    usage: dict[str, Any] = {
        "input_tokens": getattr(input_tokens, which),
        "output_tokens": getattr(output_tokens, which),
    }
    if calls:
        usage["server_tool_use"] = {
            "web_fetch_requests": sum(1 for c in calls if c.tool == "web_fetch"),
            "web_search_requests": sum(1 for c in calls if c.tool == "web_search"),
        }
    return usage


def estimate_turn(
    model: str,
    *,
    first: TokenEstimate,
    calls: Sequence[PlannedCall],
    answer: TokenEstimate,
    parallel: bool = False,
    max_tokens: int | None = None,
    notes: Sequence[str] = (),
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> RequestEstimate:
    """The estimate of a turn whose pass 1 and calls are known (the core of :func:`estimate_request`).

    The tables use it directly: a one-fetch turn is ``first`` = prompt + tool definitions and one
    :class:`PlannedCall`. ``max_tokens`` caps the output (each bound of it).
    """
    table = prices if prices is not None else load_prices()
    resolved = resolve_model(model)
    searches = [c for c in calls if c.tool == "web_search"]
    fetches = [c for c in calls if c.tool == "web_fetch"]
    call_cost = server_call_tokens(model)
    rounds = [Round(call_cost, c.result, 1, f"{c.tool} {c.target}") for c in searches]
    if parallel and fetches:
        rounds.append(
            Round(
                server_call_tokens(model, len(fetches)),
                TokenEstimate.total(c.result for c in fetches),
                len(fetches),
                f"{len(fetches)} parallel web_fetch calls",
            )
        )
    else:
        rounds += [Round(call_cost, c.result, 1, f"{c.tool} {c.target}") for c in fetches]
    passes = sampling_passes(first, rounds)
    input_tokens = summed_input(passes)
    output = server_call_tokens(model, len(calls)) + answer
    if max_tokens is not None:
        output = output.capped(max_tokens, "max_tokens")
    content = TokenEstimate.total(c.content for c in calls)

    def priced(which: Literal["central", "low", "high"]) -> Cost:
        return cost_of(_usage(input_tokens, output, calls, which), model, on=on, prices=table)

    return RequestEstimate(
        model=resolved,
        passes=passes,
        calls=tuple(calls),
        input_tokens=input_tokens,
        output_tokens=output,
        content_tokens=content,
        cost=priced("central"),
        usd_low=priced("low").total,
        usd_high=priced("high").total,
        content_usd=input_cost(content.central, model, on=on, prices=table).total,
        notes=(*notes, ACCOUNTING_NOTE),
    )


def _last_user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return "\n".join(
            str(b.get("text", ""))
            for b in content or ()
            if isinstance(b, Mapping) and b.get("type") == "text"
        )
    return ""


def _tool(tools: Sequence[Mapping[str, Any]], prefix: str) -> Mapping[str, Any] | None:
    for tool in tools:
        if str(tool.get("type", "")).startswith(prefix):
            return tool
    return None


def _error_call(url: str, code: str) -> PlannedCall:
    error = figure("error_result_overhead").tokens()
    return PlannedCall("web_fetch", url, error, TokenEstimate.zero(), f"error: {code}")


def _sized_call(url: str, content: TokenEstimate, status: str) -> PlannedCall:
    return PlannedCall("web_fetch", url, figure("fetch_result_overhead").tokens() + content, content, status)


def _document_content(outcome: OutcomeLike, limit: int | None) -> TokenEstimate:
    document = outcome.document
    assert document is not None
    if document.pages:  # a PDF; max_content_tokens does not apply to PDFs (SDK docstring)
        return pdf_tokens(len(document.pages))
    count = outcome.tokens_before if outcome.tokens_before is not None else document.text
    return capped_document_tokens(count, limit)


def _fetch_calls(
    urls: Sequence[str],
    tool: Mapping[str, Any],
    fetcher: FetcherLike | None,
    page_tokens: int | None,
) -> list[PlannedCall]:
    from ..rules.policy import FetchPolicy

    policy = FetchPolicy.from_tool_param(tool)
    limit = policy.max_content_tokens
    max_uses = policy.max_uses
    planned: dict[int, PlannedCall] = {}
    to_fetch: list[tuple[int, str]] = []
    for index, url in enumerate(urls):
        if max_uses is not None and index >= max_uses:
            planned[index] = _error_call(url, "max_uses_exceeded")
            continue
        verdict = policy.check(url)
        if not verdict.allowed:
            planned[index] = _error_call(url, verdict.error_code or "url_not_allowed")
        elif fetcher is not None:
            to_fetch.append((index, url))
        elif page_tokens is not None:
            planned[index] = _sized_call(url, capped_document_tokens(page_tokens, limit), "page_tokens")
        else:
            unsized = _UNSIZED_PAGE if limit is None else _UNSIZED_PAGE.capped(limit, "max_content_tokens")
            planned[index] = _sized_call(url, unsized, "not fetched")
    if fetcher is not None and to_fetch:
        outcomes = fetcher.fetch_many([url for _, url in to_fetch], progress=False)
        for (index, url), outcome in zip(to_fetch, outcomes, strict=True):
            if outcome.ok and outcome.document is not None:
                planned[index] = _sized_call(url, _document_content(outcome, limit), "fetched")
            else:
                planned[index] = _error_call(url, outcome.error_code or "unavailable")
    return [planned[i] for i in range(len(urls))]


def estimate_request(
    params: Mapping[str, Any],
    *,
    model: str | None = None,
    fetcher: FetcherLike | None = None,
    page_tokens: int | None = None,
    searches: int | None = None,
    parallel: bool = False,
    answer_tokens: int | None = None,
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> RequestEstimate:
    """Estimate what ``messages.create(**params)`` would bill on the real API, before sending it.

    Args:
        params: the keyword arguments of ``client.messages.create`` (``model``, ``max_tokens``,
            ``messages``, ``system``, ``tools``, ``thinking``); nothing is sent anywhere.
        model: price and size for this model instead of ``params["model"]``.
        fetcher: fetch the named URLs through it to size them (a :class:`webfetch_kit.Fetcher`;
            ``wb.fetcher`` in a lesson). Without it, pages are sized by ``page_tokens`` or an assumption.
        page_tokens: the cl100k size to assume for every page not fetched.
        searches: how many web searches to assume (default: one when a ``web_search`` tool is offered
            and the message names no URL, else none).
        parallel: the model makes all its fetches in one pass (default: one after another).
        answer_tokens: the answer's output tokens (default: an assumption, see the module docstring).
        on: price with the rows in force on this date.
        prices: a price table to use instead of the kit's.

    Returns:
        A :class:`RequestEstimate`: ``.input_tokens`` / ``.output_tokens`` (central, low, high),
        ``.first_pass``, ``.cost`` (line by line) with ``.usd_low``/``.usd_high``, ``.content_usd``, and
        ``.to_frame()``, the per-pass breakdown. Every figure is an estimate and says so.

    Raises:
        ConfigError: ``params`` has no model or no messages, or a count is not a whole number.
        PricingError: the model has no price.
    """
    chosen = model if model is not None else params.get("model")
    if not isinstance(chosen, str) or not chosen:
        raise ConfigError("estimate_request needs a model: params['model'] or model=")
    messages = params.get("messages")
    if not isinstance(messages, Sequence) or isinstance(messages, str) or not messages:
        raise ConfigError("estimate_request needs params['messages'], a non-empty list of messages")
    check_positive_int(page_tokens, "page_tokens", none_ok=True)
    if answer_tokens is not None:
        check_count(answer_tokens, "answer_tokens")
    if searches is not None:
        check_count(searches, "searches")
    max_tokens = params.get("max_tokens", 4_096)
    check_positive_int(max_tokens, "params['max_tokens']")
    tools: Sequence[Mapping[str, Any]] = params.get("tools") or ()
    thinking_param = params.get("thinking")
    thinking = isinstance(thinking_param, Mapping) and thinking_param.get("type") in ("enabled", "adaptive")

    first = prompt_tokens(messages, params.get("system"), model=chosen) + tool_overhead(
        tools, chosen, thinking=thinking
    )
    notes: list[str] = []
    fetch_tool, search_tool = _tool(tools, "web_fetch_"), _tool(tools, "web_search_")
    urls = list(dict.fromkeys(extract_urls(_last_user_text(messages))))
    if urls and fetch_tool is None:
        notes.append("the message names URLs but no web_fetch tool is offered: nothing is fetched")
    calls: list[PlannedCall] = []
    if search_tool is not None:
        wanted = searches if searches is not None else (0 if urls and fetch_tool is not None else 1)
        block = figure("search_block_tokens").tokens()
        calls += [PlannedCall("web_search", f"search {i + 1}", block, block, "median 10-result block")
                  for i in range(wanted)]  # fmt: skip
    if fetch_tool is not None and urls:
        calls += _fetch_calls(urls, fetch_tool, fetcher, page_tokens)
    if len(calls) > MAX_CALLS_PER_RESPONSE:
        notes.append(
            f"{len(calls)} calls planned: the API pauses after {MAX_CALLS_PER_RESPONSE} (stop_reason "
            f"pause_turn); the other {len(calls) - MAX_CALLS_PER_RESPONSE} belong to a continuation "
            "request, not estimated here"
        )
        calls = calls[:MAX_CALLS_PER_RESPONSE]
    if any(c.status == "not fetched" for c in calls):
        notes.append(
            "pages not fetched are sized by assumption: pass fetcher= (or page_tokens=) to size them"
        )

    spent = server_call_tokens(chosen, len(calls))
    room = max(0, max_tokens - spent.central)
    if answer_tokens is not None:
        answer = TokenEstimate.exact(min(answer_tokens, room), "answer_tokens")
    else:
        central = min(DEFAULT_ANSWER_TOKENS, room)
        answer = TokenEstimate(central, 0, room, "assumption", ("answer length: the tool page's example",))
        notes.append("the answer's length is assumed (931 tokens, 0 to max_tokens): pass answer_tokens=")
    return estimate_turn(
        chosen,
        first=first,
        calls=calls,
        answer=answer,
        parallel=parallel,
        max_tokens=max_tokens,
        notes=notes,
        on=on,
        prices=prices,
    )


TURN_QUESTION = "Please fetch https://example.com/page and summarise it."
"""The question of the one-fetch turn the tables price (its own tokens are a rounding error)."""

DEFAULT_TURN_TOOL = "web_fetch_20250910"
"""The tool version the tables' one-fetch turn offers."""


def one_fetch_turn(
    content: TokenEstimate,
    model: str,
    *,
    tool: Mapping[str, Any] | str = DEFAULT_TURN_TOOL,
    status: str = "given size",
    on: date | str | None = None,
    prices: PriceTable | None = None,
) -> RequestEstimate:
    """A turn that fetches one document of ``content`` tokens: two passes, the call, no answer.

    What the tables put beside "content alone": pass 1 reads :data:`TURN_QUESTION` and the tool
    definitions; pass 2 re-reads them plus the call and the result (129 + ``content``). The answer's
    output is left out (it is the same whatever the page); the call's output is in.
    """
    definition = {"type": tool, "name": "web_fetch"} if isinstance(tool, str) else tool
    first = prompt_tokens([{"role": "user", "content": TURN_QUESTION}], model=model) + tool_overhead(
        [definition], model
    )
    result = figure("fetch_result_overhead").tokens() + content
    call = PlannedCall("web_fetch", "one page", result, content, status)
    return estimate_turn(model, first=first, calls=[call], answer=TokenEstimate.zero(), on=on, prices=prices)
