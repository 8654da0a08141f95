"""The child side of :mod:`webfetch_kit.net.pool`: one worker process, one job at a time, a budget per job.

Started by the pool as ``python -m webfetch_kit.net.worker READ_FD WRITE_FD`` (a fresh interpreter: the
parent has threads, so it must not fork, and running a module rather than multiprocessing's spawn means the
user's ``__main__`` is never imported again in the child). It talks to the parent over two pipes with
:class:`multiprocessing.connection.Connection` (length-prefixed pickles):

* it sends ``("ready", pid)`` once the heavy imports named in ``argv[3:]`` are done;
* it receives ``(factory, args, budget, label)``, calls ``factory(*args)`` to get a job (an object with
  ``run()``, the slow step, and ``finish(stopped)``), runs ``job.run()`` on a thread and waits at most
  ``budget`` seconds;
* it answers ``("done", job.finish(None))``, or, when the budget ran out, ``("stopped",
  job.finish(label))`` (the noted fallback, or a PDF's pages read so far) and then ends itself: the
  thread is still running and only the end of the process stops it (the parent kills it too);
* anything that raised (``BaseException`` included: a Rust panic is one) is answered ``("error", text)``.

A job is therefore read in a process that can be killed, and the parent gets the honest partial answer at
the deadline rather than guessing it afterwards.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import time
import traceback
from multiprocessing.connection import Connection
from typing import Any

__all__ = ["main"]


def _answer(job: Any, budget: float, label: str) -> tuple[str, Any]:
    failure: list[str] = []

    def run() -> None:
        try:
            job.run()
        except BaseException:  # reported to the parent, not lost on the thread
            failure.append(traceback.format_exc())

    thread = threading.Thread(target=run, name="webfetch-kit-job", daemon=True)
    thread.start()
    thread.join(max(0.0, budget))
    if failure:
        return "error", failure[0]
    if thread.is_alive():
        return "stopped", job.finish(label)
    return "done", job.finish(None)


def serve(incoming: Connection, outgoing: Connection) -> None:
    """Answer jobs until the parent closes the pipe or sends ``None``."""
    while True:
        try:
            message = incoming.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        received = time.monotonic()
        factory, args, budget, label = message
        try:
            job = factory(*args)  # the fast steps (typing, decoding, parsing) count against the budget
            answer = _answer(job, budget - (time.monotonic() - received), label)
        except BaseException:
            answer = ("error", traceback.format_exc())
        try:
            outgoing.send(answer)
        except (OSError, ValueError):  # the parent is gone
            return
        if answer[0] == "stopped":
            # The job's thread is still busy: end the process now (no atexit, no joining that thread).
            outgoing.close()
            os._exit(0)


def main(argv: list[str]) -> None:
    """Entry point: ``READ_FD WRITE_FD [module ...]`` (the modules are imported before ``ready``)."""
    read_fd, write_fd, *warm = argv
    incoming = Connection(int(read_fd), writable=False)
    outgoing = Connection(int(write_fd), readable=False)
    for module in warm:
        importlib.import_module(module)
    outgoing.send(("ready", os.getpid()))
    serve(incoming, outgoing)


if __name__ == "__main__":
    main(sys.argv[1:])
