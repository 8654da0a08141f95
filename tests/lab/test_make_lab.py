"""`make lab` starts JupyterLab on notebooks/ without a browser, and does not reinstall when run again."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_second_make_lab_does_not_reinstall() -> None:
    dry = subprocess.run(
        ["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "pip install" not in dry
    assert "jupyter lab --no-browser" in dry


@pytest.mark.timeout(150)
def test_make_lab_serves_jupyterlab_status() -> None:
    port = _free_port()
    token = "webfetch-kit-test"
    env = {**os.environ, "JUPYTER_PLATFORM_DIRS": "1"}
    proc = subprocess.Popen(
        ["make", "lab", f"LAB_PORT={port}", f"LAB_ARGS=--IdentityProvider.token={token}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/status", params={"token": token}, timeout=2
                )
            except httpx.TransportError:
                time.sleep(0.5)
                continue
            status = response
            break
        if status is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise AssertionError(f"JupyterLab did not answer within 120 s; make lab said:\n{output[-3000:]}")
        assert status.status_code == 200
        assert "started" in status.json()
        root = httpx.get(f"http://127.0.0.1:{port}/api/contents", params={"token": token}, timeout=5).json()
        assert any(item["name"].endswith(".ipynb") for item in root["content"])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
