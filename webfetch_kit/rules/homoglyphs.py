"""Look-alike (homograph) detection for domain lists: confusable skeletons, scripts, invisible characters.

The documentation of the web fetch tool warns: "Be aware that Unicode characters in domain names can
create security vulnerabilities through homograph attacks ... Regularly audit your domain configurations
for suspicious Unicode characters." This module does that audit.

Data comes from the ``confusable-homoglyphs`` package (3.3.1), which ships Unicode's ``confusables.txt``
(UTS #39) as JSON, and a script table derived from ``Scripts.txt``. What that package misses, and what
this module does about it:

* **No skeleton function, and no direction.** Its ``confusables.json`` stores every ``source -> prototype``
  line of ``confusables.txt`` in both directions, so the prototype of a character is lost. Because every
  source has exactly one prototype and a prototype is never a source, the classes are stars; this module
  rebuilds them with union-find and picks one member as the class representative (an ASCII member
  when there is one). Multi-character prototypes (``m -> rn``) keep their direction, since a source is
  always one code point. :func:`skeleton` is then UTS #39's ``NFD(map(NFD(s)))`` over that table. Equal
  skeletons under this table mean equal UTS #39 skeletons; the representative may differ from UTS #39's
  prototype, so never compare a skeleton from here with one computed elsewhere.
* **Display artefacts in the data.** Right-to-left characters are wrapped in U+200E (LEFT-TO-RIGHT MARK)
  in its JSON; they are stripped on load.
* **No Script_Extensions.** Its script table is ``Scripts.txt`` only: a character used by several scripts
  (for example U+30FC KATAKANA-HIRAGANA PROLONGED SOUND MARK, which it calls Common) counts as
  Common/Inherited and is ignored by the mixed-script test; that can miss a mix, never invent one.
* **Its Unicode version lags** ``idna``'s and Python's ``unicodedata``: characters newer than its data
  have no script ("Unknown") and no confusables.
* **No invisible-character list.** Default-ignorable characters (soft hyphen, ZWSP, ZWJ, ZWNJ, word
  joiner, BOM, variation selectors, bidi controls) are listed here from ``DerivedCoreProperties.txt``'s
  Default_Ignorable_Code_Point ranges, plus Unicode general category ``Cf``.
* **No restriction levels.** UTS #39's "highly restrictive" test is written here (section 5.2).
"""

from __future__ import annotations

import bisect
import functools
import importlib.resources
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "CharInfo",
    "PolicyWarning",
    "ascii_lookalike",
    "char_info",
    "display_host",
    "entry_warnings",
    "is_highly_restrictive",
    "is_invisible",
    "marked",
    "script_of",
    "scripts_of",
    "skeleton",
    "skeleton_warnings",
]

_IGNORED_SCRIPTS = frozenset({"Common", "Inherited"})
# UTS #39 section 5.2 "Highly Restrictive": "The string qualifies as Single Script, or ... is covered by
# any of the following sets of scripts: Latin + Han + Hiragana + Katakana; Latin + Han + Bopomofo;
# Latin + Han + Hangul".
_HIGHLY_RESTRICTIVE_SETS = (
    frozenset({"Latin", "Han", "Hiragana", "Katakana"}),
    frozenset({"Latin", "Han", "Bopomofo"}),
    frozenset({"Latin", "Han", "Hangul"}),
)
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt), the ranges that matter in text.
_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)
_BIDI_MARKS = "\u200e\u200f"


@dataclass(frozen=True)
class CharInfo:
    """One suspicious character: the character, ``U+XXXX``, its Unicode name and its script."""

    char: str
    codepoint: str
    name: str
    script: str


@dataclass(frozen=True)
class PolicyWarning:
    """A risk found in one domain-list entry.

    ``kind`` is one of ``non_ascii``, ``punycode``, ``mixed_script``, ``whole_script_confusable``,
    ``invisible``, ``same_skeleton``.
    """

    entry: str
    kind: str
    message: str
    characters: tuple[CharInfo, ...] = ()
    resembles: str | None = None


def _clean(text: str) -> str:
    return text.strip(_BIDI_MARKS) if len(text) > 1 else text


@functools.cache
def _prototypes() -> dict[str, str]:
    """Map each character of a confusable class to its class representative (or multi-char prototype)."""
    raw = importlib.resources.files("confusable_homoglyphs").joinpath("confusables.json").read_text("utf-8")
    data: dict[str, list[dict[str, str]]] = json.loads(raw)
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        parent[x] = root
        return root

    def rank(ch: str) -> tuple[int, str]:
        # Prefer ASCII lower-case letters, then digits, as the representative: readable skeletons.
        if ch.isascii():
            return (0 if ch.islower() else 1 if ch.isdigit() else 2, ch)
        return (3, ch)

    multi: dict[str, str] = {}
    for key, targets in data.items():
        source = _clean(key)
        for target in targets:
            other = _clean(target["c"])
            if len(source) == 1 and len(other) == 1:
                a, b = find(source), find(other)
                if a != b:
                    keep, drop = sorted((a, b), key=rank)
                    parent[drop] = keep
            elif len(source) == 1 and len(other) > 1:
                multi[source] = other
    table = {ch: find(ch) for ch in list(parent)}
    table.update(multi)
    return {k: v for k, v in table.items() if k != v}


