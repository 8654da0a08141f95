"""CitationList without a kernel: options, selection, and what its keys do (``step``), in plain Python.

The keys themselves (ArrowDown in JupyterLab moving the citation, not the cell) are tested in the
browser: tests/browser/test_notebooks_in_browser.py.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import traitlets
from anthropic.types import Message

from webfetch_kit.widgets import CitationList, CitationViewer

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "citations"


def load(name: str) -> tuple[Message, list[dict[str, Any]]]:
    fixture = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Message.model_validate(fixture["response"]), fixture["conversation"]


def test_the_first_option_is_selected_and_step_moves_within_the_list() -> None:
    listing = CitationList([("[1] a", 1), ("[2] b", 2), ("[3] c", 3)], rows=3)
    assert listing.options == (("[1] a", 1), ("[2] b", 2), ("[3] c", 3))
    assert listing.value == 1
    listing.step(1)
    assert listing.value == 2
    listing.step(1)
    listing.step(1)
    assert listing.value == 3  # stops at the last, as ArrowDown does
    listing.step(-1)
    assert listing.value == 2
    listing.step(-5)
    assert listing.value == 1


def test_an_empty_list_selects_nothing() -> None:
    listing = CitationList()
    assert (listing.options, listing.value) == ((), None)
    listing.step(1)
    assert listing.value is None


def test_a_number_that_is_not_an_option_is_refused() -> None:
    listing = CitationList([("[1] a", 1), ("[2] b", 2)])
    with pytest.raises(traitlets.TraitError, match=r"7 is not one of the options' numbers \[1, 2\]"):
        listing.value = 7
    assert listing.value == 1


def test_the_front_end_is_the_packaged_module() -> None:
    packaged = resources.files("webfetch_kit.widgets").joinpath("static", "citation_list.js").read_text()
    listing = CitationList([("[1] a", 1)])
    assert listing._esm == packaged
    state = listing.get_state()
    assert state["_esm"] == packaged and state["value"] == 1
    assert json.loads(json.dumps(state["options"])) == [["[1] a", 1]]  # as the page receives it


def test_stepping_the_viewer_list_shows_the_next_citation() -> None:
    message, conversation = load("two_fetches")
    viewer = CitationViewer(message, conversation)
    assert isinstance(viewer.citation_list, CitationList)
    assert viewer.citation_list.rows == 5
    viewer.citation_list.step(1)  # what ArrowDown (or j) does in the page
    assert viewer.selected is viewer.results[1]
    assert 'data-number="2"' in viewer.status_view.value
    assert 'data-cites="2"' in viewer.source_view.value
