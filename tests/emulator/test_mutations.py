"""Mutated requests (seeded, bounded): the emulator answers each one, and never with a 500."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from webfetch_kit import workbench
from webfetch_kit.lab.workbench import Workbench

BASE: dict[str, Any] = {
    "model": "claude-sonnet-4-6",
    "max_tokens": 256,
    "system": "be brief",
    "messages": [
        {
            "role": "user",
            "content": [
                {
                    "type": "text",
                    "text": "Read https://docs.example.com/guide/caching",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
        }
    ],
    "tools": [
        {"type": "web_fetch_20250910", "name": "web_fetch", "max_uses": 2, "citations": {"enabled": True}},
        {"type": "web_search_20250305", "name": "web_search"},
    ],
}
JUNK: list[Any] = [
    None,
    0,
    -1,
    1.5,
    "",
    "x",
    [],
    {},
    [1],
    {"a": 1},
    True,
    10**12,
    {"type": "ephemeral", "ttl": "2h"},
]


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def mutated(rng: random.Random) -> dict[str, Any]:
    body = copy.deepcopy(BASE)
    paths = list(_paths(BASE))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(paths)
        target: Any = body
        try:
            for key in path[:-1]:
                target = target[key]
            if isinstance(target, dict) and rng.random() < 0.2:
                target.pop(path[-1], None)
            else:
                target[path[-1]] = copy.deepcopy(rng.choice(JUNK))
        except (KeyError, IndexError, TypeError):
            continue
    if rng.random() < 0.1:
        body["stream"] = True
    return body


@pytest.fixture(scope="module")
def wb() -> Iterator[Workbench]:
    with workbench.open("offline", quiet=True) as bench:
        yield bench


@pytest.mark.parametrize("seed", range(4))
def test_mutated_requests_never_get_a_server_error(wb: Workbench, seed: int) -> None:
    rng = random.Random(seed)
    url = str(wb.client.base_url).rstrip("/") + "/v1/messages"
    with httpx.Client(timeout=30) as http:
        for _ in range(60):
            body = mutated(rng)
            response = http.post(url, content=json.dumps(body), headers={"content-type": "application/json"})
            assert response.status_code in {200, 400, 404}, (response.status_code, body, response.text[:300])
            if response.status_code != 200:
                assert response.json()["type"] == "error"
