"""Request validation as the Messages API does it, raising :class:`ApiError` with the API's wording.

Decisions (each follows the SDK's request types or the documentation; the emulator says so in its errors):

- ``messages`` must be a non-empty list of ``{"role", "content"}`` objects; any other key is rejected
  ("Extra inputs are not permitted"), including a message-level ``cache_control`` (the SDK puts
  ``cache_control`` on content blocks or at the request's top level, never on a message).
- Roles are ``user`` or ``assistant``; the first message must be ``user``. Consecutive turns of the same
  role are allowed: "Consecutive `user` or `assistant` turns in your request will be combined into a
  single turn" (``MessageCreateParams.messages``).
- Every message needs non-empty content, except an optional final ``assistant`` message (prefill).
- Tool types are those of the SDK's ``ToolUnionParam`` (GA); a request sent through the beta surface
  (``anthropic-beta`` header or ``?beta=true``) may also use ``BetaToolUnionParam`` types.
- Domain lists: "You can use either allowed_domains or blocked_domains, but not both in the same
  request" and "Domains should not include the HTTP/HTTPS scheme" (web fetch tool documentation). The
  checks are the kit's :class:`~webfetch_kit.rules.policy.FetchPolicy` (its ``PolicyError`` message kept).
- ``cache_control``: "You can define up to 4 cache breakpoints"; ``ttl`` is ``"5m"`` or ``"1h"``; and
  when TTLs are mixed, "cache entries with longer TTL must appear before shorter TTLs (i.e., a 1-hour
  cache entry must appear before any 5-minute cache entries)" (prompt caching documentation). A
  top-level ``cache_control`` "automatically applies a cache_control marker to the last cacheable block"
  (SDK) and counts as one of the four.
- An unknown model is a 404 ``not_found_error`` with message ``model: <name>``, as the API answers.
- The kit-made search results of the request may decode to at most 8 MiB in all (:mod:`.opaque`).
- ``thinking`` is read only to bill the tool definitions as measured with thinking on.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import PolicyError
from ..rules.policy import FetchPolicy
from .apierrors import ApiError
from .models import is_known_model
from .opaque import check_decoded_budget

__all__ = [
    "MAX_CACHE_BREAKPOINTS",
    "Breakpoint",
    "MessagesRequest",
    "known_tool_types",
    "validate_request",
]

MAX_CACHE_BREAKPOINTS = 4
_ROLES = ("user", "assistant")
_MESSAGE_KEYS = frozenset({"role", "content"})


@dataclass(frozen=True)
class Breakpoint:
    """A ``cache_control`` marker: where it sits (``path``) and its TTL."""

    path: str
    ttl: str


@dataclass(frozen=True)
class MessagesRequest:
    """A validated request, normalized: message content and ``system`` are always lists of blocks."""

    model: str
    max_tokens: int | None
    tools: list[dict[str, Any]]
    system: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    stream: bool
    breakpoints: tuple[Breakpoint, ...]
    thinking: bool = False
    """Extended thinking was asked for (the stand-in does not think; the tool definitions cost more)."""


def _literal_types(union: Any) -> frozenset[str]:
    found: set[str] = set()
    for member in typing.get_args(union):
        hint = typing.get_type_hints(member)["type"]
        stack = [hint]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                found.add(item)
            else:
                stack.extend(typing.get_args(item))
    return frozenset(found)


@functools.cache
def known_tool_types(beta: bool = False) -> frozenset[str]:
    """Tool ``type`` values of the SDK's ``ToolUnionParam`` (plus ``BetaToolUnionParam`` if ``beta``)."""
    from anthropic.types import ToolUnionParam

    types = _literal_types(ToolUnionParam)
    if beta:
        from anthropic.types.beta import BetaToolUnionParam

        types |= _literal_types(BetaToolUnionParam)
    return types


