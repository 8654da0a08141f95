"""The citation viewer: pick one citation of a response, see its span highlighted in its source.

Rows, verification and highlighting all come from :mod:`webfetch_kit.citations` (the same renderer as
:func:`~webfetch_kit.citations.render_html`, given one citation at a time), so escaping and span
finding (exact characters, PDF pages, content blocks) live in one place.

Scrolling: the panels use no script. The HTML widget sets its value as ``innerHTML``, where ``<script>``
never runs (and JupyterLab sanitizes scripts in HTML output anyway). Instead the source is shown as a context
window of ``context_chars`` characters either side of the cited span, so the highlighted span always
sits within the first lines of the source panel.

Keys: with the list focused, ArrowDown or ``j`` selects the next citation, ArrowUp or ``k`` the previous,
Home and End the first and last; JupyterLab's cell selection does not move (the list is a
:class:`~webfetch_kit.widgets.citation_list.CitationList`, which says why it is not a stock ``Select``).

Stable hooks for browser tests: the viewer ``wfk-citation-viewer``; the list ``wfk-citation-list``
(holding a ``<select>``; in Python its values are the citation numbers 1, 2, …, in the page its options
are the labels, which start with ``[n]``, in citation order, so select by index ``n - 1``);
``wfk-citation-status`` holding
``div.wfk-status[data-status][data-number]`` (``data-status`` is the verification status: ``ok``,
``mismatch``, ``unresolved`` or ``unverifiable``; the badge reads "verified" for ``ok``);
``wfk-citation-source`` holding the source with the cited span in ``mark.wfk-hl`` (each piece of it
also has ``data-cites`` with the citation number).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
from markupsafe import Markup

from ..citations import VerificationResult, verify
from ..citations.render import STYLE, document_section, location_label, mismatch_diff, quoted_section
from ..citations.templating import environment
from .citation_list import CitationList

__all__ = ["STATUS_LABELS", "CitationViewer"]

STATUS_LABELS: dict[str, str] = {
    "ok": "verified",
    "mismatch": "mismatch",
    "unresolved": "unresolved",
    "unverifiable": "unverifiable",
}
_QUOTED_TYPES = ("web_search_result_location", "search_result_location")
# Characters of the cited text shown in a list option.
_OPTION_CHARS = 70
# The viewer's highlight: the renderer's mark plus the stable hook browser tests look for.
_MARK_CLASS = "wfk-hl wfk-mark"


def _option_label(result: VerificationResult) -> str:
    row = result.citation
    cited = " ".join(row.cited_text.split())
    if len(cited) > _OPTION_CHARS:
        cited = cited[: _OPTION_CHARS - 1] + "…"
    source = (
        row.document_title
        or row.url
        or (f"document {row.document_index}" if row.document_index is not None else row.type)
    )
    return f"[{row.number}] {STATUS_LABELS.get(result.status, result.status)} · “{cited}” — {source}"


def _macros() -> Any:
    """The macros of ``citation_viewer.html.j2``."""
    return environment(__package__).get_template("citation_viewer.html.j2").module


class CitationViewer(widgets.VBox):  # type: ignore[misc]
    """A list of a response's citations; the selected one is shown highlighted in its source.

    Args:
        message: an ``anthropic.types.Message``, its dict, or a list of content blocks.
        conversation: the request's ``messages`` (documents from earlier turns are found there).
        context_chars: characters of source shown either side of the cited span.

    Example:
        >>> viewer = CitationViewer(response, messages)  # doctest: +SKIP
        >>> viewer.citation_list.value = 2  # doctest: +SKIP
    """

    def __init__(self, message: Any, conversation: Iterable[Any] = (), *, context_chars: int = 300) -> None:
        super().__init__()
        if context_chars < 0:
            raise ValueError(f"context_chars must be >= 0, got {context_chars}")
        self._context_chars = context_chars
        self._results: tuple[VerificationResult, ...] = tuple(verify(message, list(conversation)))
        key = hashlib.sha256(repr([r.citation for r in self._results]).encode("utf-8", "replace"))
        self._prefix = f"wfkv{key.hexdigest()[:8]}"

        self.citation_list = CitationList(
            options=[(_option_label(r), r.citation.number) for r in self._results],
            rows=min(max(len(self._results), 1), 8),
            layout=widgets.Layout(width="100%"),
        )
        self.status_view = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.source_view = widgets.HTML(layout=widgets.Layout(width="100%"))
        for widget, css in (
            (self, "wfk-citation-viewer"),
            (self.citation_list, "wfk-citation-list"),
            (self.status_view, "wfk-citation-status"),
            (self.source_view, "wfk-citation-source"),
        ):
            widget.add_class(css)
        self.children = (self.citation_list, self.status_view, self.source_view)
        self.citation_list.observe(self._show, names="value")
        self._show()

    @property
    def results(self) -> tuple[VerificationResult, ...]:
        """Every citation's verification result, in citation order."""
        return self._results

    @property
    def selected(self) -> VerificationResult | None:
        """The selected citation's verification result (None when the response has no citations)."""
        number = self.citation_list.value
        for result in self._results:
            if result.citation.number == number:
                return result
        return None

    def select(self, number: int) -> None:
        """Select citation ``number`` (1-based, as in the list and in ``render_html``'s markers).

        Raises:
            ValueError: there is no such citation.
        """
        if not any(r.citation.number == number for r in self._results):
            raise ValueError(f"there is no citation {number}: the response has {len(self._results)}")
        self.citation_list.value = number

    def _show(self, change: Any = None) -> None:
        result = self.selected
        if result is None:
            self.status_view.value = str(_macros().nothing_selected())
            self.source_view.value = "" if self._results else str(_macros().no_citations())
            return
        self.status_view.value = self._status_html(result)
        self.source_view.value = self._source_html(result)

    def _status_html(self, result: VerificationResult) -> str:
        label = STATUS_LABELS.get(result.status, result.status)
        location = location_label(result.citation)
        return str(_macros().status(result, label, location, mismatch_diff(result), STYLE))

    def _source_html(self, result: VerificationResult) -> str:
        row = result.citation
        document = result.document
        section: Markup
        if document is not None and result.status != "unverifiable":
            section = document_section(
                document,
                [result],
                prefix=self._prefix,
                context_chars=self._context_chars,
                show_full=False,
                mark_class=_MARK_CLASS,
            )
        elif row.type in _QUOTED_TYPES:
            section = quoted_section(
                "q", row.document_title, row.url, [result], self._prefix, mark_class=_MARK_CLASS
            )
        else:
            section = Markup(_macros().no_source(result))
        return str(_macros().source(section, STYLE))
