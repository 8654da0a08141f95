"""The lab: the local corpus server and its misbehaving routes, the kit runtime, and the workbench.

:mod:`.corpus` (the local web on loopback) · :mod:`.routes` (``lab.example.net``) · :mod:`.kitruntime`
(the emulator's server tools run by the kit) · :mod:`.workbench` (``workbench.open()``: one call, a client
and a corpus).
"""

from __future__ import annotations

__all__: list[str] = []
