"""The fetch cache: its bounds, eviction order, TTL, clear(), and a disk copy validated as the input it is."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from webfetch_kit.clock import ManualClock
from webfetch_kit.errors import ConfigError
from webfetch_kit.net.cache import CachedFetch, FetchCache
from webfetch_kit.reading.extract import Document

NOW = 1_750_000_000.0


def entry(url: str, text: str = "hello", *, at: float = NOW, redirects: tuple[str, ...] = ()) -> CachedFetch:
    document = Document(
        text=text,
        title="T",
        media_type="text/plain",
        source_bytes=None,
        pages=(),
        url=url,
        charset="utf-8",
        kind="html",
        notes=("charset_source: header",),
        mode="api",
    )
    return CachedFetch(
        canonical_url=url,
        final_url=redirects[-1] if redirects else url,
        document=document,
        retrieved_at=at,
        bytes_read=len(text),
        status=200,
        content_type="text/html",
        text_tokens=1,
        extract_mode="api",
        redirects=redirects,
    )


def cache(**kwargs: Any) -> FetchCache:
    return FetchCache(clock=ManualClock(start=NOW), **kwargs)


# --- bounds and eviction -------------------------------------------------------------------------


def test_the_least_recently_used_entry_goes_first_past_max_entries() -> None:
    c = cache(max_entries=2)
    c.put(entry("https://a.example/"))
    c.put(entry("https://b.example/"))
    assert c.get("https://a.example/") is not None  # a is now the most recently used
    c.put(entry("https://c.example/"))
    assert len(c) == 2
    assert c.get("https://b.example/") is None
    assert c.get("https://a.example/") is not None and c.get("https://c.example/") is not None


def test_max_bytes_evicts_the_oldest_and_refuses_an_entry_larger_than_the_whole_cache() -> None:
    c = cache(max_bytes=10)
    c.put(entry("https://a.example/", "aaaa"))
    c.put(entry("https://b.example/", "bbbb"))
    c.put(entry("https://c.example/", "cccc"))  # 12 bytes > 10: a goes
    assert [
        c.get(u) is not None for u in ("https://a.example/", "https://b.example/", "https://c.example/")
    ] == [
        False,
        True,
        True,
    ]
    c.put(entry("https://big.example/", "x" * 11))
    assert c.get("https://big.example/") is None
    assert len(c) == 2  # nothing was evicted for it


def test_an_entry_past_its_ttl_is_dropped() -> None:
    clock = ManualClock(start=NOW)
    c = FetchCache(ttl=60, clock=clock)
    c.put(entry("https://a.example/"))
    clock.advance(60)
    assert c.get("https://a.example/") is not None
    clock.advance(1)
    assert c.get("https://a.example/") is None
    assert len(c) == 0


def test_clear_forgets_memory_and_disk(tmp_path: Path) -> None:
    c = cache(directory=tmp_path)
    c.put(entry("https://a.example/"))
    c.put(entry("https://b.example/"))
    assert len(list(tmp_path.glob("*.json"))) == 2
    c.clear()
    assert len(c) == 0 and list(tmp_path.iterdir()) == []
    assert cache(directory=tmp_path).get("https://a.example/") is None


@pytest.mark.parametrize("option", ["ttl", "max_entries", "max_bytes"])
def test_bounds_must_be_positive(option: str) -> None:
    with pytest.raises(ConfigError, match="greater than 0"):
        FetchCache(**{option: 0})


def test_modes_are_kept_apart() -> None:
    c = cache()
    c.put(entry("https://a.example/"))
    assert c.get("https://a.example/", "text") is None
    assert c.get("https://a.example/", "api") is not None


# --- the disk copy -------------------------------------------------------------------------------


def test_an_entry_and_its_redirects_survive_the_disk(tmp_path: Path) -> None:
    original = entry("https://a.example/", redirects=("https://b.example/", "https://c.example/"))
    cache(directory=tmp_path).put(original)
    assert cache(directory=tmp_path).get("https://a.example/") == original


def _file(tmp_path: Path) -> Path:
    (path,) = tmp_path.glob("*.json")
    return path


def _tamper(tmp_path: Path, change: Any) -> Path:
    cache(directory=tmp_path).put(entry("https://a.example/"))
    path = _file(tmp_path)
    payload = json.loads(path.read_text(encoding="utf-8"))
    change(payload)
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda p: p.update(retrieved_at="yesterday"), "retrieved_at is a str"),
        (lambda p: p.update(retrieved_at=True), "retrieved_at is a boolean"),
        (lambda p: p.update(retrieved_at=NOW + 3600), "retrieved_at is in the future"),
        (lambda p: p.update(text_tokens=-1), "text_tokens is negative"),
        (lambda p: p.update(status="200"), "status is a str"),
        (lambda p: p.update(redirects=[1]), "redirects holds a value that is not a string"),
        (lambda p: p.update(extract_mode="md"), "extract mode 'md' is unknown"),
        (lambda p: p.update(canonical_url="https://other.example/"), "it holds another URL or mode"),
        (lambda p: p["document"].update(text=None), "text is a NoneType"),
        (lambda p: p["document"].update(pages="abc"), "pages is a str"),
        (lambda p: p["document"].update(kind="exe"), "document kind 'exe' is unknown"),
        (lambda p: p["document"].update(source_bytes="!!!"), "source_bytes is not base64"),
        (lambda p: p["document"].update(extra=1), "the document's fields are not a Document's"),
        (lambda p: p.pop("document"), "the document's fields are not a Document's"),
    ],
)
def test_an_odd_file_is_a_miss_and_is_removed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, change: Any, why: str
) -> None:
    path = _tamper(tmp_path, change)
    with caplog.at_level(logging.WARNING, logger="webfetch_kit.net.cache"):
        assert cache(directory=tmp_path).get("https://a.example/") is None
    assert not path.exists()
    assert why in caplog.text


def test_a_file_that_is_not_json_is_a_miss_and_is_removed(tmp_path: Path) -> None:
    cache(directory=tmp_path).put(entry("https://a.example/"))
    path = _file(tmp_path)
    path.write_bytes(b"\xff{not json")
    assert cache(directory=tmp_path).get("https://a.example/") is None
    assert not path.exists()


def test_an_entry_larger_than_max_bytes_on_disk_is_a_miss_not_a_key_error(tmp_path: Path) -> None:
    cache(directory=tmp_path).put(entry("https://a.example/", "x" * 100))
    small = cache(directory=tmp_path, max_bytes=50)
    assert small.get("https://a.example/") is None
    assert len(small) == 0
    assert list(tmp_path.iterdir()) == []


def test_a_file_of_another_format_is_a_miss_left_in_place(tmp_path: Path) -> None:
    path = _tamper(tmp_path, lambda p: p.update(format=3))
    assert cache(directory=tmp_path).get("https://a.example/") is None
    assert path.exists()
