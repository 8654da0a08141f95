"""The notebook suite re-runs every lesson: after nbval's Run All, each code cell again, same kernel.

Re-running a cell after Run All is the first thing a student does; it used to fail in most lessons
because their last cell closed the workbench. nbval runs a notebook's cells as items sharing one kernel;
this hook adds, after a notebook's last cell, one more item per code cell that runs it again in that
kernel: any error fails it; outputs are not compared (counters and cache states have moved on).

The second pass goes backwards, last cell first, so each cell runs again on the state Run All (and the
cells after it) left, as when a student goes back up to a cell. A forward pass would re-run the setup
cell first and hide what later cells broke: a closing ``wb.close()``, a name a later cell rebinds.
Re-using nbval's kernel costs the second pass only (a few seconds for all lessons), not a second Run All.

The kernels talk to nbval over Unix sockets, not TCP ports (``pytest_configure`` below). With TCP,
jupyter_client picks five free ports and releases them for the kernel to bind a moment later; the other
lesson running beside it (two xdist workers) starts loopback servers on ports the system hands out, and
when one of them got a released port first, the new kernel could not bind it and died ("Kernel died before
replying to kernel_info": a whole lesson errored at setup in one clean-clone run beside a busy process).
Unix sockets in a directory of their own cannot collide.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from typing import Any

import pytest

RERUN = "Re-run "


def pytest_configure(config: pytest.Config) -> None:
    import nbval.kernel
    from jupyter_client.manager import KernelManager

    class UnixSocketKernelManager(KernelManager):  # type: ignore[misc]
        """nbval's kernel manager on Unix sockets in a fresh directory, removed when the kernel ends."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.socket_dir = tempfile.mkdtemp(prefix="nbval-kernel-")
            self.transport = "ipc"
            self.ip = os.path.join(self.socket_dir, "kernel")

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:
                shutil.rmtree(self.socket_dir, ignore_errors=True)

    nbval.kernel.KernelManager = UnixSocketKernelManager


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
