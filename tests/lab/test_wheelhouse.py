"""`make wheelhouse` and the installs from it: the offline classroom.

The round trip runs the project's own Makefile and scripts/wheelhouse.py on a tiny project (one
dependency, one test extra, an in-tree build backend): a local folder of wheels stands in for the
package index while the wheelhouse is made, then the install runs with that folder gone, pip's
configuration ignored and every proxy dead. Nothing leaves the machine, and it takes seconds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from repo_tools import ROOT, load_script, make_dry_run

DEAD_PROXY = "http://127.0.0.1:9"  # the discard port: nothing listens, a connection is refused at once


wheelhouse = load_script("wheelhouse")

# A PEP 517/660 build backend in a few lines: a one-module wheel, or an editable wheel (a .pth file).
BACKEND = """
import base64, hashlib, pathlib, tomllib, zipfile

def _project():
    return tomllib.loads(pathlib.Path("pyproject.toml").read_text())["project"]

def _wheel(directory, files):
    project = _project()
    dist = f"{project['name']}-{project['version']}"
    info = f"{dist}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {project['name']}", f"Version: {project['version']}"]
    metadata += [f"Requires-Dist: {r}" for r in project.get("dependencies", [])]
    for extra, requires in project.get("optional-dependencies", {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f'Requires-Dist: {r}; extra == "{extra}"' for r in requires]
    files = {
        **files,
        f"{info}/METADATA": "\\n".join(metadata) + "\\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: tiny\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    name = f"{dist}-py3-none-any.whl"
    record = []
    with zipfile.ZipFile(pathlib.Path(directory) / name, "w") as wheel:
        for path, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{path},sha256={digest},{len(data)}")
            wheel.writestr(path, data)
        wheel.writestr(f"{info}/RECORD", "\\n".join([*record, f"{info}/RECORD,,"]) + "\\n")
    return name

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    module = f"{_project()['name']}.py"
    return _wheel(wheel_directory, {module: pathlib.Path(module).read_text()})

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, {f"{_project()['name']}.pth": str(pathlib.Path.cwd()) + "\\n"})
"""


def _tiny_project(root: Path, name: str, dependencies: list[str], test_extra: list[str]) -> Path:
    root.mkdir(parents=True)
    listed = ", ".join(f'"{d}"' for d in dependencies)
    extra = ", ".join(f'"{d}"' for d in test_extra)
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "tiny_backend"\nbackend-path = ["."]\n\n'
        f'[project]\nname = "{name}"\nversion = "1.0"\ndependencies = [{listed}]\n\n'
        f"[project.optional-dependencies]\ntest = [{extra}]\n"
    )
    (root / "tiny_backend.py").write_text(BACKEND)
    (root / f"{name}.py").write_text(f'NAME = "{name}"\n')
    return root


def _build_wheel(project: Path, into: Path) -> None:
    subprocess.run(
        [sys.executable, "-c", f"import tiny_backend; tiny_backend.build_wheel({str(into)!r})"],
        cwd=project,
        check=True,
        timeout=60,
    )


def _clean_env() -> dict[str, str]:
    """No pip setting of this machine's (index, folders, config files) and no proxy reach the run."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PIP_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")
    }
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PIP_NO_CACHE_DIR"] = "1"
    return env