def _required(body: Mapping[str, Any], key: str) -> Any:
    if key not in body:
        raise ApiError.invalid(f"{key}: Field required")
    return body[key]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _block_list(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise ApiError.invalid(f"{where}: Input should be a valid string or a list of content blocks")
    blocks: list[dict[str, Any]] = []
    for j, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise ApiError.invalid(f"{where}.{j}: Input should be an object with a string `type`")
        if block["type"] == "text" and not isinstance(block.get("text"), str):
            raise ApiError.invalid(f"{where}.{j}.text: Field required (a string)")
        _check_structured_block(block, f"{where}.{j}")
        blocks.append(dict(block))
    return blocks


@functools.cache
def _structured_validators() -> dict[str, Any]:
    from anthropic.types import (
        DocumentBlockParam,
        ServerToolUseBlock,
        WebFetchToolResultBlock,
        WebSearchToolResultBlock,
    )
    from pydantic import TypeAdapter

    return {
        "server_tool_use": ServerToolUseBlock.model_validate,
        "web_fetch_tool_result": WebFetchToolResultBlock.model_validate,
        "web_search_tool_result": WebSearchToolResultBlock.model_validate,
        "document": TypeAdapter(DocumentBlockParam).validate_python,
    }


def _check_structured_block(block: Mapping[str, Any], where: str) -> None:
    """Blocks the kit reads field by field must have the SDK's shape (else a 400, never a 500 later).

    Server tool blocks echoed back from a response are checked with the SDK's response models (their
    optional fields accept what the SDK sends back); documents with ``DocumentBlockParam``.
    """
    from pydantic import ValidationError

    validate = _structured_validators().get(block["type"])
    if validate is None:
        return
    try:
        validate(block)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"])
        raise ApiError.invalid(f"{where}.{location}: {first['msg']}") from exc


def _messages(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise ApiError.invalid("messages: Input should be a valid list")
    if not raw:
        raise ApiError.invalid("messages: at least one message is required")
    out: list[dict[str, Any]] = []
    for i, message in enumerate(raw):
        if not isinstance(message, dict):
            raise ApiError.invalid(f"messages.{i}: Input should be a valid dictionary")
        extra = sorted(set(message) - _MESSAGE_KEYS)
        if extra:
            raise ApiError.invalid(f"messages.{i}.{extra[0]}: Extra inputs are not permitted")
        role = _required_in(message, "role", f"messages.{i}")
        if role not in _ROLES:
            raise ApiError.invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        blocks = _block_list(_required_in(message, "content", f"messages.{i}"), f"messages.{i}.content")
        is_final_assistant = i == len(raw) - 1 and role == "assistant"
        if not blocks and not is_final_assistant:
            raise ApiError.invalid(
                f"messages.{i}: all messages must have non-empty content except for the optional "
                "final assistant message"
            )
        out.append({"role": role, "content": blocks})
    if out[0]["role"] != "user":
        raise ApiError.invalid('messages: first message must use the "user" role')
    return out


def _required_in(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise ApiError.invalid(f"{where}.{key}: Field required")
    return obj[key]


def _system(raw: Any) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if isinstance(raw, str):
        return [{"type": "text", "text": raw}] if raw else []
    blocks = _block_list(raw, "system")
    for j, block in enumerate(blocks):
        if block["type"] != "text":
            raise ApiError.invalid(f"system.{j}.type: Input should be 'text'")
    return blocks


def _check_domains(tool: Mapping[str, Any], where: str) -> None:
    """The kit's FetchPolicy checks: both lists, schemes, wildcards, version keys (its message kept)."""
    try:
        if str(tool.get("type", "")).startswith("web_fetch_"):
            FetchPolicy.from_tool_definition(tool)
        elif str(tool.get("type", "")).startswith("web_search_"):
            FetchPolicy(
                allowed_domains=tool.get("allowed_domains"), blocked_domains=tool.get("blocked_domains")
            )
    except PolicyError as exc:
        raise ApiError.invalid(f"{where}: {exc}") from exc


def _tools(raw: Any, *, beta: bool) -> list[dict[str, Any]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ApiError.invalid("tools: Input should be a valid list")
    known = known_tool_types(beta)
    names: set[str] = set()
    out: list[dict[str, Any]] = []
    for i, tool in enumerate(raw):
        where = f"tools.{i}"
        if not isinstance(tool, dict):
            raise ApiError.invalid(f"{where}: Input should be a valid dictionary")
        tool_type = tool.get("type", "custom")
        if not isinstance(tool_type, str):
            raise ApiError.invalid(f"{where}.type: Input should be a valid string")
        if tool_type not in known:
            raise ApiError.invalid(
                f"{where}: Input tag {tool_type!r} found using 'type' does not match any of the expected "
                f"tags: {', '.join(sorted(known))}"
            )
        name = tool.get("name")
        if not isinstance(name, str) or not name:
            raise ApiError.invalid(f"{where}.name: Field required")
        for server in ("web_fetch", "web_search"):
            if tool_type.startswith(server + "_") and name != server:
                raise ApiError.invalid(f"{where}.name: Input should be '{server}'")
        if tool_type == "custom" and not isinstance(tool.get("input_schema"), dict):
            raise ApiError.invalid(f"{where}.input_schema: Field required")
        if name in names:
            raise ApiError.invalid("tools: Tool names must be unique.")
        names.add(name)
        max_uses = tool.get("max_uses")
        if max_uses is not None and (not _is_int(max_uses) or max_uses < 1):
            raise ApiError.invalid(f"{where}.max_uses: Input should be greater than or equal to 1")
        _check_domains(tool, where)
        out.append(dict(tool))
    return out


def _cache_control_paths(
    tools: Sequence[Mapping[str, Any]],
    system: Sequence[Mapping[str, Any]],
    messages: Sequence[Mapping[str, Any]],
) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for i, tool in enumerate(tools):
        if tool.get("cache_control") is not None:
            found.append((f"tools.{i}", tool["cache_control"]))
    for j, block in enumerate(system):
        if block.get("cache_control") is not None:
            found.append((f"system.{j}", block["cache_control"]))
    for i, message in enumerate(messages):
        for j, block in enumerate(message["content"]):
            if block.get("cache_control") is not None:
                found.append((f"messages.{i}.content.{j}", block["cache_control"]))
    return found


def _ttl(cache_control: Any, where: str) -> str:
    if not isinstance(cache_control, dict) or cache_control.get("type") != "ephemeral":
        raise ApiError.invalid(f"{where}.cache_control.type: Input should be 'ephemeral'")
    ttl = cache_control.get("ttl", "5m")
    if ttl not in ("5m", "1h"):
        raise ApiError.invalid(f"{where}.cache_control.ttl: Input should be '5m' or '1h'")
    return str(ttl)


def _breakpoints(found: list[tuple[str, Any]], top_level: Any) -> tuple[Breakpoint, ...]:
    points = [Breakpoint(path, _ttl(cc, path)) for path, cc in found]
    if top_level is not None:
        points.append(Breakpoint("cache_control", _ttl(top_level, "request")))
    if len(points) > MAX_CACHE_BREAKPOINTS:
        raise ApiError.invalid(
            f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {len(points)}."
        )
    # "cache entries with longer TTL must appear before shorter TTLs" (prompt caching documentation).
    seen_5m: Breakpoint | None = None
    for point in points:
        if point.ttl == "5m" and seen_5m is None:
            seen_5m = point
        elif point.ttl == "1h" and seen_5m is not None:
            raise ApiError.invalid(
                f"{point.path}.cache_control: a ttl='1h' cache_control block must not come after a "
                f"ttl='5m' cache_control block ({seen_5m.path}): cache entries with longer TTL must "
                "appear before shorter TTLs"
            )
    return tuple(points)


def validate_request(body: Any, *, beta: bool = False, count_only: bool = False) -> MessagesRequest:
    """Validate a ``/v1/messages`` (or ``count_tokens`` when ``count_only``) body as the API does.

    Raises:
        ApiError: 400 ``invalid_request_error`` for a malformed request, 404 ``not_found_error`` for an
            unknown model.
    """
    if not isinstance(body, dict):
        raise ApiError.invalid("The request body must be a JSON object")
    model = _required(body, "model")
    if not isinstance(model, str) or not model:
        raise ApiError.invalid("model: Input should be a valid string")
    max_tokens: int | None = None
    if not count_only:
        max_tokens = _required(body, "max_tokens")
        if not _is_int(max_tokens):
            raise ApiError.invalid("max_tokens: Input should be a valid integer")
        assert max_tokens is not None
        if max_tokens < 1:
            raise ApiError.invalid("max_tokens: Input should be greater than or equal to 1")
    messages = _messages(_required(body, "messages"))
    system = _system(body.get("system"))
    tools = _tools(body.get("tools"), beta=beta)
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError.invalid("stream: Input should be a valid boolean")
    if count_only and stream:
        raise ApiError.invalid("stream: Extra inputs are not permitted")
    top_level = body.get("cache_control")
    breakpoints = _breakpoints(_cache_control_paths(tools, system, messages), top_level)
    thinking = body.get("thinking")
    if thinking is not None and not (isinstance(thinking, dict) and isinstance(thinking.get("type"), str)):
        raise ApiError.invalid("thinking: Input should be an object with a string `type`")
    check_decoded_budget(messages)
    if not is_known_model(model):
        raise ApiError(404, "not_found_error", f"model: {model}")
    return MessagesRequest(
        model=model,
        max_tokens=max_tokens,
        tools=tools,
        system=system,
        messages=messages,
        stream=stream,
        breakpoints=breakpoints,
        thinking=thinking is not None and thinking["type"] != "disabled",
    )
