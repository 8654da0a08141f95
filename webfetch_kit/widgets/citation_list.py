"""The citation viewer's list: pick a citation with the mouse or the keys, in JupyterLab too.

Why not a stock ``ipywidgets.Select``: in a JupyterLab notebook, ArrowUp/ArrowDown pressed while a
widget in an output has focus are JupyterLab's command-mode shortcuts for the cell selection (matched
on any focused element in the notebook, with the key's default cancelled), so the list never moved and
the notebook did. Stock widgets cannot attach a keydown handler or an attribute to their element, so
this one is a small `anywidget <https://anywidget.dev>`_ (no build step, no labextension of our own):
its front end, ``widgets/static/citation_list.js``, renders a ``<select>`` that JupyterLab's shortcut
matcher skips (``data-lm-suppress-shortcuts``) and handles ArrowDown/``j`` (next citation),
ArrowUp/``k`` (previous), Home and End itself, stopping them there.

In Python it behaves like the ``Select`` it replaces: ``options`` is a tuple of ``(label, number)``,
``value`` the selected number (``None`` with no options), ``rows`` the visible rows. :meth:`step`
does what ArrowDown/ArrowUp do, so the key behaviour is testable without a browser.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

import anywidget
import traitlets

__all__ = ["CitationList"]


class CitationList(anywidget.AnyWidget):
    """A list of ``(label, number)`` options with one selected; arrow keys and j/k move the selection.

    Args:
        options: ``(label, number)`` pairs in list order; numbers are unique.
        value: the selected number; None selects the first option (if any).
        rows: how many options are visible at once.
    """

    _esm = resources.files(__package__).joinpath("static", "citation_list.js").read_text("utf-8")
    _css = ".wfk-citation-select{width:100%;font:inherit}"

    options = traitlets.Tuple().tag(sync=True)
    value = traitlets.Int(None, allow_none=True).tag(sync=True)
    rows = traitlets.Int(8).tag(sync=True)

    def __init__(self, options: Any = (), value: int | None = None, rows: int = 8, **kwargs: Any) -> None:
        options = tuple((str(label), int(number)) for label, number in options)
        if value is None and options:
            value = options[0][1]
        super().__init__(options=options, value=value, rows=rows, **kwargs)

    @traitlets.validate("value")
    def _valid_value(self, proposal: Any) -> int | None:
        value = proposal["value"]
        numbers = [number for _, number in self.options]
        if value is None and not numbers:
            return None
        if value not in numbers:
            raise traitlets.TraitError(f"{value!r} is not one of the options' numbers {numbers}")
        return int(value)

    def step(self, by: int) -> None:
        """Move the selection ``by`` options (+1 is ArrowDown or j), stopping at the first and last."""
        numbers = [number for _, number in self.options]
        if not numbers:
            return
        at = numbers.index(self.value) if self.value in numbers else 0
        self.value = numbers[max(0, min(len(numbers) - 1, at + by))]
