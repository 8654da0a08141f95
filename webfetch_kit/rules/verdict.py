"""The decision on one URL: :class:`Verdict`, given by the fetch policy and by the prior-context ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..problem import Problem
from .urls import ParsedUrl

if TYPE_CHECKING:
    from ..problem import ErrorCode

__all__ = ["Verdict"]


@dataclass(frozen=True)
class Verdict:
    """The decision on one URL, and the URL as it was parsed for it.

    ``reason`` is one plain sentence, whether the URL is allowed or not. A refused verdict carries a
    :class:`~webfetch_kit.problem.Problem` (``problem``: the ``web_fetch_tool_result_error`` code and the
    same sentence). ``rule`` is the list entry that decided (None when no entry decided). ``url`` is the
    parsed URL (None when it did not parse): what the fetcher requests, the guard vets and the cache keys
    on, so a hop's URL is parsed once. Make verdicts with :meth:`allow` and :meth:`refuse`.
    """

    reason: str
    problem: Problem | None = None
    rule: str | None = None
    url: ParsedUrl | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.problem is not None and self.problem.reason != self.reason:
            raise ValueError(
                "a refused Verdict's reason is its problem's reason: use Verdict.refuse(problem)"
            )

    @classmethod
    def allow(cls, reason: str, rule: str | None = None, url: ParsedUrl | None = None) -> Verdict:
        """An allowed verdict, saying why in ``reason``."""
        return cls(reason, None, rule, url)

    @classmethod
    def refuse(cls, problem: Problem, rule: str | None = None, url: ParsedUrl | None = None) -> Verdict:
        """A refused verdict carrying ``problem`` (its code and sentence)."""
        return cls(problem.reason, problem, rule, url)

    @property
    def allowed(self) -> bool:
        """True when the URL may be fetched (as far as this check goes)."""
        return self.problem is None

    @property
    def error_code(self) -> ErrorCode | None:
        """The refusal's error code (``problem.code``), None when allowed."""
        return None if self.problem is None else self.problem.code
