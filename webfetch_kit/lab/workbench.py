"""``workbench.open()``: one call gives a lesson its client, its corpus URLs and its fetcher.

Three backends, the same notebook code:

* ``offline`` — the local corpus server and the Messages API emulator start on ephemeral loopback ports
  in background threads; ``.client`` is the real ``anthropic.Anthropic`` pointed at the emulator. The
  answering model is an extractive stand-in (not Claude); fetch, search, usage and caching are real.
* ``anthropic`` — ``.client`` talks to Anthropic's API with ``ANTHROPIC_API_KEY``; ``.url()`` maps the
  lesson's corpus pages to public pages listed in ``data/public_urls.json``.
* ``replay`` — ``.client`` answers from a cassette recorded earlier with ``record=`` (either backend):
  no emulator, no network, no key. The workbench behaves as the backend that recorded it (``.offline``
  and ``.url()`` answer as they did then), so the lesson sends the same requests and they match.

``auto`` (the default) picks ``anthropic`` only when ``ANTHROPIC_API_KEY`` is set and ``WEBFETCH_BACKEND``
does not say ``offline``; it prints the choice. In every backend the corpus server runs, and
``.fetcher`` is a local :class:`Fetcher` opened for the corpus hosts only: both stay live in a replay.

A workbench closes itself when it is garbage-collected or the kernel shuts down, so a lesson need not
close it, and any cell can be re-run after Run All. A workbench closed on purpose (``close()``, the end
of a ``with`` block) is not reopened behind the student's back — a fresh emulator would silently forget
the prompt cache and the fetch cache the lesson's numbers rest on — it raises
:class:`WorkbenchClosedError` saying to re-run the setup cell.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import time
import weakref
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from .._data import data_dir
from .._env import has_api_key
from ..errors import BackendError, ConfigError, WorkbenchClosedError
from ..net.fetcher import Fetcher
from ..rules.policy import FetchPolicy
from .corpus import CorpusSite

if TYPE_CHECKING:
    import anthropic
    import httpx2

    from ..costs.request import RequestEstimate
    from ..emulator import EmulatorServer
    from .cassette import Cassette, CassetteWriter
    from .kitruntime import KitRuntime

__all__ = ["BETA_HEADERS", "DEFAULT_MODEL", "Workbench", "open", "serve_forever"]

Backend = Literal["auto", "offline", "anthropic", "replay"]
Chosen = Literal["offline", "anthropic", "replay"]
DEFAULT_MODEL = "claude-sonnet-4-6"  # current (the SDK marks claude-sonnet-4-5 deprecated: EOL 2026-11-30)
# The documentation's beta header for web_fetch_20250910; harmless for the GA versions.
BETA_HEADERS = {"anthropic-beta": "web-fetch-2025-09-10"}
# A replay's client never opens a socket; a reserved name (RFC 2606) says so in every URL it shows.
_REPLAY_BASE_URL = "http://replay.invalid"
_REOPEN_HINT = "re-run the setup cell (wb = workbench.open(...)) to start a new one"


def choose_backend(backend: Backend = "auto") -> Chosen:
    """Resolve ``auto`` from the environment; raise :class:`BackendError` if the choice cannot work."""
    if backend not in ("auto", "offline", "anthropic", "replay"):
        raise ConfigError(f"backend must be 'auto', 'offline', 'anthropic' or 'replay', got {backend!r}")
    if backend == "replay":
        return "replay"
    has_key = has_api_key()
    if backend == "anthropic":
        if not has_key:
            raise BackendError(
                "backend='anthropic' needs ANTHROPIC_API_KEY; use backend='offline' without one"
            )
        return "anthropic"
    if backend == "offline":
        return "offline"
    forced = os.environ.get("WEBFETCH_BACKEND", "").strip().lower()
    if forced not in ("", "auto", "offline", "anthropic"):
        raise BackendError(f"WEBFETCH_BACKEND must be 'offline', 'anthropic' or 'auto', got {forced!r}")
    if forced == "offline" or not has_key:
        return "offline"
    return "anthropic"


@functools.cache
def _public_pages() -> dict[str, str]:
    data = json.loads((data_dir() / "public_urls.json").read_text(encoding="utf-8"))
    return dict(data["pages"])


# --- life cycle: closed once, by close(), garbage collection or interpreter exit ------------------


class _Lifecycle:
    """What the finalizer closes (no reference back to the workbench, so the workbench can be collected)."""

    def __init__(self) -> None:
        self.closed = False
        self.client: anthropic.Anthropic | None = None
        self.emulator: EmulatorServer | None = None
        self.corpus: CorpusSite | None = None
        self.recording: CassetteWriter | None = None
        self.runtime: KitRuntime | None = None
        self.fetchers: list[Fetcher] = []  # their HTTP clients and extraction-pool leases

    def close(self) -> None:
        self.closed = True
        # Each one is closed even if closing an earlier one raised (the first error is re-raised).
        with contextlib.ExitStack() as stack:
            for part in (
                self.recording,
                self.corpus,
                *self.fetchers,
                self.runtime,
                self.client,
                self.emulator,
            ):
                if part is not None:
                    stack.callback(part.close)  # run in reverse: emulator, client, corpus, recording


def _closed_guard(life: _Lifecycle) -> Any:
    """SDK middleware refusing calls once the workbench is closed (also through a client kept aside).

    Middleware runs before the SDK's HTTP client, and the SDK lets its exceptions through unchanged, so
    the student reads this message instead of ``APIConnectionError: Connection error.``
    """
    import anthropic

    class ClosedGuard(anthropic.Middleware):
        def handle(self, request: Any, call_next: Any) -> Any:
            if life.closed:
                raise WorkbenchClosedError(f"this workbench's client is closed: {_REOPEN_HINT}")
            return call_next(request)

    return ClosedGuard()


class Workbench:
    """A running workbench: ``.client``, ``.url()``, ``.fetcher``, ``.estimate()``; it closes itself (or
    ``close()`` it)."""

    def __init__(
        self,
        backend: Chosen,
        *,
        clock: Callable[[], float] = time.time,
        model: str = DEFAULT_MODEL,
        record: str | os.PathLike[str] | None = None,
        cassette: Cassette | None = None,
        transport: httpx2.BaseTransport | None = None,
        seed: int | str | None = None,
    ) -> None:
        if (backend == "replay") != (cassette is not None):
            raise ConfigError("a cassette is given to, and only to, the 'replay' backend")
        self.backend = backend
        self.clock = clock
        self.model = model
        self.cassette = cassette
        self.emulator: EmulatorServer | None = None
        self.runtime: KitRuntime | None = None
        self._seed = seed
        self._life = _Lifecycle()
        # Registered before anything starts: whatever has started is closed on every way out.
        self._finalizer = weakref.finalize(self, self._life.close)
        try:
            self._corpus = self._life.corpus = CorpusSite()  # serving from construction until close()
            if record is not None:
                self._life.recording = self._start_recording(record)
            self._client: anthropic.Anthropic = self._start_client(transport)
            self._life.client = self._client
        except BaseException:
            self._finalizer()
            raise
        self._fetcher = self.make_fetcher()
        self._life.fetchers.append(self._fetcher)
        self._public_fetcher: Fetcher | None = None

    # --- the API client, per backend -------------------------------------------------------------

    def _start_recording(self, path: str | os.PathLike[str]) -> CassetteWriter:
        from .cassette import CassetteWriter

        if self.backend == "replay":
            raise ConfigError("a replay cannot record: record with the 'offline' or 'anthropic' backend")
        return CassetteWriter(path, backend=self.backend, model=self.model, max_retries=self._max_retries())

    def _max_retries(self) -> int:
        import anthropic

        if self.backend == "offline":
            return 0  # the emulator answers at once or not at all
        if self.cassette is not None:
            return self.cassette.max_retries  # replay recorded retries (an overload, then success) alike
        return anthropic.DEFAULT_MAX_RETRIES

    def _http_client(
        self, transport: httpx2.BaseTransport | None = None, *, proxies: bool = True
    ) -> httpx2.Client | None:
        """The SDK's HTTP client (None: the SDK's default): through ``transport``, recorded when recording.

        Without ``transport`` the SDK's own one is kept (proxies from the environment, TCP keep-alive,
        connection limits); ``proxies=False`` ignores ``HTTP_PROXY``/``HTTPS_PROXY`` (the emulator is on
        loopback, which a school network's proxy cannot reach).
        """
        import anthropic

        options: dict[str, Any] = {}
        if transport is not None:
            options["transport"] = transport
        if not proxies:
            options["trust_env"] = False
        if self._life.recording is not None:
            from .replay import CassetteRecorder

            options["event_hooks"] = CassetteRecorder(self._life.recording).event_hooks
        return anthropic.DefaultHttpxClient(**options) if options else None

    def _start_client(self, transport: httpx2.BaseTransport | None) -> anthropic.Anthropic:
        import anthropic

        if transport is not None and self.backend != "anthropic":
            raise ConfigError("transport= is for the 'anthropic' backend (tests inject one there)")
        options: dict[str, Any] = {
            "max_retries": self._max_retries(),
            "middleware": [_closed_guard(self._life)],
        }
        if self.backend == "anthropic":
            return anthropic.Anthropic(http_client=self._http_client(transport), **options)
        if self.cassette is not None:
            from .replay import ReplayTransport

            return anthropic.Anthropic(
                base_url=_REPLAY_BASE_URL,
                api_key="replay",
                http_client=self._http_client(ReplayTransport(self.cassette)),
                **options,
            )
        from ..emulator import EmulatorServer
        from .kitruntime import KitRuntime

        self.runtime = self._life.runtime = KitRuntime(**self._corpus.fetch_options(), clock=self.clock)
        self.emulator = self._life.emulator = EmulatorServer(
            self.runtime, clock=self.clock, seed=self._seed
        ).start()
        return anthropic.Anthropic(
            base_url=self.emulator.url,
            api_key="offline",
            http_client=self._http_client(proxies=False),
            **options,
        )

    # --- what a lesson uses ----------------------------------------------------------------------

    def _check_open(self, what: str) -> None:
        if self._life.closed:
            raise WorkbenchClosedError(f"this workbench is closed, so wb.{what} is unusable: {_REOPEN_HINT}")

    @property
    def closed(self) -> bool:
        """True once the workbench has been closed (``close()``, ``with``, or the kernel shutting down)."""
        return self._life.closed

    @property
    def client(self) -> anthropic.Anthropic:
        """The ``anthropic.Anthropic`` client of this backend."""
        self._check_open("client")
        return self._client

    @property
    def corpus(self) -> CorpusSite:
        """The local corpus server (live in every backend)."""
        self._check_open("corpus")
        return self._corpus

    @property
    def fetcher(self) -> Fetcher:
        """A local :class:`Fetcher` opened for the corpus hosts only."""
        self._check_open("fetcher")
        return self._fetcher

    @property
    def recording(self) -> CassetteWriter | None:
        """The cassette being written (``record=``), or None."""
        return self._life.recording

    @property
    def offline(self) -> bool:
        """True when the emulator answers: live, or replayed from a cassette it recorded."""
        if self.cassette is not None:
            return self.cassette.backend == "offline"
        return self.backend == "offline"

    def url(self, path_or_host_path: str) -> str:
        """A lesson page's URL: ``"docs.example.com/guide/web-fetch"`` (or a full corpus URL).

        Offline, the corpus URL itself (served over loopback). With the real API, the public page listed
        for it in ``data/public_urls.json``; pages without one are offline-only (BackendError). A replay
        answers as the backend that recorded it, so the requests it sends match the recorded ones.
        """
        host_path = path_or_host_path.split("://", 1)[-1].lstrip("/")
        if "/" not in host_path:
            host_path += "/"
        if self.offline:
            return self.corpus.url(host_path)
        pages = _public_pages()
        if host_path not in pages:
            raise BackendError(
                f"{host_path} exists only in the offline corpus; with the real API use one of: "
                + ", ".join(sorted(pages))
            )
        return pages[host_path]

    def make_fetcher(self, policy: FetchPolicy | None = None, **kwargs: Any) -> Fetcher:
        """A local :class:`Fetcher` (opened for the corpus hosts only) with ``policy``."""
        return Fetcher(policy, **self.corpus.fetch_options(), clock=self.clock, **kwargs)

    def estimate(self, params: Mapping[str, Any], **options: Any) -> RequestEstimate:
        """What ``client.messages.create(**params)`` would bill on the real API, estimated locally.

        The real API cannot say beforehand (its ``count_tokens`` refuses server tools); this runs the
        kit's accounting model (:func:`webfetch_kit.estimate_request`), so it works whichever backend is
        in use and sends nothing. ``params["model"]`` defaults to the workbench's model. The URLs the
        message names are sized by fetching them: offline through ``.fetcher`` (the corpus), with the
        real API through a plain :class:`Fetcher` (the public pages ``.url()`` maps to). ``options`` go
        to ``estimate_request`` (``fetcher=``, ``answer_tokens=``, ``parallel=``, ``page_tokens=``...).
        """
        from ..costs.request import estimate_request

        if "fetcher" not in options:
            options["fetcher"] = self.fetcher if self.offline else self._internet_fetcher()
        return estimate_request({"model": self.model, **params}, **options)

    def _internet_fetcher(self) -> Fetcher:
        if self._public_fetcher is None:
            self._public_fetcher = Fetcher(clock=self.clock)
            self._life.fetchers.append(self._public_fetcher)
        return self._public_fetcher

    def describe(self) -> str:
        """One line saying which backend is in use (and where it records, if it does)."""
        if self.cassette is not None:
            recorded = self.cassette.header.get("recorded_at", "an unknown date")
            line = (
                f"webfetch-kit: replay backend — {len(self.cassette)} answers recorded in "
                f"{self.cassette.path} (backend {self.cassette.backend!r}, {recorded}); nothing is sent "
                "to any API; "
                f"corpus and fetcher run live on 127.0.0.1:{self._corpus.port}"
            )
        elif self.offline:
            line = (
                "webfetch-kit: offline backend — local emulator (extractive stand-in model, not Claude) "
                f"at {self._client.base_url}, corpus on 127.0.0.1:{self._corpus.port}; "
                "its token counts approximate Claude's (offline cl100k_base)"
            )
        else:
            line = "webfetch-kit: anthropic backend — Anthropic's API with ANTHROPIC_API_KEY"
        if self.recording is not None:
            line += f"; recording to {self.recording.path} (secrets scrubbed)"
        return line

    def close(self) -> None:
        """Stop the emulator and the corpus server, and finish the recording; safe to call twice.

        Lessons need not call it: the workbench closes itself when it is collected or the kernel stops.
        """
        self._finalizer()
        self.emulator = None

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        closed = " closed" if self.closed else ""
        return f"<Workbench backend={self.backend!r} model={self.model!r}{closed}>"


def open(
    backend: Backend = "auto",
    *,
    record: str | os.PathLike[str] | None = None,
    cassette: str | os.PathLike[str] | None = None,
    clock: Callable[[], float] | None = None,
    model: str | None = None,
    quiet: bool = False,
    transport: httpx2.BaseTransport | None = None,
    seed: int | str | None = None,
) -> Workbench:
    """Start a workbench (see the module docstring); prints which backend it chose unless ``quiet``.

    Args:
        backend: ``"auto"``, ``"offline"``, ``"anthropic"`` or ``"replay"`` (``auto`` with a
            ``cassette`` is ``replay``).
        record: Write every API request and response to this cassette file as they happen (secrets
            scrubbed); an existing file is replaced. Works with the offline and anthropic backends.
        cassette: The cassette a ``replay`` answers from.
        clock: Seconds since the epoch for caches and TTLs (a ``ManualClock`` lets a lesson move time).
        model: The model lessons send (default ``DEFAULT_MODEL``; a replay defaults to the recorded one).
        quiet: Print nothing.
        transport: An ``httpx2`` transport for the anthropic backend's client (tests inject one).
        seed: Offline only: the emulator draws message, tool-use and request ids from a stream seeded
            with this, so the same cells run in the same order show the same ids (lessons' checked
            cells). ``None`` (the default): fresh random ids, as the API's are.

    Raises:
        ConfigError: the arguments do not fit together (e.g. ``cassette`` without ``replay``).
        BackendError: the backend cannot be used (e.g. ``anthropic`` without a key).
        CassetteError: the cassette cannot be read, or the recording cannot be written.
    """
    if backend == "auto" and cassette is not None:
        backend = "replay"
    chosen = choose_backend(backend)
    loaded: Cassette | None = None
    if chosen == "replay":
        if cassette is None:
            raise ConfigError(
                "backend='replay' needs cassette='session.cassette' (a file made with "
                "workbench.open(..., record='session.cassette'))"
            )
        from .cassette import load_cassette

        loaded = load_cassette(cassette)  # before any server starts: a bad file fails fast
    elif cassette is not None:
        raise ConfigError(
            f"cassette= is read by backend='replay' only (got backend={backend!r}); to record, pass record="
        )
    bench = Workbench(
        chosen,
        clock=clock or time.time,
        model=model or (loaded.model if loaded is not None and loaded.model else DEFAULT_MODEL),
        record=record,
        cassette=loaded,
        transport=transport,
        seed=seed,
    )
    if not quiet:
        print(bench.describe())
    return bench


def serve_forever(*, port: int = 0, corpus_port: int = 0) -> None:
    """Run the corpus server and the emulator in the foreground (``webfetch-kit serve``)."""
    from ..emulator import EmulatorServer
    from .corpus import serve as serve_corpus
    from .kitruntime import KitRuntime

    with serve_corpus(port=corpus_port) as site:
        runtime = KitRuntime(**site.fetch_options())
        with EmulatorServer(runtime, port=port) as emulator:
            print(f"emulator (Messages API, extractive stand-in model — not Claude): {emulator.url}")
            print(f"corpus: http://127.0.0.1:{site.port} (virtual hosts: {', '.join(site.hosts)})")
            print(f"try: ANTHROPIC_BASE_URL={emulator.url} ANTHROPIC_API_KEY=offline <your client>")
            print("Ctrl-C to stop.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                print("stopped.")
