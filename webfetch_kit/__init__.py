"""webfetch-kit: a research workbench for Claude's web fetch tool.

Everything users touch is reachable from here (``from webfetch_kit import Fetcher, FetchPolicy``). Names
load lazily on first use so that ``import webfetch_kit`` stays fast (the SDK, trafilatura and pandas are
heavy to import).

The package is laid out along the pipeline; arrows point one way (a folder imports only folders above it
in this list, and the shared ground)::

    errors · problem · blocks · tokens · clock · _data · _env      shared ground, imported by all
    rules/      urls, domains, policy, verdict, tooldefs,          pure: URL -> verdict
                provenance, homoglyphs, usecount
    reading/    extract_document: sniffing, charsets, HTML, PDF    pure: bytes -> Document
    net/        guard, fetcher, cache, reader (extraction under    the only door to the network
                a time bound), bounded, loopback server base
    search/     index, terms, encrypted (content), page_age        consumers: documents and blocks in,
    citations/  model, numbering, verify, render                   tables, pages and answers out
    accounting/ tokens the real API bills: passes, tool overheads,
                content sizes, framing, output (from data/)
    costs/      pricing, cost_of, estimates, measure_corpus
    emulator/   the Messages API subset on loopback
    lab/        corpus server and routes, kit runtime, workbench
    widgets/    DomainFilterEditor, CitationViewer

How one URL flows::

    URL --rules.policy--> Verdict --rules.provenance--> ledger check --net.guard--> pinned address
        --net.fetcher (HTTP, caps)--> bytes --reading.extract--> Document --blocks--> result block
        --> emulator (stand-in answer, usage) / citations (verify, render) / costs (tokens -> USD)

Every token number the kit shows about the real API (the emulator's usage and count_tokens, estimates,
cost tables) comes from ``accounting``, the one model of what the API bills.
"""

from __future__ import annotations

import importlib
import logging
import typing

from ._env import __version__
from .errors import (
    BackendError,
    CassetteError,
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
    WorkbenchClosedError,
)

logging.getLogger(__name__).addHandler(logging.NullHandler())

# public name -> module (relative to this package) that defines it
_LAZY: dict[str, str] = {
    "count_tokens": "tokens",
    "count_tokens_exact": "tokens",
    "truncate_to_tokens": "tokens",
    "tokenizer_info": "tokens",
    "rule_of_thumb_tokens": "tokens",
    "TokenCount": "tokens",
    "TokenizerInfo": "tokens",
    "FetchPolicy": "rules.policy",
    "Verdict": "rules.verdict",
    "web_search_param": "rules.tooldefs",
    "PolicyWarning": "rules.homoglyphs",
    "UseCounter": "rules.usecount",
    "UrlLedger": "rules.provenance",
    "Provenance": "rules.provenance",
    "extract_urls": "rules.provenance",
    "canonical_url": "rules.urls",
    "parse_fetch_url": "rules.urls",
    "ParsedUrl": "rules.urls",
    "UrlProblem": "rules.urls",
    "NetGuard": "net.guard",
    "address_problem": "net.guard",
    "extract_document": "reading.extract",
    "Document": "reading.extract",
    "pdf_page_texts": "net.reader",
    "page_of_offset": "reading.extract",
    "Fetcher": "net.fetcher",
    "FetchOutcome": "net.fetcher",
    "FetchCache": "net.cache",
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
    "batch_cost_table": "costs",
    "estimate_table": "costs",
    "estimate_request": "costs",
    "RequestEstimate": "costs",
    "TokenEstimate": "accounting",
    "pdf_estimate_table": "costs",
    "caching_table": "costs",
    "measure_corpus": "costs",
    "Cost": "costs",
    "load_prices": "costs",
    "PriceRow": "costs",
    "CorpusSite": "lab.corpus",
    "CORPUS_HOSTS": "_data",
    "EmulatorServer": "emulator",
    "ManualClock": "clock",
    "Workbench": "lab.workbench",
    "Cassette": "lab.cassette",
    "load_cassette": "lab.cassette",
    "CassetteMissError": "lab.replay",
    "DomainFilterEditor": "widgets",
    "CitationViewer": "widgets",
}
# public module attribute -> the module it names
_LAZY_MODULES: dict[str, str] = {
    "accounting": "accounting",
    "blocks": "blocks",
    "tokens": "tokens",
    "rules": "rules",
    "net": "net",
    "reading": "reading",
    "search": "search",
    "citations": "citations",
    "costs": "costs",
    "emulator": "emulator",
    "lab": "lab",
    "widgets": "widgets",
    "workbench": "lab.workbench",
}

