"""Imported by a worker process (``ExtractionPool(warm=(..., "broken_tokenizer"))``): breaks its tokenizer.

Importing this module makes every :func:`webfetch_kit.tokens.count_tokens` in that process raise
:class:`~webfetch_kit.errors.TokenizerError` with :data:`MESSAGE`, so a test can tell a count made in a
worker from one made in the test's own process. Never import it in the test process itself.
"""

from __future__ import annotations

from webfetch_kit import tokens
from webfetch_kit.errors import TokenizerError

MESSAGE = "the worker's packaged encoding is damaged"


def _broken(text: str) -> list[int]:
    raise TokenizerError(MESSAGE)


tokens._encode = _broken
