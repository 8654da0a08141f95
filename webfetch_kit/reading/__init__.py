"""Reading fetched bytes: content sniffing, charsets, HTML and PDF extraction -- bytes in, Document out.

:mod:`.extract` (``extract_document``, the one entry point) · :mod:`.sniff` (type and charset) ·
:mod:`.html` (trafilatura, bounded) · :mod:`.pdf` (pypdf, bounded).
"""

from __future__ import annotations

from .extract import Document, extract_document, page_of_offset, page_spans, pdf_page_texts

__all__ = ["Document", "extract_document", "page_of_offset", "page_spans", "pdf_page_texts"]
