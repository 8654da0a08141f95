"""Citations: read them out of a response, number the documents they point into, verify, render.

One idea a module, each importing only the ones before it:

* :mod:`.model`: the values (:class:`SourceDocument`, :class:`CitationRow`, :class:`VerificationResult`,
  :class:`CitationReport`, the statuses);
* :mod:`.fields`: a citation's fields read safely, whatever they hold (indices, strings, descriptions);
* :mod:`.numbering`: which document a ``document_index`` points at (:func:`documents_in`,
  :func:`number_documents`, :func:`read_document`; the emulator cites by the same rule);
* :mod:`.verify`: the citations of a response (:func:`citations_of`) and each checked against its source
  (:func:`verify`);
* :mod:`.render`: the answer and its sources as one self-contained HTML page (:func:`render_html`,
  :func:`citation_report`).
"""

from __future__ import annotations

from .model import (
    CitationReport,
    CitationRow,
    CitationStatus,
    SourceDocument,
    VerificationResult,
    status_summary,
)
from .numbering import documents_in, number_documents, read_document
from .render import citation_report, render_html
from .verify import citations_of, normalize_whitespace, verify

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