def skeleton(text: str) -> str:
    """The UTS #39 confusable skeleton of ``text``: equal skeletons mean the strings can look alike.

    Args:
        text: any string (for domains, the Unicode form of one label or of the whole name).

    Returns:
        ``NFD(map(NFD(text)))`` over this module's confusable table.
    """
    table = _prototypes()
    mapped = "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFD", mapped)


@functools.cache
def _ascii_by_skeleton() -> dict[str, str]:
    found: dict[str, str] = {}
    for ch in "abcdefghijklmnopqrstuvwxyz0123456789-":
        found.setdefault(skeleton(ch), ch)
    return found


def ascii_lookalike(text: str) -> str | None:
    """The ASCII name ``text`` resembles, character by character, or None when some character has none.

    Args:
        text: a (Unicode) domain name or label.

    Returns:
        For example ``"amazon.com"`` for ``"аmazon.com"`` with a Cyrillic ``а``.
    """
    lookup = _ascii_by_skeleton()
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isascii():
            out.append(ch)
        elif is_invisible(ch):
            continue
        else:
            match = lookup.get(skeleton(ch))
            if match is None:
                return None
            out.append(match)
    return "".join(out)


def is_invisible(ch: str) -> bool:
    """Whether ``ch`` is a default-ignorable or format (``Cf``) character: it draws nothing."""
    cp = ord(ch)
    if unicodedata.category(ch) == "Cf":
        return True
    return any(lo <= cp <= hi for lo, hi in _DEFAULT_IGNORABLE)


def script_of(ch: str) -> str:
    """The Unicode script of ``ch`` from ``Scripts.txt`` (e.g. ``"Latin"``, ``"Cyrillic"``, ``"Common"``)."""
    starts, ranges, names = _script_table()
    i = bisect.bisect_right(starts, ord(ch)) - 1
    if i >= 0 and ranges[i][0] <= ord(ch) <= ranges[i][1]:
        return names[ranges[i][2]]
    return "Unknown"


@functools.cache
def _script_table() -> tuple[list[int], list[list[int]], list[str]]:
    raw = importlib.resources.files("confusable_homoglyphs").joinpath("categories.json").read_text("utf-8")
    data = json.loads(raw)
    ranges: list[list[int]] = data["code_points_ranges"]
    names = [alias.title() for alias in data["iso_15924_aliases"]]
    return [r[0] for r in ranges], ranges, names


def scripts_of(text: str) -> frozenset[str]:
    """The scripts used in ``text``, leaving out Common and Inherited (digits, hyphens, marks)."""
    return frozenset(script_of(ch) for ch in text) - _IGNORED_SCRIPTS


def is_highly_restrictive(label: str) -> bool:
    """UTS #39 "Highly Restrictive": one script, or Latin with the allowed East Asian combinations."""
    used = scripts_of(label)
    return len(used) <= 1 or any(used <= allowed for allowed in _HIGHLY_RESTRICTIVE_SETS)


def char_info(ch: str) -> CharInfo:
    """Describe one character (code point, name, script)."""
    return CharInfo(ch, f"U+{ord(ch):04X}", unicodedata.name(ch, "UNNAMED CHARACTER"), script_of(ch))


def marked(text: str) -> str:
    """``text`` with every non-ASCII character in brackets, so a look-alike shows: ``d[о]cs.example.com``.

    An invisible character (which would show as nothing, even in brackets) is written as its code
    point: ``exa[U+200B]mple.com``.
    """
    return "".join(
        ch if ch.isascii() else f"[U+{ord(ch):04X}]" if is_invisible(ch) else f"[{ch}]" for ch in text
    )


def display_host(unicode_host: str, ascii_host: str, path: str = "") -> str:
    """A host (and a path after it) for a message: as is when ASCII, else :func:`marked` with its punycode.

    ``display_host("dоcs.example.com", "xn--dcs-sed.example.com", "/a")`` is
    ``"d[о]cs.example.com/a (punycode xn--dcs-sed.example.com)"``: two hosts that look the same never read
    the same in a reason or a warning.
    """
    if unicode_host.isascii():
        return unicode_host + path
    return f"{marked(unicode_host)}{path} (punycode {ascii_host})"


