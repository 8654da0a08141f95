"""Token sizes of content: prose, fetched pages, result blocks, PDFs, search results, ``max_content_tokens``.

The rules, each with its figure in ``data/accounting.csv``:

- **Text in the request** (messages, system prompt): cl100k × ``prompt_text_factor`` (1.0, band
  1.0–1.26). One short question was measured ("What is 2 + 2?": 8 cl100k, 8 Claude tokens after the
  framing); the high end allows for long prose.
- **Fetched web text**: cl100k × ``fetched_text_factor`` = **1.175** (observed 1.15–1.26).
- **Each ``web_fetch_tool_result``** with a text document adds a fixed ``fetch_result_overhead`` ≈ 129
  tokens (the wrapper: URL, title, ``retrieved_at``) on top of its text; an error result costs
  ``error_result_overhead`` ≈ 76 in all. A ``web_search_tool_result_error`` is given the same 76
  (an assumption: not measured).
- **PDFs** (a base64 ``application/pdf`` source) are counted by page, not as base64 text:
  ``pdf_page_tokens`` ≈ 1,650 a page (a 1-page 13 KB PDF cost 1,600–1,700; high end 2,100, a
  secondary-source measurement). Pages are counted with :func:`webfetch_kit.reading.extract.pdf_page_texts`
  (at most 100, Claude's PDF page limit).
- **Web search results**: ``search_tokens_per_char`` ≈ 0.27 tokens per character of
  ``encrypted_content``. The kit's own ``encrypted_content`` is compressed page text, not the API's, so a
  result the kit made is counted by what it holds instead: title and URL as request text, the page as
  fetched text.
- **``max_content_tokens``** keeps ≈ the limit in Claude tokens: a plain prefix of
  ``max_content_cl100k_ratio`` ≈ 0.84 × the limit in cl100k tokens (band 0.79–0.87).

cl100k counts go through :func:`cl100k`, which remembers recent counts keyed by a hash of the text
(never the text itself), so re-sent conversations are not re-tokenised and memory stays bounded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import ConfigError, check_positive_int
from ..problem import Problem
from ..tokens import count_tokens
from .estimate import TokenEstimate, round_half_up
from .figures import figure

__all__ = [
    "COUNT_CACHE_ENTRIES",
    "capped_document_tokens",
    "cl100k",
    "cl100k_cut_for",
    "document_tokens",
    "fetch_result_tokens",
    "fetched_text_tokens",
    "pdf_page_count",
    "pdf_tokens",
    "prompt_text_tokens",
    "search_result_block_tokens",
    "search_results_tokens",
]

COUNT_CACHE_ENTRIES = 4096
"""How many cl100k counts :func:`cl100k` remembers (a 32-byte digest and an int each: under 1 MB)."""

_counts: OrderedDict[bytes, int] = OrderedDict()
_counts_lock = threading.Lock()


def cl100k(text: str) -> int:
    """The kit's offline count of ``text`` (:func:`webfetch_kit.tokens.count_tokens`), remembered by hash."""
    if not text:
        return 0
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=32).digest()
    with _counts_lock:
        found = _counts.get(key)
        if found is not None:
            _counts.move_to_end(key)
            return found
    counted = int(count_tokens(text))
    with _counts_lock:
        _counts[key] = counted
        while len(_counts) > COUNT_CACHE_ENTRIES:
            _counts.popitem(last=False)
    return counted


def _count(text_or_count: str | int) -> int:
    if isinstance(text_or_count, str):
        return cl100k(text_or_count)
    if isinstance(text_or_count, bool) or not isinstance(text_or_count, int) or text_or_count < 0:
        raise ConfigError(f"expected text or a non-negative cl100k count, got {text_or_count!r}")
    return text_or_count


def prompt_text_tokens(text_or_count: str | int) -> TokenEstimate:
    """Claude tokens of text written into the request (a ``str``, or its cl100k count)."""
    return figure("prompt_text_factor").tokens(_count(text_or_count))


def fetched_text_tokens(text_or_count: str | int) -> TokenEstimate:
    """Claude tokens of fetched web text (a ``str``, or its cl100k count): cl100k × 1.175 (1.15–1.26)."""
    return figure("fetched_text_factor").tokens(_count(text_or_count))


def cl100k_cut_for(max_content_tokens: int) -> int:
    """Where to cut a text document in **cl100k** tokens so that it keeps ≈ ``max_content_tokens``
    Claude tokens, as the real tool does: ``round(0.84 × limit)`` (band: ``max_content_cl100k_ratio``).

    Use it with :func:`webfetch_kit.tokens.truncate_to_tokens` for a plain prefix with no marker.
    """
    check_positive_int(max_content_tokens, "max_content_tokens")
    return round_half_up(figure("max_content_cl100k_ratio").central * max_content_tokens)


