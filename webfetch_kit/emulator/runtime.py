"""The server tools' runtime protocol, and the per-request executor that enforces ``max_uses``.

The emulator never fetches or searches by itself: it calls a :class:`ToolRuntime` (the workbench's real
one runs the kit's fetcher and search index). The runtime applies everything configured on the tool
definition it is given (domain filters, URL provenance, ``max_content_tokens``, ``citations``,
``use_cache``) and returns one SDK-shaped result block, success or error.

The emulator itself counts uses: "The ``max_uses`` parameter limits the number of web fetches
performed. If Claude attempts more fetches than allowed, the ``web_fetch_tool_result`` will be an error
with the ``max_uses_exceeded`` error code" (web fetch tool documentation). A call beyond ``max_uses``
never reaches the runtime. ``usage.server_tool_use`` counts the calls that reached the runtime:
``web_fetch_requests`` every fetch attempted (the fetch tool has no per-use fee), ``web_search_requests``
only searches that returned results ("failed searches are not billed").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from ..blocks import parse_content_block, server_tool_use_block, web_fetch_error_block, web_search_error_block
from ..rules.usecount import UseCounter

__all__ = ["RuntimeContractError", "ServerTools", "ToolRuntime"]

logger = logging.getLogger(__name__)


class ToolRuntime(Protocol):
    """What the emulator needs to run the ``web_fetch`` and ``web_search`` server tools."""

    def web_fetch(
        self,
        url: str,
        *,
        tool: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        tool_use_id: str,
    ) -> Mapping[str, Any]:
        """A ``web_fetch_tool_result`` block dict for ``url`` (success or error).

        ``messages`` is the conversation so far, including an assistant message with this turn's earlier
        server tool blocks, so URLs from this turn's search results count as "in the conversation".
        """
        ...

    def web_search(self, query: str, *, tool: Mapping[str, Any], tool_use_id: str) -> Mapping[str, Any]:
        """A ``web_search_tool_result`` block dict for ``query`` (success or error)."""
        ...


class RuntimeContractError(RuntimeError):
    """The runtime returned something that is not the promised result block (a bug in the runtime)."""


def _checked(block: Mapping[str, Any], expected_type: str, tool_use_id: str) -> dict[str, Any]:
    try:
        parsed = parse_content_block(block)
    except Exception as exc:
        raise RuntimeContractError(f"runtime returned an invalid {expected_type} block: {exc}") from exc
    if parsed.type != expected_type or getattr(parsed, "tool_use_id", None) != tool_use_id:
        raise RuntimeContractError(
            f"runtime returned a {parsed.type} block for tool_use_id "
            f"{getattr(parsed, 'tool_use_id', None)!r}; expected {expected_type} for {tool_use_id!r}"
        )
    return dict(block)


class ServerTools:
    """The server tools offered in one request: runs calls, counts uses, numbers tool ids."""

    def __init__(
        self,
        runtime: ToolRuntime,
        tools: Sequence[Mapping[str, Any]],
        messages: Sequence[Mapping[str, Any]],
        id_seed: str,
    ) -> None:
        self._runtime = runtime
        self._messages = list(messages)
        self._seed = id_seed
        self.fetch_tool = _tool_named(tools, "web_fetch")
        self.search_tool = _tool_named(tools, "web_search")
        self.blocks: list[dict[str, Any]] = []
        self._uses = {
            "web_fetch": UseCounter((self.fetch_tool or {}).get("max_uses")),
            "web_search": UseCounter((self.search_tool or {}).get("max_uses")),
        }
        self.web_fetch_requests = 0
        self.web_search_requests = 0

    def _next_id(self) -> str:
        calls = len(self.blocks) // 2  # each call adds its server_tool_use and its result
        return "srvtoolu_" + hashlib.sha256(f"{self._seed}:{calls}".encode()).hexdigest()[:24]

    def fetch(self, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Call ``web_fetch`` on ``url``: the ``server_tool_use`` block and its result block."""
        assert self.fetch_tool is not None
        tool_use_id = self._next_id()
        use = dict(server_tool_use_block(tool_use_id, "web_fetch", {"url": url}))
        if self._uses["web_fetch"].take() is not None:
            result = dict(web_fetch_error_block(tool_use_id, "max_uses_exceeded"))
        else:
            conversation = [*self._messages, {"role": "assistant", "content": [*self.blocks, use]}]
            try:
                raw = self._runtime.web_fetch(
                    url, tool=self.fetch_tool, messages=conversation, tool_use_id=tool_use_id
                )
            except Exception:  # the API reports an internal tool failure as `unavailable`
                logger.exception("web_fetch runtime failed for %s", url)
                raw = web_fetch_error_block(tool_use_id, "unavailable")
            result = _checked(raw, "web_fetch_tool_result", tool_use_id)
            self.web_fetch_requests += 1
        self.blocks.extend((use, result))
        return use, result

    def search(self, query: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """Call ``web_search`` with ``query``: the ``server_tool_use`` block and its result block."""
        assert self.search_tool is not None
        tool_use_id = self._next_id()
        use = dict(server_tool_use_block(tool_use_id, "web_search", {"query": query}))
        if self._uses["web_search"].take() is not None:
            result = dict(web_search_error_block(tool_use_id, "max_uses_exceeded"))
        else:
            try:
                raw = self._runtime.web_search(query, tool=self.search_tool, tool_use_id=tool_use_id)
            except Exception:
                logger.exception("web_search runtime failed for %r", query)
                raw = web_search_error_block(tool_use_id, "unavailable")
            result = _checked(raw, "web_search_tool_result", tool_use_id)
            if isinstance(result.get("content"), list):
                self.web_search_requests += 1
        self.blocks.extend((use, result))
        return use, result


def _tool_named(tools: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    for tool in tools:
        if tool.get("name") == name and str(tool.get("type", "")).startswith(name + "_"):
            return tool
    return None
