"""The prompt's own tokens: message framing plus every block of ``system`` and ``messages``.

- **Framing**: a request costs ``message_framing`` ≈ 8 tokens beyond its content (recorded:
  ``count_tokens`` of "What is 2 + 2?", 8 cl100k tokens, answered **16**). The tool-definition figures
  of :mod:`.overheads` were read as first-pass input minus the prompt *with* its framing, so a request
  with tools pays the framing once, here, and the definitions on top.
- **Blocks** (each by :func:`block_tokens`):

  ========================== ====================================================================
  block                      tokens
  ========================== ====================================================================
  ``text`` (any role),       request text: cl100k × ``prompt_text_factor``
  system text, a string
  ``document``               :func:`.content.document_tokens` (text as fetched text, PDF by page)
  ``web_fetch_tool_result``  :func:`.content.fetch_result_tokens` (129 + document; error 76)
  ``web_search_tool_result`` :func:`.content.search_result_block_tokens`
  ``server_tool_use``,       the size the call was generated at (:func:`.output.server_call_tokens`)
  ``tool_use``
  ``tool_result``            its content's blocks (a string as request text)
  ``thinking``,              0: an assumption (earlier turns' thinking is not re-read), labelled
  ``redacted_thinking``
  ``image``                  0: not modelled, labelled as an assumption
  anything else              its canonical JSON as request text
  ========================== ====================================================================

- **count_tokens** (:func:`count_tokens_input`): the same framing and blocks, plus client tool
  definitions as request text. The real endpoint refuses any server tool in ``tools``;
  :func:`count_tokens_refusal` gives its message, word for word.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .content import (
    document_tokens,
    fetch_result_tokens,
    prompt_text_tokens,
    search_result_block_tokens,
)
from .estimate import TokenEstimate
from .figures import figure
from .output import server_call_tokens

__all__ = [
    "SERVER_TOOL_PREFIXES",
    "block_tokens",
    "canonical_json",
    "count_tokens_input",
    "count_tokens_refusal",
    "framing_tokens",
    "is_server_tool",
    "message_tokens",
    "prompt_tokens",
]

SERVER_TOOL_PREFIXES = ("web_search_", "web_fetch_", "code_execution_")
"""Tool ``type`` prefixes of the server tools (run by the API itself, refused by ``count_tokens``)."""


def canonical_json(value: Any) -> str:
    """Sorted-key compact JSON without ``None`` values or ``cache_control`` keys (what is counted)."""

    def clean(item: Any) -> Any:
        if isinstance(item, Mapping):
            return {k: clean(v) for k, v in item.items() if v is not None and k != "cache_control"}
        if isinstance(item, list | tuple):
            return [clean(v) for v in item]
        return item

    return json.dumps(clean(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def framing_tokens() -> TokenEstimate:
    """The ≈8 tokens a request costs beyond its content."""
    return figure("message_framing").tokens()


def _assumed_zero(what: str) -> TokenEstimate:
    return TokenEstimate(0, 0, 0, "assumption", (what,))


def block_tokens(block: Mapping[str, Any] | str, *, model: str) -> TokenEstimate:
    """Claude tokens of one content block of the request (the table in the module docstring)."""
    if isinstance(block, str):
        return prompt_text_tokens(block)
    kind = block.get("type")
    if kind == "text":
        return prompt_text_tokens(str(block.get("text", "")))
    if kind == "document":
        return document_tokens(block)
    if kind == "web_fetch_tool_result":
        return fetch_result_tokens(block)
    if kind == "web_search_tool_result":
        return search_result_block_tokens(block)
    if kind in ("server_tool_use", "tool_use"):
        return server_call_tokens(model)
    if kind == "tool_result":
        content = block.get("content")
        if isinstance(content, str):
            return prompt_text_tokens(content)
        return TokenEstimate.total(
            block_tokens(b, model=model) for b in content or () if isinstance(b, Mapping)
        )
    if kind in ("thinking", "redacted_thinking"):
        return _assumed_zero("earlier thinking not re-read")
    if kind == "image":
        return _assumed_zero("images not modelled")
    return prompt_text_tokens(canonical_json(block))


def message_tokens(message: Mapping[str, Any], *, model: str) -> TokenEstimate:
    """Claude tokens of one message's content (a string or a list of blocks); no framing."""
    content = message.get("content")
    if isinstance(content, str):
        return prompt_text_tokens(content)
    return TokenEstimate.total(block_tokens(b, model=model) for b in content or ())


def _system_blocks(system: str | Sequence[Mapping[str, Any]] | None) -> Iterable[Mapping[str, Any] | str]:
    if system is None:
        return ()
    if isinstance(system, str):
        return (system,) if system else ()
    return system


def prompt_tokens(
    messages: Sequence[Mapping[str, Any]],
    system: str | Sequence[Mapping[str, Any]] | None = None,
    *,
    model: str,
) -> TokenEstimate:
    """The prompt's tokens: framing + system + every message (tool definitions are :mod:`.overheads`)."""
    parts = [framing_tokens()]
    parts += [block_tokens(b, model=model) for b in _system_blocks(system)]
    parts += [message_tokens(m, model=model) for m in messages]
    return TokenEstimate.total(parts)


def _tool_type(tool: Mapping[str, Any] | str) -> str:
    return tool if isinstance(tool, str) else str(tool.get("type", ""))


def is_server_tool(tool: Mapping[str, Any] | str) -> bool:
    """True for a server tool definition (``web_fetch_*``, ``web_search_*``, ``code_execution_*``)."""
    return _tool_type(tool).startswith(SERVER_TOOL_PREFIXES)


def count_tokens_refusal(tools: Sequence[Mapping[str, Any] | str]) -> str | None:
    """The real ``count_tokens`` endpoint's 400 message for server tools in ``tools``, or None.

    Recorded: ``Server tools are not supported in the count_tokens endpoint: web_fetch_20250910. Use the
    /v1/messages endpoint instead.`` (the offending types, comma-separated, in request order). Users also
    report the refusal for server-tool blocks in the history; that was not recorded, so it is not here.
    """
    offending = list(dict.fromkeys(_tool_type(t) for t in tools if is_server_tool(t)))
    if not offending:
        return None
    return (
        f"Server tools are not supported in the count_tokens endpoint: {', '.join(offending)}. "
        "Use the /v1/messages endpoint instead."
    )


def count_tokens_input(
    messages: Sequence[Mapping[str, Any]],
    system: str | Sequence[Mapping[str, Any]] | None = None,
    tools: Sequence[Mapping[str, Any]] = (),
    *,
    model: str,
) -> TokenEstimate:
    """What the ``count_tokens`` endpoint answers for a request with no server tools.

    Client tool definitions are counted as request text (the tool-use instructions the API adds around
    them were not measured: labelled an assumption). Raises :class:`ConfigError` when ``tools`` holds a
    server tool: check :func:`count_tokens_refusal` first.
    """
    from ..errors import ConfigError

    refusal = count_tokens_refusal(tools)
    if refusal is not None:
        raise ConfigError(refusal)
    total = prompt_tokens(messages, system, model=model)
    for tool in tools:
        counted = prompt_text_tokens(canonical_json(tool))
        total = total + TokenEstimate(
            counted.central, counted.low, counted.high, "assumption", ("client tool definition as text",)
        )
    return total
