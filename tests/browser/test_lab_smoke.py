"""The harness itself, end to end: kernel, ipywidgets rendering, typing into a widget, reading the page.

``fixtures/smoke.ipynb`` is a text box whose value the kernel echoes, HTML-escaped, into an HTML
widget. If this test fails, the notebook tests beside it can't be trusted either way.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_driver import LabServer, open_notebook, run_all_cells, type_into_textarea, widget
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.timeout(300)


def test_typed_url_comes_back_escaped(lab_page: Page, jupyter_lab: LabServer, artifacts_dir: Path) -> None:
    open_notebook(lab_page, jupyter_lab, "smoke.ipynb")
    run_all_cells(lab_page)
    echo = widget(lab_page, "wfk-verdicts")
    expect(echo).to_contain_text("(no URL yet)")

    # The markup in the query must reach the page as text: the kernel escapes it.
    type_into_textarea(lab_page, "wfk-test-urls", "https://example.test/a?q=<b>bold</b>&x=1")

    expect(echo.locator(".wfk-echo")).to_have_text("echo: https://example.test/a?q=<b>bold</b>&x=1")
    expect(echo.locator("b")).to_have_count(0)
    lab_page.screenshot(path=str(artifacts_dir / "smoke-echo.png"))
