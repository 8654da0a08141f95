"""The only door to the network: the SSRF guard, the fetcher, its cache, bounded work, loopback servers.

:mod:`.guard` (addresses, pinning) · :mod:`.fetcher` (one web fetch, hop by hop) · :mod:`.cache` (the fetch
cache) · :mod:`.bounded` (bounded decoding, resolver threads) · :mod:`.reader` (how extraction runs) ·
:mod:`.pool` and :mod:`.worker` (killable extraction processes) · :mod:`.loopthread` (the kit's event loop) ·
:mod:`.loopback` (the HTTP server base of the corpus and the emulator).

Import the modules themselves (``from webfetch_kit.net.fetcher import Fetcher``) or the package root
(``from webfetch_kit import Fetcher``).
"""

from __future__ import annotations

__all__: list[str] = []
