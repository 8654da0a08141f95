"""Homograph audit of domain lists (webfetch_kit.rules.homoglyphs via FetchPolicy.warnings)."""

from __future__ import annotations

from webfetch_kit.rules.homoglyphs import (
    CharInfo,
    ascii_lookalike,
    is_highly_restrictive,
    script_of,
    skeleton,
)
from webfetch_kit.rules.policy import FetchPolicy

CYR_A = CharInfo("а", "U+0430", "CYRILLIC SMALL LETTER A", "Cyrillic")


def kinds(entries: list[str]) -> list[tuple[str, str]]:
    return [(w.entry, w.kind) for w in FetchPolicy(blocked_domains=entries).warnings()]


def test_ascii_entries_have_no_warnings() -> None:
    assert FetchPolicy(allowed_domains=["example.com", "docs.python.org/3"]).warnings() == []


def test_skeletons() -> None:
    assert skeleton("аmazon.com") == skeleton("amazon.com")
    assert skeleton("paypa1") == skeleton("paypal")
    assert skeleton("amazon") != skeleton("amazen")


def test_mixed_script_entry() -> None:
    warnings = FetchPolicy(blocked_domains=["аmazon.com"]).warnings()
    assert [w.kind for w in warnings] == ["non_ascii", "mixed_script"]
    mixed = warnings[1]
    assert mixed.entry == "аmazon.com"
    assert mixed.characters == (CYR_A,)
    assert mixed.resembles == "amazon.com"
    assert "mixes scripts (Cyrillic, Latin)" in mixed.message
    assert "U+0430 CYRILLIC SMALL LETTER A (Cyrillic)" in mixed.message


def test_whole_script_look_alike() -> None:
    warnings = FetchPolicy(allowed_domains=["аррӏе.com"]).warnings()
    assert [w.kind for w in warnings] == ["non_ascii", "whole_script_confusable"]
    whole = warnings[1]
    assert [c.codepoint for c in whole.characters] == ["U+0430", "U+0440", "U+04CF", "U+0435"]
    assert {c.script for c in whole.characters} == {"Cyrillic"}
    # confusables.txt maps U+04CF PALOCHKA to "i", so the Latin look-alike is "appie".
    assert whole.resembles == "appie.com"
    assert "written entirely in Cyrillic letters that look like the Latin 'appie'" in whole.message


def test_punycode_entry_is_decoded_and_flagged() -> None:
    warnings = FetchPolicy(blocked_domains=["xn--mazon-3ve.com"]).warnings()
    assert [w.kind for w in warnings] == ["punycode", "mixed_script"]
    assert warnings[0].message == (
        "'xn--mazon-3ve.com' is punycode for '[а]mazon.com', which uses 'а' U+0430 CYRILLIC SMALL LETTER A "
        "(Cyrillic); it looks like 'amazon.com'."
    )


def test_invisible_characters() -> None:
    soft = FetchPolicy(blocked_domains=["exa\u00admple.com"])
    assert soft.blocked_domains == ("example.com",)  # UTS #46 drops the soft hyphen silently
    [warning] = soft.warnings()
    assert warning.kind == "invisible"
    assert warning.characters == (CharInfo("\u00ad", "U+00AD", "SOFT HYPHEN", "Common"),)
    assert warning.resembles == "example.com"
    zwsp = FetchPolicy(blocked_domains=["exa\u200bmple.com"]).warnings()
    assert [(w.kind, w.characters[0].codepoint) for w in zwsp] == [("invisible", "U+200B")]
    # A ZWJ after a virama is valid IDNA 2008, and still invisible.
    zwj = FetchPolicy(allowed_domains=["क्\u200dष.com"]).warnings()
    assert ("invisible", "U+200D") in [(w.kind, w.characters[0].codepoint) for w in zwj]


def test_same_skeleton_between_entries() -> None:
    warnings = FetchPolicy(blocked_domains=["paypal.com", "paypa1.com"]).warnings()
    assert [(w.entry, w.kind) for w in warnings] == [
        ("paypal.com", "same_skeleton"),
        ("paypa1.com", "same_skeleton"),
    ]
    assert warnings[0].message == "'paypal.com' looks like 'paypa1.com' (same confusable skeleton)."


def test_highly_restrictive() -> None:
    assert is_highly_restrictive("日本abc")  # Latin + Han is allowed
    assert is_highly_restrictive("пример")
    assert not is_highly_restrictive("pаypal")
    assert not is_highly_restrictive("αbc")


def test_scripts_and_lookalikes() -> None:
    assert [script_of(c) for c in "aаα1-"] == ["Latin", "Cyrillic", "Greek", "Common", "Common"]
    assert ascii_lookalike("рауpal") == "paypal"
    assert ascii_lookalike("例え") is None


def test_non_latin_name_without_look_alike_only_notes_non_ascii() -> None:
    assert kinds(["例え.jp"]) == [("例え.jp", "non_ascii")]


def test_look_alike_entries_never_read_the_same_in_a_warning() -> None:
    # Issue 15: "'docs.example.com' looks like 'docs.example.com'" told a reader nothing.
    warnings = FetchPolicy(allowed_domains=["docs.example.com", "dоcs.example.com"]).warnings()
    same = [w.message for w in warnings if w.kind == "same_skeleton"]
    assert same == [
        "'docs.example.com' looks like 'd[о]cs.example.com' (punycode 'xn--dcs-sed.example.com') "
        "(same confusable skeleton).",
        "'d[о]cs.example.com' (punycode 'xn--dcs-sed.example.com') looks like 'docs.example.com' "
        "(same confusable skeleton): 'о' U+043E CYRILLIC SMALL LETTER O (Cyrillic).",
    ]
    non_ascii = next(w for w in warnings if w.kind == "non_ascii")
    assert non_ascii.message.startswith(
        "'d[о]cs.example.com' is not ASCII ('xn--dcs-sed.example.com' on the wire)"
    )


def test_an_invisible_character_is_marked_by_its_code_point() -> None:
    (warning,) = FetchPolicy(allowed_domains=["exa\u200bmple.com"]).warnings()
    assert warning.message.startswith("'exa[U+200B]mple.com' contains invisible characters")
