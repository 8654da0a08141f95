"""The kit's version, and the API key looked up in one place: explicit argument, then the environment."""

from __future__ import annotations

import os

from .errors import BackendError

__all__ = ["__version__", "api_key_from_env", "has_api_key"]

__version__ = "0.1.0"


def has_api_key() -> bool:
    """True when ``ANTHROPIC_API_KEY`` holds a (non-blank) key."""
    return bool(os.environ.get("ANTHROPIC_API_KEY", "").strip())


def api_key_from_env(*, required_for: str, explicit: str | None = None) -> str:
    """Return ``explicit`` or ``ANTHROPIC_API_KEY``; raise :class:`BackendError` naming what needed it."""
    key = explicit or os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if not key:
        raise BackendError(
            f"{required_for} needs an Anthropic API key: set ANTHROPIC_API_KEY, or pass a client "
            "(e.g. the workbench's offline client) instead"
        )
    return key
