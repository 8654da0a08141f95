"""Drive JupyterLab 4 in a Playwright page: open a notebook, run it, use and read its widgets.

Only JupyterLab 4's long-lived classes and attributes are used:

- ``.jp-NotebookPanel`` / ``.jp-Notebook``: the open notebook;
- ``.jp-Notebook-ExecutionIndicator[data-status=...]``: the kernel status in the notebook toolbar;
- ``.jp-CodeCell .jp-InputPrompt``: ``[ ]:``, ``[*]:`` while queued or running, ``[3]:`` when done;
- ``.jp-OutputArea-output[data-mime-type=...]``: error and stderr outputs, both of which fail a run
  (a lesson notebook prints no warnings);
- ipywidgets' own classes (``.widget-textarea textarea``), plus the class a notebook adds with
  ``widget.add_class(...)``, which lands on the widget's root element.

Every wait is explicit and bounded: a notebook on 2 busy cores gets ``RUN_TIMEOUT_MS`` to run.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

__all__ = [
    "KERNEL_TIMEOUT_MS",
    "RUN_TIMEOUT_MS",
    "UI_TIMEOUT_MS",
    "LabServer",
    "NotebookRunError",
    "active_cell_index",
    "bring_into_view",
    "open_notebook",
    "output_text",
    "run_all_cells",
    "type_into_textarea",
    "wait_for_kernel_idle",
    "widget",
]

UI_TIMEOUT_MS = 30_000
KERNEL_TIMEOUT_MS = 60_000
RUN_TIMEOUT_MS = 60_000

# Each test opens one notebook in a workspace of its own, so there is one panel to find.
_PANEL = ".jp-NotebookPanel"
_INDICATOR = f"{_PANEL} .jp-Notebook-ExecutionIndicator"
_ERROR_OUTPUTS = (
    f'{_PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"], '
    f'{_PANEL} .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
)


class NotebookRunError(AssertionError):
    """A cell raised, or the notebook did not finish running in time."""


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: its base URL (ending in ``/``), its token and the root it serves."""

    base_url: str
    token: str
    root_dir: str

    def notebook_url(self, name: str, workspace: str | None = None) -> str:
        """The notebook's URL; in its own named workspace, so no tab of an earlier test is restored."""
        workspace_part = f"workspaces/{workspace}/" if workspace else ""
        return f"{self.base_url}lab/{workspace_part}tree/{name}?token={self.token}"


def open_notebook(page: Page, lab: LabServer, name: str) -> Locator:
    """Open ``name`` (relative to the Lab root) alone in a new workspace; wait for a started, idle kernel."""
    workspace = f"wfk-{uuid.uuid4().hex[:12]}"
    page.goto(lab.notebook_url(name, workspace), wait_until="domcontentloaded", timeout=UI_TIMEOUT_MS)
    notebook = page.locator(f"{_PANEL} .jp-Notebook")
    expect(notebook).to_be_visible(timeout=UI_TIMEOUT_MS)
    wait_for_kernel_idle(page)
    return notebook


