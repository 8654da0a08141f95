"""An offline Messages API subset on 127.0.0.1 that the real ``anthropic`` client talks to.

Start :class:`EmulatorServer` with a :class:`ToolRuntime` and point the SDK at it::

    with EmulatorServer(runtime) as emulator:
        client = anthropic.Anthropic(base_url=emulator.url, api_key="offline")
        message = client.messages.create(model="claude-sonnet-4-5", max_tokens=1024, messages=[...])

Modules: :mod:`.server` (HTTP), :mod:`.validation` (400s as the API words them), :mod:`.engine` (one
turn), :mod:`.standin` (the extractive stand-in model, not Claude), :mod:`.runtime` (server tool
protocol and ``max_uses``), :mod:`.documents` (document indexing for citations), :mod:`.prefix`
(block-by-block token counting), :mod:`.promptcache` (cache accounting), :mod:`.usage`,
:mod:`.streaming` (SSE), :mod:`.batches` (Message Batches: the store and its worker pool) and
:mod:`.batchapi` (their endpoints).
"""

from __future__ import annotations

from .apierrors import ApiError, error_body
from .batches import BatchStore
from .documents import DocumentRef, find_documents
from .engine import EMULATOR_INFO, Engine, Turn
from .prefix import PrefixBlock, block_tokens, canonical_json, prefix_blocks, render_block
from .promptcache import CachePlan, PromptCache
from .runtime import RuntimeContractError, ServerTools, ToolRuntime
from .server import EMULATOR_HEADER, EmulatorServer
from .standin import STANDIN_NAME
from .validation import MessagesRequest, validate_request

__all__ = [
    "EMULATOR_HEADER",
    "EMULATOR_INFO",
    "STANDIN_NAME",
    "ApiError",
    "BatchStore",
    "CachePlan",
    "DocumentRef",
    "EmulatorServer",
    "Engine",
    "MessagesRequest",
    "PrefixBlock",
    "PromptCache",
    "RuntimeContractError",
    "ServerTools",
    "ToolRuntime",
    "Turn",
    "block_tokens",
    "canonical_json",
    "error_body",
    "find_documents",
    "prefix_blocks",
    "render_block",
    "validate_request",
]
