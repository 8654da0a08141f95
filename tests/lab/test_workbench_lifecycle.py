"""A workbench closes itself (garbage collection, interpreter exit); a closed one says to re-run setup."""

from __future__ import annotations

import gc
import socket
import subprocess
import sys
import textwrap
import weakref

import pytest

from webfetch_kit import WorkbenchClosedError, workbench

HINT = "re-run the setup cell (wb = workbench.open(...)) to start a new one"


def refuses_connections(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_closed_workbench_says_to_rerun_the_setup_cell() -> None:
    wb = workbench.open("offline", quiet=True)
    kept_client = wb.client  # a client kept aside in a variable, as a lesson might
    wb.close()
    wb.close()  # twice is fine
    assert wb.closed and "closed" in repr(wb)
    for what in ("client", "fetcher", "corpus"):
        with pytest.raises(WorkbenchClosedError) as error:
            getattr(wb, what)
        assert str(error.value) == f"this workbench is closed, so wb.{what} is unusable: {HINT}"
    with pytest.raises(WorkbenchClosedError, match=r"this workbench is closed, so wb\.corpus is unusable"):
        wb.url("docs.example.com/guide/caching")
    # Not "APIConnectionError: Connection error.": the SDK's middleware passes this through.
    with pytest.raises(WorkbenchClosedError) as error:
        kept_client.messages.create(
            model=wb.model, max_tokens=10, messages=[{"role": "user", "content": "hello"}]
        )
    assert str(error.value) == f"this workbench's client is closed: {HINT}"


def test_an_open_workbench_answers_after_many_calls() -> None:
    with workbench.open("offline", quiet=True) as wb:
        for _ in range(2):
            message = wb.client.messages.create(
                model=wb.model, max_tokens=10, messages=[{"role": "user", "content": "hello"}]
            )
            assert message.role == "assistant"
        assert not wb.closed


def test_a_forgotten_workbench_is_closed_when_collected() -> None:
    wb = workbench.open("offline", quiet=True)
    ports = (wb.corpus.port, wb.emulator.port)  # type: ignore[union-attr]
    gone = weakref.ref(wb)
    del wb  # as when a student re-runs the setup cell: `wb` now names a new workbench
    gc.collect()
    assert gone() is None
    assert all(refuses_connections(port) for port in ports)


def test_the_kernel_shutting_down_closes_the_workbench(tmp_path: object) -> None:
    # A check registered before anything else runs after the workbench's exit hook (atexit is LIFO).
    script = textwrap.dedent(
        """
        import atexit, socket

        def check():
            for port in PORTS:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                    print("still serving", port)
                except ConnectionRefusedError:
                    print("closed", port)

        atexit.register(check)
        from webfetch_kit import workbench

        wb = workbench.open("offline", quiet=True)
        PORTS = [wb.corpus.port, wb.emulator.port]
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[0::2] == ["closed", "closed"], done.stdout
