"""`make lab`: JupyterLab on notebooks/ with no browser, at the address it prints, with no news pop-up.

It does not reinstall when run again, prints the address Lab really serves (also when the port asked
for was taken), and serves with the project's jupyter-config/: the "Jupyter news" question and the
update check off, and an extension manager that looks nothing up on a package index.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from repo_tools import ROOT, load_script, make_dry_run

START_TIMEOUT_S = 120
_PROXY_ENV = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


lab_script = load_script("lab")


def test_second_make_lab_does_not_reinstall() -> None:
    dry = make_dry_run("lab")
    assert "pip install" not in dry
    assert "scripts/lab.py --port ''" in dry


def test_lab_port_and_args_reach_the_launcher() -> None:
    dry = make_dry_run("lab", "LAB_PORT=8123", "LAB_ARGS=--ServerApp.base_url=/x/")
    assert "scripts/lab.py --port '8123' -- --ServerApp.base_url=/x/" in dry


@pytest.mark.parametrize("bad", ["abc", "0", "70000", "-1"])
def test_a_bad_lab_port_is_refused_before_lab_starts(bad: str) -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "lab.py"), f"--port={bad}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert f"LAB_PORT must be a port number from 1 to 65535, got {bad!r}" in run.stderr
    assert "Starting JupyterLab" not in run.stdout


def test_the_address_comes_from_the_servers_own_runtime_file(tmp_path: Path) -> None:
    info = {"pid": 4242, "url": "http://127.0.0.1:8891/", "port": 8891, "token": "t0k"}
    (tmp_path / "jpserver-4242.json").write_text(json.dumps(info))
    (tmp_path / "jpserver-4243.json").write_text(json.dumps({**info, "pid": 1}))
    assert lab_script.server_info(4242, tmp_path) == info
    assert lab_script.server_info(4243, tmp_path) is None  # a stale file naming another process
    assert lab_script.server_info(4244, tmp_path) is None  # not written yet
    assert lab_script.lab_url(info) == "http://127.0.0.1:8891/lab?token=t0k"
    assert lab_script.lab_url({**info, "token": ""}) == "http://127.0.0.1:8891/lab"


def test_the_project_config_dir_comes_first_and_keeps_the_users() -> None:
    env = lab_script.lab_environment({"JUPYTER_CONFIG_PATH": "/etc/mine"})
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(ROOT / "jupyter-config"), "/etc/mine"]
    assert lab_script.lab_environment({})["JUPYTER_CONFIG_PATH"] == str(ROOT / "jupyter-config")


def _isolated_env(tmp_path: Path) -> dict[str, str]:
    """The user's own Jupyter config, settings and runtime files stay out of the test (and untouched)."""
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_ENV and k != "JUPYTER_CONFIG_PATH"}
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTERLAB_SETTINGS_DIR"):
        env[name] = str(tmp_path / name.lower())
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def _make_lab(tmp_path: Path, *make_args: str) -> Iterator[tuple[str, list[str]]]:
    """Run `make lab`; yield the address its ready line prints and the lines so far; stop it after."""
    proc = subprocess.Popen(
        ["make", "lab", *make_args],
        cwd=ROOT,
        env=_isolated_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line.startswith(lab_script.READY_PREFIX):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(START_TIMEOUT_S):
            raise AssertionError(
                f"make lab printed no ready line within {START_TIMEOUT_S} s:\n{''.join(lines)[-3000:]}"
            )
        banner = next(line for line in lines if line.startswith(lab_script.READY_PREFIX))
        yield banner.removeprefix(lab_script.READY_PREFIX).strip(), lines
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        reader.join(timeout=5)


def _page_config(html: str) -> dict[str, object]:
    match = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the /lab page carries no jupyter-config-data"
    config = json.loads(match.group(1))
    assert isinstance(config, dict)
    return config


@pytest.mark.timeout(180)
def test_make_lab_prints_the_address_that_answers_with_news_off(tmp_path: Path) -> None:
    token = "webfetch-kit-test"
    with _make_lab(tmp_path, f"LAB_ARGS=--IdentityProvider.token={token}") as (address, _):
        parts = urlsplit(address)
        assert parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.path == "/lab"
        assert parts.query == f"token={token}"
        base = f"http://127.0.0.1:{parts.port}"
        with httpx.Client(params={"token": token}, timeout=10, trust_env=False) as client:
            page = client.get(address)  # the printed address, exactly
            assert page.status_code == 200
            config = _page_config(page.text)
            assert config["extensionManager"] == {
                "can_install": False,
                "install_path": config["extensionManager"]["install_path"],  # type: ignore[index]
                "name": "read-only",
            }
            notebooks = client.get(f"{base}/api/contents").json()["content"]
            assert {"00_welcome.ipynb", "07_citations.ipynb"} <= {item["name"] for item in notebooks}
            settings = client.get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification")
            properties = settings.json()["schema"]["properties"]
            # "none" would ask the news question in a toast over the first notebook.
            assert properties["fetchNews"]["default"] == "false"
            assert properties["checkForUpdates"]["default"] is False
            assert client.get(f"{base}/lab/api/news").json() == {"news": []}


@pytest.mark.timeout(180)
def test_make_lab_prints_the_port_it_moved_to_when_lab_port_is_taken(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = int(taken.getsockname()[1])
        token = "webfetch-kit-moved"
        make_args = (f"LAB_PORT={busy}", f"LAB_ARGS=--IdentityProvider.token={token}")
        with _make_lab(tmp_path, *make_args) as (address, lines):
            served = urlsplit(address.split()[0])
            assert served.port not in (None, busy)
            assert address.endswith(f"(port {busy} was taken)")
            status = httpx.get(
                f"http://127.0.0.1:{served.port}/api/status",
                params={"token": token},
                timeout=10,
                trust_env=False,
            )
            assert status.status_code == 200
            assert "started" in status.json()
            assert any(f"The port {busy} is already in use" in line for line in lines)
