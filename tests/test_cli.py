"""The webfetch-kit command line."""

from __future__ import annotations

import json
import signal
import subprocess

import pytest
from anthropic.types import WebFetchToolResultBlock

from webfetch_kit.blocks import parse_content_block
from webfetch_kit.cli import main

# The CLI in a child process in which Ctrl-C (SIGINT) raises KeyboardInterrupt, as in a terminal, even when
# this test run itself ignores SIGINT: a non-interactive shell starts a background job (`make test &`)
# with SIGINT ignored, a child inherits that, and the server would never see the Ctrl-C the tests send.
_WITH_CTRL_C = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'webfetch-kit'; runpy.run_module('webfetch_kit.cli', run_name='__main__')"
)


def cli_with_ctrl_c(*args: str) -> list[str]:
    import sys

    return [sys.executable, "-u", "-c", _WITH_CTRL_C, *args]


def stop_with_ctrl_c(proc: subprocess.Popen[str]) -> None:
    """Ctrl-C, and the process must end by itself; killed all the same if it does not (then fails)."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    finally:
        if proc.poll() is None:  # no server left running behind a failed test
            proc.kill()
            proc.wait()


def test_fetch_offline_prints_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fetch", "--offline", "https://docs.example.com/guide/caching"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("https://docs.example.com/guide/caching: text/plain")
    assert "(approx.)" in out and "title:" in out


def test_fetch_json_prints_the_sdk_block(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "fetch",
            "--offline",
            "--json",
            "--max-content-tokens",
            "50",
            "https://docs.example.com/guide/web-fetch",
        ]
    )
    assert code == 0
    block = parse_content_block(json.loads(capsys.readouterr().out))
    assert isinstance(block, WebFetchToolResultBlock)
    assert block.content.type == "web_fetch_result"


def test_fetch_refused_by_policy_exits_1_with_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "fetch",
            "--offline",
            "--allowed-domains",
            "docs.example.com",
            "https://blog.example.org/posts/homographs",
        ]
    )
    assert code == 1
    assert "url_not_allowed" in capsys.readouterr().out


def test_bad_policy_is_a_readable_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["fetch", "--offline", "--allowed-domains", "https://docs.example.com", "https://docs.example.com/"]
    )
    assert code == 2
    assert "use docs.example.com" in capsys.readouterr().err


def test_estimate_prints_a_labelled_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--model", "claude-haiku-4-5"]) == 0
    out = capsys.readouterr().out
    assert "100 KB" in out and "usd_claude-haiku-4-5" in out
    assert "approximate Claude's tokenizer" in out


def test_estimate_unknown_model_lists_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--model", "claude-imaginary-9"]) == 2
    assert "claude-sonnet-4-6" in capsys.readouterr().err


@pytest.mark.timeout(60)
def test_serve_runs_the_emulator_for_any_http_client() -> None:
    import os
    import subprocess

    import httpx

    proc = subprocess.Popen(
        cli_with_ctrl_c("serve"),
        stdout=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith(
            "emulator (Messages API, extractive stand-in model — not Claude): http://127.0.0.1:"
        )
        base = first.rsplit(" ", 1)[-1].strip()
        response = httpx.post(
            f"{base}/v1/messages",
            headers={"anthropic-version": "2023-06-01", "anthropic-beta": "web-fetch-2025-09-10"},
            json={
                "model": "claude-sonnet-4-6",
                "max_tokens": 512,
                "messages": [{"role": "user", "content": "Summarise https://docs.example.com/guide/caching"}],
                "tools": [{"type": "web_fetch_20250910", "name": "web_fetch"}],
            },
            timeout=30,
        )
        assert response.status_code == 200
        body = response.json()
        assert [b["type"] for b in body["content"]][:3] == [
            "text",
            "server_tool_use",
            "web_fetch_tool_result",
        ]
        assert body["content"][2]["content"]["type"] == "web_fetch_result"
        assert (
            httpx.post(f"{base}/v1/nothing", json={}, timeout=5).json()["error"]["type"] == "not_found_error"
        )
    finally:
        stop_with_ctrl_c(proc)


@pytest.mark.timeout(60)
def test_serve_corpus_answers_by_host_header() -> None:
    import subprocess

    import httpx

    proc = subprocess.Popen(cli_with_ctrl_c("serve-corpus"), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("corpus server on http://127.0.0.1:")
        base = first.split()[3].rstrip("/")
        page = httpx.get(f"{base}/guide/web-fetch", headers={"Host": "docs.example.com"}, timeout=10)
        assert page.status_code == 200 and "<h1" in page.text
        assert (
            httpx.get(f"{base}/guide/web-fetch", headers={"Host": "unknown.example"}, timeout=10).status_code
            == 404
        )
    finally:
        stop_with_ctrl_c(proc)


def test_estimate_with_urls_estimates_the_request_per_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["estimate", "--offline", "--model", "claude-sonnet-4-0", "--answer-tokens", "0",
         "https://docs.example.com/guide/caching"]
    )  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Estimate for claude-sonnet-4-20250514 (2 sampling passes, 1 server-tool call):")
    assert "first pass    ≈875 tokens" in out  # 8 framing + the 18-token question + 849 definitions
    assert "fetched" in out and "cumulative" in out
    assert "calibrated on recorded real API traffic" in out
