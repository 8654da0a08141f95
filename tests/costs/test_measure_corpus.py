"""measure_corpus against a real Fetcher on the corpus: cold then warm gives the very same rows."""

from __future__ import annotations

import pandas as pd
import pytest

from webfetch_kit.accounting import fetched_text_tokens, pdf_tokens
from webfetch_kit.costs import measure_corpus
from webfetch_kit.lab.corpus import CorpusSite
from webfetch_kit.net.fetcher import Fetcher
from webfetch_kit.tokens import APPROXIMATION_NOTE, count_tokens

PAGES = (
    "docs.example.com/guide/caching",
    "blog.example.org/posts/city-swifts",
    "papers.example.net/token-budgets.pdf",
    "docs.example.com/api/tools.json",  # unsupported_content_type
)
MODELS = ["claude-haiku-4-5", "claude-sonnet-4-0"]


@pytest.fixture
def urls(corpus_site: CorpusSite) -> list[str]:
    return [corpus_site.url(page) for page in PAGES]


def test_a_warm_cache_gives_the_same_rows_as_a_cold_one(corpus_site: CorpusSite, urls: list[str]) -> None:
    fetcher = Fetcher(**corpus_site.fetch_options())
    cold = measure_corpus(urls, fetcher=fetcher, models=MODELS)
    warm = measure_corpus(urls, fetcher=fetcher, models=MODELS)
    assert cold.attrs["from_cache"] == 0
    assert warm.attrs["from_cache"] == 3  # every page that fetched came from the cache the second time
    pd.testing.assert_frame_equal(cold, warm)
    ok = warm[warm["ok"]]
    assert (ok["bytes"] > 0).all()
    assert ok["tokens_per_kb"].notna().all()
    assert (ok["tokens_rule_of_thumb"] > 0).all()


def test_rows_match_the_fetch_and_the_accounting_model(corpus_site: CorpusSite, urls: list[str]) -> None:
    fetcher = Fetcher(**corpus_site.fetch_options())
    outcomes = {o.url: o for o in fetcher.fetch_many(urls, progress=False)}
    frame = measure_corpus(urls, fetcher=fetcher, models=MODELS).set_index("url")
    page = outcomes[urls[0]]
    assert page.document is not None
    row = frame.loc[urls[0]]
    tokens = int(count_tokens(page.document.text))
    assert row["bytes"] == page.content_bytes > 0
    assert row["tokens_cl100k_base"] == tokens == page.tokens_after
    assert row["tokens_claude"] == fetched_text_tokens(tokens).central
    assert row["tokens_per_kb"] == pytest.approx(round(tokens / (page.content_bytes / 1000), 1))
    assert row["tokens_rule_of_thumb"] == -(-page.content_bytes // 4)
    assert row["usd_claude-haiku-4-5"] == pytest.approx(row["tokens_claude"] / 1e6)
    assert row["turn_tokens_claude-sonnet-4-0"] > 2 * 849 + row["tokens_claude"]  # definitions twice
    pdf = frame.loc[urls[2]]
    assert pdf["media_type"] == "application/pdf"
    assert pdf["pdf_pages"] == 4
    assert pdf["tokens_claude"] == pdf_tokens(4).central == 6_600  # counted by page
    failed = frame.loc[urls[3]]
    assert not failed["ok"]
    assert failed["error_code"] == "unsupported_content_type"
    assert pd.isna(failed["usd_claude-haiku-4-5"])
    assert APPROXIMATION_NOTE in frame.attrs["note"]
    assert "accounting model" in frame.attrs["note"]