def _make(project: Path, target: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", target, f"PYTHON={sys.executable}", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_the_wheelhouse_holds_the_project_its_build_backend_and_the_tools() -> None:
    assert wheelhouse.requirements(ROOT, ["test"], ["pip", "wheel"]) == [
        f"{ROOT}[test]",
        "setuptools>=68",
        "pip",
        "wheel",
    ]
    assert wheelhouse.requirements(ROOT, [], [], editable=True) == ["-e", str(ROOT), "setuptools>=68"]


def test_make_wheelhouse_asks_for_pip_and_wheel_and_the_test_extra() -> None:
    dry = make_dry_run("wheelhouse")
    assert "scripts/wheelhouse.py --dir wheelhouse --extras test pip wheel" in dry


def test_the_completeness_check_hears_of_no_other_source() -> None:
    env = wheelhouse.offline_environment(
        {"PIP_INDEX_URL": "https://x", "PIP_FIND_LINKS": "/opt/w", "PIP_EXTRA_INDEX_URL": "y", "HOME": "/h"}
    )
    assert env == {"HOME": "/h", "PIP_CONFIG_FILE": os.devnull}


@pytest.mark.parametrize(("has_wheel", "offline"), [(True, True), (False, False)])
def test_make_installs_from_the_wheelhouse_alone_when_it_holds_wheels(
    tmp_path: Path, has_wheel: bool, offline: bool
) -> None:
    folder = tmp_path / "wh"
    folder.mkdir()
    if has_wheel:
        (folder / "anything-1.0-py3-none-any.whl").write_bytes(b"")
    dry = make_dry_run("-W", "pyproject.toml", ".venv/.installed", f"WHEELHOUSE={folder}")
    installs = [line for line in dry.splitlines() if "-m pip install" in line]
    assert len(installs) == 2  # pip itself, then the kit with its test extra
    for line in installs:
        assert (f"--no-index --find-links {folder}" in line) is offline


@pytest.mark.timeout(300)
def test_a_wheelhouse_installs_with_no_index_and_nothing_else(tmp_path: Path) -> None:
    # The "package index" of a connected machine: a folder with the tiny project's two requirements.
    index = tmp_path / "index"
    index.mkdir()
    for name in ("tinydep", "tinytest"):
        _build_wheel(_tiny_project(tmp_path / name, name, [], []), index)
    project = _tiny_project(tmp_path / "tinykit", "tinykit", ["tinydep>=1"], ["tinytest"])
    shutil.copy2(ROOT / "Makefile", project / "Makefile")
    (project / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "wheelhouse.py", project / "scripts" / "wheelhouse.py")

    connected = {**_clean_env(), "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(index)}
    made = _make(project, "wheelhouse", connected, "WHEELHOUSE_TOOLS=")
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert "wheelhouse/: 2 wheels" in made.stdout
    assert sorted(p.name for p in (project / "wheelhouse").iterdir()) == [
        "README.txt",
        "tinydep-1.0-py3-none-any.whl",  # the dependency
        "tinytest-1.0-py3-none-any.whl",  # the test extra; never tinykit's own wheel
    ]

    # In the classroom: no index folder, no pip configuration, every proxy dead, no retries.
    shutil.rmtree(index)
    offline = {**_clean_env(), "PIP_RETRIES": "0", "PIP_TIMEOUT": "3"}
    offline.update({name: DEAD_PROXY for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")})
    installed = _make(project, ".venv/.installed", offline)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    assert "from wheelhouse/ (no package index)" in installed.stdout
    imported = subprocess.run(
        [
            str(project / ".venv" / "bin" / "python"),
            "-c",
            "import tinykit, tinydep, tinytest; print(tinykit.__file__)",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert imported.stdout.strip() == str(project / "tinykit.py")  # editable: the source tree itself

    # A wheelhouse missing a wheel fails at once and says what to do; no index is asked instead.
    (project / "wheelhouse" / "tinytest-1.0-py3-none-any.whl").unlink()
    venv_python = str(project / ".venv" / "bin" / "python")
    subprocess.run(
        [venv_python, "-m", "pip", "uninstall", "--quiet", "--yes", "tinytest"], check=True, env=offline
    )
    (project / ".venv" / ".installed").unlink()
    stale = _make(project, ".venv/.installed", offline)
    assert stale.returncode != 0
    assert "No matching distribution found for tinytest" in stale.stderr
    assert "wheelhouse/ lacks a wheel this install needs: run 'make wheelhouse' again" in stale.stdout
    assert "ProxyError" not in stale.stderr and DEAD_PROXY not in stale.stderr
