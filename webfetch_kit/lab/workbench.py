"""``workbench.open()``: one call gives a lesson its client, its corpus URLs and its fetcher.

Two backends, the same notebook code:

* ``offline`` — the local corpus server and the Messages API emulator start on ephemeral loopback ports
  in background threads; ``.client`` is the real ``anthropic.Anthropic`` pointed at the emulator. The
  answering model is an extractive stand-in (not Claude); fetch, search, usage and caching are real.
* ``anthropic`` — ``.client`` talks to Anthropic's API with ``ANTHROPIC_API_KEY``; ``.url()`` maps the
  lesson's corpus pages to public pages listed in ``data/public_urls.json``.

``auto`` (the default) picks ``anthropic`` only when ``ANTHROPIC_API_KEY`` is set and ``WEBFETCH_BACKEND``
does not say ``offline``; it prints the choice. In both backends the corpus server runs, and
``.fetcher`` is a local :class:`Fetcher` opened for the corpus hosts only.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from .._data import data_dir
from .._env import has_api_key
from ..errors import BackendError, ConfigError
from ..net.fetcher import Fetcher
from ..rules.policy import FetchPolicy
from .corpus import CorpusSite

if TYPE_CHECKING:
    import anthropic

    from ..costs.request import RequestEstimate
    from ..emulator import EmulatorServer
    from .kitruntime import KitRuntime

__all__ = ["BETA_HEADERS", "DEFAULT_MODEL", "Workbench", "open", "serve_forever"]

Backend = Literal["auto", "offline", "anthropic"]
DEFAULT_MODEL = "claude-sonnet-4-6"  # current (the SDK marks claude-sonnet-4-5 deprecated: EOL 2026-11-30)
# The documentation's beta header for web_fetch_20250910; harmless for the GA versions.
BETA_HEADERS = {"anthropic-beta": "web-fetch-2025-09-10"}


def choose_backend(backend: Backend = "auto") -> Literal["offline", "anthropic"]:
    """Resolve ``auto`` from the environment; raise :class:`BackendError` if the choice cannot work."""
    if backend not in ("auto", "offline", "anthropic"):
        raise ConfigError(f"backend must be 'auto', 'offline' or 'anthropic', got {backend!r}")
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


class Workbench:
    """A running workbench: ``.client``, ``.url()``, ``.fetcher``, ``.estimate()``; close it (or ``with``)."""

    def __init__(
        self,
        backend: Literal["offline", "anthropic"],
        *,
        clock: Callable[[], float] = time.time,
        model: str = DEFAULT_MODEL,
    ) -> None:
        self.backend = backend
        self.clock = clock
        self.model = model
        self.corpus = CorpusSite()  # serving from construction until close()
        self.emulator: EmulatorServer | None = None
        self.runtime: KitRuntime | None = None
        try:
            self.client: anthropic.Anthropic = self._start_client()
        except BaseException:
            self.corpus.close()
            raise
        self.fetcher = self.make_fetcher()
        self._public_fetcher: Fetcher | None = None

    def _start_client(self) -> anthropic.Anthropic:
        import anthropic

        if self.backend == "anthropic":
            return anthropic.Anthropic()
        from ..emulator import EmulatorServer
        from .kitruntime import KitRuntime

        self.runtime = KitRuntime(**self.corpus.fetch_options(), clock=self.clock)
        self.emulator = EmulatorServer(self.runtime, clock=self.clock).start()
        return anthropic.Anthropic(base_url=self.emulator.url, api_key="offline", max_retries=0)

    @property
    def offline(self) -> bool:
        """True when the client talks to the local emulator."""
        return self.backend == "offline"

    def url(self, path_or_host_path: str) -> str:
        """A lesson page's URL: ``"docs.example.com/guide/web-fetch"`` (or a full corpus URL).

        Offline, the corpus URL itself (served over loopback). With the real API, the public page listed
        for it in ``data/public_urls.json``; pages without one are offline-only (BackendError).
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
        return self._public_fetcher

    def describe(self) -> str:
        """One line saying which backend is in use."""
        if self.offline:
            return (
                "webfetch-kit: offline backend — local emulator (extractive stand-in model, not Claude) "
                f"at {self.client.base_url}, corpus on 127.0.0.1:{self.corpus.port}; "
                "its token counts approximate Claude's (offline cl100k_base)"
            )
        return "webfetch-kit: anthropic backend — Anthropic's API with ANTHROPIC_API_KEY"

    def close(self) -> None:
        """Stop the emulator and the corpus server."""
        if self.emulator is not None:
            self.emulator.close()
            self.emulator = None
        self.client.close()
        self.corpus.close()

    def __enter__(self) -> Workbench:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Workbench backend={self.backend!r} model={self.model!r}>"


def open(
    backend: Backend = "auto",
    *,
    clock: Callable[[], float] | None = None,
    model: str = DEFAULT_MODEL,
    quiet: bool = False,
) -> Workbench:
    """Start a workbench (see the module docstring); prints which backend it chose unless ``quiet``."""
    chosen = choose_backend(backend)
    bench = Workbench(chosen, clock=clock or time.time, model=model)
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
