"""The package surface: lazy imports, the error tree, logging, public names."""

from __future__ import annotations

import inspect
import logging
import subprocess
import sys

import webfetch_kit
from webfetch_kit import errors

HEAVY = ("anthropic", "trafilatura", "pandas", "pypdf", "tiktoken", "matplotlib", "ipywidgets")


def test_import_does_not_load_heavy_libraries() -> None:
    code = f"import sys, webfetch_kit; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves() -> None:
    for name in webfetch_kit.__all__:
        assert getattr(webfetch_kit, name) is not None, name


def test_error_tree_has_one_root_and_is_drawn_in_the_docstring() -> None:
    classes = [getattr(errors, n) for n in errors.__all__ if n[0].isupper()]
    assert all(inspect.isclass(c) and issubclass(c, errors.WebfetchError) for c in classes)
    doc = errors.__doc__ or ""
    for cls in classes:
        assert cls.__name__ in doc, f"{cls.__name__} missing from the tree in errors.py"
        assert getattr(webfetch_kit, cls.__name__) is cls


def test_package_logger_has_a_null_handler() -> None:
    handlers = logging.getLogger("webfetch_kit").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)


def test_unknown_attribute_is_an_attribute_error() -> None:
    try:
        webfetch_kit.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_design_contract_names_are_at_the_root() -> None:
    # The names the project promises at the root (its design contract).
    contract = [
        "FetchPolicy",
        "Verdict",
        "UrlLedger",
        "Fetcher",
        "FetchOutcome",
        "extract_document",
        "Document",
        "count_tokens",
        "truncate_to_tokens",
        "cost_of",
        "estimate_table",
        "citations_of",
        "render_html",
        "workbench",
    ]
    missing = [name for name in contract if not hasattr(webfetch_kit, name)]
    assert missing == []
    assert callable(webfetch_kit.workbench.open)


def test_policy_and_fetcher_load_the_sdk_only_when_a_tool_param_is_needed() -> None:
    code = (
        "import sys; from webfetch_kit.net.fetcher import Fetcher; from webfetch_kit.rules.policy import FetchPolicy; "
        "FetchPolicy(allowed_domains=['example.com']).check('https://docs.example.com/'); "
        "print('anthropic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_check_positive_int_refuses_bools_zero_and_non_integers() -> None:
    import pytest

    for bad in (0, -3, True, 1.5, "2"):
        with pytest.raises(errors.ConfigError, match=r"^n must be a positive whole number, got "):
            errors.check_positive_int(bad, "n")
    with pytest.raises(
        errors.PolicyError, match=r"^max_uses must be a positive whole number or None, got 0$"
    ):
        errors.check_positive_int(0, "max_uses", none_ok=True, error=errors.PolicyError)
    errors.check_positive_int(None, "max_uses", none_ok=True)
    errors.check_positive_int(7, "n")
