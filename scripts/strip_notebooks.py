"""Strip notebook outputs for git, keeping golden cells that nbval checks.

A golden cell is tagged ``keep_output`` (and ``nbval-check-output``). Its outputs stay, and so does an
execution count: nbval refuses a reference cell that has outputs but no count ("Unrun reference cell has
outputs"), which plain nbstripout would clear. Every other cell loses outputs and counts, and notebook
metadata is cut down to the kernelspec so diffs stay small.

Usage: ``.venv/bin/python scripts/strip_notebooks.py notebooks/*.ipynb`` (``--check`` exits 1 if a
notebook would change).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

KERNEL = {"display_name": "Python 3", "language": "python", "name": "python3"}


def strip(path: Path) -> bool:
    """Strip one notebook in place; return True if it changed."""
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    nb.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}}
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        count += 1
        if "keep_output" in cell.metadata.get("tags", []):
            cell.execution_count = count
            for output in cell.outputs:
                if output.output_type == "execute_result":
                    output.execution_count = count
        else:
            cell.execution_count = None
            cell.outputs = []
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"]
    changed = []
    for path in paths:
        original = path.read_text(encoding="utf-8")
        if strip(path):
            changed.append(path)
            if check:
                path.write_text(original, encoding="utf-8")
    for path in changed:
        print(f"{'would strip' if check else 'stripped'} {path}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
