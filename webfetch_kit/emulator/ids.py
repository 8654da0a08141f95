"""Message, tool-use and request ids in the shape the real API gives them, fresh on every call.

Recorded traffic shows ``msg_01`` + 22 base62 characters (28 in all), ``srvtoolu_01`` + 22 (33) and
request ids ``req_011C`` + 20; every call gets a new id, so two identical requests never share one.

With no seed the characters come from :mod:`secrets`. With a seed (``EmulatorServer(seed=...)``) they
come from one :class:`random.Random` stream, so the same requests sent in the same order get the same
ids from a fresh emulator: a lesson's golden cells and the "stream equals non-stream" test stay stable.
The ids are still fresh per call (the stream never repeats a value in practice); they are not secret.
"""

from __future__ import annotations

import random
import secrets
import string
import threading

__all__ = ["BASE62", "IdSource"]

BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_MESSAGE_PREFIX = "msg_01"
_TOOL_USE_PREFIX = "srvtoolu_01"
_REQUEST_PREFIX = "req_011C"
_BODY_CHARS = 22
_REQUEST_BODY_CHARS = 20


class IdSource:
    """Makes ids; reproducible from ``seed`` (any int or str), random without one. Thread-safe.

    Each kind of id has its own seeded stream, so an error response (which uses a request id only)
    does not shift the message and tool-use ids of later calls.
    """

    def __init__(self, seed: int | str | None = None) -> None:
        self.seed = seed
        self._streams = (
            None
            if seed is None
            else {kind: random.Random(f"webfetch-kit {kind} ids:{seed}") for kind in ("msg", "tool", "req")}
        )
        self._lock = threading.Lock()

    def _chars(self, kind: str, n: int) -> str:
        if self._streams is None:
            return "".join(secrets.choice(BASE62) for _ in range(n))
        stream = self._streams[kind]
        with self._lock:
            return "".join(stream.choice(BASE62) for _ in range(n))

    def message_id(self) -> str:
        """``msg_01`` + 22 base62 characters."""
        return _MESSAGE_PREFIX + self._chars("msg", _BODY_CHARS)

    def tool_use_id(self) -> str:
        """``srvtoolu_01`` + 22 base62 characters."""
        return _TOOL_USE_PREFIX + self._chars("tool", _BODY_CHARS)

    def request_id(self) -> str:
        """``req_011C`` + 20 base62 characters."""
        return _REQUEST_PREFIX + self._chars("req", _REQUEST_BODY_CHARS)
