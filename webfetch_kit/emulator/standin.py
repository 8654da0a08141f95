"""The emulator's model: a deterministic *extractive stand-in*. It is not Claude and never says it is.

What it does with a request, in order:

1. Reads the last ``user`` turn's text (its ``text`` blocks) as the question.
2. If that text names URLs (:func:`webfetch_kit.rules.provenance.extract_urls`) and ``web_fetch`` is offered,
   fetches every distinct URL in **one sampling pass** (parallel calls: all ``server_tool_use`` blocks of
   the pass first, then their results, as the API orders them; calls beyond ``max_uses`` become
   ``max_uses_exceeded`` results).
3. Else, if ``web_search`` is offered, searches with the question text (one pass), then fetches the top
   :data:`FETCH_TOP_RESULTS` result URLs in the next pass when ``web_fetch`` is offered.
4. Answers (the last pass) with the sentences that share the most terms with the question, drawn from every
   document (:mod:`.documents`: the request's and this turn's) and from the web search results whose page
   was not fetched as a document (:mod:`.sentences`: terms stemmed, and one more for a sentence of the kind
   the question asks for, a duration for "how long"; ties go to sentences of that kind, then documents, then
   the earlier source and position; at most :data:`MAX_QUOTES`, shown in reading order). When no sentence
   shares a term, the first sentences of the newest document (else search result) are quoted. Each quote is
   its own ``text`` block (the sentence, whitespace folded, and a newline) carrying one citation when its
   source allows: ``char_location`` for text, ``page_location`` for PDFs (1-based, end exclusive,
   ``cited_text`` the sentence, a verbatim substring of that page's text), ``content_block_location`` for
   ``content`` documents, ``web_search_result_location`` for a search result (``url``, ``title``,
   ``encrypted_index``, ``cited_text``: the sentence's first :data:`SEARCH_CITED_CHARS` characters, as the
   API cites "up to 150 characters"). ``cited_text`` of a ``char_location`` is exactly
   ``source.data[start:end]``. Search citations are always on, as in the API.
5. With nothing to quote, a short text says so (and lists the error codes of failed tool calls).

**pause_turn.** After :data:`MAX_CALLS_PER_RESPONSE` (10) server-tool calls in one response, the next
call is written as a ``server_tool_use`` with no result and the response stops with
``stop_reason: "pause_turn"``, as recorded traffic shows. A continuation (the same messages plus that
assistant content, no new user turn) starts at index 0 with the pending call's result and goes on with
the calls not made yet; the calls already in the turn are not repeated.

Output is budgeted by ``max_tokens`` with the output-token model (:mod:`.usage`): the text block that
would cross the limit is cut to fit (a tool call is never written in part, and a call that is not
written is never run) and ``stop_reason`` becomes ``"max_tokens"`` -- "we exceeded the requested
``max_tokens``" (SDK ``Message.stop_reason``).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..citations import normalize_whitespace
from ..rules.provenance import extract_urls
from . import shapes
from .documents import DocumentRef, SearchResultRef, find_documents, find_search_results
from .runtime import ServerTools
from .sentences import analyse, sentences
from .usage import fit_text, generated_tokens

__all__ = [
    "FETCH_TOP_RESULTS",
    "MAX_CALLS_PER_RESPONSE",
    "MAX_QUOTES",
    "SEARCH_CITED_CHARS",
    "STANDIN_NAME",
    "Generation",
    "generate",
]

FETCH_TOP_RESULTS = 2
MAX_QUOTES = 3
FALLBACK_QUOTES = 2
MAX_CALLS_PER_RESPONSE = 10
SEARCH_CITED_CHARS = 150
STANDIN_NAME = "extractive stand-in (not Claude)"
_MAX_QUERY_CHARS = 400
_TOOL_NAME = Literal["web_fetch", "web_search"]
_Call = tuple[_TOOL_NAME, dict[str, Any]]


class _Stop(Exception):
    """The response ends here (``max_tokens`` spent, or paused)."""


@dataclass
class Generation:
    """The content of a response, its stop reason, its sampling passes and its tool counters.

    ``pass_starts`` holds, for each sampling pass, the index of ``content`` where that pass begins:
    everything before it (this response's earlier blocks and tool results) is input to that pass.
    A continuation's first pass begins after the pending call's result.
    """

    content: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = "end_turn"
    output_tokens: int = 0
    pass_starts: list[int] = field(default_factory=list)
    calls: int = 0
    web_fetch_requests: int = 0
    web_search_requests: int = 0


class _Writer:
    def __init__(self, max_tokens: int, model: str) -> None:
        self.generation = Generation()
        self._max = max_tokens
        self._model = model

    @property
    def _left(self) -> int:
        return self._max - self.generation.output_tokens

    def begin_pass(self) -> None:
        starts = self.generation.pass_starts
        if not starts or starts[-1] != len(self.generation.content):
            starts.append(len(self.generation.content))

    def stop(self, reason: str) -> None:
        self.generation.stop_reason = reason
        raise _Stop

    def text(self, text: str, citations: list[dict[str, Any]] | None = None) -> None:
        block = shapes.text_block(text, citations)
        tokens = generated_tokens(block, self._model)
        if tokens <= self._left:
            self._append(block, tokens)
            return
        cut = fit_text(text, self._left, cited=bool(citations), model=self._model)
        if cut:
            block = shapes.text_block(cut, citations)
            self._append(block, generated_tokens(block, self._model))
        self.stop("max_tokens")

    def fits_call(self, name: _TOOL_NAME) -> bool:
        probe = shapes.server_tool_use("srvtoolu_probe", name, {})
        return generated_tokens(probe, self._model) <= self._left

    def tool_use(self, block: dict[str, Any]) -> None:
        self._append(block, generated_tokens(block, self._model))
        self.generation.calls += 1

    def tool_result(self, block: dict[str, Any]) -> None:
        self.generation.content.append(block)

    def _append(self, block: dict[str, Any], tokens: int) -> None:
        self.generation.content.append(block)
        self.generation.output_tokens += tokens


def _question(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message["role"] == "user":
            texts = [str(b.get("text", "")) for b in message["content"] if b.get("type") == "text"]
            return "\n".join(t for t in texts if t).strip()
    return ""


def turn_so_far(messages: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The assistant content after the last user message: what earlier responses of this turn wrote."""
    blocks: list[dict[str, Any]] = []
    for message in reversed(messages):
        if message["role"] == "user":
            break
        blocks[:0] = message["content"]
    return blocks


def _pending_call(prior: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The turn's last ``server_tool_use`` when it has no result yet (a paused response's last call)."""
    answered = {b.get("tool_use_id") for b in prior if str(b.get("type", "")).endswith("_tool_result")}
    uses = [b for b in prior if b.get("type") == "server_tool_use"]
    if uses and uses[-1].get("id") not in answered and prior and prior[-1] is uses[-1]:
        return uses[-1]
    return None


# -- sources and citations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """Something quotable: a document or a search result, with how to cite a span of it."""

    document: DocumentRef | None
    result: SearchResultRef | None
    units: tuple[str, ...]
    kind: str

    @property
    def cites(self) -> bool:
        return self.result is not None or (self.document is not None and self.document.citations)


def _sources(messages: Sequence[Mapping[str, Any]], content: Sequence[Mapping[str, Any]]) -> list[_Source]:
    documents = find_documents(messages, content)
    fetched = {_fetched_url(b) for m in messages for b in m["content"]} | {_fetched_url(b) for b in content}
    sources = [_Source(doc, None, doc.units, doc.kind) for doc in documents]
    sources += [
        _Source(None, result, (result.text,), "search")
        for result in find_search_results(messages, content)
        if result.url not in fetched
    ]
    return sources


def _fetched_url(block: Mapping[str, Any]) -> str | None:
    content = block.get("content")
    if block.get("type") != "web_fetch_tool_result" or not isinstance(content, Mapping):
        return None
    return str(content.get("url", "")) if content.get("type") == "web_fetch_result" else None


def _encrypted_index(result: SearchResultRef, start: int, end: int) -> str:
    # Opaque to clients, as the API's is: which result of which search, and the span quoted.
    raw = f"{result.tool_use_id}:{result.position}:{start}:{end}".encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _citation(source: _Source, unit: int, start: int, end: int) -> dict[str, Any]:
    text = source.units[unit][start:end]
    if source.result is not None:
        result = source.result
        return {
            "type": "web_search_result_location",
            "cited_text": text[:SEARCH_CITED_CHARS],
            "url": result.url,
            "title": result.title,
            "encrypted_index": _encrypted_index(result, start, end),
        }
    doc = source.document
    assert doc is not None
    base: dict[str, Any] = {"cited_text": text, "document_index": doc.index, "document_title": doc.title}
    if doc.kind == "pdf":
        return {**base, "type": "page_location", "start_page_number": unit + 1, "end_page_number": unit + 2}
    if doc.kind == "content":
        return {
            **base,
            "type": "content_block_location",
            "start_block_index": unit,
            "end_block_index": unit + 1,
        }
    return {**base, "type": "char_location", "start_char_index": start, "end_char_index": end}


@dataclass(frozen=True, order=True)
class _Quote:
    source: int
    unit: int
    start: int
    end: int


def _without_urls(question: str) -> str:
    # The words of a URL ("docs", "guide", "web", "fetch") are an address, not part of the question:
    # scoring sentences on them would quote the lines of a page that spell its own URL.
    for url in extract_urls(question):
        question = question.replace(url, " ")
    return question


def _choose(sources: Sequence[_Source], question: str) -> list[_Quote]:
    asked = analyse(_without_urls(question))
    scored: list[tuple[int, bool, _Quote]] = []
    for position, source in enumerate(sources):
        for unit, text in enumerate(source.units):
            for sentence in sentences(text, whole=source.kind == "content"):
                quote = _Quote(position, unit, sentence.start, sentence.end)
                scored.append((len(sentence.words & asked.terms), sentence.answers(asked), quote))
    # A sentence of the kind the question asks for ("how long": a duration) adds one to its score and
    # comes first among equals (sentences.py's docstring); then documents, then reading order.
    best = sorted(
        ((terms + kind, kind, quote) for terms, kind, quote in scored if terms + kind > 0),
        key=lambda item: (-item[0], not item[1], item[2]),
    )
    if best:
        return sorted(quote for _, _, quote in best[:MAX_QUOTES])
    documents = [q.source for _, _, q in scored if sources[q.source].document is not None]
    newest = max(documents, default=max((q.source for _, _, q in scored), default=-1))
    return [quote for _, _, quote in scored if quote.source == newest][:FALLBACK_QUOTES]


def _failures(content: Sequence[Mapping[str, Any]]) -> list[str]:
    codes: list[str] = []
    for block in content:
        inner = block.get("content")
        if block.get("type", "").endswith("_tool_result") and isinstance(inner, Mapping):
            code = inner.get("error_code")
            if isinstance(code, str):
                codes.append(code)
    return codes


# -- tool passes -----------------------------------------------------------------------------------------


def _search_hits(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    for block in reversed(blocks):
        content = block.get("content")
        if block.get("type") == "web_search_tool_result":
            return [str(hit.get("url", "")) for hit in content] if isinstance(content, list) else []
    return []


def _planned_passes(
    tools: ServerTools, question: str, turn: Callable[[], Sequence[Mapping[str, Any]]]
) -> Iterator[list[_Call]]:
    """The stand-in's tool passes for ``question``; ``turn()`` is the turn's content when a pass is due."""
    urls = list(dict.fromkeys(extract_urls(question)))
    if urls and tools.fetch_tool is not None:
        yield [("web_fetch", {"url": url}) for url in urls]
    elif not urls and question and tools.search_tool is not None:
        yield [("web_search", {"query": normalize_whitespace(question)[:_MAX_QUERY_CHARS]})]
        if tools.fetch_tool is not None:
            hits = _search_hits(turn())[:FETCH_TOP_RESULTS]
            if hits:
                yield [("web_fetch", {"url": url}) for url in hits]


def _intro(tools: ServerTools, question: str) -> str | None:
    urls = list(dict.fromkeys(extract_urls(question)))
    if urls and tools.fetch_tool is not None:
        if len(urls) == 1:
            return "I'll fetch the URL named in your message."
        return f"I'll fetch the {len(urls)} URLs named in your message."
    if not urls and question and tools.search_tool is not None:
        return "Your message names no URL, so I'll search first."
    return None


def _run_pass(writer: _Writer, tools: ServerTools, calls: Sequence[_Call]) -> None:
    """One sampling pass of parallel calls: every call written, then every result; or a pause."""
    room = MAX_CALLS_PER_RESPONSE - writer.generation.calls
    now, later = list(calls[:room]), list(calls[room:])
    uses: list[dict[str, Any]] = []
    out_of_tokens = False
    for name, tool_input in now:
        if not writer.fits_call(name):  # checked before a call is written: an unwritten call never runs
            out_of_tokens = True
            break
        use = tools.announce(name, tool_input)
        writer.tool_use(use)
        uses.append(use)
    for use in uses:
        writer.tool_result(tools.run(use))
    if out_of_tokens:
        writer.stop("max_tokens")
    if uses:
        writer.begin_pass()
    if later:
        name, tool_input = later[0]
        if not writer.fits_call(name):
            writer.stop("max_tokens")
        writer.tool_use(tools.announce(name, tool_input))  # the call the continuation will run
        writer.stop("pause_turn")


def _use_tools(writer: _Writer, tools: ServerTools, question: str, prior: list[dict[str, Any]]) -> None:
    pending = _pending_call(prior)
    if pending is not None:
        writer.tool_result(tools.run(pending))
        writer.generation.calls += 1
    writer.begin_pass()
    done = sum(1 for b in prior if b.get("type") == "server_tool_use")
    if done == 0:
        intro = _intro(tools, question)
        if intro is not None:
            writer.text(intro)
    for calls in _planned_passes(tools, question, lambda: [*prior, *writer.generation.content]):
        skipped = min(done, len(calls))
        done -= skipped
        if calls[skipped:]:
            _run_pass(writer, tools, calls[skipped:])


def _answer(writer: _Writer, messages: Sequence[Mapping[str, Any]], question: str) -> None:
    sources = _sources(messages, writer.generation.content)
    quotes = _choose(sources, question)
    if not quotes:
        failed = _failures([*turn_so_far(messages), *writer.generation.content])
        reason = f" Every tool call failed ({', '.join(dict.fromkeys(failed))})." if failed else ""
        writer.text(
            f"The webfetch-kit {STANDIN_NAME} had no document to quote.{reason} Name a URL and offer "
            "the web_fetch tool, offer web_search, or include a document block."
        )
        return
    plural = "s" if len(quotes) > 1 else ""
    writer.text(f"Quoting {len(quotes)} passage{plural}, webfetch-kit {STANDIN_NAME}:\n")
    for quote in quotes:
        source = sources[quote.source]
        sentence = source.units[quote.unit][quote.start : quote.end]
        cites = [_citation(source, quote.unit, quote.start, quote.end)] if source.cites else None
        # The text shows the sentence with its line breaks folded; cited_text keeps the exact span.
        writer.text(normalize_whitespace(sentence) + "\n", cites)


def generate(
    messages: Sequence[Mapping[str, Any]], tools: ServerTools, *, max_tokens: int, model: str
) -> Generation:
    """Run the stand-in on validated ``messages`` with the request's server ``tools``."""
    writer = _Writer(max_tokens, model)
    question = _question(messages)
    try:
        _use_tools(writer, tools, question, turn_so_far(messages))
        _answer(writer, messages, question)
    except _Stop:
        pass
    writer.generation.web_fetch_requests = tools.web_fetch_requests
    writer.generation.web_search_requests = tools.web_search_requests
    return writer.generation
