"""webfetch-kit: a research workbench for Claude's web fetch tool.

Everything users touch is reachable from here. Names are loaded lazily on first use so that
``import webfetch_kit`` stays fast (the SDK, trafilatura and pandas are heavy to import).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from .errors import (
    BackendError,
    ConfigError,
    ContentError,
    CorpusError,
    GuardRefusal,
    PolicyError,
    PricingError,
    SearchError,
    TokenizerError,
    ToolVersionError,
    WebfetchError,
)

logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY: dict[str, str] = {
    "count_tokens": "tokens",
    "count_tokens_exact": "tokens",
    "truncate_to_tokens": "tokens",
    "tokenizer_info": "tokens",
    "rule_of_thumb_tokens": "tokens",
    "TokenCount": "tokens",
    "TokenizerInfo": "tokens",
}
_LAZY_MODULES = ("tokens",)

if TYPE_CHECKING:
    from . import tokens as tokens
    from .tokens import (
        TokenCount as TokenCount,
    )
    from .tokens import (
        TokenizerInfo as TokenizerInfo,
    )
    from .tokens import (
        count_tokens as count_tokens,
    )
    from .tokens import (
        count_tokens_exact as count_tokens_exact,
    )
    from .tokens import (
        rule_of_thumb_tokens as rule_of_thumb_tokens,
    )
    from .tokens import (
        tokenizer_info as tokenizer_info,
    )
    from .tokens import (
        truncate_to_tokens as truncate_to_tokens,
    )

__all__ = [
    "BackendError",
    "ConfigError",
    "ContentError",
    "CorpusError",
    "GuardRefusal",
    "PolicyError",
    "PricingError",
    "SearchError",
    "TokenizerError",
    "ToolVersionError",
    "WebfetchError",
    "__version__",
    *_LAZY,
    *_LAZY_MODULES,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
