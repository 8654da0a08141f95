"""Notebook widgets: the domain filter editor and the citation viewer (stock ipywidgets only).

Both are ``VBox`` subclasses, so they display themselves in Jupyter, and every behaviour is a trait
observer: setting a child widget's ``value`` in plain Python (no kernel, no browser) updates the
outputs, which is how the tests drive them.
"""

from __future__ import annotations

from .citation_viewer import STATUS_LABELS, CitationViewer
from .domain_filter import DomainFilterEditor, split_entries

__all__ = ["STATUS_LABELS", "CitationViewer", "DomainFilterEditor", "split_entries"]