def wait_for_kernel_idle(page: Page, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
    """Wait until the notebook's kernel has started and is idle, accepting a kernel-choice dialog.

    The toolbar's indicator says ``idle`` for a moment before any kernel exists ("No Kernel |
    Initializing"), so a started kernel is also required: the kernel button names one.
    A notebook whose metadata names a kernel this server doesn't know asks which kernel to start;
    the default choice (the venv's ``python3``) is the right one here.
    """
    dialog_accept = page.locator(".jp-Dialog .jp-mod-accept")
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        if page.evaluate(_KERNEL_READY_JS, _PANEL):
            return
        if dialog_accept.count() and dialog_accept.first.is_visible():
            dialog_accept.first.click()
        page.wait_for_timeout(250)
    raise NotebookRunError(
        f"the kernel was not idle within {timeout_ms / 1000:.0f} s (status {_kernel_status(page)!r})"
    )


_KERNEL_READY_JS = """(panel) => {
    const root = document.querySelector(panel);
    if (!root || document.querySelector('.jp-Dialog')) return false;
    const indicator = root.querySelector('.jp-Notebook-ExecutionIndicator');
    const kernel = root.querySelector('.jp-KernelName jp-button, .jp-KernelName button');
    const name = kernel?.getAttribute('aria-label') ?? kernel?.textContent ?? '';
    return indicator?.dataset.status === 'idle' && name.trim() !== '' && name.trim() !== 'No Kernel';
}"""


def run_all_cells(page: Page, timeout_ms: int = RUN_TIMEOUT_MS) -> None:
    """Run every cell through the menu (Run → Run All Cells), as a reader would, and wait for the end.

    Raises:
        NotebookRunError: a cell wrote an error or to stderr, or the run didn't end within ``timeout_ms``.
    """
    page.locator(f"{_PANEL} .jp-Notebook").click(position={"x": 5, "y": 5})
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    try:
        # Finished: nothing queued or running, every non-empty code cell numbered (or the run stopped
        # at an error), and the kernel idle again.
        page.wait_for_function(
            """([panel, errors]) => {
                const root = document.querySelector(panel);
                if (!root) return false;
                const indicator = root.querySelector('.jp-Notebook-ExecutionIndicator');
                if (!indicator || indicator.dataset.status !== 'idle') return false;
                const cells = [...root.querySelectorAll('.jp-Notebook .jp-CodeCell')].filter(
                    (cell) => (cell.querySelector('.cm-content')?.textContent ?? '').trim() !== '');
                const prompts = cells.map(
                    (cell) => cell.querySelector('.jp-InputPrompt')?.textContent ?? '');
                if (prompts.some((p) => p.includes('*'))) return false;
                if (document.querySelector(errors)) return true;
                return prompts.every((p) => /\\[\\d+\\]/.test(p));
            }""",
            arg=[_PANEL, _ERROR_OUTPUTS],
            timeout=timeout_ms,
            polling=250,
        )
    except Exception as exc:  # playwright's TimeoutError: report what the page shows instead
        raise NotebookRunError(
            f"notebook did not finish running within {timeout_ms / 1000:.0f} s; "
            f"kernel status {_kernel_status(page)!r}, prompts {_prompts(page)}"
        ) from exc
    errors = page.locator(_ERROR_OUTPUTS)
    if errors.count():
        raise NotebookRunError("a cell failed:\n" + "\n---\n".join(errors.all_inner_texts()))


def widget(scope: Page | Locator, css_class: str) -> Locator:
    """The first rendered widget (or output) carrying ``css_class`` in the notebook or inside ``scope``.

    Waits for it to be visible.
    """
    selector = f".{css_class}"
    found = (
        scope.locator(f"{_PANEL} {selector}") if isinstance(scope, Page) else scope.locator(selector)
    ).first
    expect(found).to_be_visible(timeout=UI_TIMEOUT_MS)
    return found


def type_into_textarea(scope: Page | Locator, css_class: str, text: str) -> None:
    """Replace the text of the ipywidgets ``Textarea`` given ``add_class(css_class)``, then leave it.

    ``fill`` fires ``input`` (a ``continuous_update`` Textarea syncs on it); leaving the box fires
    ``change`` (one with ``continuous_update=False`` syncs only then).
    """
    box = widget(scope, css_class).locator("textarea")
    box.fill(text)
    box.blur()


def output_text(scope: Page | Locator, css_class: str) -> str:
    """The visible text of the widget or output carrying ``css_class``."""
    return widget(scope, css_class).inner_text()


def bring_into_view(target: Locator) -> None:
    """Scroll the notebook so ``target`` starts near the top of the panel (for screenshots that show it)."""
    target.evaluate("el => el.scrollIntoView({block: 'start'})")


def active_cell_index(page: Page) -> int:
    """The position of the notebook's active cell (``.jp-mod-active``) among its cells, -1 for none."""
    return int(
        page.evaluate(
            """(panel) => [...document.querySelectorAll(`${panel} .jp-Notebook .jp-Cell`)]
                .findIndex((cell) => cell.classList.contains('jp-mod-active'))""",
            _PANEL,
        )
    )


def _kernel_status(page: Page) -> str | None:
    indicator = page.locator(_INDICATOR)
    return indicator.first.get_attribute("data-status") if indicator.count() else None


def _prompts(page: Page) -> list[str]:
    return [p.strip() for p in page.locator(f"{_PANEL} .jp-CodeCell .jp-InputPrompt").all_inner_texts()]
