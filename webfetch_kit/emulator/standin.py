"""The emulator's model: a deterministic *extractive stand-in*. It is not Claude and never says it is.

What it does with a request, in order:

1. Reads the last ``user`` turn's text (its ``text`` blocks) as the question.
2. If that text names URLs (:func:`webfetch_kit.rules.provenance.extract_urls`) and ``web_fetch`` is offered,
   fetches each distinct URL in order (calls beyond ``max_uses`` become ``max_uses_exceeded`` results).
3. Else, if ``web_search`` is offered, searches with the question text, then fetches the top
   :data:`FETCH_TOP_RESULTS` result URLs when ``web_fetch`` is offered.
4. Answers with the sentences of every document (:mod:`.documents`: the request's and this turn's) that
   share the most terms with the question (:mod:`.sentences`; ties go to the earlier document and
   position; at most :data:`MAX_QUOTES`, shown in reading order). When no sentence shares a term, the
   first sentences of the newest document are quoted. Each quote is its own ``text`` block (the
   sentence, whitespace folded, and a newline) carrying one citation when the document has citations enabled:
   ``char_location`` for text, ``page_location`` for PDFs (1-based, end exclusive, ``cited_text`` the
   sentence, a verbatim substring of that page's text), ``content_block_location`` for ``content``
   documents. ``cited_text`` of a ``char_location`` is exactly ``source.data[start:end]``.
5. With nothing to quote, a short text says so (and lists the error codes of failed tool calls).

Output is budgeted by ``max_tokens``: each generated block (text, ``server_tool_use``) costs its
:func:`.prefix.block_tokens`; the block that would cross the limit is cut with
:func:`webfetch_kit.tokens.truncate_to_tokens` (a tool call is dropped whole) and ``stop_reason`` becomes
``"max_tokens"`` -- "we exceeded the requested ``max_tokens``" (SDK ``Message.stop_reason``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..citations import normalize_whitespace
from ..rules.provenance import extract_urls
from ..tokens import count_tokens, truncate_to_tokens
from .documents import DocumentRef, find_documents
from .prefix import block_tokens
from .runtime import ServerTools
from .sentences import question_terms, score, sentence_spans

__all__ = ["FETCH_TOP_RESULTS", "MAX_QUOTES", "STANDIN_NAME", "Generation", "generate"]

FETCH_TOP_RESULTS = 2
MAX_QUOTES = 3
FALLBACK_QUOTES = 2
STANDIN_NAME = "extractive stand-in (not Claude)"
_MAX_QUERY_CHARS = 400


class _OutOfTokens(Exception):
    """The ``max_tokens`` budget is spent."""


@dataclass
class Generation:
    """The content of a response, its stop reason and its token counts."""

    content: list[dict[str, Any]] = field(default_factory=list)
    stop_reason: str = "end_turn"
    output_tokens: int = 0
    turn_input_tokens: int = 0
    web_fetch_requests: int = 0
    web_search_requests: int = 0


class _Writer:
    def __init__(self, max_tokens: int) -> None:
        self.generation = Generation()
        self._max = max_tokens

    @property
    def _left(self) -> int:
        return self._max - self.generation.output_tokens

    def text(self, text: str, citations: list[dict[str, Any]] | None = None) -> None:
        tokens = int(count_tokens(text))
        if tokens > self._left:
            text = truncate_to_tokens(text, self._left)
            tokens = int(count_tokens(text))
            if text:
                self._append({"type": "text", "text": text, "citations": citations}, tokens)
            self.generation.stop_reason = "max_tokens"
            raise _OutOfTokens
        self._append({"type": "text", "text": text, "citations": citations}, tokens)

    def ensure_fits(self, block: Mapping[str, Any]) -> None:
        if block_tokens(block) > self._left:
            self.generation.stop_reason = "max_tokens"
            raise _OutOfTokens

    def tool_use(self, block: dict[str, Any]) -> None:
        self.ensure_fits(block)
        self._append(block, block_tokens(block))

    def tool_result(self, block: dict[str, Any]) -> None:
        self.generation.content.append(block)
        self.generation.turn_input_tokens += block_tokens(block)

    def _append(self, block: dict[str, Any], tokens: int) -> None:
        self.generation.content.append(block)
        self.generation.output_tokens += tokens


def _question(messages: Sequence[Mapping[str, Any]]) -> str:
    for message in reversed(messages):
        if message["role"] == "user":
            texts = [str(b.get("text", "")) for b in message["content"] if b.get("type") == "text"]
            return "\n".join(t for t in texts if t).strip()
    return ""


def _citation(doc: DocumentRef, unit: int, start: int, end: int) -> dict[str, Any]:
    text = doc.units[unit][start:end]
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
    document: int
    unit: int
    start: int
    end: int


def _without_urls(question: str) -> str:
    # The words of a URL ("docs", "guide", "web", "fetch") are an address, not part of the question:
    # scoring sentences on them would quote the lines of a page that spell its own URL.
    for url in extract_urls(question):
        question = question.replace(url, " ")
    return question


def _choose(documents: Sequence[DocumentRef], question: str) -> list[_Quote]:
    terms = question_terms(_without_urls(question))
    scored: list[tuple[int, _Quote]] = []
    for doc in documents:
        for unit, text in enumerate(doc.units):
            spans = [(0, len(text))] if doc.kind == "content" and text.strip() else sentence_spans(text)
            for start, end in spans:
                scored.append((score(text[start:end], terms), _Quote(doc.index, unit, start, end)))
    best = sorted((item for item in scored if item[0] > 0), key=lambda item: (-item[0], item[1]))
    if best:
        return sorted(quote for _, quote in best[:MAX_QUOTES])
    last_document = max((quote.document for _, quote in scored), default=-1)
    return [quote for _, quote in scored if quote.document == last_document][:FALLBACK_QUOTES]


def _failures(content: Sequence[Mapping[str, Any]]) -> list[str]:
    codes: list[str] = []
    for block in content:
        inner = block.get("content")
        if block.get("type", "").endswith("_tool_result") and isinstance(inner, Mapping):
            code = inner.get("error_code")
            if isinstance(code, str):
                codes.append(code)
    return codes


def _use_tools(writer: _Writer, tools: ServerTools, question: str) -> None:
    urls = list(dict.fromkeys(extract_urls(question)))
    if urls and tools.fetch_tool is not None:
        noun = "URL" if len(urls) == 1 else "URLs"
        writer.text(f"I'll fetch the {len(urls)} {noun} named in your message.")
        for url in urls:
            _call(writer, tools, url)
    elif not urls and question and tools.search_tool is not None:
        query = normalize_whitespace(question)[:_MAX_QUERY_CHARS]
        writer.text("Your message names no URL, so I'll search first.")
        writer.ensure_fits({"type": "server_tool_use", "name": "web_search", "input": {"query": query}})
        use, result = tools.search(query)
        writer.tool_use(use)
        writer.tool_result(result)
        hits = result.get("content")
        if tools.fetch_tool is not None and isinstance(hits, list):
            for hit in hits[:FETCH_TOP_RESULTS]:
                _call(writer, tools, str(hit.get("url", "")))


def _call(writer: _Writer, tools: ServerTools, url: str) -> None:
    # The budget is checked before a tool runs (here and before a search): a call that cannot be
    # written is never made, and so never billed.
    writer.ensure_fits({"type": "server_tool_use", "name": "web_fetch", "input": {"url": url}})
    use, result = tools.fetch(url)
    writer.tool_use(use)
    writer.tool_result(result)


def _answer(writer: _Writer, messages: Sequence[Mapping[str, Any]], question: str) -> None:
    documents = find_documents(messages, writer.generation.content)
    quotes = _choose(documents, question)
    if not quotes:
        failed = _failures(writer.generation.content)
        reason = f" Every tool call failed ({', '.join(dict.fromkeys(failed))})." if failed else ""
        writer.text(
            f"The webfetch-kit {STANDIN_NAME} had no document to quote.{reason} Name a URL and offer "
            "the web_fetch tool, offer web_search, or include a document block."
        )
        return
    plural = "s" if len(quotes) > 1 else ""
    writer.text(f"Quoting {len(quotes)} passage{plural}, webfetch-kit {STANDIN_NAME}:\n")
    for quote in quotes:
        doc = documents[quote.document]
        sentence = doc.units[quote.unit][quote.start : quote.end]
        cites = [_citation(doc, quote.unit, quote.start, quote.end)] if doc.citations else None
        # The text shows the sentence with its line breaks folded; cited_text keeps the exact span.
        writer.text(normalize_whitespace(sentence) + "\n", cites)


def generate(messages: Sequence[Mapping[str, Any]], tools: ServerTools, *, max_tokens: int) -> Generation:
    """Run the stand-in on validated ``messages`` with the request's server ``tools``."""
    writer = _Writer(max_tokens)
    question = _question(messages)
    try:
        _use_tools(writer, tools, question)
        _answer(writer, messages, question)
    except _OutOfTokens:
        pass
    writer.generation.web_fetch_requests = tools.web_fetch_requests
    writer.generation.web_search_requests = tools.web_search_requests
    return writer.generation
