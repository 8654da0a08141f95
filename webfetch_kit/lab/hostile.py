"""Hostile bodies for the lab's ``/hostile/*`` routes: small inputs that cost a careless reader a lot.

Each body is generated here, at request time or once per process (cached in memory), from a few lines
of code: nothing third-party is committed. Each targets one way a fetch can run past its deadline or
freeze the process (see ``SECURITY.md``, "Bound the work, not the wait" and "No pattern that can
backtrack on input"):

* :func:`sniff_backtrack` -- an XML declaration and empty comments (``<!---->``), for a content sniffer
  whose comment pattern can end each comment at any later ``-->`` (exponential backtracking in ``re``,
  which holds the GIL).
* :func:`whitespace` -- a million whitespace characters, for patterns quadratic in runs of ``\\s``.
* :func:`no_spaces` -- 10 MiB of letters without a space, one "word" for a tokenizer's pre-split
  (byte-pair merging of one long piece is superlinear).
* :func:`pdf_bomb` -- a ~80 KB PDF whose 100 pages share one Flate content stream of ~19 MB of drawing
  operators: each page is inside every pypdf limit (the stream decodes to far less than its 75 MB output
  caps and holds fewer tokens than its 2,000,000 per stream), all of them together are minutes of
  parsing.
* :func:`deep_html` -- elements nested 100,000 deep, for recursive tree walks.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterator

__all__ = [
    "DEEP_HTML_DEPTH",
    "NO_SPACES_BYTES",
    "PDF_BOMB_PAGES",
    "PDF_BOMB_STREAM_BYTES",
    "WHITESPACE_CHARS",
    "deep_html",
    "no_spaces",
    "pdf_bomb",
    "sniff_backtrack",
    "whitespace",
    "write_pdf",
]

_XML_DECLARATION = b'<?xml version="1.0"?>'
_EMPTY_COMMENT = b"<!---->"
# 21 + 61 * 7 = 448 bytes: 61 comments are 2**61 ways to split for a backtracking comment pattern.
_SNIFF_COMMENTS = 61

WHITESPACE_CHARS = 1_000_000
_WHITESPACE_LINE = b" " * 63 + b"\n"

NO_SPACES_BYTES = 10 * 1024 * 1024
_LETTERS = b"abcdefghijklmnopqrstuvwxyz"

PDF_BOMB_PAGES = 100
PDF_BOMB_STREAM_BYTES = 19_000_000
# Long operands keep the stream under pypdf's parsing budget (stream_parsing_work_maximum_count, 2,000,000
# tokens per stream in pypdf 7): 74 bytes hold 7 tokens, so ~19 MB are ~1.8 million tokens.
_PDF_LINE = b"123.456789012345 234.567890123456 m 345.678901234567 456.789012345678 l S\n"
_PDF_TEXT = b"BT /F1 12 Tf 72 720 Td (A page of lines.) Tj ET\n"

DEEP_HTML_DEPTH = 100_000

_pdf_lock = threading.Lock()
_pdf_cache: list[bytes] = []


def sniff_backtrack() -> bytes:
    """``<?xml version="1.0"?>`` and 61 empty comments: 448 bytes, to be served with no Content-Type."""
    return _XML_DECLARATION + _EMPTY_COMMENT * _SNIFF_COMMENTS


def whitespace() -> bytes:
    """Exactly :data:`WHITESPACE_CHARS` bytes of whitespace: lines of 63 spaces."""
    lines, rest = divmod(WHITESPACE_CHARS, len(_WHITESPACE_LINE))
    return _WHITESPACE_LINE * lines + b" " * rest


def no_spaces(chunk: int = 64 * 1024) -> Iterator[bytes]:
    """Exactly :data:`NO_SPACES_BYTES` bytes of lower-case letters (the alphabet over and over), in chunks.

    Streamed, so the body is never held whole: each chunk of ``chunk`` bytes starts the alphabet again.
    """
    piece = _LETTERS * (chunk // len(_LETTERS) + 1)
    remaining = NO_SPACES_BYTES
    while remaining > 0:
        part = piece[:remaining]
        remaining -= len(part)
        yield part


def pdf_bomb() -> bytes:
    """A PDF of :data:`PDF_BOMB_PAGES` pages sharing one content stream of ~19 MB (built once, cached).

    Every page draws the same ~257,000 lines and shows one line of text ("A page of lines."), so a
    reader that extracts each page's text parses the whole stream 100 times.
    """
    with _pdf_lock:
        if not _pdf_cache:
            _pdf_cache.append(_build_pdf_bomb())
        return _pdf_cache[0]


def _build_pdf_bomb() -> bytes:
    # Written by hand, not with pypdf: its writer has no public way to give many pages one content
    # stream object (sharing it is the point). pypdf reads the result (the lab's tests check it does).
    content = zlib.compress(_PDF_TEXT + _PDF_LINE * _pdf_lines(), 9)
    first_page = 5
    kids = " ".join(f"{first_page + n} 0 R" for n in range(PDF_BOMB_PAGES))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {PDF_BOMB_PAGES} >>".encode(),
        f"<< /Length {len(content)} /Filter /FlateDecode >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>",
    ]
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Resources 4 0 R >>"
    objects += [page] * PDF_BOMB_PAGES
    return write_pdf(objects)


def write_pdf(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (numbered from 1; object 1 is the catalog), with its cross-reference table.

    The lab's hostile PDFs (and the tests' own) are built with it: they share content streams between
    pages, which pypdf's writer cannot express.
    """
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_lines() -> int:
    return (PDF_BOMB_STREAM_BYTES - len(_PDF_TEXT)) // len(_PDF_LINE)


def deep_html() -> bytes:
    """An HTML page whose body holds ``<div>`` elements nested :data:`DEEP_HTML_DEPTH` deep (~1.1 MB)."""
    return (
        b"<!doctype html><html><head><title>Deep</title></head><body>"
        + b"<div>" * DEEP_HTML_DEPTH
        + b"<p>The bottom.</p>"
        + b"</div>" * DEEP_HTML_DEPTH
        + b"</body></html>"
    )