def capped_document_tokens(text_or_count: str | int, max_content_tokens: int | None) -> TokenEstimate:
    """Claude tokens of a fetched text document after ``max_content_tokens`` (None: no limit).

    The real tool keeps ≈ the limit in Claude tokens, so each bound of the estimate is cut at the limit.
    """
    check_positive_int(max_content_tokens, "max_content_tokens", none_ok=True)
    tokens = fetched_text_tokens(text_or_count)
    if max_content_tokens is None:
        return tokens
    return tokens.capped(max_content_tokens, "max_content_cl100k_ratio")


def pdf_tokens(pages: int) -> TokenEstimate:
    """Claude tokens of a PDF of ``pages`` pages sent as a document: ≈1,650 a page (1,600–2,100)."""
    if isinstance(pages, bool) or not isinstance(pages, int) or pages < 0:
        raise ConfigError(f"pages must be a non-negative whole number, got {pages!r}")
    return figure("pdf_page_tokens").tokens(pages)


def pdf_page_count(data: bytes) -> int | None:
    """The pages of a PDF as Claude's PDF support counts them (at most 100), or None if unreadable."""
    from ..errors import ContentError
    from ..net.reader import pdf_page_texts

    try:
        return len(pdf_page_texts(data))
    except ContentError:
        return None


def _pdf_source_tokens(source: Mapping[str, Any]) -> TokenEstimate:
    data = source.get("data")
    pages: int | None = None
    if isinstance(data, str):
        try:
            pages = pdf_page_count(base64.b64decode(data, validate=False))
        except (binascii.Error, ValueError):
            pages = None
    if pages is None:
        # Unreadable here; the API would likely refuse it. Counted as one page, and said so.
        one = pdf_tokens(1)
        return TokenEstimate(one.central, one.low, one.high, "assumption", ("unreadable PDF: one page",))
    return pdf_tokens(pages)


def document_tokens(document: Mapping[str, Any]) -> TokenEstimate:
    """Claude tokens of a ``document`` block: text as fetched text (title included), a PDF by page,
    a ``content`` source by its text blocks (as request text)."""
    source = document.get("source")
    source = source if isinstance(source, Mapping) else {}
    title = document.get("title")
    head = f"{title}\n" if isinstance(title, str) and title else ""
    kind = source.get("type")
    if kind == "base64" and source.get("media_type") == "application/pdf":
        return _pdf_source_tokens(source)
    if kind == "text":
        return fetched_text_tokens(head + str(source.get("data", "")))
    if kind == "content":
        content = source.get("content")
        if isinstance(content, str):
            return prompt_text_tokens(head + content)
        texts = [str(b.get("text", "")) for b in content or () if isinstance(b, Mapping)]
        return prompt_text_tokens(head + "\n".join(texts))
    return prompt_text_tokens(head)


def fetch_result_tokens(block: Mapping[str, Any]) -> TokenEstimate:
    """Claude tokens of a ``web_fetch_tool_result`` block: 129 + its document, or 76 for an error."""
    content = block.get("content")
    if isinstance(content, Mapping) and content.get("type") == "web_fetch_result":
        document = content.get("content")
        body = document_tokens(document) if isinstance(document, Mapping) else TokenEstimate.zero()
        return figure("fetch_result_overhead").tokens() + body
    return figure("error_result_overhead").tokens()


def _search_result_tokens(result: Mapping[str, Any]) -> TokenEstimate:
    from ..search.encrypted import read_encrypted_content

    encrypted = str(result.get("encrypted_content", ""))
    decoded = read_encrypted_content(encrypted)
    if isinstance(decoded, Problem):  # not the kit's (a real API result, only Anthropic can read): by length
        return figure("search_tokens_per_char").tokens(len(encrypted))
    head = f"{result.get('title', '')}\n{result.get('url', '')}"
    return prompt_text_tokens(head) + fetched_text_tokens(decoded.text)


def search_results_tokens(results: Sequence[Mapping[str, Any]]) -> TokenEstimate:
    """Claude tokens of a list of ``web_search_result`` blocks (see the module docstring)."""
    return TokenEstimate.total(_search_result_tokens(r) for r in results if isinstance(r, Mapping))


def search_result_block_tokens(block: Mapping[str, Any]) -> TokenEstimate:
    """Claude tokens of a ``web_search_tool_result`` block: its results, or 76 for an error."""
    content = block.get("content")
    if isinstance(content, list):
        return search_results_tokens(content)
    error = figure("error_result_overhead").tokens()
    return TokenEstimate(error.central, error.low, error.high, "assumption", ("error_result_overhead",))
