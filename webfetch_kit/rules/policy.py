"""The fetch policy: the web fetch tool's options, validated, and the verdict on one URL.

:class:`FetchPolicy` holds what a ``web_fetch_*`` tool definition sets (domain lists, ``max_uses``,
``max_content_tokens``, citations, ``use_cache``, ``url_sources``) and decides one thing: may this URL be
fetched (:meth:`FetchPolicy.check`). The pieces it uses live beside it: the domain lists and their
matcher in :mod:`.domains` (shared with the search tool), ``url_sources`` in :mod:`.provenance`, the
tool definitions in :mod:`.tooldefs`, the ``max_uses`` counter in :mod:`.usecount` (callers make one per
request: ``UseCounter(policy.max_uses)``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import PolicyError, check_positive_int
from ..problem import Problem
from . import tooldefs
from .domains import DomainLists, DomainRule, parse_domain_entry
from .homoglyphs import PolicyWarning
from .provenance import check_url_sources
from .tooldefs import DEFAULT_FETCH_VERSION, DEFAULT_SEARCH_VERSION
from .urls import parse_fetch_url
from .verdict import Verdict

if TYPE_CHECKING:
    from anthropic.types import WebFetchURLSourcesParam

    from .tooldefs import WebFetchToolParam, WebSearchToolParam

__all__ = ["DEFAULT_FETCH_VERSION", "DomainRule", "FetchPolicy", "Verdict", "parse_domain_entry"]


@dataclass(frozen=True)
class FetchPolicy:
    """The web fetch tool's options, validated as the documentation says, and the verdict on a URL.

    Raises:
        PolicyError: an option or list entry is invalid (the message says how to fix it).
    """

    allowed_domains: Sequence[str] | None = None
    """Normalised on construction to a tuple of ``host`` or ``host/path`` strings (A-labels)."""
    blocked_domains: Sequence[str] | None = None
    max_uses: int | None = None
    max_content_tokens: int | None = None
    citations: bool = False
    use_cache: bool | None = None
    url_sources: WebFetchURLSourcesParam | None = None
    _lists: DomainLists = field(default=DomainLists(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        lists = DomainLists.parse(self.allowed_domains, self.blocked_domains)
        check_positive_int(self.max_uses, "max_uses", none_ok=True, error=PolicyError)
        check_positive_int(self.max_content_tokens, "max_content_tokens", none_ok=True, error=PolicyError)
        if not isinstance(self.citations, bool):
            raise PolicyError(f"citations must be True or False, got {self.citations!r}")
        if self.use_cache is not None and not isinstance(self.use_cache, bool):
            raise PolicyError(f"use_cache must be True, False or None, got {self.use_cache!r}")
        check_url_sources(self.url_sources)
        set_ = object.__setattr__
        set_(self, "_lists", lists)
        for name, rules in (("allowed_domains", lists.allowed), ("blocked_domains", lists.blocked)):
            set_(self, name, None if rules is None else tuple(r.normalized for r in rules))

    @property
    def rules(self) -> tuple[DomainRule, ...]:
        """The normalised rules of whichever list is set (empty when none is)."""
        return self._lists.rules

    def check(self, url: str) -> Verdict:
        """Decide whether ``url`` may be fetched under this policy.

        Args:
            url: the URL to judge (each redirect hop is judged again by the fetcher).

        Returns:
            A :class:`~webfetch_kit.rules.verdict.Verdict` carrying the parsed URL; refused verdicts
            carry ``invalid_tool_input``, ``url_too_long`` or ``url_not_allowed``.
        """
        parsed = parse_fetch_url(url)
        if isinstance(parsed, Problem):
            return Verdict.refuse(parsed)
        return self._lists.judge(parsed)

    def warnings(self) -> list[PolicyWarning]:
        """Homograph risks in the lists: non-ASCII, punycode, mixed scripts, look-alikes, invisibles.

        Returns:
            One :class:`~webfetch_kit.rules.homoglyphs.PolicyWarning` per finding, in list order.
        """
        return self._lists.warnings()

    def to_tool_param(self, version: str = DEFAULT_FETCH_VERSION) -> WebFetchToolParam:
        """The SDK tool definition for this policy (:func:`~webfetch_kit.rules.tooldefs.fetch_tool_param`).

        Raises:
            ToolVersionError: unknown version, or an option set here that the version lacks.
        """
        return tooldefs.fetch_tool_param(
            version, {name: getattr(self, name) for name in tooldefs.FETCH_OPTIONS}
        )

    @classmethod
    def from_tool_param(cls, param: Mapping[str, Any]) -> FetchPolicy:
        """Read a policy back from a web fetch tool definition.

        Raises:
            ToolVersionError: unknown version, or a key that version does not have.
            PolicyError: a key this class does not model, or an invalid value.
        """
        return cls(**tooldefs.fetch_options(param))

    @classmethod
    def from_tool_definition(cls, tool: Mapping[str, Any]) -> FetchPolicy:
        """The policy a request's ``web_fetch_*`` tool definition asks for.

        Like :meth:`from_tool_param`, but options in
        :data:`~webfetch_kit.rules.tooldefs.PRESENTATION_KEYS` (``cache_control``, ``strict``,
        ``response_inclusion``…) are accepted and ignored: they are valid in a request and say nothing
        about how a fetch runs. Keys a version does not have are still refused.
        """
        return cls(**tooldefs.fetch_options(tool, presentation_ok=True))

    def to_search_param(
        self,
        version: str = DEFAULT_SEARCH_VERSION,
        *,
        max_uses: int | None = None,
        user_location: Mapping[str, Any] | None = None,
    ) -> WebSearchToolParam:
        """The matching ``web_search`` tool definition, with this policy's domain lists.

        Args:
            version: a ``web_search_*`` type the installed SDK knows (see ``WEB_SEARCH_VERSIONS``).
            max_uses: the search tool's own ``max_uses`` (not the fetch limit).
            user_location: the SDK's ``UserLocationParam`` dict.

        Returns:
            The SDK's ``WebSearchTool<date>Param`` dict.
        """
        return tooldefs.web_search_param(
            version,
            allowed_domains=self.allowed_domains,
            blocked_domains=self.blocked_domains,
            max_uses=max_uses,
            user_location=user_location,
        )
