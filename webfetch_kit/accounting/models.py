"""Model ids, aliases and families: ``data/models.csv``.

The API answers an alias with the dated id it resolved to (recorded traffic: ``claude-sonnet-4-5`` comes
back as ``claude-sonnet-4-5-20250929``, ``claude-sonnet-4-0`` as ``claude-sonnet-4-20250514``);
:func:`resolve_model` does the same. The **family** (``sonnet-4``, ``haiku-4-5``, ``sonnet-4-6``...) is
what the accounting figures are keyed by: the tool definitions and the tokens a tool call costs differ
between families, not between an alias and its dated id.

A name the table does not list is returned unchanged by :func:`resolve_model`, and
:func:`model_family` derives its family by rule: drop ``claude-`` and a trailing ``-YYYYMMDD`` date, and
put a leading version after the tier (``claude-3-7-sonnet-latest`` -> ``sonnet-3-7``). Figures for such
a family are then the default rows, labelled as assumptions.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .._data import data_dir, read_csv_rows
from ..errors import ConfigError

__all__ = ["ModelInfo", "ModelTable", "load_models", "model_family", "model_info", "resolve_model"]

_FILE_NAME = "models.csv"
_COLUMNS = ("model", "aliases", "family", "display_name", "source", "note")
_DATED = re.compile(r"-(?:\d{8}|latest)$")
_LEADING_VERSION = re.compile(r"^(\d+(?:-\d+)?)-([a-z]+)$")


@dataclass(frozen=True)
class ModelInfo:
    """One model: its API id, the aliases that resolve to it, its family and where this comes from."""

    model: str
    aliases: tuple[str, ...]
    family: str
    display_name: str
    source: str
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        """The API id followed by its aliases."""
        return (self.model, *self.aliases)


@dataclass(frozen=True)
class ModelTable:
    """Every row of ``data/models.csv``, looked up by id or alias."""

    models: tuple[ModelInfo, ...]
    path: Path | None = None

    def get(self, name: str) -> ModelInfo | None:
        """The row whose id or alias is ``name``, or None."""
        for info in self.models:
            if name in info.names:
                return info
        return None

    def families(self) -> list[str]:
        """The distinct families, in file order."""
        return list(dict.fromkeys(info.family for info in self.models))


def load_models(path: str | Path | None = None) -> ModelTable:
    """Load ``data/models.csv`` (or ``path``).

    Raises:
        ConfigError: a missing column, an empty id or family, or a name listed twice.
    """
    resolved = (Path(path) if path is not None else data_dir() / _FILE_NAME).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)


def model_info(name: str) -> ModelInfo | None:
    """The kit's row for ``name`` (an API id or an alias), or None when the table does not list it."""
    return load_models().get(name)


def resolve_model(name: str) -> str:
    """The API id the API answers with for ``name``: an alias resolved, anything else unchanged."""
    info = model_info(name)
    return info.model if info is not None else name


def model_family(name: str) -> str:
    """The family of ``name`` (``"claude-sonnet-4-0"`` -> ``"sonnet-4"``), from the table or by rule.

    The rule for names the table does not list is in the module docstring.
    """
    info = model_info(name)
    if info is not None:
        return info.family
    stem = _DATED.sub("", name.removeprefix("claude-"))
    leading = _LEADING_VERSION.match(stem)
    if leading:
        return f"{leading.group(2)}-{leading.group(1)}"
    return stem


@functools.cache
def _load(path: Path, _mtime_ns: int) -> ModelTable:
    rows: list[ModelInfo] = []
    seen: set[str] = set()
    for where, cells in read_csv_rows(path, _COLUMNS):
        for column in ("model", "family", "source"):
            if not cells[column]:
                raise ConfigError(f"{where}: column {column!r} must not be empty")
        info = ModelInfo(
            model=cells["model"],
            aliases=tuple(a.strip() for a in cells["aliases"].split(";") if a.strip()),
            family=cells["family"],
            display_name=cells["display_name"] or cells["model"],
            source=cells["source"],
            note=cells["note"],
        )
        for name in info.names:
            if name in seen:
                raise ConfigError(f"{where}: name {name!r} is listed twice")
            seen.add(name)
        rows.append(info)
    return ModelTable(tuple(rows), path)