def _entry_shown(entry: str, ascii_host: str | None) -> str:
    # An entry as written, quoted; a non-ASCII one marked and followed by its punycode.
    if entry.isascii():
        return repr(entry)
    return repr(marked(entry)) + (f" (punycode {ascii_host!r})" if ascii_host else "")


def _describe(chars: Iterable[CharInfo]) -> str:
    return ", ".join(f"{c.char!r} {c.codepoint} {c.name} ({c.script})" for c in chars)


def _suspicious(text: str) -> tuple[CharInfo, ...]:
    seen: dict[str, CharInfo] = {}
    for ch in text:
        if not ch.isascii() and ch not in seen:
            seen[ch] = char_info(ch)
    return tuple(seen.values())


def entry_warnings(entry: str, unicode_host: str, ascii_host: str) -> list[PolicyWarning]:
    """Warnings for one list entry on its own (not comparing it with other entries).

    Args:
        entry: the entry as the user wrote it.
        unicode_host: its host, normalised, international labels decoded.
        ascii_host: its host, normalised, in A-label (punycode) form.

    Returns:
        Zero or more warnings.
    """
    warnings: list[PolicyWarning] = []
    invisible = tuple(char_info(ch) for ch in dict.fromkeys(entry) if is_invisible(ch))
    if invisible:
        warnings.append(
            PolicyWarning(
                entry,
                "invisible",
                f"{marked(entry)!r} contains invisible characters that are dropped or hidden when displayed: "
                f"{_describe(invisible)}; it is the domain {display_host(unicode_host, ascii_host)}.",
                invisible,
                ascii_lookalike(unicode_host),
            )
        )
    suspicious = _suspicious(unicode_host)
    if not suspicious:
        return warnings
    resembles = ascii_lookalike(unicode_host)
    like = f"; it looks like {resembles!r}" if resembles and resembles != unicode_host else ""
    if any(label.startswith("xn--") for label in entry.lower().split(".")):
        warnings.append(
            PolicyWarning(
                entry,
                "punycode",
                f"{entry!r} is punycode for {marked(unicode_host)!r}, which uses "
                f"{_describe(suspicious)}{like}.",
                suspicious,
                resembles,
            )
        )
    else:
        warnings.append(
            PolicyWarning(
                entry,
                "non_ascii",
                f"{marked(entry)!r} is not ASCII ({ascii_host!r} on the wire): "
                f"{_describe(suspicious)}{like}.",
                suspicious,
                resembles,
            )
        )
    for label in unicode_host.split("."):
        used = scripts_of(label)
        label_chars = tuple(c for c in suspicious if c.char in label)
        if not is_highly_restrictive(label):
            warnings.append(
                PolicyWarning(
                    entry,
                    "mixed_script",
                    f"The label {marked(label)!r} of {_entry_shown(entry, ascii_host)} mixes scripts "
                    f"({', '.join(sorted(used))}), which "
                    f"UTS #39 does not allow even at its 'highly restrictive' level: "
                    f"{_describe(label_chars)}{like}.",
                    label_chars,
                    resembles,
                )
            )
        elif used and "Latin" not in used and label_chars:
            label_like = ascii_lookalike(label)
            if label_like is not None:
                warnings.append(
                    PolicyWarning(
                        entry,
                        "whole_script_confusable",
                        f"The label {marked(label)!r} of {_entry_shown(entry, ascii_host)} is written "
                        f"entirely in {', '.join(sorted(used))} "
                        f"letters that look like the Latin {label_like!r}: {_describe(label_chars)}{like}.",
                        label_chars,
                        resembles,
                    )
                )
    return warnings


def skeleton_warnings(entries: Sequence[tuple[str, str]]) -> list[PolicyWarning]:
    """Warnings for entries whose hosts look alike (same skeleton, different names).

    Args:
        entries: ``(entry as written, normalised unicode host)`` pairs.

    Returns:
        One warning per entry that has a look-alike among the others.
    """
    warnings: list[PolicyWarning] = []
    keyed = [(entry, host, skeleton(host), _punycode(host)) for entry, host in entries]
    for entry, host, skel, ascii_host in keyed:
        twins = [
            _entry_shown(other, other_ascii)
            for other, other_host, s, other_ascii in keyed
            if s == skel and other_host != host
        ]
        if twins:
            chars = _suspicious(host)
            warnings.append(
                PolicyWarning(
                    entry,
                    "same_skeleton",
                    f"{_entry_shown(entry, ascii_host)} looks like {', '.join(twins)} "
                    "(same confusable skeleton)" + (f": {_describe(chars)}." if chars else "."),
                    chars,
                    ascii_lookalike(host),
                )
            )
    return warnings


def _punycode(unicode_host: str) -> str | None:
    from .urls import NormalizedHost, normalize_host

    host = normalize_host(unicode_host)
    return host.ascii if isinstance(host, NormalizedHost) else None
