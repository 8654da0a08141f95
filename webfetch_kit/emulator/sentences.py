"""Sentence spans of a text and a deterministic term-overlap score against a question.

Splitting works line by line (extracted pages put one paragraph per line; a PDF line that ends without
punctuation and is followed by a lower-case line is a wrapped sentence and joins it), then inside a line after
``.``, ``!`` or ``?`` (and any closing quote or bracket) followed by whitespace and a capital letter,
digit or opening quote; never after a known abbreviation (``e.g.``, ``Dr.``, ...) or a single-letter
initial. Spans are character offsets into the original text, trimmed of surrounding whitespace, so
``text[start:end]`` is exactly the sentence. Quotable sentences have at least 3 words and end with
``.``, ``!`` or ``?``, or have at least 6 words (which leaves out most headings), and at most 1,000
characters.

Scoring (:func:`score`) counts the question's terms a sentence shares, both sides stemmed with the
Snowball English stemmer (``caching``, ``cached`` and ``cache`` are one term), plus one when the sentence
is the *kind* of answer the question's opening words ask for (:func:`analyse`): "how long" wants a
duration ("five minutes", "a one-hour lifetime"), "how many" or "how much" a number, "when" or "what
year" a date. That is the answer-type step of classic extractive question answering; the question word
itself ("long", "many") is then not a topic term. Among sentences of equal score, those of the wanted
kind come first.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import snowballstemmer

from ..search.terms import query_terms

__all__ = [
    "SENTENCE_CACHE_BYTES",
    "AnswerKind",
    "Question",
    "Sentence",
    "analyse",
    "answer_kinds",
    "question_terms",
    "score",
    "sentence_spans",
    "sentences",
]

SENTENCE_CACHE_BYTES = 32 * 1024 * 1024
"""Memory :func:`sentences` may keep for remembered splits (keyed by a digest of the text, never the text)."""
# Measured with tracemalloc on the corpus's 80 KB reference page: 743 sentences and their word sets take
# 1.6 MB, about 20 bytes per character of text. Each entry is charged 24 bytes a character, and a little.
_BYTES_PER_CHAR = 24
_ENTRY_BYTES = 512

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


_STEMMER = snowballstemmer.stemmer("english")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer object keeps state between calls


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    # Pages repeat their words: remembering stems keeps splitting a 100 KB page fast (pure-Python Snowball).
    with _STEMMER_LOCK:
        return str(_STEMMER.stemWord(word))


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


AnswerKind = Literal["duration", "number", "date"]

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    "sixty|ninety|hundred|thousand|million|billion|dozen"
)
_NUMBER = rf"(?:\d[\d,.]*|(?:{_NUMBER_WORDS}))"
_TIME_UNIT = r"(?:milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)"
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
# What each kind of answer looks like in a sentence. A duration is a number and a time unit
# ("five minutes", "24 h", "one-hour", "500ms"), or a word that names one (lifetime, TTL, expiry).
_KIND_PATTERNS: dict[AnswerKind, re.Pattern[str]] = {
    "duration": re.compile(
        rf"\b{_NUMBER}[\s-]{_TIME_UNIT}\b|\b\d[\d.]*\s?(?:ms|s|min|h)\b"
        r"|\b(?:lifetimes?|ttls?|expir\w*|durations?)\b",
        re.IGNORECASE,
    ),
    "number": re.compile(rf"\b{_NUMBER}\b", re.IGNORECASE),
    "date": re.compile(rf"\b(?:1[89]|20)\d\d\b|\b(?:{_MONTHS})\b|\b\d{{4}}-\d\d-\d\d\b", re.IGNORECASE),
}
# The opening words of a question (or of any sentence of it) and the kind of answer they ask for; the
# words after the first are the question word's, not the topic's ("long" in "how long").
_QUESTION_FORMS: tuple[tuple[re.Pattern[str], AnswerKind], ...] = (
    (re.compile(r"how (?:long|much time|soon|often)\b"), "duration"),
    (re.compile(r"(?:how (?:many|much)|what (?:number|percentage|share))\b"), "number"),
    (re.compile(r"(?:when|what (?:year|date|day|month)|since when)\b"), "date"),
)
_OPENING = re.compile(r"(?:^|[.!?:;]\s+|\n)\s*[\"'“‘(\[]?", re.MULTILINE)


@dataclass(frozen=True)
class Question:
    """A question as the stand-in scores it: its stemmed topic terms and the answer kinds it asks for."""

    terms: frozenset[str]
    kinds: frozenset[AnswerKind] = frozenset()


def analyse(question: str) -> Question:
    """The question's terms (the search index's stop-word list, stemmed) and wanted answer kinds."""
    folded = question.casefold()
    kinds: set[AnswerKind] = set()
    form_words: set[str] = set()
    for opening in _OPENING.finditer(folded):
        for pattern, kind in _QUESTION_FORMS:
            match = pattern.match(folded, opening.end())
            if match is not None:
                kinds.add(kind)
                form_words.update(match.group().split()[1:])
    terms = frozenset(_stem(t) for t in query_terms(question) if t not in form_words)
    return Question(terms, frozenset(kinds))


def question_terms(question: str) -> frozenset[str]:
    """The question's stemmed topic terms (see :func:`analyse`)."""
    return analyse(question).terms


