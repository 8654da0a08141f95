"""Helpers for the emulator tests: a corpus-backed fake runtime, a fake clock, tool definitions.

``CorpusRuntime`` stands in for the lead's real runtime: it reads the pages of ``data/corpus`` straight
from disk (no HTTP), extracts them with the kit's ``extract_document``, applies the tool's domain
policy and ``citations`` setting, and answers searches with the kit's ``SearchIndex``. Any URL can be
told to fail with a given error code, and every call is recorded.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

from webfetch_kit.blocks import document_block, web_fetch_error_block, web_fetch_result_block
from webfetch_kit.clock import ManualClock
from webfetch_kit.reading.extract import Document, extract_document
from webfetch_kit.rules.policy import FetchPolicy
from webfetch_kit.search import SearchIndex

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
RETRIEVED_AT = "2025-11-01T12:00:00Z"
MODEL = "claude-sonnet-4-6"


@functools.cache
def _manifest() -> dict[str, tuple[Path, str]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return {
        f"https://{d['host']}{d['path']}": (CORPUS / d["file"], d["content_type"])
        for d in manifest["documents"]
    }


@functools.cache
def corpus_document(url: str) -> Document:
    path, content_type = _manifest()[url]
    return extract_document(path.read_bytes(), content_type, url)


@functools.cache
def _index() -> SearchIndex:
    return SearchIndex.from_corpus()


class FakeClock(ManualClock):
    """The kit's ManualClock, starting at the fixed time the cache tests' expectations assume."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        super().__init__(start)


class CorpusRuntime:
    """A ToolRuntime over the local corpus files (see the module docstring)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}
        self.raise_for: set[str] = set()
        self.fetch_calls: list[str] = []
        self.search_calls: list[str] = []
        self.seen_messages: list[Sequence[Mapping[str, Any]]] = []
        self._lock = threading.Lock()

    def web_fetch(
        self,
        url: str,
        *,
        tool: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        tool_use_id: str,
    ) -> Mapping[str, Any]:
        with self._lock:
            self.fetch_calls.append(url)
            self.seen_messages.append(messages)
        if url in self.raise_for:
            raise RuntimeError(f"runtime exploded on {url}")
        if url in self.errors:
            return web_fetch_error_block(tool_use_id, self.errors[url])
        policy = FetchPolicy.from_tool_param({k: v for k, v in tool.items() if k != "cache_control"})
        verdict = policy.check(url)
        if not verdict.allowed:
            return web_fetch_error_block(tool_use_id, verdict.error_code or "url_not_allowed")
        if url not in _manifest():
            return web_fetch_error_block(tool_use_id, "url_not_accessible")
        doc = corpus_document(url)
        if doc.source_bytes is not None and doc.is_pdf:
            block = document_block(pdf=doc.source_bytes, title=doc.title, citations=policy.citations)
        else:
            block = document_block(text=doc.text, title=doc.title, citations=policy.citations)
        return web_fetch_result_block(tool_use_id, url, block, RETRIEVED_AT)

    def web_search(self, query: str, *, tool: Mapping[str, Any], tool_use_id: str) -> Mapping[str, Any]:
        with self._lock:
            self.search_calls.append(query)
        return _index().result_block(tool_use_id, query, max_results=3)


def fetch_tool(**options: Any) -> dict[str, Any]:
    """A web_fetch_20250910 tool definition with ``options``."""
    return {"type": "web_fetch_20250910", "name": "web_fetch", **options}


def search_tool(**options: Any) -> dict[str, Any]:
    """A web_search_20250305 tool definition with ``options``."""
    return {"type": "web_search_20250305", "name": "web_search", **options}


class PageRuntime:
    """A ToolRuntime that answers every fetch with one text document (``title`` None: no title line)."""

    def __init__(self, text: str, title: str | None = None) -> None:
        self.text = text
        self.title = title
        self.fetch_calls: list[str] = []

    def web_fetch(
        self,
        url: str,
        *,
        tool: Mapping[str, Any],
        messages: Sequence[Mapping[str, Any]],
        tool_use_id: str,
    ) -> Mapping[str, Any]:
        self.fetch_calls.append(url)
        citations = bool((tool.get("citations") or {}).get("enabled"))
        block = document_block(text=self.text, title=self.title, citations=citations)
        return web_fetch_result_block(tool_use_id, url, block, RETRIEVED_AT)

    def web_search(self, query: str, *, tool: Mapping[str, Any], tool_use_id: str) -> Mapping[str, Any]:
        return _index().result_block(tool_use_id, query, max_results=3)


def raw_post(url: str, body: Any, path: str = "/v1/messages", **headers: str) -> httpx.Response:
    """POST ``body`` (JSON, or bytes as they are) to the emulator at ``url`` with httpx."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    with httpx.Client(base_url=url, timeout=30) as http:
        return http.post(path, content=content, headers={"content-type": "application/json", **headers})


def sse(url: str, body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The (event name, data) pairs of a streamed request, read raw with httpx."""
    events: list[tuple[str, dict[str, Any]]] = []
    with (
        httpx.Client(base_url=url, timeout=30) as http,
        http.stream("POST", "/v1/messages", json={**body, "stream": True}) as response,
    ):
        assert response.status_code == 200, response.read()
        name = ""
        for line in response.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    return events
