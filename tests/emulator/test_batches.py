"""Message Batches through the real SDK: every endpoint, every status, results, paging, sync and async.

The emulator runs with ``batch_workers=0`` here: nothing runs until the test calls ``drain()`` or
``run_one()``, so every state is reached on purpose (the worker pool has its own tests).
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import pytest
from anthropic.types.messages import MessageBatchIndividualResponse
from batch_support import CACHING_PAGE, fetch_params, params, requests_of
from emulator_support import MODEL, CorpusRuntime, FakeClock, search_tool

from webfetch_kit.emulator import EmulatorServer
from webfetch_kit.emulator.batches import BatchStore
from webfetch_kit.errors import ConfigError

DAY = 24 * 3600
BATCH_ID = re.compile(r"msgbatch_01[0-9A-Za-z]{22}")


@pytest.fixture
def manual(runtime: CorpusRuntime, clock: FakeClock) -> Iterator[EmulatorServer]:
    with EmulatorServer(runtime, clock=clock, batch_workers=0) as emulator:
        yield emulator


@pytest.fixture
def sdk(manual: EmulatorServer) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=manual.url, api_key="offline", max_retries=0, timeout=30) as client:
        yield client


@pytest.fixture
def http(manual: EmulatorServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=manual.url, timeout=30) as client:
        yield client


def _three(sdk: anthropic.Anthropic) -> Any:
    return sdk.messages.batches.create(
        requests=requests_of(("a", params("one")), ("b", params("two")), ("c", params("three")))  # type: ignore[arg-type]
    )


def _counts(batch: Any) -> dict[str, int]:
    return batch.request_counts.model_dump()


def test_create_answers_in_progress_with_every_request_processing(
    sdk: anthropic.Anthropic, clock: FakeClock
) -> None:
    batch = _three(sdk)
    assert BATCH_ID.fullmatch(batch.id)
    assert batch.type == "message_batch"
    assert batch.processing_status == "in_progress"
    assert _counts(batch) == {"processing": 3, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
    assert batch.created_at.timestamp() == clock()
    assert (batch.expires_at - batch.created_at).total_seconds() == DAY
    assert batch.ended_at is None and batch.results_url is None
    assert batch.cancel_initiated_at is None and batch.archived_at is None
    assert sdk.messages.batches.retrieve(batch.id) == batch  # polling changes nothing until work runs
    assert _three(sdk).id != batch.id


def test_counts_move_as_requests_finish_and_the_batch_ends(
    sdk: anthropic.Anthropic, manual: EmulatorServer, clock: FakeClock
) -> None:
    batch = _three(sdk)
    assert manual.batches.run_one()
    polled = sdk.messages.batches.retrieve(batch.id)
    assert polled.processing_status == "in_progress"
    assert _counts(polled)["processing"] == 2 and _counts(polled)["succeeded"] == 1
    clock.advance(90)
    assert manual.batches.drain() == 2
    ended = sdk.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    assert _counts(ended) == {"processing": 0, "succeeded": 3, "errored": 0, "canceled": 0, "expired": 0}
    assert ended.ended_at is not None and ended.ended_at.timestamp() == clock()
    assert ended.results_url == f"{manual.url}/v1/messages/batches/{batch.id}/results"


def _without_ids(blocks: list[Any]) -> list[dict[str, Any]]:
    dumps = [block.model_dump() for block in blocks]
    for dump in dumps:
        dump.pop("id", None)
        dump.pop("tool_use_id", None)
        for citation in dump.get("citations") or ():
            citation.pop("encrypted_index", None)  # it names the search call's id
    return dumps


def test_results_come_from_the_same_engine_as_messages(
    sdk: anthropic.Anthropic, manual: EmulatorServer
) -> None:
    search = params("token budget per document", max_tokens=300, tools=[search_tool()])
    batch = sdk.messages.batches.create(
        requests=requests_of(("fetch", fetch_params(CACHING_PAGE)), ("search", search))  # type: ignore[arg-type]
    )
    manual.batches.drain()
    results = {r.custom_id: r.result for r in sdk.messages.batches.results(batch.id)}
    for custom_id, request in (("fetch", fetch_params(CACHING_PAGE)), ("search", search)):
        result = results[custom_id]
        assert result.type == "succeeded"
        direct = sdk.messages.create(**request)
        # Ids are fresh on every call, as the API's are; everything else is the same turn.
        assert _without_ids(result.message.content) == _without_ids(direct.content)
        batch_usage = result.message.usage.model_dump()
        assert batch_usage.pop("service_tier") == "batch"  # as the real API reports batch usage
        direct_usage = direct.usage.model_dump()
        assert direct_usage.pop("service_tier") == "standard"
        assert batch_usage == direct_usage
    assert results["fetch"].message.usage.server_tool_use.web_fetch_requests == 1
    assert results["search"].message.usage.server_tool_use.web_search_requests == 1


def test_results_are_json_lines_in_request_order(
    sdk: anthropic.Anthropic, manual: EmulatorServer, http: httpx.Client
) -> None:
    batch = _three(sdk)
    manual.batches.drain()
    response = http.get(f"/v1/messages/batches/{batch.id}/results")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-jsonl"
    lines = response.content.decode().splitlines()
    parsed = [MessageBatchIndividualResponse.model_validate(json.loads(line)) for line in lines]
    assert [p.custom_id for p in parsed] == ["a", "b", "c"]
    assert [type(p.result).__name__ for p in parsed] == ["MessageBatchSucceededResult"] * 3


def test_results_before_the_batch_ends_are_refused(sdk: anthropic.Anthropic, http: httpx.Client) -> None:
    batch = _three(sdk)
    response = http.get(f"/v1/messages/batches/{batch.id}/results")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "type": "not_found_error",
        "message": f"Message Batch {batch.id} has no available results.",
    }
    with pytest.raises(anthropic.AnthropicError, match="No `results_url` for the given batch"):
        sdk.messages.batches.results(batch.id)


@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", ""), ("DELETE", ""), ("POST", "/cancel"), ("GET", "/results")]
)
def test_an_unknown_batch_is_a_404(http: httpx.Client, method: str, suffix: str) -> None:
    response = http.request(method, f"/v1/messages/batches/msgbatch_01nope{suffix}")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "type": "not_found_error",
        "message": "Message Batch msgbatch_01nope not found.",
    }


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("PUT", "/v1/messages/batches", 405, "Method Not Allowed: PUT /v1/messages/batches (use GET or POST)"),
        ("POST", "/v1/messages/batches/x", 405, "Method Not Allowed: POST /v1/messages/batches/x (use GET or DELETE)"),
        ("GET", "/v1/messages/batches/x/cancel", 405, "Method Not Allowed: GET /v1/messages/batches/x/cancel (use POST)"),
        ("POST", "/v1/messages/batches/x/results", 405, "Method Not Allowed: POST /v1/messages/batches/x/results (use GET)"),
        ("GET", "/v1/messages/batches/x/other", 404, "Not Found: GET /v1/messages/batches/x/other"),
    ],
)  # fmt: skip
def test_wrong_methods_and_paths(
    http: httpx.Client, method: str, path: str, status: int, message: str
) -> None:
    response = http.request(method, path)
    assert response.status_code == status
    assert response.json()["error"] == {"type": "not_found_error" if status == 404 else "invalid_request_error",
                                        "message": message}  # fmt: skip


def test_invalid_params_come_back_errored_and_the_batch_is_accepted(
    sdk: anthropic.Anthropic, manual: EmulatorServer
) -> None:
    no_messages = {"model": MODEL, "max_tokens": 10}
    batch = sdk.messages.batches.create(
        requests=requests_of(  # type: ignore[arg-type]
            ("ok", params()),
            ("no-messages", no_messages),
            ("bad-model", params(model="claude-does-not-exist-9")),
            ("zero", params(max_tokens=0)),
            ("stream", params(stream=True)),
        )
    )
    assert batch.request_counts.processing == 5
    manual.batches.drain()
    ended = sdk.messages.batches.retrieve(batch.id)
    assert _counts(ended) == {"processing": 0, "succeeded": 1, "errored": 4, "canceled": 0, "expired": 0}
    errors = {
        r.custom_id: r.result.error.model_dump()
        for r in sdk.messages.batches.results(batch.id)
        if r.result.type == "errored"
    }
    # The API's error body, with "request_id": null (captured for pre-execution failures).
    assert errors == {
        "no-messages": {"type": "error", "request_id": None,
                        "error": {"type": "invalid_request_error", "message": "messages: Field required"}},
        "bad-model": {"type": "error", "request_id": None,
                      "error": {"type": "not_found_error", "message": "model: claude-does-not-exist-9"}},
        "zero": {"type": "error", "request_id": None,
                 "error": {"type": "invalid_request_error",
                           "message": "max_tokens: Input should be greater than or equal to 1"}},
        "stream": {"type": "error", "request_id": None,
                   "error": {"type": "invalid_request_error",
                             "message": '"stream=True" is not supported in the Message Batches API'}},
    }  # fmt: skip


def test_beta_batches_accept_beta_tool_types(sdk: anthropic.Anthropic, manual: EmulatorServer) -> None:
    bash = params(tools=[{"type": "bash_20241022", "name": "bash"}])
    ga = sdk.messages.batches.create(requests=requests_of(("bash", bash)))  # type: ignore[arg-type]
    # The anthropic-beta header of the create call (the SDK's `betas`) applies to every request of the batch.
    beta = sdk.beta.messages.batches.create(
        requests=requests_of(("bash", bash)),  # type: ignore[arg-type]
        betas=["computer-use-2024-10-22"],
    )
    manual.batches.drain()
    (ga_result,) = sdk.messages.batches.results(ga.id)
    assert ga_result.result.type == "errored"
    assert ga_result.result.error.error.message.startswith(
        "tools.0: Input tag 'bash_20241022' found using 'type' does not match any of the expected tags"
    )
    (beta_result,) = sdk.beta.messages.batches.results(beta.id)
    assert beta_result.result.type == "succeeded"
    assert sdk.beta.messages.batches.retrieve(beta.id).request_counts.succeeded == 1
    assert [b.id for b in sdk.beta.messages.batches.list()] == [beta.id, ga.id]
    assert sdk.beta.messages.batches.delete(beta.id).type == "message_batch_deleted"


# --------------------------------------------------------------------------- cancel, expiry, archive


def test_cancel_goes_canceling_then_ended_with_every_request_canceled(
    sdk: anthropic.Anthropic, clock: FakeClock
) -> None:
    batch = _three(sdk)
    clock.advance(5)
    canceling = sdk.messages.batches.cancel(batch.id)
    assert canceling.processing_status == "canceling"
    assert canceling.cancel_initiated_at is not None and canceling.cancel_initiated_at.timestamp() == clock()
    assert _counts(canceling)["processing"] == 3  # counts move only when cancellation is finalized
    ended = sdk.messages.batches.retrieve(batch.id)
    assert ended.processing_status == "ended"
    assert _counts(ended) == {"processing": 0, "succeeded": 0, "errored": 0, "canceled": 3, "expired": 0}
    assert [r.result.type for r in sdk.messages.batches.results(batch.id)] == ["canceled"] * 3
    with pytest.raises(anthropic.BadRequestError) as refused:
        sdk.messages.batches.cancel(batch.id)
    body = dict(refused.value.body)  # type: ignore[call-overload]
    assert re.fullmatch(r"req_011C[0-9A-Za-z]{20,}", body.pop("request_id"))
    assert body == {"type": "error", "error": {"type": "invalid_request_error",
        "message": f"Message Batch {batch.id} has already ended and cannot be canceled."}}  # fmt: skip


def test_cancel_after_some_requests_ran_keeps_their_results(
    sdk: anthropic.Anthropic, manual: EmulatorServer
) -> None:
    batch = _three(sdk)
    assert manual.batches.run_one()
    sdk.messages.batches.cancel(batch.id)
    assert manual.batches.drain() == 0  # nothing more starts once canceling
    ended = sdk.messages.batches.retrieve(batch.id)
    assert _counts(ended) == {"processing": 0, "succeeded": 1, "errored": 0, "canceled": 2, "expired": 0}
    assert [(r.custom_id, r.result.type) for r in sdk.messages.batches.results(batch.id)] == [
        ("a", "succeeded"), ("b", "canceled"), ("c", "canceled")]  # fmt: skip


def test_a_batch_not_finished_in_24_hours_expires(
    sdk: anthropic.Anthropic, manual: EmulatorServer, clock: FakeClock
) -> None:
    batch = _three(sdk)
    assert manual.batches.run_one()
    clock.advance(DAY - 1)
    assert sdk.messages.batches.retrieve(batch.id).processing_status == "in_progress"
    clock.advance(3600)
    expired = sdk.messages.batches.retrieve(batch.id)
    assert expired.processing_status == "ended"
    assert expired.ended_at == expired.expires_at
    assert _counts(expired) == {"processing": 0, "succeeded": 1, "errored": 0, "canceled": 0, "expired": 2}
    assert manual.batches.drain() == 0
    assert [r.result.type for r in sdk.messages.batches.results(batch.id)] == [
        "succeeded",
        "expired",
        "expired",
    ]
    assert [r.result.model_dump() for r in sdk.messages.batches.results(batch.id)][1:] == [
        {"type": "expired"}
    ] * 2


def test_results_are_archived_29_days_after_creation(
    sdk: anthropic.Anthropic, manual: EmulatorServer, clock: FakeClock
) -> None:
    batch = _three(sdk)
    manual.batches.drain()
    clock.advance(29 * DAY - 1)
    assert len(list(sdk.messages.batches.results(batch.id))) == 3
    clock.advance(1)
    archived = sdk.messages.batches.retrieve(batch.id)
    assert archived.archived_at is not None
    assert (archived.archived_at - archived.created_at).total_seconds() == 29 * DAY
    assert archived.request_counts.succeeded == 3  # the counts stay, the results are gone
    with pytest.raises(anthropic.NotFoundError, match="has no available results"):
        list(sdk.messages.batches.results(batch.id))


def test_delete_only_once_ended(sdk: anthropic.Anthropic, manual: EmulatorServer) -> None:
    batch = _three(sdk)
    with pytest.raises(anthropic.BadRequestError) as in_progress:
        sdk.messages.batches.delete(batch.id)
    assert in_progress.value.body["error"] == {"type": "invalid_request_error",
        "message": "In progress batches cannot be deleted. Consider canceling the batch instead."}  # fmt: skip
    manual.batches.drain()
    deleted = sdk.messages.batches.delete(batch.id)
    assert deleted.model_dump() == {"id": batch.id, "type": "message_batch_deleted"}
    with pytest.raises(anthropic.NotFoundError, match=f"Message Batch {batch.id} not found."):
        sdk.messages.batches.retrieve(batch.id)
    assert list(sdk.messages.batches.list()) == []


def test_delete_while_canceling_is_refused(manual: EmulatorServer) -> None:
    store = manual.batches
    batch = store.create([("a", fetch_params())])
    store.cancel(batch["id"])
    store._batches[batch["id"]].running = 1  # a request still running: the batch stays canceling
    with pytest.raises(Exception, match="Canceling batches cannot be deleted until processing has ended"):
        store.delete(batch["id"])
    store._batches[batch["id"]].running = 0
    assert store.delete(batch["id"])["type"] == "message_batch_deleted"


# --------------------------------------------------------------------------- listing


def _many(sdk: anthropic.Anthropic, n: int) -> list[str]:
    """``n`` batch ids, newest first (the list order)."""
    ids = [sdk.messages.batches.create(requests=requests_of(("r", params()))).id for _ in range(n)]  # type: ignore[arg-type]
    return ids[::-1]


def test_list_pages_newest_first_with_cursors(sdk: anthropic.Anthropic, http: httpx.Client) -> None:
    ids = _many(sdk, 5)
    first = sdk.messages.batches.list(limit=2)
    assert [b.id for b in first.data] == ids[:2]
    assert (first.has_more, first.first_id, first.last_id) == (True, ids[0], ids[1])
    after = sdk.messages.batches.list(limit=2, after_id=ids[1])
    assert [b.id for b in after.data] == ids[2:4] and after.has_more
    last = sdk.messages.batches.list(limit=2, after_id=ids[3])
    assert [b.id for b in last.data] == ids[4:] and last.has_more is False
    before = sdk.messages.batches.list(limit=2, before_id=ids[4])
    assert [b.id for b in before.data] == ids[2:4] and before.has_more
    assert sdk.messages.batches.list(limit=2, before_id=ids[1]).model_dump()["data"][0]["id"] == ids[0]
    assert [b.id for b in sdk.messages.batches.list(limit=2)] == ids  # the SDK's auto-paging (after_id)
    assert [b.id for b in sdk.messages.batches.list(limit=1, before_id=ids[4])] == ids[:4][::-1]
    empty = http.get("/v1/messages/batches", params={"after_id": ids[4]}).json()
    assert empty == {"data": [], "has_more": False, "first_id": None, "last_id": None}


def test_list_defaults_to_20(sdk: anthropic.Anthropic) -> None:
    ids = _many(sdk, 21)
    page = sdk.messages.batches.list()
    assert [b.id for b in page.data] == ids[:20] and page.has_more
    assert [b.id for b in sdk.messages.batches.list(limit=1000).data] == ids


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ({"limit": "0"}, 400, "limit: Input should be greater than or equal to 1"),
        ({"limit": "1001"}, 400, "limit: Input should be less than or equal to 1000"),
        ({"limit": "ten"}, 400, "limit: Input should be a valid integer, unable to parse string as an integer"),
        ({"before_id": "msgbatch_01a", "after_id": "msgbatch_01b"}, 400,
         "before_id: give either before_id or after_id, not both"),
        ({"after_id": "msgbatch_01gone"}, 404, "Message Batch msgbatch_01gone not found."),
    ],
)  # fmt: skip
def test_list_query_errors(http: httpx.Client, query: dict[str, str], status: int, message: str) -> None:
    response = http.get("/v1/messages/batches", params=query)
    assert response.status_code == status
    assert response.json()["error"]["message"] == message


# --------------------------------------------------------------------------- async SDK


def test_async_sdk_round_trip(manual: EmulatorServer, clock: FakeClock) -> None:
    async def scenario() -> None:
        async with anthropic.AsyncAnthropic(base_url=manual.url, api_key="offline", max_retries=0) as sdk:
            created = await sdk.messages.batches.create(
                requests=requests_of(("fetch", fetch_params()), ("hi", params()))  # type: ignore[arg-type]
            )
            other = await sdk.messages.batches.create(requests=requests_of(("x", params())))  # type: ignore[arg-type]
            assert (await sdk.messages.batches.retrieve(created.id)).processing_status == "in_progress"
            assert (await sdk.messages.batches.cancel(other.id)).processing_status == "canceling"
            await asyncio.to_thread(manual.batches.drain)
            ended = await sdk.messages.batches.retrieve(created.id)
            assert ended.request_counts.succeeded == 2
            results = [r async for r in await sdk.messages.batches.results(created.id)]
            assert [r.custom_id for r in results] == ["fetch", "hi"]
            assert results[0].result.message.usage.server_tool_use.web_fetch_requests == 1
            listed = [b.id async for b in sdk.messages.batches.list(limit=1)]
            assert listed == [other.id, created.id]
            assert (await sdk.messages.batches.delete(other.id)).id == other.id
            beta = [r async for r in await sdk.beta.messages.batches.results(created.id)]
            assert [r.custom_id for r in beta] == ["fetch", "hi"]

    asyncio.run(scenario())


def test_worker_count_must_be_a_whole_number(manual: EmulatorServer) -> None:
    for bad in (-1, True, 1.5):
        with pytest.raises(
            ConfigError,
            match=re.escape(f"workers must be a whole number >= 0 (0: run with drain()), got {bad!r}"),
        ):
            BatchStore(manual.engine, clock=lambda: 0.0, workers=bad)  # type: ignore[arg-type]
