"""The value every accounting rule returns: a token estimate with its band and how good it is.

A :class:`TokenEstimate` is three whole numbers of **Claude tokens** (``central``, ``low``, ``high``) and a
:data:`Quality` saying what they rest on. Adding two estimates adds their bounds (the band of a sum is
the sum of the bands: the errors of one turn's parts run the same way, as they come from the same
tokenizer) and keeps the worse quality. A :class:`Figure` is one parameter of the model, read from
``data/accounting.csv`` or ``data/tool_overheads.csv`` with its source and the dates it was observed.

Rounding is half up (``2.5 -> 3``), once, where a figure turns a count into tokens.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError

__all__ = [
    "ACCOUNTING_NOTE",
    "QUALITIES",
    "Figure",
    "Quality",
    "TokenEstimate",
    "describe_quality",
    "round_half_up",
    "worst_quality",
]

Quality = Literal["exact", "measured", "inferred", "secondary", "assumption"]
"""What a number rests on, best first.

``exact``: counted, not estimated (a zero, a count the caller gave). ``measured``: read from recorded
real API traffic. ``inferred``: fitted to or derived from recorded traffic. ``secondary``: a
secondary source, not checked against the real API. ``assumption``: nobody measured it; a documented
rule of the kit.
"""

ACCOUNTING_NOTE = (
    "Estimates of Claude's token counts from the kit's accounting model, calibrated on recorded real API "
    "traffic (2025-07 to 2026-04): fetched text ≈ 1.175 × cl100k (observed 1.15–1.26), tool definitions "
    "and the prompt billed once per sampling pass; each figure carries a band (low–high) and says how "
    "good it is."
)
"""One sentence for tables and notes that show the model's numbers."""

QUALITIES: tuple[Quality, ...] = ("exact", "measured", "inferred", "secondary", "assumption")

_DESCRIPTIONS: dict[Quality, str] = {
    "exact": "counted exactly",
    "measured": "measured on recorded real API traffic",
    "inferred": "inferred from recorded real API traffic",
    "secondary": "from a secondary source, not checked on the real API",
    "assumption": "an assumption: not measured, a documented rule of the kit",
}


def describe_quality(quality: Quality) -> str:
    """A few words saying how good a number of this quality is (for labels and notes)."""
    return _DESCRIPTIONS[quality]


def worst_quality(qualities: Iterable[Quality]) -> Quality:
    """The worst of ``qualities`` (``exact`` when there are none)."""
    return max(qualities, key=QUALITIES.index, default="exact")


def round_half_up(value: float) -> int:
    """``value`` rounded to the nearest whole number, halves away from zero for positives (2.5 -> 3)."""
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class Figure:
    """One parameter of the accounting model: central value, band, quality, source and dates.

    ``family`` is the model family the figure was measured on (``None``: every family). ``unit`` says
    what it multiplies or counts (``"tokens per result block"``, ``"Claude tokens per cl100k token"``).
    """

    name: str
    central: float
    low: float
    high: float
    unit: str
    quality: Quality
    observed: str
    source: str
    note: str = ""
    family: str | None = None

    def __post_init__(self) -> None:
        if not self.low <= self.central <= self.high:
            raise ConfigError(
                f"figure {self.name!r}: need low <= central <= high, "
                f"got {self.low}, {self.central}, {self.high}"
            )

    def tokens(self, count: float = 1, *, basis: str | None = None) -> TokenEstimate:
        """``count`` times this figure, rounded half up: e.g. cl100k tokens times a factor."""
        return TokenEstimate(
            round_half_up(count * self.central),
            round_half_up(count * self.low),
            round_half_up(count * self.high),
            self.quality,
            (basis or self.name,),
        )

    def label(self) -> str:
        """``"1.175 (1.15–1.26) Claude tokens per cl100k token, measured on recorded real API traffic"``."""
        band = "" if self.low == self.high == self.central else f" ({_num(self.low)}–{_num(self.high)})"
        return f"{_num(self.central)}{band} {self.unit}, {describe_quality(self.quality)}"


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


@dataclass(frozen=True)
class TokenEstimate:
    """An estimate of Claude tokens: ``central`` with ``low``..``high``, its quality and what it rests on.

    ``basis`` names the rules and figures that went into it (``("message_framing",
    "prompt_text_factor")``), so a table can say where a number came from. Use ``int(estimate)`` or
    ``estimate.central`` where one number is needed (the emulator's ``usage``).
    """

    central: int
    low: int
    high: int
    quality: Quality = "exact"
    basis: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.low <= self.central <= self.high:
            raise ConfigError(
                f"a token estimate needs 0 <= low <= central <= high, got {self.low}, {self.central}, "
                f"{self.high}"
            )

    @classmethod
    def exact(cls, tokens: int, basis: str = "counted") -> TokenEstimate:
        """A count that is not an estimate (``low == central == high``)."""
        return cls(tokens, tokens, tokens, "exact", (basis,) if tokens else ())

    @classmethod
    def zero(cls) -> TokenEstimate:
        """Nothing: the identity of ``+``."""
        return cls(0, 0, 0, "exact", ())

    @classmethod
    def total(cls, parts: Iterable[TokenEstimate]) -> TokenEstimate:
        """The sum of ``parts`` (zero when there are none)."""
        result = cls.zero()
        for part in parts:
            result = result + part
        return result

    def __add__(self, other: TokenEstimate) -> TokenEstimate:
        if not isinstance(other, TokenEstimate):
            return NotImplemented
        basis = self.basis + tuple(b for b in other.basis if b not in self.basis)
        # An exact zero (nothing at all) is neutral; anything else, even an assumed zero, counts.
        qualities = [e.quality for e in (self, other) if not (e.quality == "exact" and e.high == 0)]
        quality = worst_quality(qualities)
        return TokenEstimate(
            self.central + other.central, self.low + other.low, self.high + other.high, quality, basis
        )

    def __int__(self) -> int:
        return self.central

    def times(self, count: int) -> TokenEstimate:
        """This estimate ``count`` times over (``count`` identical blocks)."""
        if count < 0:
            raise ConfigError(f"count must be >= 0, got {count}")
        return TokenEstimate(
            self.central * count, self.low * count, self.high * count, self.quality, self.basis
        )

    def capped(self, limit: int, basis: str) -> TokenEstimate:
        """Each bound cut at ``limit`` (e.g. ``max_content_tokens``), naming the cap in ``basis``."""
        if self.high <= limit:
            return self
        return TokenEstimate(
            min(self.central, limit), min(self.low, limit), limit, self.quality, (*self.basis, basis)
        )

    @property
    def band(self) -> str:
        """``"3,337–3,611"`` (just the central figure when there is no spread)."""
        if self.low == self.high:
            return f"{self.central:,}"
        return f"{self.low:,}–{self.high:,}"

    def label(self, what: str = "tokens") -> str:
        """``"≈4,260 tokens (estimate 4,205–4,479; measured on recorded real API traffic)"``."""
        if self.quality == "exact":
            return f"{self.central:,} {what} (counted)"
        return f"≈{self.central:,} {what} (estimate {self.band}; {describe_quality(self.quality)})"

    def __str__(self) -> str:
        return self.label()
