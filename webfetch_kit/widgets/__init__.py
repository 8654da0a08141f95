"""Notebook widgets: the domain filter editor and the citation viewer.

Both are ``VBox`` subclasses of stock ipywidgets, so they display themselves in Jupyter, and every
behaviour is a trait observer: setting a child widget's ``value`` in plain Python (no kernel, no
browser) updates the outputs, which is how the tests drive them. One child is not stock: the citation
viewer's list, :class:`CitationList`, a small anywidget whose arrow keys move between citations instead
of JupyterLab's cells (its module says why). The panels' HTML comes from ``widgets/templates/``.
"""

from __future__ import annotations

from .citation_list import CitationList
from .citation_viewer import STATUS_LABELS, CitationViewer
from .domain_filter import DomainFilterEditor, split_entries

__all__ = ["STATUS_LABELS", "CitationList", "CitationViewer", "DomainFilterEditor", "split_entries"]
