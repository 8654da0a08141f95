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
