"""Fixtures for the browser tests: a JupyterLab on 127.0.0.1, Debian's chromium, a page per test.

The tests here open the workbench's notebooks in a real browser, run them and use their widgets.
They run on their own (``pytest tests/browser``), not under xdist with the unit tests: one
JupyterLab and one chromium serve the whole session.

Chromium is Debian's ``/usr/bin/chromium`` (``scripts/ensure_chromium.sh`` installs it), driven by
Playwright's Python package; Playwright's own browser download (``playwright install``) is never used.
Without chromium these tests skip on a laptop and fail under ``CI=true``: CI must not go green
having run none of them.

Every test leaves a screenshot in ``test-artifacts/browser/`` (passed or failed), beside the
browser console and the JupyterLab server log.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator
from pathlib import Path

import httpx
import pytest
from lab_driver import LabServer
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

REPO = Path(__file__).resolve().parents[2]
NOTEBOOKS = REPO / "notebooks"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")

# Headless in a container running as root (no sandbox, no GPU), and offline: without the
# background-networking flags chromium keeps dialling Google's hosts, which a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LAB_START_TIMEOUT_S = 90
# Anything that could make a notebook reach a real API or a proxy stays out of the kernel's environment.
_STRIPPED_ENV = ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "WEBFETCH_BACKEND")
_PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")

# The project's Jupyter settings, as `make lab` serves them: no news or update toasts over the page,
# no news feed, a read-only extension manager that looks nothing up on PyPI.
JUPYTER_CONFIG = REPO / "jupyter-config"

# User settings for the test Lab: every cell kept in the DOM (a windowed notebook drops off-screen
# cells, which the run checks need to see).
_LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(tryfirst=True)  # before `-m "not browser"` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    # Kept on the item so the page fixture's teardown knows whether the test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """``/usr/bin/chromium``; skips without it outside CI and fails under ``CI=true``."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"chromium not installed ({CHROMIUM} is missing): run scripts/ensure_chromium.sh"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI runs the browser tests, it must not skip them", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _lab_root(tmp: Path) -> Path:
    """A copy of notebooks/ plus the harness's own fixture notebooks: the repo's files stay untouched."""
    root = tmp / "root"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    for fixture in sorted(FIXTURES.glob("*.ipynb")):
        target = root / fixture.name
        assert not target.exists(), f"fixture {fixture.name} clashes with notebooks/{fixture.name}"
        shutil.copy2(fixture, target)
    return root


def _lab_environment(tmp: Path) -> dict[str, str]:
    """The server's (and so the kernels') environment: config, data and settings all in ``tmp``."""
    env = {k: v for k, v in os.environ.items() if k not in _STRIPPED_ENV and k not in _PROXY_ENV}
    dirs = {
        "JUPYTER_CONFIG_DIR": "config",
        "JUPYTER_DATA_DIR": "data",
        "JUPYTER_RUNTIME_DIR": "runtime",
        "JUPYTERLAB_SETTINGS_DIR": "settings",
        "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
        "IPYTHONDIR": "ipython",
    }
    for name, sub in dirs.items():
        (tmp / sub).mkdir()
        env[name] = str(tmp / sub)
    for relative, settings in _LAB_SETTINGS.items():
        path = tmp / "settings" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(settings))
    env["JUPYTER_CONFIG_PATH"] = str(JUPYTER_CONFIG)
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _wait_for_status(proc: subprocess.Popen[bytes], url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + LAB_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {proc.returncode}; its log:\n{log.read_text()}")
        try:
            response = httpx.get(f"{url}api/status", params={"token": token}, timeout=2)
        except httpx.TransportError:
            time.sleep(0.25)
            continue
        if response.status_code == 200:
            return
        time.sleep(0.25)
    raise RuntimeError(
        f"JupyterLab did not answer {url}api/status within {LAB_START_TIMEOUT_S} s; "
        f"its log:\n{log.read_text()}"
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # The server runs in its own process group, with its kernels: end the whole group.
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@pytest.fixture(scope="session")
def jupyter_lab(
    chromium_executable: Path, artifacts_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    """JupyterLab from the venv on 127.0.0.1 (a free port), serving a temporary copy of notebooks/."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    root = _lab_root(tmp)
    port = _free_port()
    token = secrets.token_hex(16)
    url = f"http://127.0.0.1:{port}/"
    log = artifacts_dir / "jupyterlab.log"
    jupyter = Path(sys.executable).parent / "jupyter"
    command = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
        "--ServerApp.disable_check_xsrf=True",
    ]
    if os.geteuid() == 0:  # CI and this machine's sessions run as root
        command.append("--ServerApp.allow_root=True")
    with log.open("wb") as log_file:
        proc = subprocess.Popen(
            command,
            cwd=root,
            env=_lab_environment(tmp),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_for_status(proc, url, token, log)
            yield LabServer(base_url=url, token=token, root_dir=str(root))
        finally:
            _stop(proc)


@pytest.fixture(scope="session")
def chromium(chromium_executable: Path) -> Iterator[Browser]:
    """Debian's chromium, headless, launched by Playwright with a fresh profile."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


def _artifact_name(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")


@pytest.fixture
def lab_page(
    request: pytest.FixtureRequest, chromium: Browser, jupyter_lab: LabServer, artifacts_dir: Path
) -> Iterator[Page]:
    """A fresh browser context and page; at teardown a screenshot (``-passed`` / ``-failed``) and the console.

    The test's kernels are shut down afterwards, so the next test starts from a quiet server.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    console: list[str] = []

    def record(message: ConsoleMessage) -> None:
        console.append(f"[{message.type}] {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: console.append(f"[pageerror] {error}"))
    try:
        yield page
    finally:
        reports = request.node.stash.get(_REPORTS, {})
        failed = any(report.failed for report in reports.values())
        name = f"{_artifact_name(request.node.nodeid)}-{'failed' if failed else 'passed'}"
        for stale in artifacts_dir.glob(f"{_artifact_name(request.node.nodeid)}-*"):
            stale.unlink()
        try:
            page.screenshot(path=str(artifacts_dir / f"{name}.png"), full_page=True, timeout=15_000)
        except Exception as exc:  # a crashed page still gets its console written below
            console.append(f"[harness] screenshot failed: {exc}")
        (artifacts_dir / f"{name}.console.txt").write_text("\n".join(console) + "\n")
        context.close()
        _shut_down_kernels(jupyter_lab)


def _shut_down_kernels(lab: LabServer) -> None:
    params = {"token": lab.token}
    with httpx.Client(base_url=lab.base_url, params=params, timeout=10) as client:
        for session in client.get("api/sessions").json():
            client.delete(f"api/sessions/{session['id']}")
