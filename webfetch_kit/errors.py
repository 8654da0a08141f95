"""The exceptions webfetch-kit raises for programmer errors (bad configuration or arguments).

Tool-level failures (a URL that is refused, a page that cannot be fetched) are never exceptions: they
become outcomes carrying one of the documented ``web_fetch_tool_result_error`` codes.

The hierarchy::

    WebfetchError                 root: catch this to catch everything the kit raises on purpose
    ├── ConfigError               a setting or argument is wrong; the message says how to fix it
    │   ├── PolicyError           domain lists / fetch policy options are invalid
    │   │   └── ToolVersionError  an option the chosen tool version does not have
    │   └── BackendError          the requested backend cannot be used (e.g. no API key)
    ├── ContentError              a fetched body cannot become a document (carries the tool error code)
    ├── GuardRefusal              the SSRF guard refused a URL (carries a netguard.Refusal)
    ├── SearchError               a search input is unusable (carries the web search error code)
    ├── TokenizerError            the packaged offline encoding cannot be loaded
    ├── PricingError              no price for a model or date (lists the known models)
    ├── CorpusError               the local corpus is missing or malformed
    ├── CassetteError             a recorded session (cassette) is missing, damaged or another version
    ├── CassetteMissError         a replayed request was never recorded (lab.replay; also an
    │                             anthropic.AnthropicError, so the SDK passes it through unwrapped)
    └── WorkbenchClosedError      a closed workbench was used: re-run the setup cell
"""

from __future__ import annotations

from typing import Protocol

__all__ = [
    "BackendError",
    "CassetteError",
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
    "WorkbenchClosedError",
    "check_positive_int",
]


class _CodedProblem(Protocol):
    # What a guard refusal carries: an error code and the sentence that explains it.
    @property
    def error_code(self) -> str: ...
    @property
    def detail(self) -> str: ...


class WebfetchError(Exception):
    """Root of every exception webfetch-kit raises on purpose."""


class ConfigError(WebfetchError, ValueError):
    """A setting or argument is wrong; the message says how to fix it."""


class PolicyError(ConfigError):
    """The fetch policy (domain lists, limits) is invalid."""


class ToolVersionError(PolicyError):
    """The requested tool version does not support an option that was set."""


class BackendError(ConfigError):
    """The requested backend (offline emulator or real API) cannot be used."""


class ContentError(WebfetchError):
    """A fetched body cannot become a document; ``error_code`` is the tool error code to report."""

    def __init__(self, error_code: str, detail: str) -> None:
        super().__init__(f"{error_code}: {detail}")
        self.error_code = error_code
        self.detail = detail


class GuardRefusal(WebfetchError):
    """A guard step refused a URL; ``refusal`` holds the error code and detail to report."""

    def __init__(self, refusal: _CodedProblem) -> None:
        super().__init__(f"{refusal.error_code}: {refusal.detail}")
        self.refusal = refusal


class SearchError(WebfetchError, ValueError):
    """A search input is unusable; ``error_code`` is the web search tool error code it maps to."""

    def __init__(self, error_code: str, detail: str) -> None:
        super().__init__(f"{error_code}: {detail}")
        self.error_code = error_code
        self.detail = detail


class TokenizerError(WebfetchError):
    """The packaged offline tokenizer encoding cannot be loaded."""


class PricingError(WebfetchError, LookupError):
    """No price is known for the requested model or date."""


class CorpusError(WebfetchError):
    """The local corpus is missing or malformed."""


class CassetteError(WebfetchError):
    """A cassette (a recorded session) is missing, damaged, or written by another cassette version."""


class WorkbenchClosedError(WebfetchError, RuntimeError):
    """A workbench (or its client, corpus or fetcher) was used after ``close()``: re-run the setup cell."""


def check_positive_int(
    value: object, name: str, *, none_ok: bool = False, error: type[ConfigError] = ConfigError
) -> None:
    """Raise ``error`` unless ``value`` is a whole number >= 1 (or None, when ``none_ok``).

    The one check for counts and limits (``max_uses``, ``max_content_tokens``, ``concurrency``...): a
    ``bool`` is not a number here, and the message names the argument and what it got.
    """
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = " or None" if none_ok else ""
        raise error(f"{name} must be a positive whole number{allowed}, got {value!r}")
