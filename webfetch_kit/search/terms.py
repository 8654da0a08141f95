"""Query terms: the words of a free-text query that the index searches for.

Words are Unicode letters and digits only, so quotes, ``*``, ``NEAR(``, ``^`` and other FTS5 syntax never
reach SQLite; they are lower-cased, stripped of English stop words (``and``, ``or``, ``not`` included),
de-duplicated and capped at :data:`MAX_QUERY_TERMS`. The emulator's stand-in uses the same words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["MAX_QUERY_TERMS", "match_expression", "query_terms"]

MAX_QUERY_TERMS = 32
"""At most this many distinct words of a query are searched (the first ones, in order)."""

# Letters and digits only: every FTS5 operator character (" * ^ : ( ) + - , .) is a separator here.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# English function words (NLTK's list, shortened) plus the FTS5 keyword NEAR: they carry no topic.
_STOP_WORDS_TEXT = """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers herself him himself his how i if in into is it its itself just me more most my
    myself no nor not now of off on once only or other our ours ourselves out over own same she should so
    some such than that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with would you your
    yours yourself yourselves near"""
_STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())


def query_terms(query: str) -> list[str]:
    """The words of a free-text query that the index searches for.

    Args:
        query: Any text; operators, quotes and punctuation are dropped, never interpreted.

    Returns:
        Lower-cased words without stop words, de-duplicated, in order, at most ``MAX_QUERY_TERMS``.
    """
    terms: list[str] = []
    for word in _WORD.findall(query.casefold()):
        if word in _STOP_WORDS or word in terms:
            continue
        terms.append(word)
        if len(terms) == MAX_QUERY_TERMS:
            break
    return terms


def match_expression(terms: Sequence[str]) -> str:
    """The FTS5 ``MATCH`` expression for ``terms``: each a quoted string, joined with ``OR``."""
    # Each term is a double-quoted FTS5 string; _WORD never yields a quote, so nothing needs escaping.
    return " OR ".join(f'"{term}"' for term in terms)
