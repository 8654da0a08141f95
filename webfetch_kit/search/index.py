"""An offline web search over the local corpus: SQLite FTS5 with BM25 ranking, SDK-shaped result blocks.

The emulator's ``web_search`` server tool and notebook 4 ("Search, then fetch") use this module; nothing in
it needs a server or the network.

How a query runs:

1. The free-text query is checked against ``MAX_QUERY_CHARS`` (longer → ``query_too_long``, one of the
   SDK's ``WebSearchToolResultErrorCode`` values; the API does not publish its own limit, this one is the
   kit's choice).
2. It is split into words (:mod:`.terms`: letters and digits only, no stop words, at most
   ``MAX_QUERY_TERMS``), and each word is quoted as an FTS5 string. The words are joined with ``OR``, so a
   page matching some of the words still ranks.
3. FTS5's ``bm25()`` ranks the matches with the title weighted ``TITLE_WEIGHT`` times the body and the
   meta description ``DESCRIPTION_WEIGHT`` times (all Porter-stemmed, so "caching" matches "cache").
   Equal scores are ordered by URL, so results never depend on insertion order.
4. Domain filters go through :class:`webfetch_kit.rules.domains.DomainLists`, the same label-boundary
   matcher the fetch policy uses: ``example.com`` admits ``docs.example.com`` but not ``badexample.com``.

Each result carries its page text in ``encrypted_content`` (:mod:`.encrypted`: encoded, not encrypted) and
its ``page_age`` (:mod:`.page_age`); give ``now=`` to :meth:`SearchIndex.from_corpus` for relative ages
(``"3 days ago"``), computed once when the index is built.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..blocks import web_search_error_block, web_search_result, web_search_result_block
from ..errors import ConfigError, SearchError, check_positive_int
from ..problem import Problem
from .encrypted import ENCODED_TEXT_CHARS, encode_encrypted_content
from .page_age import format_page_age
from .terms import match_expression, query_terms

if TYPE_CHECKING:
    from anthropic.types import WebSearchToolResultBlockParam

    from .._data import CorpusDocument
    from ..problem import SearchErrorCode

__all__ = [
    "DESCRIPTION_WEIGHT",
    "MAX_QUERY_CHARS",
    "TITLE_WEIGHT",
    "SearchDocument",
    "SearchHit",
    "SearchIndex",
    "SearchOutcome",
]

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
"""Longest query accepted, in characters; longer queries fail with ``query_too_long``."""
TITLE_WEIGHT = 5.0
"""BM25 weight of the title column relative to the body (1.0)."""
DESCRIPTION_WEIGHT = 2.0
"""BM25 weight of the description column relative to the body (1.0)."""

_SCHEMA_VERSION = 2
_SNIPPET_TOKENS = 32
_TOKENIZER = "porter unicode61 remove_diacritics 2"


@dataclass(frozen=True)
class SearchDocument:
    """One page of the searchable corpus.

    Stage: search's input, what the index stores (made from a corpus entry and its extracted text, or
    given by a caller to :meth:`SearchIndex.from_documents`).
    ``description`` (a page's meta description) is searched, weighted ``DESCRIPTION_WEIGHT``, but is
    not part of the text carried in ``encrypted_content``.
    """

    url: str
    title: str
    text: str
    page_age: str | None = None
    description: str = ""


@dataclass(frozen=True)
class SearchHit:
    """One ranked result: ``score`` is ``-bm25`` (higher is better), ``snippet`` a plain-text excerpt."""

    url: str
    title: str
    page_age: str | None
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchOutcome:
    """The result of one tool-level search: hits, or a :class:`~webfetch_kit.problem.Problem` (the error
    code the tool reports and a sentence for people)."""

    query: str
    hits: tuple[SearchHit, ...] = ()
    problem: Problem | None = None
    texts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the search ran (possibly with zero hits)."""
        return self.problem is None

    @property
    def error_code(self) -> SearchErrorCode | None:
        """The failure's error code (``problem.code``), None when the search ran."""
        return None if self.problem is None else self.problem.code  # type: ignore[return-value]

    def to_block(
        self, tool_use_id: str, *, max_content_chars: int = ENCODED_TEXT_CHARS
    ) -> WebSearchToolResultBlockParam:
        """The ``web_search_tool_result`` block for this outcome, in the SDK's exact shape.

        Args:
            tool_use_id: The id of the ``server_tool_use`` block this result answers.
            max_content_chars: Cap on the page text encoded into each ``encrypted_content``.
        """
        if self.problem is not None:
            return web_search_error_block(tool_use_id, self.problem.code)
        results = [
            web_search_result(
                url=hit.url,
                title=hit.title,
                page_age=hit.page_age,
                encrypted_content=encode_encrypted_content(hit.url, hit.title, text[:max_content_chars]),
            )
            for hit, text in zip(self.hits, self.texts, strict=True)
        ]
        return web_search_result_block(tool_use_id, results)


def _fingerprint_documents(documents: Sequence[SearchDocument]) -> str:
    digest = hashlib.sha256(f"schema={_SCHEMA_VERSION};tokenizer={_TOKENIZER}\n".encode())
    for doc in documents:
        record = json.dumps([doc.url, doc.title, doc.text, doc.page_age, doc.description], ensure_ascii=False)
        digest.update(record.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, title TEXT NOT NULL, body TEXT NOT NULL,
    description TEXT NOT NULL, page_age TEXT
);
CREATE VIRTUAL TABLE pages USING fts5(
    title, body, description, content='documents', content_rowid='id', tokenize='{_TOKENIZER}'
);
"""


def _populate(connection: sqlite3.Connection, documents: Sequence[SearchDocument], fingerprint: str) -> None:
    seen: set[str] = set()
    for doc in documents:
        if doc.url in seen:
            raise ConfigError(f"duplicate search document URL {doc.url!r}: each page must appear once")
        seen.add(doc.url)
    with connection:
        connection.executescript(_SCHEMA)
        connection.executemany(
            "INSERT INTO documents (url, title, body, description, page_age) VALUES (?, ?, ?, ?, ?)",
            ((doc.url, doc.title, doc.text, doc.description, doc.page_age) for doc in documents),
        )
        connection.execute(
            "INSERT INTO pages (rowid, title, body, description)"
            " SELECT id, title, body, description FROM documents"
        )
        connection.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("fingerprint", fingerprint), ("schema", str(_SCHEMA_VERSION))],
        )


def _stored_fingerprint(path: Path) -> str | None:
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


class SearchIndex:
    """A BM25 full-text index over pages, searchable from many threads at once.

    Build one with :meth:`from_documents` or :meth:`from_corpus`; use it as a context manager or call
    :meth:`close`. ``reused`` is True when an on-disk index was opened as is instead of being rebuilt.
    """

    def __init__(self, connection: sqlite3.Connection, *, fingerprint: str, reused: bool) -> None:
        self._connection = connection
        self._lock = threading.Lock()
        self.fingerprint = fingerprint
        self.reused = reused

    @classmethod
    def from_documents(
        cls, documents: Iterable[SearchDocument], *, path: str | os.PathLike[str] | None = None
    ) -> SearchIndex:
        """Index ``documents``, in memory or cached in an SQLite file.

        Args:
            documents: The pages to index; URLs must be unique.
            path: Where to cache the index. An existing file whose fingerprint (a hash of every
                document and of the index schema) matches is reused; otherwise it is rebuilt and
                replaced atomically. None keeps the index in memory.

        Returns:
            The index, ready to search.

        Raises:
            ConfigError: When two documents share a URL.
        """
        docs = list(documents)
        return cls._open(_fingerprint_documents(docs), lambda: docs, path)

    @classmethod
    def from_corpus(
        cls,
        *,
        path: str | os.PathLike[str] | None = None,
        now: datetime | None = None,
        root: Path | None = None,
    ) -> SearchIndex:
        """Index the local corpus (``data/corpus/manifest.json``).

        Each file is read and turned into text with
        :func:`webfetch_kit.reading.extract.extract_document`; PDFs contribute their page text; files of an
        unsupported type are skipped. With ``path``, the cache is keyed on the manifest and the bytes of
        every file, so an unchanged corpus is not re-extracted.

        Args:
            path: Where to cache the index (see :meth:`from_documents`); None keeps it in memory.
            now: Gives relative ``page_age`` strings (see :func:`format_page_age`); None writes dates.
            root: A corpus folder laid out like ``data/corpus`` (default: the project's corpus).

        Returns:
            The index, ready to search.
        """
        from .._data import documents as corpus_documents

        entries = corpus_documents(root)
        relative_to = now.date().isoformat() if now else ""
        digest = hashlib.sha256(
            f"schema={_SCHEMA_VERSION};tokenizer={_TOKENIZER};corpus;now={relative_to}\n".encode()
        )
        bodies = [entry.file.read_bytes() for entry in entries]  # read once: hashed here, indexed below
        for entry, body in zip(entries, bodies, strict=True):
            digest.update(repr(entry).encode("utf-8"))
            digest.update(hashlib.sha256(body).digest())
        return cls._open(digest.hexdigest(), lambda: _corpus_search_documents(entries, bodies, now), path)

    @classmethod
    def _open(
        cls,
        fingerprint: str,
        load: Callable[[], Sequence[SearchDocument]],
        path: str | os.PathLike[str] | None,
    ) -> SearchIndex:
        if path is None:
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            _populate(connection, load(), fingerprint)
            return cls(connection, fingerprint=fingerprint, reused=False)
        target = Path(path)
        reused = target.is_file() and _stored_fingerprint(target) == fingerprint
        if not reused:
            target.parent.mkdir(parents=True, exist_ok=True)
            # Build beside the target and rename over it, so a reader never opens a half-built index.
            handle, scratch = tempfile.mkstemp(prefix=target.name, suffix=".tmp", dir=target.parent)
            os.close(handle)
            try:
                builder = sqlite3.connect(scratch)
                try:
                    _populate(builder, load(), fingerprint)
                finally:
                    builder.close()
                os.replace(scratch, target)
            except BaseException:
                Path(scratch).unlink(missing_ok=True)
                raise
            logger.info("built search index %s", target)
        connection = sqlite3.connect(target, check_same_thread=False)
        return cls(connection, fingerprint=fingerprint, reused=reused)

    def __len__(self) -> int:
        with self._lock:
            row = self._connection.execute("SELECT count(*) FROM documents").fetchone()
        return int(row[0])

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying SQLite connection."""
        with self._lock:
            self._connection.close()

    def run(
        self,
        query: object,
        *,
        max_results: int = 5,
        allowed_domains: Sequence[str] | None = None,
        blocked_domains: Sequence[str] | None = None,
    ) -> SearchOutcome:
        """Run a search as the tool does: any query gives an outcome, failures carry an error code.

        Args:
            query: The tool input's ``query``; a non-string is ``invalid_tool_input``.
            max_results: Most hits to return (at least 1).
            allowed_domains: Only URLs on these domains (subdomains included).
            blocked_domains: Never URLs on these domains (subdomains included).

        Returns:
            The outcome; ``outcome.to_block(tool_use_id)`` gives the result block.

        Raises:
            ConfigError: When ``max_results`` is below 1 or the domain lists are invalid (both set,
                a scheme in a domain, ...) — a setup mistake, as the API rejects such a request outright.
        """
        if not isinstance(query, str):
            return SearchOutcome(
                query=repr(query),
                problem=Problem(
                    "invalid_tool_input", f"the query must be a string, got {type(query).__name__}"
                ),
            )
        rows = self._rows(query, max_results, allowed_domains, blocked_domains)
        if isinstance(rows, Problem):
            return SearchOutcome(query=query, problem=rows)
        hits = tuple(row[0] for row in rows)
        return SearchOutcome(query=query, hits=hits, texts=tuple(row[1] for row in rows))

    def search(
        self,
        query: str,
        *,
        max_results: int = 5,
        allowed_domains: Sequence[str] | None = None,
        blocked_domains: Sequence[str] | None = None,
    ) -> list[SearchHit]:
        """Search the index with a free-text query.

        Args:
            query: Words from a user's question; operators and punctuation are ignored. An empty or
                stop-word-only query gives no hits.
            max_results: Most hits to return (at least 1).
            allowed_domains: Only URLs on these domains (subdomains included).
            blocked_domains: Never URLs on these domains (subdomains included).

        Returns:
            Hits, best first; equal scores ordered by URL.

        Raises:
            SearchError: With ``error_code="query_too_long"`` when the query exceeds ``MAX_QUERY_CHARS``.
            ConfigError: When ``max_results`` is below 1 or the domain lists are invalid.
        """
        rows = self._rows(query, max_results, allowed_domains, blocked_domains)
        if isinstance(rows, Problem):
            raise SearchError(rows)
        return [hit for hit, _ in rows]

    def result_block(
        self,
        tool_use_id: str,
        query: object,
        *,
        max_results: int = 5,
        allowed_domains: Sequence[str] | None = None,
        blocked_domains: Sequence[str] | None = None,
        max_content_chars: int = ENCODED_TEXT_CHARS,
    ) -> WebSearchToolResultBlockParam:
        """Search and return the ``web_search_tool_result`` block the API would put in the response.

        Args:
            tool_use_id: The id of the ``server_tool_use`` block this result answers.
            query: The tool input's ``query``.
            max_results: Most results in the block.
            allowed_domains: Only URLs on these domains (subdomains included).
            blocked_domains: Never URLs on these domains (subdomains included).
            max_content_chars: Cap on the page text encoded into each ``encrypted_content``.

        Returns:
            A result block, or an error block (``query_too_long``, ``invalid_tool_input``).
        """
        outcome = self.run(
            query,
            max_results=max_results,
            allowed_domains=allowed_domains,
            blocked_domains=blocked_domains,
        )
        return outcome.to_block(tool_use_id, max_content_chars=max_content_chars)

    def _rows(
        self,
        query: str,
        max_results: int,
        allowed_domains: Sequence[str] | None,
        blocked_domains: Sequence[str] | None,
    ) -> list[tuple[SearchHit, str]] | Problem:
        check_positive_int(max_results, "max_results")
        if len(query) > MAX_QUERY_CHARS:
            return Problem(
                "query_too_long", f"query is {len(query)} characters; the limit is {MAX_QUERY_CHARS}"
            )
        admits = _domain_filter(allowed_domains, blocked_domains)
        terms = query_terms(query)
        if not terms:
            return []
        sql = (
            "SELECT d.url, d.title, d.page_age, bm25(pages, ?, 1.0, ?) AS score,"
            " snippet(pages, 1, '', '', '…', ?), d.body"
            " FROM pages JOIN documents AS d ON d.id = pages.rowid"
            " WHERE pages MATCH ? ORDER BY round(score, 12), d.url"
        )
        with self._lock:
            cursor = self._connection.execute(
                sql, (TITLE_WEIGHT, DESCRIPTION_WEIGHT, _SNIPPET_TOKENS, match_expression(terms))
            )
            rows: list[tuple[SearchHit, str]] = []
            for url, title, page_age, score, snippet, body in cursor:
                if admits is not None and not admits(url):
                    continue
                hit = SearchHit(url, title, page_age, round(-float(score), 12) + 0.0, snippet)
                rows.append((hit, body))
                if len(rows) == max_results:
                    break
            cursor.close()
        return rows


def _domain_filter(
    allowed_domains: Sequence[str] | None, blocked_domains: Sequence[str] | None
) -> Callable[[str], bool] | None:
    if allowed_domains is None and blocked_domains is None:
        return None
    from ..rules.domains import DomainLists

    return DomainLists.parse(allowed_domains, blocked_domains).admits


def _corpus_search_documents(
    entries: Sequence[CorpusDocument], bodies: Sequence[bytes], now: datetime | None
) -> list[SearchDocument]:
    from ..reading.extract import read_body

    docs: list[SearchDocument] = []
    for entry, body in zip(entries, bodies, strict=True):
        document = read_body(body, entry.content_type, entry.url)
        if isinstance(document, Problem):
            logger.debug("search index skips %s: %s", entry.url, document)
            continue
        # A PDF's text is its pages' text joined by extract.PAGE_SEPARATOR.
        text = document.text
        if not text.strip():
            logger.debug("search index skips %s: no text", entry.url)
            continue
        title = entry.title or document.title or entry.url
        page_age = format_page_age(entry.published, now=now)
        docs.append(SearchDocument(entry.url, title, text, page_age, entry.description))
    return docs
