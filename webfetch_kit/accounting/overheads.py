"""What the server tools' definitions cost: input tokens on **every** sampling pass.

``data/tool_overheads.csv`` holds what recorded traffic measured: first-pass input minus the prompt's own
tokens, by tool set (``tools``: the tool types, ``+``-joined in sorted order), model family, citations
and extended thinking. Domain lists, ``max_uses`` and ``user_location`` add ~0 and are not keys.

For combinations nobody measured, :func:`tool_overhead` applies these rules, in order, and labels the
result (quality ``inferred`` or ``assumption``; ``basis`` names the rule):

1. **Measured**: a row for exactly this tool set, family, citations and thinking is used as it is.
2. **Options** (``citations``, ``thinking``): a row of the same tool set and family with other options,
   adjusted by the option's measured delta for that tool (citations on ``web_fetch_20250910``/haiku-4-5:
   +485; thinking on sonnet-4: +28 for ``web_fetch``, +29 for ``web_search``). A tool without a delta of
   its own borrows the mean delta of all tools (assumption). Quality: ``inferred``.
3. **Another family**: the mean of the families measured for that tool set (after rule 2), band from
   the smallest to the largest; with one family measured, that figure with a band of ×/÷ the largest
   spread seen between two families of one tool set (1,030 / 849 = 1.21). Quality: ``assumption``.
4. **Another version** of a measured tool (``web_fetch_20251201``, ``web_search_20260309``...): the
   nearest measured version of the same tool with the same kind of definitions — versions dated
   2026-02-09 or later add **dynamic filtering** (the code execution tool's definitions) — else the
   nearest other version plus (or minus) the code-execution surcharge: ``web_fetch_20260209`` minus
   ``web_fetch_20250910`` on the family ``web_fetch_20260209`` was measured on (≈2,500 on sonnet-4-6).
   Quality: ``assumption``.
5. **Several tools** with no row of their own: the sum of each alone, with the code-execution surcharge
   counted once (central and high); low is the largest of them alone (they may share instructions).
   Quality: ``assumption``.
6. **Any other tool** (a client tool, an unknown server tool): its definition's canonical JSON as request
   text, labelled an assumption (the tool-use instructions around it were not measured).

The message framing (≈8) is not part of these figures: :mod:`.prompt` counts it with the prompt.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._data import data_dir, read_csv_rows
from ..errors import ConfigError
from .content import prompt_text_tokens
from .estimate import Figure, Quality, TokenEstimate, round_half_up, worst_quality
from .figures import parse_figure_cells
from .models import model_family
from .prompt import canonical_json

__all__ = [
    "DYNAMIC_FILTERING_FROM",
    "OverheadRow",
    "OverheadTable",
    "is_dynamic_filtering",
    "load_tool_overheads",
    "tool_overhead",
    "web_tool_types",
]

_FILE_NAME = "tool_overheads.csv"
_COLUMNS = (
    "tools",
    "family",
    "citations",
    "thinking",
    "central",
    "low",
    "high",
    "quality",
    "observed",
    "source",
)
_VERSIONED = re.compile(r"^(web_fetch|web_search)_(\d{8})$")

DYNAMIC_FILTERING_FROM = "20260209"
"""Tool versions dated on or after this (``web_fetch_20260209``, ``web_search_20260209``...) filter
results through code execution, whose definitions are billed with theirs."""


def is_dynamic_filtering(tool_type: str) -> bool:
    """True for ``web_fetch_``/``web_search_`` versions with dynamic filtering (2026-02-09 and later)."""
    match = _VERSIONED.match(tool_type)
    return bool(match) and match is not None and match.group(2) >= DYNAMIC_FILTERING_FROM


def web_tool_types(tools: Iterable[Mapping[str, Any] | str]) -> list[str]:
    """The ``web_fetch_*`` / ``web_search_*`` types among ``tools``, in order, without repeats."""
    types = (t if isinstance(t, str) else str(t.get("type", "")) for t in tools)
    return list(dict.fromkeys(t for t in types if _VERSIONED.match(t)))


@dataclass(frozen=True)
class OverheadRow:
    """One measured tool-definition overhead: the tool set, family, options and the figure."""

    tools: tuple[str, ...]
    family: str
    citations: bool
    thinking: bool
    figure: Figure


@dataclass(frozen=True)
class OverheadTable:
    """Every row of ``data/tool_overheads.csv``."""

    rows: tuple[OverheadRow, ...]
    path: Path | None = None

    def matching(self, tools: tuple[str, ...], family: str | None = None) -> list[OverheadRow]:
        """Rows of exactly this tool set (and ``family``, when given)."""
        return [r for r in self.rows if r.tools == tools and (family is None or r.family == family)]


def load_tool_overheads(path: str | Path | None = None) -> OverheadTable:
    """Load ``data/tool_overheads.csv`` (or ``path``).

    Raises:
        ConfigError: a missing column or a cell that does not parse (the message names line and column).
    """
    resolved = (Path(path) if path is not None else data_dir() / _FILE_NAME).resolve()
    return _load(resolved, resolved.stat().st_mtime_ns)


def _flag(value: str, where: str, column: str) -> bool:
    if value.lower() in ("true", "false", ""):
        return value.lower() == "true"
    raise ConfigError(f"{where}: column {column!r} must be true, false or empty, got {value!r}")


@functools.cache
def _load(path: Path, _mtime_ns: int) -> OverheadTable:
    rows = []
    for where, cells in read_csv_rows(path, _COLUMNS):
        tools = tuple(sorted(t.strip() for t in cells["tools"].split("+") if t.strip()))
        if not tools or not all(_VERSIONED.match(t) for t in tools):
            raise ConfigError(f"{where}: column 'tools' must name web_fetch_/web_search_ versions")
        if not cells["family"]:
            raise ConfigError(f"{where}: column 'family' must not be empty")
        rows.append(
            OverheadRow(
                tools=tools,
                family=cells["family"],
                citations=_flag(cells["citations"], where, "citations"),
                thinking=_flag(cells["thinking"], where, "thinking"),
                figure=parse_figure_cells(cells, "+".join(tools), where=where),
            )
        )
    return OverheadTable(tuple(rows), path)


# --------------------------------------------------------------------------- bands of floats


@dataclass(frozen=True)
class _Band:
    central: float
    low: float
    high: float
    quality: Quality
    basis: tuple[str, ...]

    @classmethod
    def of(cls, figure: Figure, basis: str) -> _Band:
        return cls(figure.central, figure.low, figure.high, figure.quality, (basis,))

    def plus(self, other: _Band, sign: int = 1) -> _Band:
        low, high = (other.low, other.high) if sign > 0 else (-other.high, -other.low)
        return _Band(
            self.central + sign * other.central,
            max(0.0, self.low + low),
            self.high + high,
            worst_quality((self.quality, other.quality)),
            self.basis + tuple(b for b in other.basis if b not in self.basis),
        )

    def relabel(self, quality: Quality, basis: str) -> _Band:
        return _Band(
            self.central, self.low, self.high, worst_quality((self.quality, quality)), (*self.basis, basis)
        )

    def estimate(self) -> TokenEstimate:
        low = round_half_up(self.low)
        central = max(low, round_half_up(self.central))
        return TokenEstimate(central, low, max(central, round_half_up(self.high)), self.quality, self.basis)


def _spread(values: Sequence[_Band], basis: str, single_ratio: float) -> _Band:
    centrals = [v.central for v in values]
    if len(values) == 1:
        only = values[0]
        return _Band(
            only.central, only.central / single_ratio, only.central * single_ratio, "assumption", (basis,)
        )
    return _Band(
        sum(centrals) / len(centrals),
        min(v.low for v in values),
        max(v.high for v in values),
        "assumption",
        (basis,),
    )


class _Rules:
    """The rules of the module docstring over one loaded table."""

    def __init__(self, table: OverheadTable) -> None:
        self.table = table
        self.deltas = {"citations": self._delta_rows("citations"), "thinking": self._delta_rows("thinking")}
        self.family_ratio = self._family_ratio()

    def _delta_rows(self, option: str) -> dict[tuple[str, ...], list[float]]:
        # Pairs of rows that differ only in `option`: the option's measured cost for that tool set.
        found: dict[tuple[str, ...], list[float]] = {}
        for on in self.table.rows:
            if not getattr(on, option):
                continue
            for off in self.table.rows:
                same = (off.tools, off.family) == (on.tools, on.family)
                other = "thinking" if option == "citations" else "citations"
                if same and not getattr(off, option) and getattr(off, other) == getattr(on, other):
                    found.setdefault(on.tools, []).append(on.figure.central - off.figure.central)
        return found

    def delta(self, option: str, tools: tuple[str, ...]) -> _Band:
        own = self.deltas[option].get(tools)
        if own:
            return _Band(sum(own) / len(own), min(own), max(own), "inferred", (f"{option} delta",))
        every = [d for ds in self.deltas[option].values() for d in ds]
        if not every:
            raise ConfigError(f"no measured {option} delta in {self.table.path}")
        return _Band(
            sum(every) / len(every), min(every), max(every), "assumption", (f"{option} delta of other tools",)
        )

    def _family_ratio(self) -> float:
        ratios = [1.0]
        for tools in {r.tools for r in self.table.rows}:
            bases = [
                r.figure.central for r in self.table.matching(tools) if not r.citations and not r.thinking
            ]
            if len(bases) >= 2 and min(bases) > 0:
                ratios.append(max(bases) / min(bases))
        return max(ratios)

    def with_options(
        self, tools: tuple[str, ...], family: str, citations: bool, thinking: bool
    ) -> _Band | None:
        """Rules 1 and 2 for one family; None when the family has no row for this tool set."""
        rows = self.table.matching(tools, family)
        if not rows:
            return None
        wanted = {"citations": citations, "thinking": thinking}

        def distance(row: OverheadRow) -> int:
            return sum(getattr(row, option) != value for option, value in wanted.items())

        best = min(rows, key=distance)
        band = _Band.of(best.figure, f"{' + '.join(tools)} on {family}")
        for option, value in wanted.items():
            if getattr(best, option) != value:
                band = band.plus(self.delta(option, tools), 1 if value else -1).relabel("inferred", option)
        return band

    def for_set(self, tools: tuple[str, ...], family: str, citations: bool, thinking: bool) -> _Band | None:
        """Rules 1-3 for a tool set that has rows; None when it has none at all."""
        own = self.with_options(tools, family, citations, thinking)
        if own is not None:
            return own
        families = list(dict.fromkeys(r.family for r in self.table.matching(tools)))
        others = [self.with_options(tools, f, citations, thinking) for f in families]
        measured = [b for b in others if b is not None]
        if not measured:
            return None
        return _spread(measured, f"not measured on {family}: {', '.join(families)}", self.family_ratio)

    def surcharge(self, family: str, citations: bool, thinking: bool) -> _Band:
        """The code-execution surcharge of dynamic filtering (rule 4)."""
        for row in self.table.rows:
            if len(row.tools) == 1 and is_dynamic_filtering(row.tools[0]):
                name = row.tools[0].rsplit("_", 1)[0]
                older = self._versions(name, dynamic=False)
                if not older:
                    continue
                dynamic = self.for_set(row.tools, row.family, False, False)
                plain = self.for_set((older[-1],), row.family, False, False)
                if dynamic is not None and plain is not None:
                    return dynamic.plus(plain, -1).relabel("assumption", "code-execution surcharge")
        raise ConfigError(f"no dynamic-filtering measurement in {self.table.path} to size code execution")

    def _versions(self, name: str, *, dynamic: bool) -> list[str]:
        # Versions measured alone: a tool seen only inside a set has no figure of its own.
        types = {
            r.tools[0] for r in self.table.rows if len(r.tools) == 1 and r.tools[0].rsplit("_", 1)[0] == name
        }
        return sorted(t for t in types if is_dynamic_filtering(t) == dynamic)

    def single(self, tool: str, family: str, citations: bool, thinking: bool) -> _Band | None:
        """Rules 1-4 for one tool; None when no version of it was measured."""
        found = self.for_set((tool,), family, citations, thinking)
        if found is not None:
            return found
        name, date = tool.rsplit("_", 1)
        dynamic = is_dynamic_filtering(tool)
        same_kind = self._versions(name, dynamic=dynamic)
        if same_kind:
            nearest = _nearest(same_kind, date)
            band = self.for_set((nearest,), family, citations, thinking)
            assert band is not None
            return band.relabel("assumption", f"{tool} not measured: {nearest}'s figures")
        other_kind = self._versions(name, dynamic=not dynamic)
        if not other_kind:
            return None
        nearest = _nearest(other_kind, date)
        band = self.for_set((nearest,), family, citations, thinking)
        assert band is not None
        band = band.plus(self.surcharge(family, citations, thinking), 1 if dynamic else -1)
        return band.relabel(
            "assumption", f"{tool} not measured: {nearest}'s figures, code execution adjusted"
        )

    def overhead(self, tools: tuple[str, ...], family: str, citations: bool, thinking: bool) -> _Band | None:
        if len(tools) == 1:
            return self.single(tools[0], family, citations, thinking)
        found = self.for_set(tools, family, citations, thinking)
        if found is not None:
            return found
        singles = [self.single(t, family, citations and t.startswith("web_fetch"), thinking) for t in tools]
        if any(s is None for s in singles):
            return None
        parts = [s for s in singles if s is not None]
        total = parts[0]
        for part in parts[1:]:
            total = total.plus(part)
        extra = sum(is_dynamic_filtering(t) for t in tools) - 1
        if extra > 0:
            surcharge = self.surcharge(family, citations, thinking)
            for _ in range(extra):
                total = _Band(
                    total.central - surcharge.central,
                    total.low,
                    total.high - surcharge.low,
                    total.quality,
                    total.basis,
                )
        return _Band(
            total.central,
            max(p.low for p in parts),
            total.high,
            "assumption",
            (*total.basis, f"{' + '.join(tools)} together not measured: each alone, summed"),
        )


def _nearest(versions: Sequence[str], date: str) -> str:
    dates = {v.rsplit("_", 1)[1]: v for v in versions}
    before = [d for d in dates if d <= date]
    return dates[max(before)] if before else dates[min(dates)]


@functools.cache
def _rules(table: OverheadTable) -> _Rules:
    return _Rules(table)


def _citations_on(tool: Mapping[str, Any] | str) -> bool:
    if isinstance(tool, str):
        return False
    citations = tool.get("citations")
    return isinstance(citations, Mapping) and citations.get("enabled") is True


def tool_overhead(
    tools: Sequence[Mapping[str, Any] | str],
    model: str,
    *,
    thinking: bool = False,
    table: OverheadTable | None = None,
) -> TokenEstimate:
    """Input tokens the tool definitions add to **each** sampling pass, for ``model``.

    Args:
        tools: the request's ``tools`` (dicts as sent, or bare type strings such as
            ``"web_fetch_20250910"``); ``citations: {"enabled": true}`` on a fetch tool counts.
        model: the model id or alias (its family picks the row).
        thinking: extended thinking is on (``thinking: {"type": "enabled", ...}``).
        table: an overhead table to use instead of ``data/tool_overheads.csv``.

    Returns:
        The estimate, labelled with its quality; ``basis`` names the rule used (module docstring).
        No tools: zero.
    """
    loaded = table if table is not None else load_tool_overheads()
    rules = _rules(loaded)
    family = model_family(model)
    web = tuple(sorted(web_tool_types(tools)))
    citations = any(
        _citations_on(t)
        for t in tools
        if not isinstance(t, str) and str(t.get("type", "")).startswith("web_fetch_")
    )
    total = TokenEstimate.zero()
    if web:
        band = rules.overhead(web, family, citations, thinking)
        if band is None:  # a web tool no version of which was measured: count it like any other tool
            web = ()
        else:
            total = band.estimate()
    for tool in tools:
        kind = tool if isinstance(tool, str) else str(tool.get("type", ""))
        if kind in web:
            continue
        counted = prompt_text_tokens(canonical_json(tool if not isinstance(tool, str) else {"type": tool}))
        total = total + TokenEstimate(
            counted.central,
            counted.low,
            counted.high,
            "assumption",
            (f"{kind or 'tool'} definition as text",),
        )
    return total
