"""Offline web search over the local corpus: an SQLite FTS5 index ranked by BM25, and the API's blocks."""

from __future__ import annotations

from .index import (
    DESCRIPTION_WEIGHT,
    ENCODED_TEXT_CHARS,
    MAX_QUERY_CHARS,
    MAX_QUERY_TERMS,
    TITLE_WEIGHT,
    DecodedContent,
    SearchDocument,
    SearchError,
    SearchHit,
    SearchIndex,
    SearchOutcome,
    decode_encrypted_content,
    encode_encrypted_content,
    format_page_age,
    query_terms,
)

__all__ = [
    "DESCRIPTION_WEIGHT",
    "ENCODED_TEXT_CHARS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "TITLE_WEIGHT",
    "DecodedContent",
    "SearchDocument",
    "SearchError",
    "SearchHit",
    "SearchIndex",
    "SearchOutcome",
    "decode_encrypted_content",
    "encode_encrypted_content",
    "format_page_age",
    "query_terms",
]
