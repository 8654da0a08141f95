"""Sampling passes: a server-tool turn bills its prompt once per pass, and ``input_tokens`` is the sum.

Recorded traffic shows (and the API bills) this shape:

- A response that runs N server-tool **rounds** is sampled N + 1 times. A round is one pass's calls:
  **parallel calls end a pass once** (all ``server_tool_use`` blocks of the pass, then their results).
- **Pass 1** reads the prompt and the tool definitions. **Each later pass** re-reads everything the
  previous pass read, plus what that pass generated (its text and calls, at the size they were generated)
  and the results of its calls.
- ``usage.input_tokens`` of the final response is the **sum over all passes**; a stream's
  ``message_start.usage.input_tokens`` is **pass 1** only. A turn without a server-tool call has one
  pass (first = final). A later request that re-sends an earlier turn is one pass again: its prompt is
  simply bigger.

Worked check (claude-sonnet-4, one fetch of a page of 2,021 cl100k tokens, recorded first pass 868 and
final 4,234): round 1 adds the call (≈20) and the result (129 + 1.175 × 2,021 = 2,504), so pass 2 reads
868 + 2,524 = 3,392 and the final input is 868 + 3,392 = **4,260** (band 4,205–4,479; 0.6 % off).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .estimate import TokenEstimate, describe_quality

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Round", "SamplingPass", "passes_frame", "sampling_passes", "summed_input"]


@dataclass(frozen=True)
class Round:
    """What one pass's server-tool calls add to the next pass.

    ``generated``: the blocks the model wrote in that pass (its calls and any text before them);
    ``results``: the tool results of those calls; ``calls``: how many calls (parallel calls are one
    round); ``label``: a few words for tables (``"web_fetch docs.example.com/guide/caching"``).
    """

    generated: TokenEstimate
    results: TokenEstimate
    calls: int = 1
    label: str = ""

    @property
    def added(self) -> TokenEstimate:
        """``generated + results``: what the next pass reads beyond this one."""
        return self.generated + self.results


@dataclass(frozen=True)
class SamplingPass:
    """One sampling pass: its number (1-based), what it reads, what it adds over the pass before."""

    number: int
    input_tokens: TokenEstimate
    added: TokenEstimate
    calls: int
    """Server-tool calls that end this pass (0 for the last pass, which writes the answer)."""
    label: str


def sampling_passes(
    first: TokenEstimate, rounds: Sequence[Round], *, first_label: str = "prompt + tool definitions"
) -> tuple[SamplingPass, ...]:
    """The passes of a response: ``first`` (pass 1's input), then one more pass per round.

    Args:
        first: pass 1's input (:func:`webfetch_kit.accounting.prompt.prompt_tokens` plus
            :func:`webfetch_kit.accounting.overheads.tool_overhead`).
        rounds: the server-tool rounds in order (see :class:`Round`).
        first_label: pass 1's label.
    """
    passes = [SamplingPass(1, first, first, rounds[0].calls if rounds else 0, first_label)]
    for index, round_ in enumerate(rounds):
        previous = passes[-1].input_tokens
        calls = rounds[index + 1].calls if index + 1 < len(rounds) else 0
        label = f"+ {round_.label}" if round_.label else "+ the previous pass's calls and results"
        passes.append(SamplingPass(index + 2, previous + round_.added, round_.added, calls, label))
    return tuple(passes)


def summed_input(passes: Sequence[SamplingPass]) -> TokenEstimate:
    """``usage.input_tokens`` of the final response: the sum of every pass's input."""
    return TokenEstimate.total(p.input_tokens for p in passes)


def passes_frame(passes: Sequence[SamplingPass]) -> pd.DataFrame:
    """One row per pass: what it adds, what it reads (central, low, high), the running sum, its quality.

    The last row's ``cumulative`` is ``usage.input_tokens``; ``attrs["note"]`` says these are estimates.
    """
    import pandas as pd

    running = TokenEstimate.zero()
    records = []
    for item in passes:
        running = running + item.input_tokens
        records.append(
            {
                "pass": item.number,
                "reads": item.label,
                "added": item.added.central,
                "input_tokens": item.input_tokens.central,
                "input_low": item.input_tokens.low,
                "input_high": item.input_tokens.high,
                "cumulative": running.central,
                "calls_ending_pass": item.calls,
                "quality": describe_quality(item.input_tokens.quality),
            }
        )
    frame = pd.DataFrame.from_records(records).set_index("pass")
    frame.attrs["note"] = (
        "Estimates of Claude tokens per sampling pass (kit's accounting model, calibrated on recorded real "
        "API traffic): each pass re-reads the prompt, the tool definitions and everything produced or "
        "fetched so far; usage.input_tokens is the sum (the last 'cumulative')."
    )
    return frame
