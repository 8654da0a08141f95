"""Which sentences the stand-in quotes: stemmed terms, and the kind of answer a question asks for."""

from __future__ import annotations

import anthropic
import pytest
from emulator_support import MODEL, corpus_document, fetch_tool

from webfetch_kit.emulator.sentences import Question, analyse, answer_kinds, score

CACHING = "https://docs.example.com/guide/caching"
LIFETIME = "The default lifetime is five minutes and each read refreshes it."


def test_how_long_asks_for_a_duration_and_long_is_not_a_topic_term() -> None:
    question = analyse("How long do cache entries live?")
    assert question.kinds == {"duration"}
    assert question.terms == {"cach", "entri", "live"}  # Snowball stems; "long" belongs to "how long"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("How many characters make a token, roughly?", {"number"}),
        ("When was the tool released?", {"date"}),
        ("Read this. How long is a lifetime?", {"duration"}),  # any sentence of the question may ask
        ("What happens when a fetch fails?", set()),  # "when" that does not open a question
        ("Summarise the page about long documents", set()),
    ],
)
def test_the_answer_kind_comes_from_a_questions_opening_words(text: str, kinds: set[str]) -> None:
    assert analyse(text).kinds == kinds


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        (LIFETIME, {"duration", "number"}),
        ("A one-hour lifetime costs more to write.", {"duration", "number"}),
        ("Entries expire after 24 h, or 500ms when busy.", {"duration", "number"}),
        ("The cache keeps a page 15 minutes.", {"duration", "number"}),
        ("Released in November 2025.", {"date", "number"}),
        ("The ones and the tens are not durations of time.", {"duration"}),  # "durations", not "ones"
        ("Prompt caching makes long conversations affordable.", set()),
    ],
)
def test_answer_kinds_of_sentences(sentence: str, kinds: set[str]) -> None:
    assert answer_kinds(sentence) == kinds


def test_score_counts_stemmed_terms_and_one_for_the_wanted_kind() -> None:
    question = analyse("How long do cache entries live?")
    assert score("Prompt caching makes long conversations affordable.", question) == 1  # caching ~ cache
    assert score(LIFETIME, question) == 1  # no shared word, but a duration
    assert score(LIFETIME, Question(frozenset({"lifetim"}))) == 1
    assert score("Nothing here matches.", question) == 0


def _quoted(client: anthropic.Anthropic, question: str) -> list[str]:
    message = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": f"{question} {CACHING}"}],
        tools=[fetch_tool(citations={"enabled": True})],  # type: ignore[list-item]
    )
    source = corpus_document(CACHING).text
    quotes = []
    for block in message.content:
        if block.type == "text" and block.citations:
            citation = block.citations[0]
            assert citation.type == "char_location"
            assert citation.cited_text == source[citation.start_char_index : citation.end_char_index]
            quotes.append(citation.cited_text)
    return quotes


def test_a_how_long_question_quotes_the_sentence_with_the_duration(client: anthropic.Anthropic) -> None:
    # The README's tour: no sentence of the page shares a word with "entries live", but one says how long.
    quotes = _quoted(client, "How long do cache entries live?")
    assert LIFETIME in quotes
    assert "A one-hour lifetime costs more to write and suits conversations with long pauses." in quotes


def test_a_question_without_a_kind_still_quotes_by_shared_terms(client: anthropic.Anthropic) -> None:
    quotes = _quoted(client, "Where do breakpoints go?")
    assert quotes == [  # "breakpoint" and "breakpoints" are one term; reading order
        "Any change before the breakpoint, even one character, produces a different prefix and a cache miss.",
        "A request may hold at most four breakpoints.",
    ]


def test_the_intro_names_one_url_without_a_count(client: anthropic.Anthropic) -> None:
    other = "https://docs.example.com/guide/citations"
    texts = []
    for urls in ([CACHING], [CACHING, other]):
        message = client.messages.create(
            model=MODEL,
            max_tokens=1024,
            messages=[{"role": "user", "content": "Compare " + " and ".join(urls)}],
            tools=[fetch_tool()],  # type: ignore[list-item]
        )
        first = message.content[0]
        assert first.type == "text"
        texts.append(first.text)
    assert texts == [
        "I'll fetch the URL named in your message.",
        "I'll fetch the 2 URLs named in your message.",
    ]
