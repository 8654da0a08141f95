"""Reading a citation's fields, which may hold anything: an index, a string, a short safe description.

Citations that arrive as dicts (a saved response, a hand-edited one) are input: any field can hold any
value, and some values make Python raise where a message or a table would only format them.
``str(10**5000)`` raises ``ValueError`` (CPython converts at most 4300 digits of an integer to text), an
unhashable ``type`` raises ``TypeError`` in a dict lookup, a ``repr`` of a user's object may raise
anything. So verification reads every field through these functions before it formats, hashes, compares
or slices it, and a field that is not what its type says becomes a "malformed citation" mismatch.
"""

from __future__ import annotations

import reprlib
import sys
from typing import Any

__all__ = ["MAX_INDEX", "a_type", "describe", "fingerprint", "index_of", "kind_of", "text_of"]

MAX_INDEX = sys.maxsize
"""The largest index a citation can hold: no text, PDF or block list is longer (slicing stops there)."""

# Integers up to this many bits are written out (about 60 digits); larger ones are described by size.
_SHOWN_BITS = 200


class _SafeRepr(reprlib.Repr):
    """``reprlib`` whose integers never reach CPython's conversion limit and whose objects never raise.

    Short limits make a description for a message; no limits (``brief=False``) a full text of the value.
    """

    def __init__(self, *, brief: bool) -> None:
        super().__init__()
        if brief:
            self.maxstring = self.maxother = 60
            self.maxlist = self.maxtuple = self.maxdict = self.maxset = 4
            self.maxlevel = 2
        else:
            self.maxstring = self.maxother = self.maxlong = sys.maxsize
            self.maxlist = self.maxtuple = self.maxdict = self.maxset = self.maxfrozenset = sys.maxsize
            self.maxdeque = self.maxarray = sys.maxsize
            self.maxlevel = 100

    def repr_int(self, x: int, level: int) -> str:
        if x.bit_length() <= _SHOWN_BITS:
            return repr(x)
        digits = int(x.bit_length() * 0.30103) + 1
        return f"<a{' negative' if x < 0 else 'n'} integer of about {digits} digits>"

    def repr_instance(self, x: object, level: int) -> str:
        try:
            text = repr(x)
        except Exception:  # a user's object whose __repr__ raises: its type still names it
            return f"<{type(x).__name__} object>"
        return text if len(text) <= self.maxother else text[: self.maxother - 3] + "..."


_brief = _SafeRepr(brief=True)
_full = _SafeRepr(brief=False)


def describe(value: object) -> str:
    """A short ``repr`` of ``value`` for a message, whatever it is (at most about 60 characters)."""
    return _brief.repr(value)


def fingerprint(value: object) -> str:
    """The ``repr`` of ``value`` (a response, for a stable page id), even where ``repr`` itself raises."""
    try:
        return repr(value)
    except Exception:
        return _full.repr(value)


def a_type(value: object) -> str:
    """``"a str"``, ``"an int"``: the type of ``value`` with its article, for a message."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def index_of(value: object) -> int | None:
    """``value`` if it is an integer an index can be (``True`` is an ``int`` to Python, not an index)."""
    if isinstance(value, int) and not isinstance(value, bool) and -MAX_INDEX <= value <= MAX_INDEX:
        return value
    return None


def text_of(value: object) -> str | None:
    """``value`` if it is a string, else None (a title or URL of another type is not shown as one)."""
    return value if isinstance(value, str) else None


def kind_of(value: Any) -> str:
    """A citation's ``type`` as text for its row: the string itself, else a short description of it."""
    return value if isinstance(value, str) else describe(value)
