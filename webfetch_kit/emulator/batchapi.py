"""The Message Batches endpoints over HTTP: routing, create-time checks, list paging, the JSONL results.

Endpoints (as the SDK's ``client.messages.batches`` and ``client.beta.messages.batches`` call them; the beta
surface adds ``?beta=true``, which makes the batch's requests accept beta tool types):

=======  ======================================  ==========================================
POST     ``/v1/messages/batches``                create (``{"requests": [...]}``)
GET      ``/v1/messages/batches``                list, newest first (``limit``, ``before_id``, ``after_id``)
GET      ``/v1/messages/batches/{id}``           retrieve
POST     ``/v1/messages/batches/{id}/cancel``    cancel
GET      ``/v1/messages/batches/{id}/results``   results, JSON Lines (``application/x-jsonl``)
DELETE   ``/v1/messages/batches/{id}``           delete (only once ended)
=======  ======================================  ==========================================

Create-time checks are synchronous 400 ``invalid_request_error`` answers worded as the real API words them
(captured traffic): ``requests: List should have at least 1 item after validation, not 0``,
``requests.0.custom_id: Field required``, ``requests.0.custom_id: String should have at most 64
characters``, ``requests.0.custom_id: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`` and
``requests: custom_id's must be unique within a batch. Duplicate custom_id found: <id>``. The rest are
ours, in the same pydantic style: more than 100,000 requests, a request or ``params`` that is not an
object, unknown keys, and the list query's ``limit`` outside 1–1000. A body over 256 MB ("a Message Batch
is limited to either 100,000 Message requests or 256 MB in size, whichever is reached first") is a 413
``request_too_large``. The requests' ``params`` are not checked here: as on the real API, they are
validated when each request runs, and a bad one comes back as an ``errored`` result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from .apierrors import ApiError
from .batches import BatchStore

__all__ = [
    "BATCHES_PATH",
    "MAX_BATCH_BYTES",
    "MAX_BATCH_REQUESTS",
    "RESULTS_CONTENT_TYPE",
    "HttpReply",
    "check_create_body",
    "is_batch_path",
    "route_batches",
]

BATCHES_PATH = "/v1/messages/batches"
MAX_BATCH_REQUESTS = 100_000
MAX_BATCH_BYTES = 256 * 1024 * 1024
MAX_CUSTOM_ID_CHARS = 64
MAX_LIST_LIMIT = 1000
DEFAULT_LIST_LIMIT = 20
# What the real API sends with the results (captured); the SDK reads any content type as JSON Lines.
RESULTS_CONTENT_TYPE = "application/x-jsonl"
_CUSTOM_ID_PATTERN = "^[a-zA-Z0-9_-]{1,64}$"
_CUSTOM_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}")  # used with fullmatch: "$" would let a final "\n" in
_REQUEST_KEYS = frozenset({"custom_id", "params"})


@dataclass(frozen=True)
class HttpReply:
    """A successful answer: status, body bytes and content type."""

    status: int
    body: bytes
    content_type: str = "application/json"

    @classmethod
    def json(cls, payload: Any) -> HttpReply:
        """A 200 JSON answer."""
        return cls(200, json.dumps(payload, ensure_ascii=False).encode("utf-8"))


def is_batch_path(path: str) -> bool:
    """True for ``/v1/messages/batches`` and every path below it."""
    return path == BATCHES_PATH or path.startswith(BATCHES_PATH + "/")


def check_create_body(body: Any, *, max_requests: int = MAX_BATCH_REQUESTS) -> list[tuple[str, Any]]:
    """The ``(custom_id, params)`` pairs of a create body, or the API's 400 for the first fault."""
    if not isinstance(body, dict):
        raise ApiError.invalid("The request body must be a JSON object")
    extra = sorted(set(body) - {"requests"})
    if extra:
        raise ApiError.invalid(f"{extra[0]}: Extra inputs are not permitted")
    if "requests" not in body:
        raise ApiError.invalid("requests: Field required")
    requests = body["requests"]
    if not isinstance(requests, list):
        raise ApiError.invalid("requests: Input should be a valid list")
    if not requests:
        raise ApiError.invalid("requests: List should have at least 1 item after validation, not 0")
    if len(requests) > max_requests:
        raise ApiError.invalid(
            f"requests: List should have at most {max_requests} items after validation, not {len(requests)}"
        )
    pairs = [_request(i, item) for i, item in enumerate(requests)]
    seen: set[str] = set()
    for custom_id, _ in pairs:
        if custom_id in seen:
            raise ApiError.invalid(
                f"requests: custom_id's must be unique within a batch. Duplicate custom_id found: {custom_id}"
            )
        seen.add(custom_id)
    return pairs


