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
    "FetchPolicy": "policy",
    "Verdict": "policy",
    "web_search_param": "policy",
    "PolicyWarning": "homoglyphs",
    "UseCounter": "usecount",
    "UrlLedger": "provenance",
    "Provenance": "provenance",
    "extract_urls": "provenance",
    "canonical_url": "urls",
    "parse_fetch_url": "urls",
    "ParsedUrl": "urls",
    "UrlProblem": "urls",
    "NetGuard": "netguard",
    "address_problem": "netguard",
    "extract_document": "extract",
    "Document": "extract",
    "pdf_page_texts": "extract",
    "page_of_offset": "extract",
    "Fetcher": "fetcher",
    "FetchOutcome": "fetcher",
    "FetchCache": "fetchcache",
    "SearchIndex": "search",
    "SearchHit": "search",
    "decode_encrypted_content": "search",
    "citations_of": "citations",
    "verify": "citations",
    "render_html": "citations",
    "citation_report": "citations",
    "documents_in": "citations",
    "CitationRow": "citations",
    "VerificationResult": "citations",
    "cost_of": "costs",
    "estimate_table": "costs",
    "pdf_estimate_table": "costs",
    "caching_table": "costs",
    "measure_corpus": "costs",
    "Cost": "costs",
    "load_prices": "pricing",
    "PriceRow": "pricing",
    "CorpusSite": "corpus",
    "CORPUS_HOSTS": "corpus",
    "EmulatorServer": "emulator",
    "ManualClock": "clock",
    "Workbench": "workbench",
    "DomainFilterEditor": "widgets",
    "CitationViewer": "widgets",
}
_LAZY_MODULES = (
    "tokens",
    "policy",
    "provenance",
    "urls",
    "netguard",
    "extract",
    "fetcher",
    "search",
    "citations",
    "costs",
    "pricing",
    "corpus",
    "emulator",
    "workbench",
    "blocks",
    "homoglyphs",
    "widgets",
)

if TYPE_CHECKING:
    from . import (
        blocks as blocks,
    )
    from . import (
        citations as citations,
    )
    from . import (
        corpus as corpus,
    )
    from . import (
        costs as costs,
    )
    from . import (
        emulator as emulator,
    )
    from . import (
        extract as extract,
    )
    from . import (
        fetcher as fetcher,
    )
    from . import (
        homoglyphs as homoglyphs,
    )
    from . import (
        netguard as netguard,
    )
    from . import (
        policy as policy,
    )
    from . import (
        pricing as pricing,
    )
    from . import (
        provenance as provenance,
    )
    from . import (
        search as search,
    )
    from . import (
        tokens as tokens,
    )
    from . import (
        urls as urls,
    )
    from . import (
        workbench as workbench,
    )
    from .citations import CitationRow as CitationRow
    from .citations import VerificationResult as VerificationResult
    from .citations import citation_report as citation_report
    from .citations import citations_of as citations_of
    from .citations import documents_in as documents_in
    from .citations import render_html as render_html
    from .citations import verify as verify
    from .clock import ManualClock as ManualClock
    from .corpus import CORPUS_HOSTS as CORPUS_HOSTS
    from .corpus import CorpusSite as CorpusSite
    from .costs import Cost as Cost
    from .costs import caching_table as caching_table
    from .costs import cost_of as cost_of
    from .costs import estimate_table as estimate_table
    from .costs import measure_corpus as measure_corpus
    from .costs import pdf_estimate_table as pdf_estimate_table
    from .emulator import EmulatorServer as EmulatorServer
    from .extract import Document as Document
    from .extract import extract_document as extract_document
    from .extract import page_of_offset as page_of_offset
    from .extract import pdf_page_texts as pdf_page_texts
    from .fetchcache import FetchCache as FetchCache
    from .fetcher import Fetcher as Fetcher
    from .fetcher import FetchOutcome as FetchOutcome
    from .homoglyphs import PolicyWarning as PolicyWarning
    from .netguard import NetGuard as NetGuard
    from .netguard import address_problem as address_problem
    from .policy import FetchPolicy as FetchPolicy
    from .policy import Verdict as Verdict
    from .policy import web_search_param as web_search_param
    from .pricing import PriceRow as PriceRow
    from .pricing import load_prices as load_prices
    from .provenance import Provenance as Provenance
    from .provenance import UrlLedger as UrlLedger
    from .provenance import extract_urls as extract_urls
    from .search import SearchHit as SearchHit
    from .search import SearchIndex as SearchIndex
    from .search import decode_encrypted_content as decode_encrypted_content
    from .tokens import TokenCount as TokenCount
    from .tokens import TokenizerInfo as TokenizerInfo
    from .tokens import count_tokens as count_tokens
    from .tokens import count_tokens_exact as count_tokens_exact
    from .tokens import rule_of_thumb_tokens as rule_of_thumb_tokens
    from .tokens import tokenizer_info as tokenizer_info
    from .tokens import truncate_to_tokens as truncate_to_tokens
    from .urls import ParsedUrl as ParsedUrl
    from .urls import UrlProblem as UrlProblem
    from .urls import canonical_url as canonical_url
    from .urls import parse_fetch_url as parse_fetch_url
    from .usecount import UseCounter as UseCounter
    from .widgets import CitationViewer as CitationViewer
    from .widgets import DomainFilterEditor as DomainFilterEditor
    from .workbench import Workbench as Workbench

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
