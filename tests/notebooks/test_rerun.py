"""The notebook suite's re-run pass (``notebooks/conftest.py``) is collected for every lesson, backwards.

``make notebooks`` runs it; this checks, from a collection only (no kernel), that every code cell of
every lesson gets a re-run item after the lesson's last cell, last cell first, so a broken hook cannot
silently turn the re-run pass off.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_every_lesson_reruns_each_code_cell_last_first() -> None:
    collected = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "--nbval-lax",
            "-p",
            "no:xdist",
            "notebooks",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.splitlines()
    assert len(LESSONS) >= 8
    for lesson in LESSONS:
        cells = json.loads(lesson.read_text(encoding="utf-8"))["cells"]
        count = sum(1 for cell in cells if cell["cell_type"] == "code")
        prefix = f"notebooks/{lesson.name}::"
        names = [line.removeprefix(prefix) for line in collected if line.startswith(prefix)]
        forward = [f"Cell {n}" for n in range(count)]
        assert names == forward + [f"Re-run {name}" for name in reversed(forward)], lesson.name
