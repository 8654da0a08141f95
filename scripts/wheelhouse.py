"""Fill a wheelhouse for an offline classroom: every wheel `make lab` and `make test` install.

On a machine that reaches a package index, ``make wheelhouse`` runs this with the venv's Python. It asks
pip for wheels of the project's dependencies with its extras, of the build backend that the editable
install needs (``[build-system] requires`` in ``pyproject.toml``), and of the tools named on the command
line (pip and wheel); pip builds a wheel for any package the index offers only as source. The project's
own wheel is left out: the install is editable, from the source tree. The wheels are built into a fresh
folder that replaces the old one only when complete, so a failed run leaves the old wheelhouse as it was.

It then proves the folder is enough: pip resolves the same install with ``--no-index --find-links`` and
no configuration (no other index or folder), building the project's metadata with the backend taken from
the folder. A wheelhouse is for one Python version and platform (``python -m pip debug`` lists the tags).

Usage: ``.venv/bin/python scripts/wheelhouse.py --dir wheelhouse --extras test pip wheel``
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

# pip's settings that could add a source beside the wheelhouse; the completeness check drops them all.
_PIP_SOURCE_ENV = (
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_FIND_LINKS",
    "PIP_NO_INDEX",
    "PIP_CONFIG_FILE",
)


def normalized(name: str) -> str:
    """A distribution name as wheel file names spell it (PEP 427/503: runs of ``-_.`` become ``_``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def requirements(project: Path, extras: list[str], tools: list[str], *, editable: bool = False) -> list[str]:
    """What the wheelhouse must satisfy: the project with ``extras``, its build backend, and ``tools``.

    ``editable`` names the project as ``make`` installs it (``-e``), whose build hooks may ask for more.
    """
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    build = list(pyproject.get("build-system", {}).get("requires", []))
    target = str(project) + (f"[{','.join(extras)}]" if extras else "")
    return [*(["-e"] if editable else []), target, *build, *tools]


def project_name(project: Path) -> str:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return str(pyproject["project"]["name"])


def offline_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` with every pip source setting removed and pip's configuration files ignored."""
    env = {k: v for k, v in base.items() if k not in _PIP_SOURCE_ENV}
    env["PIP_CONFIG_FILE"] = os.devnull  # pip reads no configuration file at all
    return env


def _pip(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True, env=env)


def build(project: Path, target: Path, extras: list[str], tools: list[str]) -> list[Path]:
    """Build the wheelhouse into ``target`` (replacing it); return its wheels."""
    wanted = requirements(project, extras, tools)
    fresh = target.with_name(target.name + ".partial")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    _pip(["wheel", "--quiet", "--wheel-dir", str(fresh), *wanted])
    # The project's own wheel: the classroom installs the source tree editable, never this.
    for own in fresh.glob(f"{normalized(project_name(project))}-*.whl"):
        own.unlink()
    check(project, fresh, extras, tools)
    (fresh / "README.txt").write_text(
        f"Wheels for {project_name(project)} on CPython {sys.version_info.major}.{sys.version_info.minor}"
        f" ({sysconfig.get_platform()}), made by `make wheelhouse`.\n"
        "Copy this folder as `wheelhouse/` into the project's folder: `make lab` and `make test` then\n"
        "install from it alone, with no package index.\n",
        encoding="utf-8",
    )
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)
    return sorted(target.glob("*.whl"))


def check(project: Path, folder: Path, extras: list[str], tools: list[str]) -> None:
    """Raise ``CalledProcessError`` unless pip resolves the whole install from ``folder`` alone."""
    _pip(
        [
            "install",
            "--dry-run",
            "--quiet",
            "--ignore-installed",
            "--no-index",
            "--find-links",
            str(folder),
            *requirements(project, extras, tools, editable=True),
        ],
        env=offline_environment(dict(os.environ)),
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="wheelhouse", help="the wheelhouse folder (replaced)")
    parser.add_argument("--extras", default="", help="the project's extras, comma-separated (e.g. test)")
    parser.add_argument("tools", nargs="*", help="more requirements, e.g. pip wheel")
    args = parser.parse_args(argv)
    project = Path.cwd()
    extras = [e for e in args.extras.split(",") if e]
    try:
        wheels = build(project, project / args.dir, extras, args.tools)
    except subprocess.CalledProcessError as exc:
        print(f"make wheelhouse failed (pip exited with {exc.returncode}); {args.dir}/ is unchanged.")
        return 1
    size = sum(w.stat().st_size for w in wheels)
    print(
        f"{args.dir}/: {len(wheels)} wheels, {size / 2**20:.0f} MiB, for CPython "
        f"{sys.version_info.major}.{sys.version_info.minor} on {sysconfig.get_platform()}; "
        "an install from it alone resolves."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
