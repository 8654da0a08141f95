"""Reading a request body into JSON without letting a hostile body crash or stall the emulator.

Three checks, each answered with a 400 ``invalid_request_error`` in the API's shape:

1. **Depth, before parsing.** The body's arrays and objects may nest at most :data:`MAX_JSON_DEPTH`
   levels. Python's parser, the validators and the token counters all recurse, so a body nested
   100,000 deep (a ``RecursionError`` inside ``json.loads``) or a 900-deep array tucked into a block
   (fine for the parser, fatal for what comes after) would otherwise end in a 500. The depth is read
   from the raw bytes: escaped quotes dropped, string literals dropped, then a running count of brackets, all
   in C-speed passes (a 32 MB body is scanned in well under a second).
2. **UTF-8.** The body must be valid UTF-8.
3. **Lone surrogates.** JSON may spell ``"\\ud800"``, which Python decodes to a string no encoder
   accepts; anything that later writes it (a hash, the response) would fail. Any string or key holding
   one is refused, naming where it is (only bodies with such an escape are walked).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

from .apierrors import ApiError

__all__ = ["MAX_JSON_DEPTH", "json_depth", "parse_body"]

MAX_JSON_DEPTH = 128
_STRUCTURE = bytes(range(256)).translate(None, b'[]{}"')  # every byte except brackets and quotes
_STRING = re.compile(rb'"[^"]*"')
_STEP = tuple(1 if b in b"[{" else -1 if b in b"]}" else 0 for b in range(256))
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PARSE_ERROR = "There was an error parsing the body of your request"


def json_depth(raw: bytes) -> int:
    """How deeply the arrays and objects of the JSON text ``raw`` nest (0 for a scalar)."""
    # Only two escapes can hide a quote: an escaped backslash and an escaped quote. Dropping the pairs
    # left to right is how a JSON scanner reads them; other escapes hold no bracket or quote.
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = _STRING.sub(b"", unescaped.translate(None, _STRUCTURE))
    return max(itertools.accumulate(map(_STEP.__getitem__, skeleton)), default=0)


def _lone_surrogate(value: Any, path: str) -> str | None:
    # Only reached for bodies holding a surrogate escape, and after the depth check: recursion is bounded.
    if isinstance(value, str):
        return path if _SURROGATE.search(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if _SURROGATE.search(key):
                return where.encode("utf-8", "backslashreplace").decode("ascii")
            found = _lone_surrogate(item, where)
            if found is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _lone_surrogate(item, f"{path}.{i}" if path else str(i))
            if found is not None:
                return found
    return None


def parse_body(raw: bytes) -> Any:
    """The JSON value of a request body, or :class:`ApiError` (400) saying what is wrong with it."""
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise ApiError.invalid(
            f"{_PARSE_ERROR}: arrays and objects nest {depth} levels deep; at most {MAX_JSON_DEPTH} "
            "are accepted"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError.invalid(f"{_PARSE_ERROR}: the body is not valid UTF-8 ({exc})") from None
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ApiError.invalid(f"{_PARSE_ERROR}: {exc}") from None
    if _SURROGATE_ESCAPE.search(text):
        where = _lone_surrogate(value, "")
        if where is not None:
            raise ApiError.invalid(
                f"{_PARSE_ERROR}: {where or 'the body'}: a string holds a lone UTF-16 surrogate, which "
                "is not valid Unicode"
            )
    return value
