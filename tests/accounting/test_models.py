"""Model ids, aliases and families: data/models.csv, agreeing with the SDK and the price table."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from webfetch_kit.accounting import load_models, model_family, model_info, resolve_model
from webfetch_kit.costs.pricing import load_prices
from webfetch_kit.errors import ConfigError


@pytest.mark.parametrize(
    ("alias", "resolved"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),  # recorded traffic
        ("claude-sonnet-4-0", "claude-sonnet-4-20250514"),  # recorded traffic
        ("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
        ("claude-opus-4-5", "claude-opus-4-5-20251101"),
        ("claude-opus-4-1", "claude-opus-4-1-20250805"),
        ("claude-opus-4-0", "claude-opus-4-20250514"),
        ("claude-3-7-sonnet-latest", "claude-3-7-sonnet-20250219"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"),
        ("claude-sonnet-4-6", "claude-sonnet-4-6"),  # no dated id listed: echoed as is
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929"),
        ("claude-imaginary-9", "claude-imaginary-9"),  # unknown: unchanged
    ],
)
def test_aliases_resolve_as_the_api_answers(alias: str, resolved: str) -> None:
    assert resolve_model(alias) == resolved


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("claude-sonnet-4-0", "sonnet-4"),
        ("claude-sonnet-4-20250514", "sonnet-4"),
        ("claude-haiku-4-5", "haiku-4-5"),
        ("claude-sonnet-4-6", "sonnet-4-6"),
        ("claude-3-7-sonnet-latest", "sonnet-3-7"),
        # not in the table: by rule
        ("claude-3-opus-20240229", "opus-3"),
        ("claude-sonnet-4-7-20270101", "sonnet-4-7"),
        ("claude-nova-2", "nova-2"),
    ],
)
def test_families(name: str, family: str) -> None:
    assert model_family(name) == family


def test_every_sdk_model_literal_is_in_the_table() -> None:
    from anthropic.types import Model

    literals = {a for arg in get_args(Model) for a in get_args(arg) if isinstance(a, str)}
    missing = sorted(name for name in literals if model_info(name) is None)
    assert missing == []


def test_the_price_table_and_the_model_table_agree_on_every_name() -> None:
    prices = load_prices()
    for row in prices.models:
        for name in row.names:
            info = model_info(name)
            assert info is not None, name
            assert info.model == row.model, name


def test_every_row_has_a_source() -> None:
    assert all(info.source and info.family for info in load_models().models)


def test_a_name_listed_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "models.csv"
    path.write_text(
        "model,aliases,family,display_name,source,note\n"
        "claude-a-1,claude-a,a-1,A,src,\n"
        "claude-b-1,claude-a,b-1,B,src,\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"models.csv:3: name 'claude-a' is listed twice"):
        load_models(path)


def test_an_empty_family_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "models.csv"
    path.write_text("model,aliases,family,display_name,source,note\nclaude-a-1,,,A,src,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"models.csv:2: column 'family' must not be empty"):
        load_models(path)
