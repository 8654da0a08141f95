"""The workbench's widget notebooks, run in JupyterLab in chromium and used as a reader would.

Each test skips only while its notebook doesn't exist yet; once ``notebooks/<name>`` is there, it runs.
The selectors are the hooks the widgets document for browser tests (``webfetch_kit/widgets/``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_driver import (
    UI_TIMEOUT_MS,
    LabServer,
    active_cell_index,
    bring_into_view,
    open_notebook,
    run_all_cells,
    type_into_textarea,
    widget,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.timeout(300)

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def _written(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(not (NOTEBOOKS / name).is_file(), reason="notebook not written yet")


@_written("02_domain_filters.ipynb")
def test_domain_filter_editor_refuses_a_url_typed_in(
    lab_page: Page, jupyter_lab: LabServer, artifacts_dir: Path
) -> None:
    open_notebook(lab_page, jupyter_lab, "02_domain_filters.ipynb")
    run_all_cells(lab_page)
    editor = widget(lab_page, "wfk-domain-filter")

    url = "https://evil-example.com/"
    type_into_textarea(editor, "wfk-test-urls", url)

    row = widget(editor, "wfk-verdicts").locator(f'tr.wfk-verdict-row[data-url="{url}"]')
    expect(row.locator("td.wfk-verdict.wfk-refused")).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(row.locator("td.wfk-verdict.wfk-allowed")).to_have_count(0)
    expect(row.locator("td.wfk-error-code")).to_have_text("url_not_allowed")
    bring_into_view(editor)
    lab_page.screenshot(path=str(artifacts_dir / "domain-filter-editor-refused.png"))


@_written("07_citations.ipynb")
def test_citation_viewer_highlights_the_cited_span(
    lab_page: Page, jupyter_lab: LabServer, artifacts_dir: Path
) -> None:
    open_notebook(lab_page, jupyter_lab, "07_citations.ipynb")
    run_all_cells(lab_page)
    viewer = widget(lab_page, "wfk-citation-viewer")
    source = widget(viewer, "wfk-citation-source")

    highlight = source.locator("mark.wfk-hl").first
    expect(highlight).to_be_visible(timeout=UI_TIMEOUT_MS)
    assert highlight.inner_text().strip(), "the highlighted span is empty"
    bring_into_view(viewer)
    lab_page.screenshot(path=str(artifacts_dir / "citation-viewer-highlight.png"))

    # Picking another citation in the list moves the highlight to that citation's span
    # (options are in citation order: option n - 1 is citation n).
    options = widget(viewer, "wfk-citation-list").locator("select option")
    count = options.count()
    if count > 1:
        widget(viewer, "wfk-citation-list").locator("select").select_option(index=count - 1)
        picked = source.locator(f'mark.wfk-hl[data-cites="{count}"]').first
        expect(picked).to_be_visible(timeout=UI_TIMEOUT_MS)
        assert picked.inner_text().strip(), f"citation {count}'s highlighted span is empty"
        bring_into_view(viewer)
        lab_page.screenshot(path=str(artifacts_dir / "citation-viewer-picked.png"))


@_written("07_citations.ipynb")
def test_arrow_keys_in_the_citation_viewer_move_the_citation_not_the_cell(
    lab_page: Page, jupyter_lab: LabServer, artifacts_dir: Path
) -> None:
    open_notebook(lab_page, jupyter_lab, "07_citations.ipynb")
    run_all_cells(lab_page)
    viewer = widget(lab_page, "wfk-citation-viewer")
    listing = widget(viewer, "wfk-citation-list").locator("select")
    status = widget(viewer, "wfk-citation-status").locator("div.wfk-status")
    source = widget(viewer, "wfk-citation-source")
    assert listing.locator("option").count() >= 2, "the viewer needs two citations for this test"
    expect(status).to_have_attribute("data-number", "1")

    # Clicking the selected option focuses the list, as a reader would; JupyterLab makes the
    # viewer's cell the active one.
    listing.locator("option").first.click()
    expect(listing).to_be_focused()
    cell = active_cell_index(lab_page)
    assert cell >= 0

    lab_page.keyboard.press("ArrowDown")
    expect(status).to_have_attribute("data-number", "2", timeout=UI_TIMEOUT_MS)
    expect(source.locator('mark.wfk-hl[data-cites="2"]').first).to_be_visible(timeout=UI_TIMEOUT_MS)
    expect(listing).to_have_value("2")
    assert active_cell_index(lab_page) == cell, "ArrowDown moved JupyterLab's cell selection"
    expect(listing).to_be_focused()
    bring_into_view(viewer)
    lab_page.screenshot(path=str(artifacts_dir / "citation-viewer-arrow-down.png"))

    # k and ArrowUp go back; neither reaches JupyterLab (k is its "select cell above" too).
    lab_page.keyboard.press("k")
    expect(status).to_have_attribute("data-number", "1", timeout=UI_TIMEOUT_MS)
    lab_page.keyboard.press("j")
    expect(status).to_have_attribute("data-number", "2", timeout=UI_TIMEOUT_MS)
    lab_page.keyboard.press("ArrowUp")
    expect(status).to_have_attribute("data-number", "1", timeout=UI_TIMEOUT_MS)
    assert active_cell_index(lab_page) == cell, "j, k or ArrowUp moved JupyterLab's cell selection"
