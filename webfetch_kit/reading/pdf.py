"""PDF text per page with pypdf, with resource limits and a page cap; pure (no threads, no clocks).

PDFs are hostile input (pypdf has had decompression-bomb and infinite-loop advisories), so:

* pypdf's own limits (``pypdf.Configuration``, pypdf >= 6.6) are lowered for the extraction:
  at most 20 MB out of any one decompressed stream (Flate, LZW, run-length, JBIG2, Brotli,
  array-based), 20 MB image buffers, 100 MB of decoding work per stream, 1,000 form XObjects per page;
  ``PdfReader(strict=False)`` repairs what it safely can.
* At most :data:`MAX_PDF_PAGES` pages (100, the page limit of Claude's PDF support) have their text
  extracted; a note ``pdf_pages_capped`` gives the real count.
* The extraction (:meth:`PdfReading.run`) fills a :class:`PdfReading` page by page, so a reader that is
  stopped (the fetcher runs it under a time bound, :mod:`webfetch_kit.net.reader`) keeps the pages read
  so far (note ``pdf_timeout``), or is ``unavailable`` if the file could not even be opened in time.

Errors are a :class:`~webfetch_kit.problem.Problem` (never a pypdf traceback):

* encrypted and not openable with the empty user password → ``url_not_accessible``:
  the document exists and is a supported type, but its content is locked behind a password, which is
  the same situation for the model as a page behind a login (the docs: "Failed to fetch content").
  PDFs with only an owner password (printing/copy restrictions) open and are extracted, noted
  ``pdf_encrypted``;
* AES-encrypted files need the optional ``cryptography`` package → ``unavailable``;
* damaged, truncated or empty files → ``unsupported_content_type``: the body is not a
  readable PDF, which will not change on retry (so not ``unavailable``) and is not an HTTP failure.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..problem import Problem

# pypdf reports repairs ("EOF marker not found") as warnings; without a handler anywhere, logging's
# last-resort handler prints them to stderr in the middle of a lesson. A NullHandler stops only that:
# logging the user configures still receives them.
logging.getLogger("pypdf").addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["MAX_PDF_PAGES", "PDF_LIMITS", "PdfReading", "PdfResult", "read_pdf"]

MAX_PDF_PAGES = 100

_MB = 1_000_000
PDF_LIMITS: dict[str, int] = {
    "maximum_declared_stream_length": 20 * _MB,
    "array_based_stream_maximum_output_length": 20 * _MB,
    "jbig2_maximum_output_length": 20 * _MB,
    "lzw_maximum_output_length": 20 * _MB,
    "run_length_maximum_output_length": 20 * _MB,
    "zlib_maximum_output_length": 20 * _MB,
    "brotli_maximum_output_length": 20 * _MB,
    "image_maximum_buffer_size": 20 * _MB,
    "stream_decoding_work_maximum_length": 100 * _MB,
    "xform_maximum_invocations_per_extraction": 1_000,
}


@dataclass(frozen=True)
class PdfResult:
    """Per-page text (first pages up to the cap), the metadata title, the real page count and notes."""

    pages: tuple[str, ...]
    title: str | None
    page_count: int
    notes: tuple[str, ...]


@dataclass
class PdfReading:
    """A PDF being read: :meth:`run` fills it page by page, :meth:`result` reads what it holds.

    Each page's text is appended as soon as it is extracted, so :meth:`result` can be asked while (or
    after) a run was stopped and keeps what was read.
    """

    data: bytes
    max_pages: int = MAX_PDF_PAGES
    pages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page_count: int | None = None
    title: str | None = None
    problem: Problem | None = None
    done: bool = False

    def run(self) -> None:
        """Open the PDF and extract the text of its first ``max_pages`` pages (errors become ``problem``)."""
        from pypdf import apply_configuration, get_configuration

        try:
            with apply_configuration(get_configuration().with_overwrites(**PDF_LIMITS)):
                reader = _open(self.data, self.notes)
                if isinstance(reader, Problem):
                    self.problem = reader
                    return
                count = len(reader.pages)
                self.title = _title(reader)
                self.page_count = count
                for number in range(min(count, self.max_pages)):
                    try:
                        text = reader.pages[number].extract_text()
                    except Exception as exc:  # one bad page must not lose the others
                        self.notes.append(f"pdf_page_error: page {number + 1} ({type(exc).__name__})")
                        text = ""
                    self.pages.append(_tidy_page(text))
            self.done = True
        except Exception as exc:  # pypdf raises many types on hostile files; report them cleanly
            self.problem = Problem(
                "unsupported_content_type", f"the PDF is damaged or unreadable ({_brief(exc)})"
            )

    def result(self, stopped: str | None = None) -> PdfResult | Problem:
        """The pages read so far and what is known about the document, or the problem.

        Args:
            stopped: why :meth:`run` was stopped before it finished (e.g. ``"20 s"``, the time bound it
                ran past), or None when it ran to its end.
        """
        if self.problem is not None:
            return self.problem
        # Copies: a stopped run may still be appending in the background.
        pages, notes, count, done = tuple(self.pages), list(self.notes), self.page_count, self.done
        if count is None:
            return Problem("unavailable", f"the PDF could not be opened within {stopped or 'its run'}")
        if not done:
            notes.append(f"pdf_timeout: text extracted from {len(pages)} of {count} pages in {stopped}")
        if count > self.max_pages:
            notes.append(f"pdf_pages_capped: text extracted from the first {self.max_pages} of {count} pages")
        if done and not any(page.strip() for page in pages):
            notes.append("pdf_no_text: no extractable text (scanned or image-only pages?)")
        return PdfResult(pages, self.title, count, tuple(notes))


def read_pdf(data: bytes, *, max_pages: int = MAX_PDF_PAGES) -> PdfResult | Problem:
    """Extract the text of each page of a PDF (see the module docstring for limits and errors), in full.

    Args:
        data: the PDF bytes.
        max_pages: extract text from at most this many pages.

    Returns:
        The page texts and what is known about the document, or the problem (encrypted or damaged).
    """
    reading = PdfReading(data, max_pages)
    reading.run()
    return reading.result()


def _open(data: bytes, notes: list[str]) -> PdfReader | Problem:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError, EmptyFileError, PdfReadError

    if not data.strip():
        return Problem("unsupported_content_type", "the PDF is empty")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except EmptyFileError:
        return Problem("unsupported_content_type", "the PDF is empty")
    except PdfReadError as exc:
        return Problem("unsupported_content_type", f"the PDF is damaged or truncated ({_brief(exc)})")
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            return Problem(
                "unavailable", "the PDF is AES-encrypted; reading it needs the 'cryptography' package"
            )
        if opened == PasswordType.NOT_DECRYPTED:
            return Problem("url_not_accessible", "the PDF is encrypted and needs a password to open")
        notes.append("pdf_encrypted: opened with the empty user password (owner restrictions only)")
    return reader


def _title(reader: PdfReader) -> str | None:
    try:
        metadata = reader.metadata
        title = metadata.title if metadata is not None else None
    except Exception:  # a damaged info dictionary only costs the title
        return None
    if isinstance(title, str) and title.strip():
        return " ".join(title.split())
    return None


def _tidy_page(text: str) -> str:
    # The form feed is reserved for the page separator of Document.text.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").strip()


def _brief(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__
