"""``encrypted_content``: a search result's page text, **encoded, not encrypted**.

``wfk1.`` followed by the base64url (unpadded) of the zlib-compressed JSON
``{"v": 1, "url": ..., "title": ..., "text": ...}``. Anyone can read it with
:func:`decode_encrypted_content`; it is opaque only in the sense that the API's is (clients should pass it
back untouched). The emulator decodes it to quote ``cited_text`` for ``web_search_result_location``
citations. A decoded payload is capped at 8 MiB (a crafted zlib bomb is refused).
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass

from ..errors import SearchError
from ..problem import Problem

__all__ = [
    "ENCODED_TEXT_CHARS",
    "DecodedContent",
    "decode_encrypted_content",
    "encode_encrypted_content",
    "read_encrypted_content",
]

ENCODED_TEXT_CHARS = 16_000
"""Default cap on the page text carried in ``encrypted_content``."""

_ENCODING_PREFIX = "wfk1."
_ENCODING_VERSION = 1
# A decoded payload larger than this is refused (guards against a crafted zlib bomb).
_MAX_DECODED_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class DecodedContent:
    """What an ``encrypted_content`` string produced by this module carries."""

    url: str
    title: str
    text: str


def encode_encrypted_content(url: str, title: str, text: str) -> str:
    """Encode a page into an opaque ``encrypted_content`` string (encoded, not encrypted).

    Args:
        url: The result's URL.
        title: The result's title.
        text: The page text to carry (callers cap its length).

    Returns:
        ``"wfk1."`` + base64url (no padding) of zlib-compressed JSON.
    """
    payload = json.dumps(
        {"v": _ENCODING_VERSION, "url": url, "title": title, "text": text},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    packed = base64.urlsafe_b64encode(zlib.compress(payload, 9)).rstrip(b"=").decode("ascii")
    return _ENCODING_PREFIX + packed


def decode_encrypted_content(encrypted_content: str) -> DecodedContent:
    """Recover the URL, title and text from an ``encrypted_content`` made by this module.

    Args:
        encrypted_content: The string from a ``web_search_result`` block.

    Returns:
        The decoded URL, title and (possibly capped) page text.

    Raises:
        SearchError: With ``error_code="invalid_tool_input"`` when the string was not produced here
            (for instance a real API result, which only Anthropic can read).
    """
    decoded = read_encrypted_content(encrypted_content)
    if isinstance(decoded, Problem):
        raise SearchError(decoded)
    return decoded


def read_encrypted_content(encrypted_content: str) -> DecodedContent | Problem:
    """:func:`decode_encrypted_content`, with an unusable string as an ``invalid_tool_input`` Problem."""
    if not encrypted_content.startswith(_ENCODING_PREFIX):
        return _not_ours(
            f"encrypted_content does not start with {_ENCODING_PREFIX!r}: it was not made by webfetch-kit"
        )
    packed = encrypted_content[len(_ENCODING_PREFIX) :]
    try:
        compressed = base64.urlsafe_b64decode(packed + "=" * (-len(packed) % 4))
        inflater = zlib.decompressobj()
        raw = inflater.decompress(compressed, _MAX_DECODED_BYTES)
        if inflater.unconsumed_tail:
            return _not_ours("encrypted_content decodes to more than 8 MiB")
        payload = json.loads(raw.decode("utf-8"))
    except (ValueError, zlib.error) as exc:
        return _not_ours(f"encrypted_content is corrupt: {exc}")
    if (
        not isinstance(payload, dict)
        or payload.get("v") != _ENCODING_VERSION
        or not all(isinstance(payload.get(key), str) for key in ("url", "title", "text"))
    ):
        return _not_ours("encrypted_content has an unknown version or layout")
    return DecodedContent(url=payload["url"], title=payload["title"], text=payload["text"])


def _not_ours(reason: str) -> Problem:
    return Problem("invalid_tool_input", reason)
