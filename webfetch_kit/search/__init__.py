"""Offline web search over the local corpus: an SQLite FTS5 index ranked by BM25, and the API's blocks.

:mod:`.index` (the index, its outcomes and blocks) · :mod:`.terms` (query terms) · :mod:`.encrypted`
(``encrypted_content``) · :mod:`.page_age`.
"""

from __future__ import annotations

from ..errors import SearchError
from .encrypted import (
    ENCODED_TEXT_CHARS,
    DecodedContent,
    decode_encrypted_content,
    encode_encrypted_content,
    read_encrypted_content,
)
from .index import (
    DESCRIPTION_WEIGHT,
    MAX_QUERY_CHARS,
    TITLE_WEIGHT,
    SearchDocument,
    SearchHit,
    SearchIndex,
    SearchOutcome,
)
from .page_age import format_page_age
from .terms import MAX_QUERY_TERMS, query_terms

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
    "read_encrypted_content",
]
