"""The citation model: the values every other citations module passes around.

:class:`SourceDocument` is a document a citation can point at (numbered by
:mod:`~webfetch_kit.citations.numbering`), :class:`CitationRow` one citation flattened for a table,
:class:`VerificationResult` the outcome of checking it (:mod:`~webfetch_kit.citations.verify`), and
:class:`CitationReport` the rows, results and rendered page together (:mod:`~webfetch_kit.citations.render`).

The four statuses (:data:`CitationStatus`): ``"ok"`` the cited text is where the citation says;
``"mismatch"`` a check failed, or the citation is malformed (an index
that is not an integer or is below its lowest value, a range that ends before it starts, no
``cited_text`` string); ``"unresolved"`` the document (or search result) it names
cannot be found; ``"unverifiable"`` there is no text here to check it against (a PDF by URL or file id).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CitationReport",
    "CitationRow",
    "CitationStatus",
    "SourceDocument",
    "VerificationResult",
    "status_summary",
]

CitationStatus = Literal["ok", "mismatch", "unresolved", "unverifiable"]


@dataclass(frozen=True)
class SourceDocument:
    """A document a citation can point at, numbered by :func:`~webfetch_kit.citations.documents_in`.

    ``text`` is the plain text (text documents), the pages joined by ``PAGE_SEPARATOR`` (PDFs) or the text
    blocks joined by blank lines (content documents); ``pages`` holds a PDF's text page by page and
    ``blocks`` a content document's blocks (images as empty strings). ``origin`` says where the
    document sits, e.g. ``"web_fetch_tool_result at response.content[2]"``.
    """

    index: int
    title: str | None
    url: str | None
    text: str | None
    pages: tuple[str, ...] | None
    media_type: str | None
    origin: str
    blocks: tuple[str, ...] | None = None
    retrieved_at: str | None = None
    citations_enabled: bool = False


@dataclass(frozen=True)
class CitationRow:
    """One citation of a response, flattened for a table.

    ``number`` counts citations 1, 2, … through the response (the ``[n]`` markers of
    :func:`~webfetch_kit.citations.render_html`); ``block_index`` is the text block's position in
    ``message.content`` and ``citation_index`` the citation's position in that block's ``citations``.
    ``start``/``end`` are in ``unit`` (``"char"``, ``"page"`` or ``"block"``; end exclusive) and ``None``
    for web search results.
    """

    number: int
    block_index: int
    citation_index: int
    text: str
    type: str
    document_index: int | None
    document_title: str | None
    url: str | None
    start: int | None
    end: int | None
    unit: str | None
    cited_text: str


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of checking one citation against its source.

    ``expected`` is what the source holds at the cited location (``None`` when there is no source text),
    ``actual`` the citation's ``cited_text``; ``detail`` explains the outcome in one sentence.
    """

    citation: CitationRow
    status: CitationStatus
    expected: str | None
    actual: str
    detail: str
    document: SourceDocument | None = None

    @property
    def ok(self) -> bool:
        """True when the cited text was found where the citation says."""
        return self.status == "ok"


@dataclass(frozen=True)
class CitationReport:
    """Rows, verification results and the rendered HTML of one response; displays itself in Jupyter."""

    rows: tuple[CitationRow, ...]
    results: tuple[VerificationResult, ...]
    html: str

    @property
    def ok(self) -> bool:
        """True when every citation verified."""
        return all(result.ok for result in self.results)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return f"CitationReport({len(self.rows)} citations: {status_summary(self.results)})"


def status_summary(results: Iterable[VerificationResult]) -> str:
    """``"2 mismatch, 5 ok"``: how many citations have each status ("no citations" when none)."""
    counts = Counter(result.status for result in results)
    return ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "no citations"
