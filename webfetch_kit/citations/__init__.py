"""Citations: read them out of a response, number the documents they point into, verify, render."""

from __future__ import annotations

from .core import (
    CitationReport,
    CitationRow,
    CitationStatus,
    SourceDocument,
    VerificationResult,
    citations_of,
    documents_in,
    normalize_whitespace,
    number_documents,
    read_document,
    status_summary,
    verify,
)
from .render import citation_report, render_html

__all__ = [
    "CitationReport",
    "CitationRow",
    "CitationStatus",
    "SourceDocument",
    "VerificationResult",
    "citation_report",
    "citations_of",
    "documents_in",
    "normalize_whitespace",
    "number_documents",
    "read_document",
    "render_html",
    "status_summary",
    "verify",
]