if typing.TYPE_CHECKING:
    from . import accounting as accounting
    from . import blocks as blocks
    from . import citations as citations
    from . import costs as costs
    from . import emulator as emulator
    from . import lab as lab
    from . import net as net
    from . import reading as reading
    from . import rules as rules
    from . import search as search
    from . import tokens as tokens
    from . import widgets as widgets
    from ._data import CORPUS_HOSTS as CORPUS_HOSTS
    from .accounting import TokenEstimate as TokenEstimate
    from .citations import CitationRow as CitationRow
    from .citations import VerificationResult as VerificationResult
    from .citations import citation_report as citation_report
    from .citations import citations_of as citations_of
    from .citations import documents_in as documents_in
    from .citations import render_html as render_html
    from .citations import verify as verify
    from .clock import ManualClock as ManualClock
    from .costs import Cost as Cost
    from .costs import PriceRow as PriceRow
    from .costs import RequestEstimate as RequestEstimate
    from .costs import batch_cost_table as batch_cost_table
    from .costs import caching_table as caching_table
    from .costs import cost_of as cost_of
    from .costs import estimate_request as estimate_request
    from .costs import estimate_table as estimate_table
    from .costs import load_prices as load_prices
    from .costs import measure_corpus as measure_corpus
    from .costs import pdf_estimate_table as pdf_estimate_table
    from .emulator import EmulatorServer as EmulatorServer
    from .lab import workbench as workbench
    from .lab.cassette import Cassette as Cassette
    from .lab.cassette import load_cassette as load_cassette
    from .lab.corpus import CorpusSite as CorpusSite
    from .lab.replay import CassetteMissError as CassetteMissError
    from .lab.workbench import Workbench as Workbench
    from .net.cache import FetchCache as FetchCache
    from .net.fetcher import Fetcher as Fetcher
    from .net.fetcher import FetchOutcome as FetchOutcome
    from .net.guard import NetGuard as NetGuard
    from .net.guard import address_problem as address_problem
    from .net.reader import pdf_page_texts as pdf_page_texts
    from .reading.extract import Document as Document
    from .reading.extract import extract_document as extract_document
    from .reading.extract import page_of_offset as page_of_offset
    from .rules.homoglyphs import PolicyWarning as PolicyWarning
    from .rules.policy import FetchPolicy as FetchPolicy
    from .rules.provenance import Provenance as Provenance
    from .rules.provenance import UrlLedger as UrlLedger
    from .rules.provenance import extract_urls as extract_urls
    from .rules.tooldefs import web_search_param as web_search_param
    from .rules.urls import ParsedUrl as ParsedUrl
    from .rules.urls import UrlProblem as UrlProblem
    from .rules.urls import canonical_url as canonical_url
    from .rules.urls import parse_fetch_url as parse_fetch_url
    from .rules.usecount import UseCounter as UseCounter
    from .rules.verdict import Verdict as Verdict
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
    from .widgets import CitationViewer as CitationViewer
    from .widgets import DomainFilterEditor as DomainFilterEditor

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
    "__version__",
    *_LAZY,
    *_LAZY_MODULES,
]


def __getattr__(name: str) -> typing.Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(f".{_LAZY_MODULES[name]}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
