"""The two transports of a recorded session: one writes a cassette, the other answers from it.

Both are ``httpx2`` transports (the ``anthropic`` SDK sends through ``httpx2``, and refuses ``httpx``
objects), injected with ``anthropic.Anthropic(http_client=anthropic.DefaultHttpxClient(transport=...))``;
nothing is patched globally, so the corpus server and the fetcher keep their own live traffic.

* :class:`RecordingTransport` passes each request on and writes it, and its response, to a
  :class:`~.cassette.CassetteWriter` as the client reads it: a streamed response is written event by event
  while the client's own stream runs (the client sees each event as soon as it would without recording).
* :class:`ReplayTransport` answers from a :class:`~.cassette.Cassette` and never opens a socket. Requests
  match as :mod:`.cassette` describes; identical requests get their recorded answers in recorded order,
  and once those run out the last one again (a re-run cell gets its recorded answer). A request that was
  never recorded raises :class:`CassetteMissError`.

vcrpy was the obvious library; it does not fit here: it patches httpx for the whole process (the corpus
fetcher's traffic would be caught too), writes its cassette only when its context exits (a kernel that
dies mid-lesson keeps nothing), reads a streamed body whole before the client sees any event, matches
bodies as bytes (key order counts), and plays repeated requests first-match-again rather than in order.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import anthropic
import httpx2

from ..errors import WebfetchError
from .cassette import Cassette, CassetteWriter, Interaction, RequestKey, ResponseSink, Scrubber, StoredRequest

__all__ = ["CassetteMissError", "RecordingTransport", "ReplayTransport"]


class CassetteMissError(WebfetchError, anthropic.AnthropicError):
    """A replayed request was never recorded; also an ``anthropic.AnthropicError`` (see below).

    The SDK wraps anything else a transport raises into ``APIConnectionError("Connection error.")``; its
    own errors it passes through unchanged, so this message is what the notebook shows.
    """


def _stored(request: httpx2.Request, scrubber: Scrubber) -> StoredRequest:
    content = request.read()
    raw_path = request.url.raw_path.decode("ascii", "replace")
    headers = {name.lower(): value for name, value in request.headers.items()}
    return StoredRequest.from_http(request.method, raw_path, headers, content, scrubber)


# --- recording ------------------------------------------------------------------------------------


class _RecordingStream(httpx2.SyncByteStream):
    def __init__(self, inner: httpx2.SyncByteStream, sink: ResponseSink) -> None:
        self._inner = inner
        self._sink = sink

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._sink.feed(chunk)
            yield chunk
        self._sink.finish(complete=True)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            # After a full read this is a no-op; before one, the client gave up on the body.
            self._sink.finish(complete=False)


class RecordingTransport(httpx2.BaseTransport):
    """Sends through ``inner`` and records every exchange to ``writer`` (scrubbed, as it happens)."""

    def __init__(self, inner: httpx2.BaseTransport, writer: CassetteWriter) -> None:
        self._inner = inner
        self.writer = writer

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        # Plain bodies keep the cassette readable (httpx2 would ask for gzip); a server that compresses
        # anyway is recorded as base64, still byte-exact.
        request.headers["accept-encoding"] = "identity"
        n = self.writer.request(_stored(request, self.writer.scrubber))
        try:
            response = self._inner.handle_request(request)
        except Exception as exc:
            self.writer.error(n, f"{type(exc).__name__}: {exc}")
            raise
        sink = self.writer.response(n, response.status_code, response.headers.multi_items())
        assert isinstance(response.stream, httpx2.SyncByteStream)  # a sync transport's body
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            stream=_RecordingStream(response.stream, sink),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._inner.close()


# --- replaying ------------------------------------------------------------------------------------


class _ReplayedStream(httpx2.SyncByteStream):
    def __init__(self, chunks: tuple[bytes, ...]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks


class ReplayTransport(httpx2.BaseTransport):
    """Answers every request from ``cassette``; never opens a socket.

    Args:
        cassette: The recorded session (:func:`~.cassette.load_cassette`).
        scrubber: Applied to each live request before matching, as it was to the recorded ones
            (default: ``ANTHROPIC_API_KEY`` as it is now, and key-shaped strings).
    """

    def __init__(self, cassette: Cassette, scrubber: Scrubber | None = None) -> None:
        self.cassette = cassette
        self._scrubber = scrubber or Scrubber.from_environment()
        self._lock = threading.Lock()
        self._queues: dict[RequestKey, list[Interaction]] = {}
        for interaction in cassette.interactions:
            self._queues.setdefault(interaction.key, []).append(interaction)
        self._played: dict[RequestKey, int] = {}
        self.misses: list[str] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        stored = _stored(request, self._scrubber)
        key = stored.key()
        queue = self._queues.get(key)
        if not queue:
            message = self._miss_message(stored)
            with self._lock:
                self.misses.append(message)
            raise CassetteMissError(message)
        with self._lock:
            played = self._played.get(key, 0)
            self._played[key] = played + 1
        recorded = queue[min(played, len(queue) - 1)].response
        if recorded.stream:
            return httpx2.Response(
                recorded.status, headers=list(recorded.headers), stream=_ReplayedStream(recorded.chunks)
            )
        return httpx2.Response(recorded.status, headers=list(recorded.headers), content=recorded.body)

    def _miss_message(self, stored: StoredRequest) -> str:
        same_path = sum(1 for i in self.cassette.interactions if i.request.path == stored.path)
        return (
            f"{self.cassette.path} has no recorded answer for {stored.method} {stored.path} whose first "
            f"user text is {stored.first_user_text()!r} ({same_path} other request(s) to that path are "
            "recorded, none with this exact body). A replay answers only what was recorded: run this "
            "cell as it was when the session was recorded, or record it again with "
            "workbench.open(..., record=...)"
        )

    def __repr__(self) -> str:
        return f"<ReplayTransport {str(self.cassette.path)!r} exchanges={len(self.cassette)}>"
