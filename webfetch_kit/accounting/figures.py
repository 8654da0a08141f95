"""The accounting model's parameters: ``data/accounting.csv``, one :class:`Figure` a row.

Each row gives a central value, a band (``low``, ``high``), a unit, a quality (``measured``, ``inferred``,
``secondary``, ``assumption``), the months it was observed and its source. A row with a ``family`` holds
for that model family only; a row without one is the default for every other family. Edit the file to
recalibrate: nothing in the code repeats its numbers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from .._data import data_dir, read_csv_rows
from ..errors import ConfigError
from .estimate import Figure, Quality

__all__ = ["FigureTable", "figure", "load_figures", "parse_figure_cells"]

_FILE_NAME = "accounting.csv"
_COLUMNS = ("name", "family", "central", "low", "high", "unit", "quality", "observed", "source", "note")
_QUALITIES = frozenset(get_args(Quality)) - {"exact"}


@dataclass(frozen=True)
class FigureTable:
    """Every figure of ``data/accounting.csv``, looked up by name and model family."""

    figures: tuple[Figure, ...]
    path: Path | None = None

    def names(self) -> list[str]:
        """The distinct figure names, in file order."""
        return list(dict.fromkeys(f.name for f in self.figures))

    def get(self, name: str, family: str | None = None) -> Figure:
        """The figure ``name`` measured on ``family``, else its default row (the one with no family).

        Raises:
            ConfigError: no such figure (the message lists the known names).
        """
        rows = [f for f in self.figures if f.name == name]
        if not rows:
            raise ConfigError(f"no accounting figure {name!r}; known: {', '.join(self.names())}")
        for row in rows:
            if family is not None and row.family == family:
                return row
        for row in rows:
            if row.family is None:
                return row
        raise ConfigError(f"accounting figure {name!r} has no default row and none for family {family!r}")


def load_figures(path: str | Path | None = None) -> FigureTable:
    """Load ``data/accounting.csv`` (or ``path``).

    Raises:
        ConfigError: a missing column, or a cell that does not parse (the message names line and column).
    """
    resolved = (Path(path) if path is not None else data_dir() / _FILE_NAME).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)


def figure(name: str, family: str | None = None) -> Figure:
    """The figure ``name`` (for ``family`` when it has its own row) from the kit's own table."""
    return load_figures().get(name, family)


@functools.cache
def _load(path: Path, _mtime_ns: int) -> FigureTable:
    figures = []
    seen: set[tuple[str, str | None]] = set()
    for where, cells in read_csv_rows(path, _COLUMNS):
        row = parse_figure_cells(cells, cells["name"], where=where)
        key = (row.name, row.family)
        if key in seen:
            raise ConfigError(f"{where}: a second row for {row.name!r} family {row.family!r}")
        seen.add(key)
        figures.append(row)
    return FigureTable(tuple(figures), path)


def parse_figure_cells(cells: dict[str, str], name: str, *, where: str) -> Figure:
    """A :class:`Figure` from one CSV row's cells (``central``, ``low``, ``high``, ``quality``, ...).

    Shared by ``data/accounting.csv`` and ``data/tool_overheads.csv``; ``where`` (``"file:line"``) goes
    into every error message.
    """
    values: dict[str, float] = {}
    for column in ("central", "low", "high"):
        try:
            values[column] = float(cells[column])
        except (KeyError, ValueError):
            raise ConfigError(
                f"{where}: column {column!r} must be a number, got {cells.get(column)!r}"
            ) from None
        if values[column] < 0:
            raise ConfigError(f"{where}: column {column!r} must not be negative, got {cells[column]!r}")
    quality = cells.get("quality", "")
    if quality not in _QUALITIES:
        raise ConfigError(
            f"{where}: column 'quality' must be one of {', '.join(sorted(_QUALITIES))}, got {quality!r}"
        )
    for column in ("source", "observed"):
        if not cells.get(column):
            raise ConfigError(f"{where}: column {column!r} must not be empty")
    try:
        return Figure(
            name=name,
            central=values["central"],
            low=values["low"],
            high=values["high"],
            unit=cells.get("unit", "") or "tokens",
            quality=quality,  # type: ignore[arg-type]  # checked against Quality's values above
            observed=cells["observed"],
            source=cells["source"],
            note=cells.get("note", ""),
            family=cells.get("family") or None,
        )
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
