"""The notebook suite (`make notebooks`) checks what the lessons teach, offline, whatever the shell exports."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import get_sanitize_patterns
from repo_tools import ROOT

SANITIZE = ROOT / "notebooks" / "sanitize.cfg"
GOLDEN_TAG = "nbval-check-output"


def _sanitize(text: str) -> str:
    # nbval's own reader, so the test sees the patterns exactly as the suite applies them.
    for regex, replace in get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")):
        text = re.sub(regex, replace, text)
    return text


def _output_text(cell: nbformat.NotebookNode) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.append(output.get("data", {}).get("text/plain", ""))
        parts.append(output.get("data", {}).get("text/html", ""))  # a Styler table's cells
    return "".join(parts)


# A retrieved_at value as the kit writes it (2026-01-01T00:00:00Z, or with a fraction and an offset).
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def test_sanitize_cfg_has_patterns_nbval_reads() -> None:
    assert len(get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8"))) >= 1


@pytest.mark.parametrize(
    "lesson_value",
    [
        "2026-01-01T00:00:00Z",  # a retrieved_at: what 03's cache cell teaches
        "2026-01-01 00:18:00",
        "endless body, deadline=1.0 s",  # a limit the lesson sets
        "cache TTL 300 s, 5 ms",
        "srvtoolu_a78b76d44547e8a03a68e506",  # seeded: the same every run
        "msg_emu_0123456789abcdef01234567",
        "sha256 0x1f2e3d4c5b6a7980",
        "TOKENS_cl100k_base",  # a column name, not a Styler id
        "T_abc123",
    ],
)
def test_sanitizers_leave_lesson_values_alone(lesson_value: str) -> None:
    assert _sanitize(lesson_value) == lesson_value


@pytest.mark.parametrize(
    ("varying", "stable"),
    [
        ("http://127.0.0.1:43117/guide", "http://127.0.0.1:PORT/guide"),
        ("http://localhost:8890/", "http://localhost:PORT/"),
        ("<Foo object at 0x7f3a2b1c9d80>", "<Foo object at 0xADDRESS>"),
        ("batch msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d ended", "batch msgbatch_ID ended"),
        ('<table id="T_3f2a1">', '<table id="T_ID">'),
        ("#T_a35b4_row0_col1, #T_a35b4_row1_col1 {", "#T_ID_row0_col1, #T_ID_row1_col1 {"),
    ],
)
def test_sanitizers_stabilise_what_varies_by_itself(varying: str, stable: str) -> None:
    assert _sanitize(varying) == stable


def test_cells_checking_retrieved_at_are_compared_unsanitized() -> None:
    checked = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            tags = cell.get("metadata", {}).get("tags", [])
            if cell.cell_type == "code" and GOLDEN_TAG in tags and "retrieved_at" in cell.source:
                checked.append((path.name, _output_text(cell)))
    assert checked, "a lesson's checked cell should show the fetch cache's retrieved_at"
    for name, text in checked:
        stamps = _STAMP.findall(text)
        assert "retrieved_at" in text and stamps, f"{name}'s checked cell shows no retrieved_at value"
        # A table's repr may be sanitized (its object address); the timestamps it teaches never are.
        assert _STAMP.findall(_sanitize(text)) == stamps, (
            f"sanitize.cfg changes the retrieved_at values of {name}"
        )


def _probe_notebook(path: Path) -> None:
    """One golden cell: the backend a lesson would get, and whether a key or base URL reaches the kernel."""
    source = (
        "import os\n"
        "from webfetch_kit import workbench\n"
        "print(workbench.choose_backend(), os.environ.get('ANTHROPIC_API_KEY'),"
        " os.environ.get('ANTHROPIC_BASE_URL'))"
    )
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [GOLDEN_TAG]}, execution_count=1)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="offline None None\n")]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nbformat.write(notebook, path)


@pytest.mark.timeout(180)
def test_make_notebooks_runs_offline_with_a_key_exported(tmp_path: Path) -> None:
    probe = tmp_path / "probe.ipynb"
    _probe_notebook(probe)
    env = {
        **os.environ,
        "ANTHROPIC_API_KEY": "sk-ant-not-a-real-key",
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
        "WEBFETCH_BACKEND": "anthropic",
    }
    run = subprocess.run(
        ["make", "notebooks", f"NOTEBOOKS={probe}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout
