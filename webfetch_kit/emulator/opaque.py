"""A budget on the bytes a request's opaque fields decode to, checked before anything reads them.

The kit's own ``encrypted_content`` (:mod:`webfetch_kit.search.encrypted`) is compressed page text: a few
kilobytes of it can inflate to megabytes, and the token counter, the prompt-cache hashing and the
stand-in all read it. Measured before this budget: a 0.44 MB request whose search results each decoded to
8 MiB took 7.8 s and 1.3 GB. Now the decoded sizes of every kit-made result in the request are added up
first, and a request over :data:`MAX_DECODED_BYTES` is refused with a 400 ``invalid_request_error``
naming the result that crossed it. A legitimate result holds at most
:data:`webfetch_kit.search.encrypted.ENCODED_TEXT_CHARS` characters (a few dozen KB), so the budget admits a
long research conversation (well over a hundred full results). The work is bounded too: decoding stops
at the first result past the budget, and one result never inflates beyond the decoder's own 8 MiB cap.
Results the kit did not make (the real API's) are opaque strings and cost nothing here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..problem import Problem
from ..search.encrypted import read_encrypted_content
from .apierrors import ApiError

__all__ = ["MAX_DECODED_BYTES", "check_decoded_budget"]

MAX_DECODED_BYTES = 8 * 1024 * 1024
_DECODER_CAP = 8 * 1024 * 1024  # the decoder's own cap: what a kit-made result that fails is charged


def _decoded_size(encrypted: str) -> int:
    decoded = read_encrypted_content(encrypted)
    if isinstance(decoded, Problem):
        if "not made by webfetch-kit" in decoded.reason:
            return 0  # refused on its prefix, before any decoding: an opaque string (the API's own)
        return _DECODER_CAP  # a bomb or corrupt: it may have inflated up to the cap, here and again later
    return len(decoded.text.encode("utf-8")) + len(decoded.title) + len(decoded.url)


def check_decoded_budget(messages: Sequence[Mapping[str, Any]], budget: int = MAX_DECODED_BYTES) -> None:
    """A 400 :class:`ApiError` when the kit-made search results of ``messages`` decode past ``budget``."""
    total = 0
    for i, message in enumerate(messages):
        for j, block in enumerate(message["content"]):
            content = block.get("content")
            if block.get("type") != "web_search_tool_result" or not isinstance(content, list):
                continue
            for k, result in enumerate(content):
                encrypted = result.get("encrypted_content") if isinstance(result, Mapping) else None
                if not isinstance(encrypted, str):
                    continue
                total += _decoded_size(encrypted)
                if total > budget:
                    raise ApiError.invalid(
                        f"messages.{i}.content.{j}.content.{k}.encrypted_content: the request's search "
                        f"results decode to more than {budget:,} bytes, the emulator's budget for opaque "
                        "fields in one request"
                    )
