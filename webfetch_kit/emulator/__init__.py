"""An offline Messages API subset on 127.0.0.1 that the real ``anthropic`` client talks to.

Start :class:`EmulatorServer` with a :class:`ToolRuntime` and point the SDK at it::

    with EmulatorServer(runtime) as emulator:
        client = anthropic.Anthropic(base_url=emulator.url, api_key="offline")
        message = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=[...])

Pass ``seed=`` to get the same ids from the same requests (lessons' golden cells, tests).

Modules: :mod:`.server` (HTTP), :mod:`.body` (reading a body safely), :mod:`.validation` (400s as the
API words them), :mod:`.opaque` (the decoded-bytes budget), :mod:`.engine` (one turn),
:mod:`.standin` (the extractive stand-in model, not Claude; ``pause_turn``), :mod:`.runtime` (server
tool protocol and ``max_uses``), :mod:`.documents` (documents and search results to quote),
:mod:`.shapes` (blocks as recorded), :mod:`.ids`, :mod:`.prefix` (the prompt in cache order, in
estimated Claude tokens), :mod:`.promptcache` (cache accounting), :mod:`.usage` (usage as the API
reports it, from :mod:`webfetch_kit.accounting`), :mod:`.streaming` (SSE), :mod:`.batches`
(Message Batches: the store and its worker pool) and :mod:`.batchapi` (their endpoints).
"""

from __future__ import annotations

from .apierrors import ApiError, error_body
from .batches import BatchStore
from .documents import DocumentRef, find_documents
from .engine import EMULATOR_INFO, Engine, Turn
from .ids import IdSource
from .prefix import PrefixBlock, canonical_json, prefix_blocks, prompt_estimate
from .promptcache import CachePlan, PromptCache
from .runtime import RuntimeContractError, ServerTools, ToolRuntime
from .server import EMULATOR_HEADER, NOTE_HEADER, EmulatorServer
from .standin import MAX_CALLS_PER_RESPONSE, STANDIN_NAME
from .validation import MessagesRequest, validate_request

__all__ = [
    "EMULATOR_HEADER",
    "EMULATOR_INFO",
    "MAX_CALLS_PER_RESPONSE",
    "NOTE_HEADER",
    "STANDIN_NAME",
    "ApiError",
    "BatchStore",
    "CachePlan",
    "DocumentRef",
    "EmulatorServer",
    "Engine",
    "IdSource",
    "MessagesRequest",
    "PrefixBlock",
    "PromptCache",
    "RuntimeContractError",
    "ServerTools",
    "ToolRuntime",
    "Turn",
    "canonical_json",
    "error_body",
    "find_documents",
    "prefix_blocks",
    "prompt_estimate",
    "validate_request",
]
