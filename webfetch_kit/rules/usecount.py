"""Counting tool uses within one request, for ``max_uses``.

The documentation: "The ``max_uses`` parameter limits the number of web fetches performed. If Claude
attempts more fetches than allowed, the ``web_fetch_tool_result`` will be an error with the
``max_uses_exceeded`` error code. There is currently no default limit."
"""

from __future__ import annotations

import threading
from typing import Literal

from ..errors import PolicyError, check_positive_int

__all__ = ["UseCounter"]


class UseCounter:
    """Counts the uses of one tool in one request; safe to share between threads.

    Make one per request: the limit is "the number of times the tool can be used in the API request".
    """

    def __init__(self, max_uses: int | None = None) -> None:
        check_positive_int(max_uses, "max_uses", none_ok=True, error=PolicyError)
        self.max_uses = max_uses
        self._used = 0
        self._lock = threading.Lock()

    @property
    def used(self) -> int:
        """How many uses were granted so far."""
        with self._lock:
            return self._used

    def take(self) -> Literal["max_uses_exceeded"] | None:
        """Take one use.

        Returns:
            None when the use is granted, ``"max_uses_exceeded"`` once the limit is reached (and on
            every later call). With ``max_uses=None`` every use is granted.
        """
        with self._lock:
            if self.max_uses is not None and self._used >= self.max_uses:
                return "max_uses_exceeded"
            self._used += 1
            return None

    def __repr__(self) -> str:
        return f"UseCounter(max_uses={self.max_uses!r}, used={self.used})"
