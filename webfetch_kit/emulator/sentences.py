"""Sentence spans of a text and a deterministic term-overlap score against a question.

Splitting works line by line (extracted pages put one paragraph per line; a PDF line that ends without
punctuation and is followed by a lower-case line is a wrapped sentence and joins it), then inside a line after
``.``, ``!`` or ``?`` (and any closing quote or bracket) followed by whitespace and a capital letter,
digit or opening quote; never after a known abbreviation (``e.g.``, ``Dr.``, ...) or a single-letter
initial. Spans are character offsets into the original text, trimmed of surrounding whitespace, so
``text[start:end]`` is exactly the sentence. Quotable sentences have at least 3 words and end with
``.``, ``!`` or ``?``, or have at least 6 words (which leaves out most headings), and at most 1,000
characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..search.terms import query_terms

__all__ = ["question_terms", "score", "sentence_spans"]

_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    {
        *("e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "prof.", "vs.", "etc.", "fig.", "no.", "st."),
        *("inc.", "ltd.", "jr.", "sr.", "u.s.", "approx.", "cf.", "al."),
    }
)
_WORD = re.compile(r"[^\W_]+")
MIN_WORDS = 3
MIN_WORDS_UNTERMINATED = 6  # headings and captions rarely reach six words
_CLOSING = (".", "!", "?", ":", ";")
_TERMINAL = re.compile(r"[.!?][\"'”’)\]]*$")
MAX_CHARS = 1000


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


def _ends_abbreviation(line: str, end: int) -> bool:
    before = line[:end].rsplit(None, 1)
    word = before[-1] if before else ""
    return word.casefold() in _ABBREVIATIONS or re.fullmatch(r"[A-Z]\.", word) is not None


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Line spans, with a wrapped line (no closing punctuation, next line lower-case) joined to the next."""
    start = offset = 0
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        offset += len(line)
        following = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
        wrapped = line.strip() and not line.rstrip().endswith(_CLOSING) and following[:1].islower()
        if not wrapped:
            yield start, offset
            start = offset
    if start < len(text):
        yield start, len(text)


def _line_spans(text: str) -> Iterator[tuple[int, int]]:
    for begin, finish in _paragraphs(text):
        line = text[begin:finish]
        start = 0
        for match in _END.finditer(line):
            if match.group().startswith(".") and _ends_abbreviation(line, match.start() + 1):
                continue
            yield begin + start, begin + match.end()
            start = match.end()
        yield begin + start, finish


def _quotable(sentence: str) -> bool:
    words = len(_WORD.findall(sentence))
    complete = _TERMINAL.search(sentence) is not None
    return len(sentence) <= MAX_CHARS and (
        words >= MIN_WORDS if complete else words >= MIN_WORDS_UNTERMINATED
    )


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each quotable sentence of ``text`` (see the module docstring)."""
    spans: list[tuple[int, int]] = []
    for start, end in _line_spans(text):
        piece = text[start:end]
        stripped = piece.strip()
        if not stripped:
            continue
        lead = len(piece) - len(piece.lstrip())
        begin = start + lead
        finish = begin + len(stripped)
        if _quotable(stripped):
            spans.append((begin, finish))
    return spans


def question_terms(question: str) -> frozenset[str]:
    """The question's search terms (the search index's own stop-word list), lightly stemmed."""
    return frozenset(_stem(t) for t in query_terms(question))


def score(sentence: str, terms: frozenset[str]) -> int:
    """How many distinct question terms the sentence contains."""
    words = {_stem(w) for w in _WORD.findall(sentence.casefold())}
    return len(words & terms)