def answer_kinds(sentence: str) -> frozenset[AnswerKind]:
    """The kinds of answer ``sentence`` holds (a duration, a number, a date)."""
    return frozenset(kind for kind, pattern in _KIND_PATTERNS.items() if pattern.search(sentence))


def _words(sentence: str) -> frozenset[str]:
    return frozenset(_stem(w) for w in _WORD.findall(sentence.casefold()))


def score(sentence: str | Sentence, question: Question) -> int:
    """The question terms the sentence shares, plus one if it is a kind of answer the question wants."""
    if isinstance(sentence, str):
        words, kinds = _words(sentence), answer_kinds(sentence)
    else:
        words, kinds = sentence.words, sentence.kinds
    return len(words & question.terms) + (1 if kinds & question.kinds else 0)


@dataclass(frozen=True)
class Sentence:
    """A quotable span of a text, its (stemmed) words and answer kinds, for scoring against any question."""

    start: int
    end: int
    words: frozenset[str]
    kinds: frozenset[AnswerKind] = frozenset()

    def answers(self, question: Question) -> bool:
        """Whether the sentence is a kind of answer ``question`` asks for."""
        return bool(self.kinds & question.kinds)


_sentences: OrderedDict[tuple[bytes, bool], tuple[tuple[Sentence, ...], int]] = OrderedDict()
_sentences_bytes = 0
_sentences_lock = threading.Lock()


def sentences(text: str, *, whole: bool = False) -> tuple[Sentence, ...]:
    """The quotable sentences of ``text`` (``whole``: the text is one unit, if it is not blank).

    Every request re-sends the whole conversation, so the same documents are split on every turn: the
    splits are remembered, least recently used first out, within :data:`SENTENCE_CACHE_BYTES`.
    """
    global _sentences_bytes
    key = (hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(), whole)
    with _sentences_lock:
        found = _sentences.get(key)
        if found is not None:
            _sentences.move_to_end(key)
            return found[0]
    spans = ([(0, len(text))] if text.strip() else []) if whole else sentence_spans(text)
    result = tuple(
        Sentence(start, end, _words(text[start:end]), answer_kinds(text[start:end])) for start, end in spans
    )
    charge = _ENTRY_BYTES + _BYTES_PER_CHAR * len(text)
    if charge > SENTENCE_CACHE_BYTES:
        return result
    with _sentences_lock:
        if key not in _sentences:
            _sentences[key] = (result, charge)
            _sentences_bytes += charge
        while _sentences_bytes > SENTENCE_CACHE_BYTES:
            _, (_, freed) = _sentences.popitem(last=False)
            _sentences_bytes -= freed
    return result