def _request(i: int, item: Any) -> tuple[str, Any]:
    where = f"requests.{i}"
    if not isinstance(item, dict):
        raise ApiError.invalid(f"{where}: Input should be a valid dictionary")
    extra = sorted(set(item) - _REQUEST_KEYS)
    if extra:
        raise ApiError.invalid(f"{where}.{extra[0]}: Extra inputs are not permitted")
    if "custom_id" not in item:
        raise ApiError.invalid(f"{where}.custom_id: Field required")
    custom_id = item["custom_id"]
    if not isinstance(custom_id, str):
        raise ApiError.invalid(f"{where}.custom_id: Input should be a valid string")
    if len(custom_id) > MAX_CUSTOM_ID_CHARS:
        raise ApiError.invalid(
            f"{where}.custom_id: String should have at most {MAX_CUSTOM_ID_CHARS} characters"
        )
    if not _CUSTOM_ID.fullmatch(custom_id):
        raise ApiError.invalid(f"{where}.custom_id: String should match pattern '{_CUSTOM_ID_PATTERN}'")
    if "params" not in item:
        raise ApiError.invalid(f"{where}.params: Field required")
    if not isinstance(item["params"], dict):
        raise ApiError.invalid(f"{where}.params: Input should be a valid dictionary")
    return custom_id, item["params"]


def _list_query(query: str) -> dict[str, Any]:
    values = {key: found[-1] for key, found in parse_qs(query, keep_blank_values=True).items()}
    limit = DEFAULT_LIST_LIMIT
    if "limit" in values:
        try:
            limit = int(values["limit"])
        except ValueError:
            raise ApiError.invalid(
                "limit: Input should be a valid integer, unable to parse string as an integer"
            ) from None
        if limit < 1:
            raise ApiError.invalid("limit: Input should be greater than or equal to 1")
        if limit > MAX_LIST_LIMIT:
            raise ApiError.invalid(f"limit: Input should be less than or equal to {MAX_LIST_LIMIT}")
    before_id, after_id = values.get("before_id") or None, values.get("after_id") or None
    if before_id is not None and after_id is not None:
        raise ApiError.invalid("before_id: give either before_id or after_id, not both")
    return {"limit": limit, "before_id": before_id, "after_id": after_id}


def _absolute(view: dict[str, Any], base_url: str) -> dict[str, Any]:
    # The real results_url is absolute (https://api.anthropic.com/v1/messages/batches/<id>/results) and
    # the SDK's results() requests it as given, so it must name the emulator's own address.
    if view.get("results_url"):
        return {**view, "results_url": base_url + view["results_url"]}
    return view


def _not_allowed(method: str, path: str, allowed: str) -> ApiError:
    return ApiError(405, "invalid_request_error", f"Method Not Allowed: {method} {path} (use {allowed})")


def route_batches(
    store: BatchStore,
    method: str,
    path: str,
    query: str,
    *,
    read_json: Callable[[], Any],
    discard_body: Callable[[], None],
    beta: bool,
    base_url: str,
) -> HttpReply:
    """Answer one request below ``/v1/messages/batches`` (raises :class:`ApiError` for every failure)."""
    parts = [p for p in path[len(BATCHES_PATH) :].split("/") if p]
    if method == "POST" and not parts:
        pairs = check_create_body(read_json())
        return HttpReply.json(_absolute(store.create(pairs, beta=beta), base_url))
    discard_body()
    if not parts:
        if method != "GET":
            raise _not_allowed(method, path, "GET or POST")
        page = store.list_page(**_list_query(query))
        return HttpReply.json({**page, "data": [_absolute(b, base_url) for b in page["data"]]})
    batch_id, action = parts[0], "/".join(parts[1:])
    if action == "":
        if method == "GET":
            return HttpReply.json(_absolute(store.retrieve(batch_id), base_url))
        if method == "DELETE":
            return HttpReply.json(store.delete(batch_id))
        raise _not_allowed(method, path, "GET or DELETE")
    if action == "cancel":
        if method != "POST":
            raise _not_allowed(method, path, "POST")
        return HttpReply.json(_absolute(store.cancel(batch_id), base_url))
    if action == "results":
        if method != "GET":
            raise _not_allowed(method, path, "GET")
        lines = store.results(batch_id)
        body = b"".join(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n" for line in lines)
        return HttpReply(200, body, RESULTS_CONTENT_TYPE)
    raise ApiError(404, "not_found_error", f"Not Found: {method} {path}")
