"""One deterministic way to count a request's tokens, block by block, in prompt-cache prefix order.

The prompt is the sequence of blocks ``tools`` → ``system`` → ``messages`` ("Prompt caching references
the entire prompt - tools, system, and messages (in that order)", prompt caching documentation). Each
block is:

- **hashed** by its canonical JSON: keys sorted, ``None`` values and every ``cache_control`` key dropped
  (a breakpoint marks a position, it is not content), prefixed by its section and role. Consecutive
  same-role messages therefore hash exactly like one merged message, as the API merges them.
- **counted** with :func:`webfetch_kit.tokens.count_tokens` over its *rendered text*:

  ========================= ==============================================================
  block                     rendered text
  ========================= ==============================================================
  tool definition           its canonical JSON
  ``text`` / system text    ``text``
  ``document``              title (if any), newline, the text (PDF: page texts; see
                            :mod:`.documents`), joined by newlines
  ``web_fetch_tool_result`` the URL, newline, the document's rendered text; an error: its code
  ``web_search_tool_result`` per result: title, URL and page text (decoded from
                            ``encrypted_content`` when the kit made it), newline-separated;
                            an error: its code
  ``server_tool_use`` /     the tool name, a space, the canonical JSON of ``input``
  ``tool_use``
  ``tool_result``           its content's rendered text (a string as is)
  anything else             its canonical JSON
  ========================= ==============================================================

There is no per-message framing overhead: the input of a request is exactly the sum of its blocks.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..problem import Problem
from ..search.encrypted import read_encrypted_content
from ..tokens import count_tokens
from .documents import document_text

__all__ = ["PrefixBlock", "block_tokens", "canonical_json", "prefix_blocks", "render_block"]


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items() if v is not None and k != "cache_control"}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON of ``value`` without ``None`` values or ``cache_control`` keys."""
    return json.dumps(_clean(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _render_document(document: Mapping[str, Any]) -> str:
    title = document.get("title")
    text = document_text(document)
    return f"{title}\n{text}" if isinstance(title, str) and title else text


def _render_search_result(result: Mapping[str, Any]) -> str:
    encrypted = str(result.get("encrypted_content", ""))
    decoded = read_encrypted_content(encrypted)
    # Not made by the kit (e.g. a real API result): count the opaque string.
    page = encrypted if isinstance(decoded, Problem) else decoded.text
    return f"{result.get('title', '')}\n{result.get('url', '')}\n{page}"


def render_block(block: Mapping[str, Any]) -> str:
    """The text a content block contributes to the token count (table in the module docstring)."""
    kind = block.get("type")
    if kind == "text":
        return str(block.get("text", ""))
    if kind == "document":
        return _render_document(block)
    if kind == "web_fetch_tool_result":
        content = block.get("content")
        if isinstance(content, Mapping) and content.get("type") == "web_fetch_result":
            document = content.get("content")
            body = _render_document(document) if isinstance(document, Mapping) else ""
            return f"{content.get('url', '')}\n{body}"
        return str(content.get("error_code", "")) if isinstance(content, Mapping) else ""
    if kind == "web_search_tool_result":
        content = block.get("content")
        if isinstance(content, list):
            return "\n".join(_render_search_result(r) for r in content if isinstance(r, Mapping))
        return str(content.get("error_code", "")) if isinstance(content, Mapping) else ""
    if kind in ("server_tool_use", "tool_use"):
        return f"{block.get('name', '')} {canonical_json(block.get('input', {}))}"
    if kind == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            return content
        if isinstance(content, list):
            return "\n".join(render_block(b) for b in content if isinstance(b, Mapping))
        return ""
    return canonical_json(block)


@functools.lru_cache(maxsize=256)
def _count(text: str) -> int:
    # Every request re-sends the whole conversation: a fetched document counted on turn 1 is counted
    # again on every later turn. Remember recent counts instead (bounded: 256 rendered blocks).
    return int(count_tokens(text))


def block_tokens(block: Mapping[str, Any]) -> int:
    """Tokens of one content block: ``count_tokens(render_block(block))``."""
    return _count(render_block(block))


@dataclass(frozen=True)
class PrefixBlock:
    """One block of the prompt in cache order, with its token count and chained prefix hash.

    ``digest`` is the SHA-256 of the canonical prefix up to and including this block.
    """

    path: str
    tokens: int
    digest: str


def prefix_blocks(
    tools: Sequence[Mapping[str, Any]],
    system: Sequence[Mapping[str, Any]],
    messages: Sequence[Mapping[str, Any]],
) -> list[PrefixBlock]:
    """The request's blocks in prefix order (tools → system → messages) with tokens and hashes."""
    items: list[tuple[str, str, int]] = []
    for i, tool in enumerate(tools):
        text = canonical_json(tool)
        items.append((f"tools.{i}", f"tool\n{text}", _count(text)))
    for j, block in enumerate(system):
        items.append((f"system.{j}", f"system\n{canonical_json(block)}", block_tokens(block)))
    for i, message in enumerate(messages):
        for j, block in enumerate(message["content"]):
            key = f"{message['role']}\n{canonical_json(block)}"
            items.append((f"messages.{i}.content.{j}", key, block_tokens(block)))
    out: list[PrefixBlock] = []
    running = hashlib.sha256()
    for path, key, tokens in items:
        encoded = key.encode("utf-8")
        running.update(len(encoded).to_bytes(8, "big"))
        running.update(encoded)
        out.append(PrefixBlock(path, tokens, running.copy().hexdigest()))
    return out
