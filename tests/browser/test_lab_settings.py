"""JupyterLab as `make lab` serves it (the project's jupyter-config/): nothing pops up over a lesson."""

from __future__ import annotations

from pathlib import Path

import pytest
from lab_driver import LabServer, open_notebook
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.timeout(300)

NEWS_QUESTION = "Would you like to get notified about official Jupyter news?"


def test_no_news_question_over_the_first_lesson(
    lab_page: Page, jupyter_lab: LabServer, artifacts_dir: Path
) -> None:
    # The question is a toast the announcements plugin shows once the app is restored, which comes
    # before the notebook's kernel is started and idle.
    open_notebook(lab_page, jupyter_lab, "00_welcome.ipynb")
    expect(lab_page.locator(".jp-Notebook")).to_be_visible()
    expect(lab_page.get_by_text(NEWS_QUESTION)).to_have_count(0)
    lab_page.screenshot(path=str(artifacts_dir / "lab-first-lesson.png"))
