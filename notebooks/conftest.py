"""The notebook suite re-runs every lesson: after nbval's Run All, each code cell again, same kernel.

Re-running a cell after Run All is the first thing a student does; it used to fail in most lessons
because their last cell closed the workbench. nbval runs a notebook's cells as items sharing one kernel;
this hook adds, after a notebook's last cell, one more item per code cell that runs it again in that
kernel: any error fails it; outputs are not compared (counters and cache states have moved on).

The second pass goes backwards, last cell first, so each cell runs again on the state Run All (and the
cells after it) left, as when a student goes back up to a cell. A forward pass would re-run the setup
cell first and hide what later cells broke: a closing ``wb.close()``, a name a later cell rebinds.
Re-using nbval's kernel costs the second pass only (a few seconds for all lessons), not a second Run All.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

RERUN = "Re-run "


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from nbval.plugin import IPyNbCell

    by_notebook: dict[pytest.Collector, list[IPyNbCell]] = {}
    for item in items:
        if isinstance(item, IPyNbCell) and not item.name.startswith(RERUN):
            by_notebook.setdefault(item.parent, []).append(item)  # type: ignore[arg-type]
    for notebook, cells in by_notebook.items():
        reruns = [
            IPyNbCell.from_parent(
                notebook,
                name=RERUN + cell.name,
                cell_num=cell.cell_num,
                cell=cell.cell,
                options=defaultdict(bool, {**cell.options, "check": False}),
            )
            for cell in reversed(cells)
        ]
        position = items.index(cells[-1]) + 1
        items[position:position] = reruns
