"""The rules of the web fetch tool, as pure functions of their inputs: no I/O, no threads.

:mod:`.urls` (what a fetchable URL is, its canonical form) · :mod:`.domains` (domain lists and the one
matcher, shared with search) · :mod:`.policy` (the tool's options and the verdict on a URL) ·
:mod:`.verdict` · :mod:`.tooldefs` (tool definitions to and from the SDK's params) · :mod:`.provenance`
(the prior-context rule, ``url_sources``) · :mod:`.homoglyphs` (look-alike names) · :mod:`.usecount`
(``max_uses``).
"""

from __future__ import annotations

from .domains import DomainLists, DomainRule, covers, normalize_path, parse_domain_entry
from .homoglyphs import (
    CharInfo,
    PolicyWarning,
    ascii_lookalike,
    char_info,
    entry_warnings,
    is_highly_restrictive,
    is_invisible,
    script_of,
    scripts_of,
    skeleton,
    skeleton_warnings,
)
from .policy import FetchPolicy
from .provenance import Provenance, UrlLedger, check_url_sources, extract_urls
from .tooldefs import (
    DEFAULT_FETCH_VERSION,
    DEFAULT_SEARCH_VERSION,
    PRESENTATION_KEYS,
    fetch_options,
    fetch_tool_param,
    web_search_param,
)
from .urls import (
    MAX_URL_LENGTH,
    NormalizedHost,
    ParsedUrl,
    UrlProblem,
    canonical_url,
    ends_in_a_number,
    normalize_host,
    parse_fetch_url,
)
from .usecount import UseCounter
from .verdict import Verdict

__all__ = [
    "DEFAULT_FETCH_VERSION",
    "DEFAULT_SEARCH_VERSION",
    "MAX_URL_LENGTH",
    "PRESENTATION_KEYS",
    "CharInfo",
    "DomainLists",
    "DomainRule",
    "FetchPolicy",
    "NormalizedHost",
    "ParsedUrl",
    "PolicyWarning",
    "Provenance",
    "UrlLedger",
    "UrlProblem",
    "UseCounter",
    "Verdict",
    "ascii_lookalike",
    "canonical_url",
    "char_info",
    "check_url_sources",
    "covers",
    "ends_in_a_number",
    "entry_warnings",
    "extract_urls",
    "fetch_options",
    "fetch_tool_param",
    "is_highly_restrictive",
    "is_invisible",
    "normalize_host",
    "normalize_path",
    "parse_domain_entry",
    "parse_fetch_url",
    "script_of",
    "scripts_of",
    "skeleton",
    "skeleton_warnings",
    "web_search_param",
]
