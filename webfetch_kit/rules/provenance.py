"""Which URLs are in the conversation so far, and where each came from.

The documentation ("URL validation"): "the web fetch tool can only fetch URLs that have previously
appeared in the conversation context. This includes: URLs in user messages; URLs in client-side tool
results; URLs from previous web search or web fetch results. The tool cannot fetch arbitrary URLs that
Claude generates or URLs from container-based server tools (Code Execution, Bash, etc.)."

So assistant ``text`` never adds a URL, and neither do code-execution or MCP results. Matching is exact
after :func:`~webfetch_kit.rules.urls.canonical_url`: never a prefix match, or a model could append
``?q=<secret>`` to a URL it has seen and send data out.

Newer tool versions carry ``url_sources`` (the SDK's ``WebFetchURLSourcesParam``): ``user_input`` is
``all`` or ``none``; ``client_tool_results`` and ``server_tool_results`` are ``all``, ``none``, ``only``
or ``except`` a list of tool names ("only web_search and web_fetch results ever contribute"). Omitted
means every source. The ledger records every source and applies ``url_sources`` when asked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..blocks import content_blocks, plain
from ..errors import PolicyError
from ..problem import Problem
from .urls import ParsedUrl, parse_fetch_url
from .verdict import Verdict

if TYPE_CHECKING:
    from anthropic.types import WebFetchURLSourcesParam

__all__ = ["Provenance", "UrlLedger", "check_url_sources", "extract_urls"]

_SERVER_RESULT_TOOLS = {"web_search_tool_result": "web_search", "web_fetch_tool_result": "web_fetch"}
_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?'\""
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_URL_SOURCE_KEYS = {"user_input", "client_tool_results", "server_tool_results"}


@dataclass(frozen=True)
class Provenance:
    """One place a URL was seen: ``kind`` is ``user_input``, ``client_tool_result`` or
    ``server_tool_result``; ``tool_name`` names the tool for tool results; ``message_index`` is the
    position of the message in the conversation."""

    kind: str
    tool_name: str | None
    message_index: int


def extract_urls(text: str) -> list[str]:
    """Find http(s) URLs in free text, trimming trailing punctuation the way linkifiers do.

    Trailing ``.,;:!?'"`` are dropped, and a closing ``)``, ``]`` or ``}`` is dropped when it has no
    opening partner inside the URL (``https://en.wikipedia.org/wiki/Foo_(bar)`` keeps its ``)``).

    Args:
        text: any text.

    Returns:
        The URLs in order of appearance (duplicates kept).
    """
    found: list[str] = []
    for match in _URL.finditer(text):
        url = match.group(0)
        while url:
            last = url[-1]
            unbalanced = last in _CLOSERS and url.count(last) > url.count(_CLOSERS[last])
            if last not in _TRAILING and not unbalanced:
                break
            url = url[:-1]
        if re.fullmatch(r"https?://", url, re.IGNORECASE) is None:
            found.append(url)
    return found


def _tool_result_parts(content: Any) -> tuple[list[str], list[str]]:
    """(exact URLs, texts to scan) of a tool_result's content: a string, text blocks, documents."""
    urls: list[str] = []
    texts: list[str] = []
    for block in content_blocks(content):
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            texts.append(block["text"])
        elif block.get("type") == "document":
            more_urls, more_texts = _document_parts(block)
            urls += more_urls
            texts += more_texts
    return urls, texts


def _document_parts(block: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(exact URLs, texts to scan) of a document block.

    A ``url`` source names its URL exactly (recorded as is: trimming it like prose would cut
    ``…/it's-here`` to ``…/it``); a ``text`` source is prose whose URLs are extracted.
    """
    source = plain(block.get("source"))
    if not isinstance(source, dict):
        return [], []
    if source.get("type") == "url" and isinstance(source.get("url"), str):
        return [source["url"]], []
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        return [], [source["data"]]
    return [], []


def check_url_sources(value: object) -> None:
    """Validate a ``url_sources`` dict (the SDK's ``WebFetchURLSourcesParam``); None is valid (every source).

    Raises:
        PolicyError: an unknown key, a ``type`` the key does not take, or ``only``/``except`` without a
            list of ``{'type': 'tool_reference', 'name': ...}``.
    """
    if value is None:
        return
    if not isinstance(value, Mapping):
        raise PolicyError(
            f"url_sources must be a dict like {{'user_input': {{'type': 'all'}}}}, got {value!r}"
        )
    for key, spec in value.items():
        if key not in _URL_SOURCE_KEYS:
            raise PolicyError(
                f"url_sources has an unknown key {key!r}: use one of {sorted(_URL_SOURCE_KEYS)}"
            )
        kinds = ("all", "none") if key == "user_input" else ("all", "none", "only", "except")
        kind = spec.get("type") if isinstance(spec, Mapping) else None
        if kind not in kinds:
            raise PolicyError(f"url_sources[{key!r}] must have 'type' one of {list(kinds)}, got {spec!r}")
        if kind in ("only", "except"):
            tools = spec.get("tools")
            if not isinstance(tools, Sequence) or not all(
                isinstance(t, Mapping)
                and t.get("type") == "tool_reference"
                and isinstance(t.get("name"), str)
                for t in tools
            ):
                raise PolicyError(
                    f"url_sources[{key!r}] needs 'tools': a list of "
                    "{'type': 'tool_reference', 'name': TOOL_NAME}"
                )


class UrlLedger:
    """The URLs present in a conversation so far, with where each came from.

    Args:
        url_sources: the tool's ``url_sources`` (None means every source counts).
    """

    def __init__(self, url_sources: WebFetchURLSourcesParam | None = None) -> None:
        check_url_sources(url_sources)  # FetchPolicy validates its url_sources here too
        self.url_sources = url_sources
        self._seen: dict[str, list[Provenance]] = {}
        self._tool_names: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"UrlLedger({len(self._seen)} URLs, url_sources={self.url_sources!r})"

    def __len__(self) -> int:
        return len(self._seen)

    def urls(self) -> list[str]:
        """Every URL seen (canonical form), whatever ``url_sources`` says."""
        return list(self._seen)

    def add(self, url: str, provenance: Provenance) -> bool:
        """Record one URL by hand; returns False (and records nothing) when the URL is not fetchable."""
        parsed = parse_fetch_url(url)
        if isinstance(parsed, Problem):
            return False
        sources = self._seen.setdefault(parsed.canonical, [])
        if provenance not in sources:
            sources.append(provenance)
        return True

    def _add_text(self, text: str, provenance: Provenance) -> None:
        for url in extract_urls(text):
            self.add(url, provenance)

    def observe(self, messages: Iterable[Any]) -> None:
        """Collect URLs from a conversation (SDK ``MessageParam`` dicts or SDK ``Message`` objects).

        Pass the whole conversation so far; observing it again is harmless (sources are de-duplicated),
        and ``message_index`` is the position in what you pass.

        Args:
            messages: the messages, oldest first.
        """
        dicts = [plain(m) for m in messages]
        for message in dicts:
            if isinstance(message, dict):
                for block in content_blocks(message.get("content")):
                    if block.get("type") in ("tool_use", "server_tool_use") and isinstance(
                        block.get("id"), str
                    ):
                        self._tool_names[block["id"]] = str(block.get("name"))
        for index, message in enumerate(dicts):
            if not isinstance(message, dict):
                continue
            role = message.get("role")
            for block in content_blocks(message.get("content")):
                self._observe_block(block, role, index)

    def _add_parts(self, parts: tuple[list[str], list[str]], provenance: Provenance) -> None:
        urls, texts = parts
        for url in urls:
            self.add(url, provenance)
        for text in texts:
            self._add_text(text, provenance)

    def _observe_block(self, block: dict[str, Any], role: Any, index: int) -> None:
        kind = block.get("type")
        if role == "user" and kind == "text" and isinstance(block.get("text"), str):
            self._add_text(block["text"], Provenance("user_input", None, index))
        elif role == "user" and kind == "document":
            self._add_parts(_document_parts(block), Provenance("user_input", None, index))
        elif kind == "tool_result":
            name = self._tool_names.get(str(block.get("tool_use_id")))
            self._add_parts(
                _tool_result_parts(block.get("content")), Provenance("client_tool_result", name, index)
            )
        elif kind in _SERVER_RESULT_TOOLS:
            name = _SERVER_RESULT_TOOLS[kind]
            provenance = Provenance("server_tool_result", name, index)
            content = plain(block.get("content"))
            if kind == "web_search_tool_result":
                for result in content_blocks(content):
                    if isinstance(result.get("url"), str):
                        self.add(result["url"], provenance)
            elif isinstance(content, dict) and content.get("type") == "web_fetch_result":
                if isinstance(content.get("url"), str):
                    self.add(content["url"], provenance)
                document = plain(content.get("content"))
                if isinstance(document, dict):
                    source = plain(document.get("source"))
                    if isinstance(source, dict) and source.get("type") == "text":
                        self._add_text(str(source.get("data", "")), provenance)

    def sources(self, url: str) -> list[Provenance]:
        """Where ``url`` was seen (empty when never, or when it is not a valid URL)."""
        parsed = parse_fetch_url(url)
        if isinstance(parsed, Problem):
            return []
        return list(self._seen.get(parsed.canonical, []))

    def _admits(self, provenance: Provenance) -> bool:
        sources = self.url_sources or {}
        if provenance.kind == "user_input":
            return sources.get("user_input", {"type": "all"})["type"] == "all"
        key = "client_tool_results" if provenance.kind == "client_tool_result" else "server_tool_results"
        spec: Mapping[str, Any] = sources.get(key, {"type": "all"})  # type: ignore[assignment]
        names = {t["name"] for t in spec.get("tools", ())}
        kind = spec["type"]
        if kind == "all":
            return True
        if kind == "only":
            return provenance.tool_name in names
        if kind == "except":
            return provenance.tool_name not in names
        return False

    def check(self, url: str | ParsedUrl) -> Verdict:
        """Whether ``url`` appeared in the conversation through a source ``url_sources`` admits.

        Args:
            url: the URL the model asked for, or the :class:`~webfetch_kit.rules.urls.ParsedUrl` the
                policy's verdict carries (the fetcher passes that one, so the URL is not parsed again).

        Returns:
            A :class:`~webfetch_kit.rules.verdict.Verdict`; refused with ``url_not_in_prior_context`` (or
            the URL validation codes).
        """
        parsed = parse_fetch_url(url) if isinstance(url, str) else url
        if isinstance(parsed, Problem):
            return Verdict.refuse(parsed)
        seen = self._seen.get(parsed.canonical, [])
        if not seen:
            return _not_seen(
                "This exact URL has not appeared in the conversation, so it cannot be fetched.", parsed
            )
        for provenance in seen:
            if self._admits(provenance):
                where = provenance.kind.replace("_", " ")
                tool = f" ({provenance.tool_name})" if provenance.tool_name else ""
                return Verdict.allow(
                    f"The URL appeared in message {provenance.message_index}: {where}{tool}.", url=parsed
                )
        return _not_seen("The URL appeared only in sources that url_sources leaves out.", parsed)

    def permits(self, url: str | ParsedUrl) -> bool:
        """Whether ``url`` may be fetched: :meth:`check` allowed it."""
        return self.check(url).allowed


def _not_seen(reason: str, parsed: ParsedUrl) -> Verdict:
    return Verdict.refuse(Problem("url_not_in_prior_context", reason), url=parsed)
