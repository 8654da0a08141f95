"""The server tools' runtime protocol, and the per-request executor that enforces ``max_uses``.

The emulator never fetches or searches by itself: it calls a :class:`ToolRuntime` (the workbench's real
one runs the kit's fetcher and search index). The runtime applies everything configured on the tool
definition it is given (domain filters, URL provenance, ``max_content_tokens``, ``citations``,
``use_cache``) and returns one SDK-shaped result block, success or error.

The emulator itself counts uses: "The ``max_uses`` parameter limits the number of web fetches
performed. If Claude attempts more fetches than allowed, the ``web_fetch_tool_result`` will be an error
with the ``max_uses_exceeded`` error code" (web fetch tool documentation). A call beyond ``max_uses``
never reaches the runtime. ``usage.server_tool_use`` counts as recorded traffic shows:
``web_fetch_requests`` every fetch attempted, one refused as ``max_uses_exceeded`` and one that failed
included (the fetch tool has no per-use fee); ``web_search_requests`` only searches that returned
results ("failed searches are not billed").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Protocol

from ..blocks import parse_content_block, web_fetch_error_block, web_search_error_block
from ..rules.usecount import UseCounter
from . import shapes
from .ids import IdSource

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
    """The server tools offered in one request: announces calls, runs them, counts uses and requests.

    A call is two steps, as in the API's response: :meth:`announce` writes the ``server_tool_use``
    block (a fresh id from ``ids``), :meth:`run` executes it and returns its result block. The blocks
    of this response so far are part of the conversation the runtime sees.

    ``prior`` is the assistant content of this turn that earlier responses produced (a ``pause_turn``
    continuation re-sends it): its granted calls count against ``max_uses``, so continuing a paused
    turn cannot fetch more than the turn was allowed (an emulator choice; the documentation only says
    "in the API request").
    """

    def __init__(
        self,
        runtime: ToolRuntime,
        tools: Sequence[Mapping[str, Any]],
        messages: Sequence[Mapping[str, Any]],
        *,
        ids: IdSource,
        prior: Sequence[Mapping[str, Any]] = (),
    ) -> None:
        self._runtime = runtime
        self._messages = list(messages)
        self._ids = ids
        self.fetch_tool = _tool_named(tools, "web_fetch")
        self.search_tool = _tool_named(tools, "web_search")
        self.blocks: list[dict[str, Any]] = []
        self._uses = {
            "web_fetch": UseCounter((self.fetch_tool or {}).get("max_uses")),
            "web_search": UseCounter((self.search_tool or {}).get("max_uses")),
        }
        for name in _granted_calls(prior):
            if name in self._uses:
                self._uses[name].take()
        self.web_fetch_requests = 0
        self.web_search_requests = 0

    def announce(
        self, name: Literal["web_fetch", "web_search"], tool_input: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The ``server_tool_use`` block of a new call (not run yet), in the recorded shape."""
        use = shapes.server_tool_use(self._ids.tool_use_id(), name, tool_input)
        self.blocks.append(use)
        return use

    def run(self, use: Mapping[str, Any]) -> dict[str, Any]:
        """Run the call ``use`` announced (here or in the response a continuation resumes)."""
        name = str(use.get("name"))
        tool_input = use.get("input")
        tool_input = tool_input if isinstance(tool_input, Mapping) else {}
        if {"web_fetch": self.fetch_tool, "web_search": self.search_tool}.get(name) is None:
            # The engine answers a continuation naming a tool the request does not offer with a 400.
            raise RuntimeContractError(f"server tool {name!r} is not offered in this request")
        if name == "web_fetch":
            result = self._fetch(str(use["id"]), str(tool_input.get("url", "")))
        else:
            result = self._search(str(use["id"]), str(tool_input.get("query", "")))
        shaped = shapes.result_block(result)
        self.blocks.append(shaped)
        return shaped

    def _fetch(self, tool_use_id: str, url: str) -> dict[str, Any]:
        # Every attempt is a request, a refused one included: recorded traffic shows two parallel calls
        # with max_uses 1 counting 2, and a url_not_allowed error counting 1.
        self.web_fetch_requests += 1
        assert self.fetch_tool is not None
        if self._uses["web_fetch"].take() is not None:
            return dict(web_fetch_error_block(tool_use_id, "max_uses_exceeded"))
        conversation = [*self._messages, {"role": "assistant", "content": list(self.blocks)}]
        try:
            raw = self._runtime.web_fetch(
                url, tool=self.fetch_tool, messages=conversation, tool_use_id=tool_use_id
            )
        except Exception:  # the API reports an internal tool failure as `unavailable`
            logger.exception("web_fetch runtime failed for %s", url)
            raw = web_fetch_error_block(tool_use_id, "unavailable")
        return _checked(raw, "web_fetch_tool_result", tool_use_id)

    def _search(self, tool_use_id: str, query: str) -> dict[str, Any]:
        assert self.search_tool is not None
        if self._uses["web_search"].take() is not None:
            return dict(web_search_error_block(tool_use_id, "max_uses_exceeded"))
        try:
            raw = self._runtime.web_search(query, tool=self.search_tool, tool_use_id=tool_use_id)
        except Exception:
            logger.exception("web_search runtime failed for %r", query)
            raw = web_search_error_block(tool_use_id, "unavailable")
        result = _checked(raw, "web_search_tool_result", tool_use_id)
        if isinstance(result.get("content"), list):  # "failed searches are not billed"
            self.web_search_requests += 1
        return result


def _granted_calls(blocks: Sequence[Mapping[str, Any]]) -> list[str]:
    """The tool names of ``blocks``' calls whose result is not ``max_uses_exceeded``."""
    names = {str(b.get("id")): str(b.get("name")) for b in blocks if b.get("type") == "server_tool_use"}
    granted: list[str] = []
    for block in blocks:
        if block.get("type") not in ("web_fetch_tool_result", "web_search_tool_result"):
            continue
        content = block.get("content")
        refused = isinstance(content, Mapping) and content.get("error_code") == "max_uses_exceeded"
        name = names.get(str(block.get("tool_use_id")))
        if name is not None and not refused:
            granted.append(name)
    return granted


def _tool_named(tools: Sequence[Mapping[str, Any]], name: str) -> Mapping[str, Any] | None:
    for tool in tools:
        if tool.get("name") == name and str(tool.get("type", "")).startswith(name + "_"):
            return tool
    return None
