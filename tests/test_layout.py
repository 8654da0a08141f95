"""The package's layout: folders along the pipeline, arrows one way, no import circles, explicit ``__all__``.

The map these tests hold is drawn at the top of ``webfetch_kit/__init__.py`` and in the README's Layout
section. Imports are read from the source (TYPE_CHECKING and function-level imports included), so a circle
hidden behind a lazy import is found too.
"""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import webfetch_kit

PACKAGE = Path(webfetch_kit.__file__).resolve().parent

# The layers, top to bottom: a module may import its own layer and the layers above it, never below.
LAYERS: list[set[str]] = [
    {"errors", "problem", "blocks", "tokens", "clock", "_data", "_env"},
    {"rules"},
    {"reading"},
    {"net"},
    {"search"},
    {"citations"},
    {"accounting"},
    {"costs"},
    {"emulator"},
    {"lab"},
    {"widgets"},
    {"cli"},
]
# Rules and reading are pure: they may not import anything that does I/O or schedules work.
PURE = {"rules", "reading"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """Every webfetch_kit module ``name`` imports (at any depth of its code), packages run on the way."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            for alias in node.names:
                full = f"{stem}.{alias.name}"
                targets.append(full if full in MODULES else stem)
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        for target in targets:
            if not target.startswith("webfetch_kit"):
                continue
            parts = target.split(".")
            for depth in range(1, len(parts) + 1):
                step = ".".join(parts[:depth])
                # Importing a module runs its parent packages; the importer's own ancestors already run.
                if step in MODULES and not name.startswith(step + ".") and step != name:
                    found.add(step)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer_of(name: str) -> int:
    top = name.split(".")[1]
    for index, layer in enumerate(LAYERS):
        if top in layer:
            return index
    raise AssertionError(f"{name} is in no layer: add its folder to LAYERS and to the map")


def test_no_import_circles() -> None:
    circles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH[node]):
            if nxt == "webfetch_kit":
                continue
            if state.get(nxt) == 1:
                circles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name != "webfetch_kit" and name not in state:
            visit(name)
    assert circles == []


def test_nothing_but_the_root_imports_the_root() -> None:
    assert sorted(name for name, deps in GRAPH.items() if "webfetch_kit" in deps) == []


def test_arrows_point_one_way() -> None:
    wrong = sorted(
        f"{name} -> {dep}"
        for name, deps in GRAPH.items()
        if name != "webfetch_kit"
        for dep in deps
        if dep != "webfetch_kit" and layer_of(dep) > layer_of(name)
    )
    assert sorted(wrong) == []


def test_pure_folders_import_no_machinery() -> None:
    machinery = {
        "threading",
        "socket",
        "asyncio",
        "concurrent",
        "multiprocessing",
        "http",
        "sqlite3",
        "httpx",
    }
    allowed_httpx = {"webfetch_kit.rules.urls", "webfetch_kit.rules.domains"}  # httpx.URL is the URL parser
    allowed_threading = {"webfetch_kit.rules.usecount"}  # a lock around the counts, no workers
    wrong = []
    for name, path in MODULES.items():
        if name.count(".") < 1 or name.split(".")[1] not in PURE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            mods = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            for mod in mods:
                top = mod.split(".")[0]
                if top in machinery and not (
                    (top == "httpx" and name in allowed_httpx)
                    or (top == "threading" and name in allowed_threading)
                ):
                    wrong.append(f"{name} imports {mod}")
    assert sorted(wrong) == []


def test_at_most_ten_modules_at_the_root() -> None:
    assert len([p for p in PACKAGE.glob("*.py")]) <= 10


def test_every_module_has_an_explicit_all() -> None:
    missing = [name for name, path in MODULES.items() if "__all__" not in path.read_text(encoding="utf-8")]
    assert missing == []


def test_every_name_in_every_all_exists() -> None:
    absent = []
    for name in MODULES:
        module = importlib.import_module(name)
        absent += [f"{name}.{attr}" for attr in module.__all__ if not hasattr(module, attr)]
    assert absent == []


def test_root_all_is_exactly_what_the_package_exports() -> None:
    for name in webfetch_kit.__all__:
        getattr(webfetch_kit, name)
    public = {
        name
        for name, value in vars(webfetch_kit).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    exported = {
        name for name in webfetch_kit.__all__ if not isinstance(getattr(webfetch_kit, name), types.ModuleType)
    }
    assert public - {"annotations"} == exported - {"__version__"}
    assert sorted(dir(webfetch_kit)) == sorted(webfetch_kit.__all__)
