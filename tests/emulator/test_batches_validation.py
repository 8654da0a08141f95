"""Create-time checks of a Message Batch: synchronous 400s with the API's wording, and the size limits.

The wording marked "captured" is what the real API answered (recorded traffic); the others are the
emulator's own, in the same pydantic style (see ``webfetch_kit/emulator/batchapi.py``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import pytest
from batch_support import params, requests_of
from emulator_support import CorpusRuntime, FakeClock

from webfetch_kit.emulator import ApiError, EmulatorServer
from webfetch_kit.emulator.batchapi import MAX_BATCH_REQUESTS, check_create_body

PATTERN = "String should match pattern '^[a-zA-Z0-9_-]{1,64}$'"


@pytest.fixture
def small(runtime: CorpusRuntime, clock: FakeClock) -> Iterator[EmulatorServer]:
    # /v1/messages bodies are capped at 3,000 bytes and batch bodies at 30,000, to test both limits.
    with EmulatorServer(
        runtime, clock=clock, batch_workers=0, max_body_bytes=3_000, max_batch_bytes=30_000
    ) as emulator:
        yield emulator


def _post(server: EmulatorServer, path: str, **kwargs: Any) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        return http.post(path, **kwargs)


CASES: list[tuple[str, Any, str]] = [
    # captured
    ("empty list", {"requests": []}, "requests: List should have at least 1 item after validation, not 0"),
    ("no custom_id", {"requests": [{"params": params()}]}, "requests.0.custom_id: Field required"),
    ("65 characters", {"requests": requests_of(("a" * 65, params()))},
     "requests.0.custom_id: String should have at most 64 characters"),
    ("a colon", {"requests": requests_of(("ok", params()), ("cat:admin", params()))},
     f"requests.1.custom_id: {PATTERN}"),
    ("duplicate", {"requests": requests_of(("dup", params()), ("x", params()), ("dup", params()))},
     "requests: custom_id's must be unique within a batch. Duplicate custom_id found: dup"),
    # ours, in the same style
    ("empty custom_id", {"requests": requests_of(("", params()))}, f"requests.0.custom_id: {PATTERN}"),
    ("a space", {"requests": requests_of(("a b", params()))}, f"requests.0.custom_id: {PATTERN}"),
    ("a dot", {"requests": requests_of(("a.b", params()))}, f"requests.0.custom_id: {PATTERN}"),
    ("non-ASCII letter", {"requests": requests_of(("café", params()))}, f"requests.0.custom_id: {PATTERN}"),
    ("final newline", {"requests": requests_of(("abc\n", params()))}, f"requests.0.custom_id: {PATTERN}"),
    ("numeric custom_id", {"requests": [{"custom_id": 7, "params": params()}]},
     "requests.0.custom_id: Input should be a valid string"),
    ("no params", {"requests": [{"custom_id": "a"}]}, "requests.0.params: Field required"),
    ("params a string", {"requests": [{"custom_id": "a", "params": "hi"}]},
     "requests.0.params: Input should be a valid dictionary"),
    ("request a list", {"requests": [["a", params()]]}, "requests.0: Input should be a valid dictionary"),
    ("extra request key", {"requests": [{"custom_id": "a", "params": params(), "priority": 1}]},
     "requests.0.priority: Extra inputs are not permitted"),
    ("no requests", {}, "requests: Field required"),
    ("requests an object", {"requests": {"a": params()}}, "requests: Input should be a valid list"),
    ("extra top-level key", {"requests": requests_of(("a", params())), "model": "x"},
     "model: Extra inputs are not permitted"),
    ("body a list", [], "The request body must be a JSON object"),
]  # fmt: skip


@pytest.mark.parametrize(("body", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_create_refuses_with_the_api_message(small: EmulatorServer, body: Any, message: str) -> None:
    response = _post(small, "/v1/messages/batches", json=body)
    assert response.status_code == 400
    body = response.json()
    assert body.pop("request_id") == response.headers["request-id"]
    assert body == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": message},
    }
    assert small.batches.list_page()["data"] == []  # nothing was created


def test_the_sdk_raises_bad_request_for_a_refused_batch(small: EmulatorServer) -> None:
    with (
        anthropic.Anthropic(base_url=small.url, api_key="offline", max_retries=0) as sdk,
        pytest.raises(anthropic.BadRequestError) as refused,
    ):
        sdk.messages.batches.create(requests=requests_of(("a" * 65, params())))  # type: ignore[arg-type]
    assert refused.value.body["error"] == {  # type: ignore[index]
        "type": "invalid_request_error",
        "message": "requests.0.custom_id: String should have at most 64 characters",
    }


def test_custom_ids_of_1_and_64_allowed_characters_are_accepted(small: EmulatorServer) -> None:
    edge = "aZ09_-" + "x" * 58
    response = _post(
        small, "/v1/messages/batches", json={"requests": requests_of(("a", params()), (edge, params()))}
    )
    assert response.status_code == 200
    assert response.json()["request_counts"]["processing"] == 2


def test_at_most_100000_requests() -> None:
    item = {"custom_id": "r", "params": {}}
    too_many = [{**item, "custom_id": f"r{i}"} for i in range(MAX_BATCH_REQUESTS + 1)]
    with pytest.raises(ApiError) as refused:
        check_create_body({"requests": too_many})
    assert (refused.value.status, refused.value.error_type) == (400, "invalid_request_error")
    assert (
        refused.value.message
        == "requests: List should have at most 100000 items after validation, not 100001"
    )
    assert len(check_create_body({"requests": too_many[:MAX_BATCH_REQUESTS]})) == MAX_BATCH_REQUESTS


def test_the_request_count_limit_holds_over_http(small: EmulatorServer) -> None:
    # 100,001 tiny requests are ~3.5 MB: over this server's 30 KB cap, so the limit is checked with a server
    # whose byte cap allows them (the count check comes after the body is read).
    with EmulatorServer(small.engine.runtime, batch_workers=0) as roomy:
        body = {"requests": [{"custom_id": f"r{i}", "params": {}} for i in range(MAX_BATCH_REQUESTS + 1)]}
        response = _post(roomy, "/v1/messages/batches", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "requests: List should have at most 100000 items after validation, not 100001"
    )


def test_a_batch_body_over_the_byte_limit_is_413(small: EmulatorServer) -> None:
    body = {"requests": requests_of(*((f"r{i}", params("x" * 500)) for i in range(60)))}
    assert len(json.dumps(body)) > 30_000
    response = _post(small, "/v1/messages/batches", json=body)
    assert response.status_code == 413
    assert response.json()["error"] == {
        "type": "request_too_large",
        "message": "Request exceeds the maximum allowed number of bytes (30000).",
    }


def test_batches_have_their_own_byte_limit(small: EmulatorServer) -> None:
    body = {"requests": requests_of(*((f"r{i}", params("x" * 500)) for i in range(10)))}
    assert 3_000 < len(json.dumps(body)) < 30_000
    assert _post(small, "/v1/messages/batches", json=body).status_code == 200
    single = params("x" * 5_000)
    assert _post(small, "/v1/messages", json=single).status_code == 413  # the Messages limit still holds


def test_malformed_json_is_a_400(small: EmulatorServer) -> None:
    response = _post(
        small, "/v1/messages/batches", content=b'{"requests": [', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith(
        "There was an error parsing the body of your request:"
    )
