"""Reading fetched bytes: content sniffing, charsets, HTML and PDF extraction -- bytes in, Document out.

:mod:`.extract` (``extract_document``, the one entry point) · :mod:`.sniff` (type and charset) ·
:mod:`.html` (trafilatura, size caps) · :mod:`.pdf` (pypdf, resource limits). Pure: no threads, no
clocks; the fetcher runs the slow step under a time bound (:mod:`webfetch_kit.net.reader`).
"""

from __future__ import annotations

from .extract import (
    Document,
    Reading,
    extract_document,
    page_of_offset,
    page_spans,
    read_body,
    start_reading,
)

__all__ = [
    "Document",
    "Reading",
    "extract_document",
    "page_of_offset",
    "page_spans",
    "read_body",
    "start_reading",
]
