"""The exceptions webfetch-kit raises for programmer errors (bad configuration or arguments).

Tool-level failures (a URL that is refused, a page that cannot be fetched) are never exceptions inside the
kit: they are outcomes carrying a :class:`~webfetch_kit.problem.Problem` (one of the documented error codes
and a sentence). Three exceptions carry such a Problem only for the public functions that promise to raise
when they are called on their own, outside a fetch or a search; the kit never raises them to itself.

The hierarchy::

    WebfetchError                 root: catch this to catch everything the kit raises on purpose
    ├── ConfigError               a setting or argument is wrong; the message says how to fix it
    │   ├── PolicyError           domain lists / fetch policy options are invalid
    │   │   └── ToolVersionError  an option the chosen tool version does not have
    │   └── BackendError          the requested backend cannot be used (e.g. no API key)
    ├── ContentError              raised by extract_document / pdf_page_texts: the body cannot become a
    │                             document (``.problem``: the web fetch error code and the reason)
    ├── GuardRefusal              raised by net.guard.resolve_with_deadline: the lookup failed or ran past
    │                             the deadline (``.problem`` and the guard's ``.kind``)
    ├── SearchError               raised by SearchIndex.search / decode_encrypted_content: the query or
    │                             the encrypted_content is unusable (``.problem``: the web search code)
    ├── TokenizerError            the packaged offline encoding cannot be loaded, or it failed on a text
    ├── PricingError              no price for a model or date (lists the known models)
    ├── CorpusError               the local corpus is missing or malformed
    ├── CassetteError             a recorded session (cassette) is missing, damaged or another version
    ├── CassetteMissError         a replayed request was never recorded (lab.replay; also an
    │                             anthropic.AnthropicError, so the SDK passes it through unwrapped)
    └── WorkbenchClosedError      a closed workbench was used: re-run the setup cell
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .problem import Problem

if TYPE_CHECKING:
    from .problem import ErrorCode

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


class _ProblemError(WebfetchError):
    # An exception that carries a tool-level Problem, for the public functions that raise at their boundary.
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem

    @property
    def error_code(self) -> ErrorCode:
        """The tool error code (``problem.code``)."""
        return self.problem.code

    @property
    def reason(self) -> str:
        """The sentence that explains it (``problem.reason``)."""
        return self.problem.reason


class ContentError(_ProblemError):
    """A body cannot become a document; ``problem`` holds the web fetch error code and the reason."""


class GuardRefusal(_ProblemError):
    """The SSRF guard's resolver step refused a host; ``kind`` is ``"dns_failure"`` or ``"dns_timeout"``."""

    def __init__(self, problem: Problem, kind: str) -> None:
        super().__init__(problem)
        self.kind = kind


class SearchError(_ProblemError, ValueError):
    """A search input is unusable; ``problem`` holds the web search error code and the reason."""


class TokenizerError(WebfetchError):
    """The packaged offline tokenizer cannot be loaded, or its encoder failed on a text (even panicked)."""


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
