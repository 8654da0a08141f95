"""Start JupyterLab on notebooks/ for `make lab`, then print the address it really serves.

The port is free before Lab starts (the one asked for with ``--port``, else one the system hands out);
should Lab still move to another (the asked-for port was busy), the address printed is the one Lab
wrote to its own runtime file (``jpserver-<pid>.json``: url and token), printed only once that address
answers. Lab reads the project's settings from ``jupyter-config/`` (on ``JUPYTER_CONFIG_PATH``): no
"Jupyter news" pop-up, no update check, a read-only extension manager that looks nothing up on an index.
A person's own Jupyter settings still win over these defaults.

Usage: ``.venv/bin/python scripts/lab.py [--port N] [-- extra jupyter lab arguments]``; Ctrl-C reaches
Lab itself (which asks to confirm, or stops at a second Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from jupyter_core.paths import jupyter_runtime_dir

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "jupyter-config"
READY_PREFIX = "JupyterLab is ready:"
POLL_S = 0.25


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (the system's choice for port 0)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_argument(text: str) -> int | None:
    """``--port``'s value: empty for any free port, else a port number."""
    if not text.strip():
        return None
    if not text.strip().isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"LAB_PORT must be a port number from 1 to 65535, got {text!r}")
    return int(text)


def lab_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` with the project's Jupyter config dir first on ``JUPYTER_CONFIG_PATH``."""
    env = dict(base)
    extra = env.get("JUPYTER_CONFIG_PATH", "")
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(p for p in (str(CONFIG), extra) if p)
    return env


def server_info(pid: int, runtime_dir: Path) -> dict[str, Any] | None:
    """What the server with ``pid`` wrote about itself, or None before it has written it."""
    path = runtime_dir / f"jpserver-{pid}.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("pid") == pid else None


def lab_url(info: dict[str, Any]) -> str:
    """The address a person opens: Lab's own URL, its ``lab`` page and its token when it has one."""
    url = f"{str(info['url']).rstrip('/')}/lab"
    token = info.get("token") or ""
    return f"{url}?token={token}" if token else url


def _answers(info: dict[str, Any]) -> bool:
    try:
        response = httpx.get(
            f"{str(info['url']).rstrip('/')}/api/status",
            params={"token": info.get("token") or ""},
            timeout=2,
            trust_env=False,  # a loopback address: never through a proxy
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=port_argument, default=None, help="the port to serve on (empty: any free one)"
    )
    parser.add_argument("--root", default=str(REPO / "notebooks"), help="the folder Lab serves")
    parser.add_argument("lab_args", nargs="*", help="more arguments for jupyter lab (after --)")
    args = parser.parse_args(argv)
    requested: int | None = args.port
    port = requested if requested is not None else free_port()
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--ServerApp.root_dir={args.root}",
    ]
    if os.geteuid() == 0:  # JupyterLab refuses to run as root (CI and containers do) unless told so
        command.append("--allow-root")
    command += args.lab_args
    print(
        f"Starting JupyterLab on {args.root} (no browser); its address follows once it answers.", flush=True
    )
    env = lab_environment(dict(os.environ))
    runtime_dir = Path(jupyter_runtime_dir())
    lab = subprocess.Popen(command, env=env)
    # Ctrl-C goes to Lab too (one process group); this wrapper waits for Lab to decide.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: lab.terminate())
    while lab.poll() is None:
        info = server_info(lab.pid, runtime_dir)
        if info is not None and _answers(info):
            moved = f" (port {requested} was taken)" if requested and info.get("port") != requested else ""
            print(f"\n{READY_PREFIX} {lab_url(info)}{moved}\nCtrl-C twice stops it.\n", flush=True)
            break
        time.sleep(POLL_S)
    code = lab.wait()
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
