"""max_content_tokens through the kit's runtime: a plain prefix of ≈ the limit in Claude tokens, no marker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from webfetch_kit import workbench
from webfetch_kit.accounting import cl100k, cl100k_cut_for, fetched_text_tokens
from webfetch_kit.lab.workbench import Workbench

USAGE: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "recorded_usage.json").read_text(encoding="utf-8")
)
PAGE = "docs.example.com/guide/web-fetch"


@pytest.fixture(scope="module")
def wb() -> Iterator[Workbench]:
    with workbench.open("offline", quiet=True) as bench:
        yield bench


def _document(wb: Workbench, **tool: Any) -> str:
    message = wb.client.messages.create(
        model="claude-sonnet-4-6", max_tokens=1024,
        messages=[{"role": "user", "content": f"Read {wb.url(PAGE)}"}],
        tools=[{"type": "web_fetch_20250910", "name": "web_fetch", **tool}],
    )  # fmt: skip
    result = next(b for b in message.content if b.type == "web_fetch_tool_result")
    assert result.content.type == "web_fetch_result"
    source = result.content.content.source
    assert source.type == "text"
    return str(source.data)


@pytest.mark.parametrize("limit", [200, 500])
def test_the_kept_prefix_is_about_the_limit_in_claude_tokens(wb: Workbench, limit: int) -> None:
    whole = _document(wb)
    kept = _document(wb, max_content_tokens=limit)
    spec = USAGE["max_content_tokens"]
    assert cl100k(whole) > 2 * limit  # the page is long enough to be cut
    assert whole.startswith(kept) and len(kept) < len(whole)  # a plain prefix, no marker appended
    assert cl100k(kept) == cl100k_cut_for(limit)
    assert spec["low"] * limit <= cl100k(kept) <= spec["high"] * limit
    claude = fetched_text_tokens(kept)
    assert claude.low <= limit <= claude.high  # ≈ the limit in Claude tokens, within the factor's band
