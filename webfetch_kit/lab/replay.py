"""Recording a session to a cassette, and answering from one.

Both hook into the ``anthropic`` SDK's own HTTP client (an ``httpx2.Client``: the SDK refuses ``httpx``
objects) through its public options; nothing is patched globally, so the corpus server and the fetcher
keep their own live traffic.

* :class:`CassetteRecorder` is a pair of ``httpx2`` event hooks
  (``anthropic.DefaultHttpxClient(event_hooks=recorder.event_hooks)``): the SDK's client keeps its own
  transport (proxies from the environment, TCP keep-alive, connection limits), and each response, with
  its request, is written to a :class:`~.cassette.CassetteWriter` as the client reads it: a streamed
  response event by event while the client's own stream runs, so the client sees each event as soon as
  it would without recording.
* :class:`ReplayTransport` is an ``httpx2`` transport that answers from a :class:`~.cassette.Cassette`
  and never opens a socket (an explicit transport also turns off httpx's proxies from the environment).
  Requests match as :mod:`.cassette` describes; identical requests get their recorded answers in recorded
  order, and once those run out the last one again (a re-run cell gets its recorded answer). A request
  that was never recorded raises :class:`CassetteMissError`.

vcrpy was the obvious library; it does not fit here: it patches httpx for the whole process (the corpus
fetcher's traffic would be caught too), writes its cassette only when its context exits (a kernel that
dies mid-lesson keeps nothing), reads a streamed body whole before the client sees any event, matches
bodies as bytes (key order counts), and plays repeated requests first-match-again rather than in order.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import anthropic
import httpx2

from ..errors import WebfetchError
from .cassette import Cassette, CassetteWriter, Interaction, RequestKey, ResponseSink, Scrubber, StoredRequest

__all__ = ["CassetteMissError", "CassetteRecorder", "ReplayTransport"]


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


class CassetteRecorder:
    """Event hooks for the SDK's HTTP client that record every exchange to ``writer`` (scrubbed).

    ``anthropic.DefaultHttpxClient(event_hooks=recorder.event_hooks)``. A response hook runs before the
    client reads the body, so the body can be teed into the cassette as the client reads it. A request
    that gets no response (a connection error) leaves nothing to replay and is not written.
    """

    def __init__(self, writer: CassetteWriter) -> None:
        self.writer = writer

    @property
    def event_hooks(self) -> dict[str, list[Callable[[Any], None]]]:
        """The ``event_hooks=`` argument of ``httpx2.Client``."""
        return {"request": [self._on_request], "response": [self._on_response]}

    def _on_request(self, request: httpx2.Request) -> None:
        # Plain bodies keep the cassette readable (httpx2 asks for gzip); a server that compresses
        # anyway is recorded as base64, still byte-exact.
        request.headers["accept-encoding"] = "identity"

    def _on_response(self, response: httpx2.Response) -> None:
        n = self.writer.request(_stored(response.request, self.writer.scrubber))
        sink = self.writer.response(n, response.status_code, response.headers.multi_items())
        if response.is_stream_consumed:  # a transport that answered from memory (httpx2.MockTransport)
            sink.feed(response.content)
            sink.finish(complete=True)
            return
        assert isinstance(response.stream, httpx2.SyncByteStream)  # the SDK's client is synchronous
        response.stream = _RecordingStream(response.stream, sink)

    def __repr__(self) -> str:
        return f"<CassetteRecorder {self.writer!r}>"


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
