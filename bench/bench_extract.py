"""Benchmark: the kit's HTML extraction vs plain ``trafilatura.extract`` on two public evaluation sets.

Prints time ratios and F1 (not a test). Both sides get the same raw page bytes in the same run, page
by page, in a shuffled order; the kit's time is the whole ``extract_document`` (type
sniffing, charset, caps, title, fallback check), plain trafilatura's its own ``extract`` (its own decoding
and parsing). Pairs compared:

* ``text``: plain ``extract(include_comments=False, include_tables=True, include_formatting=False)`` (the
  settings of trafilatura's own evaluation, ``tests/eval_common.py``) against the kit's ``mode="text"``,
  with ``fast`` off and on on both sides.
* ``main``: plain ``extract(output_format="markdown", include_links=True, include_images=True,
  include_formatting=True)`` against the kit's ``mode="main"`` (the same trafilatura call on the kit's tree).
* ``api``: the whole page as Markdown has no trafilatura counterpart; its time and F1 are shown against
  plain ``text`` for information only (it keeps navigation, so its precision is meant to be lower).

Two sets of real pages, each scored its own way, read at run time from a local copy (never committed here;
a bare git directory is read with ``git cat-file``; a set with no copy is skipped, saying how to get it):

* **trafilatura's evaluation set** (github ``adbar/trafilatura``, Apache-2.0; ``TRAFILATURA_REPO`` or the
  first argument), :option:`--limit` pages evenly spread (200; 0 for all 990). Scored as trafilatura's own
  ``tests/eval_common.py``: per page, each ``with`` snippet found in the output is a true positive, each
  one missing a false negative; each ``without`` snippet found is a false positive; text and snippets are
  whitespace-normalised before the substring test; F1 = 2tp / (2tp + fp + fn) over all pages.
* **Zyte's article extraction benchmark** (github ``scrapinghub/article-extraction-benchmark``, MIT;
  ``ARTICLE_BENCHMARK_REPO`` or ``--articles``): 181 pages with their true article body, the set issue
  #12's figures were measured on. Scored as its ``evaluate.py``: word 4-gram shingles of the output
  against the true body, per page tp/fp/fn normalised to sum 1, precision and recall averaged over pages,
  F1 from those averages.

A crash scores as an empty output.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TARGET_RATIO = 0.8  # issue #12: extraction at most 0.8x plain trafilatura's time, F1 no lower than plain's

_HOW_TO_GET = (
    "bench_extract: {name} skipped (no local copy). Get one with\n"
    "  git clone --depth 1 https://github.com/{repo} /tmp/{short}\n"
    "and set {variable}=/tmp/{short}."
)
SETS = {
    "trafilatura": ("trafilatura's evaluation set", "adbar/trafilatura", "TRAFILATURA_REPO"),
    "articles": (
        "the article extraction benchmark",
        "scrapinghub/article-extraction-benchmark",
        "ARTICLE_BENCHMARK_REPO",
    ),
}


@dataclass
class Page:
    url: str
    body: bytes
    with_: list[str] = field(default_factory=list)  # trafilatura's set: snippets
    without: list[str] = field(default_factory=list)
    truth: str | None = None  # the article benchmark: the true article body


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    seconds: float = 0.0
    errors: int = 0
    shingles: list[tuple[float, float, float]] = field(default_factory=list)  # the article benchmark

    def add(self, page: Page, output: str | None) -> None:
        if page.truth is not None:
            self.shingles.append(_shingle_match(page.truth, output or ""))
            return
        text = _norm(output) if isinstance(output, str) else ""
        found_with = sum(1 for snippet in page.with_ if _norm(snippet) in text)
        found_without = sum(1 for snippet in page.without if _norm(snippet) in text)
        self.tp += found_with
        self.fn += len(page.with_) - found_with
        self.fp += found_without
        self.tn += len(page.without) - found_without

    @property
    def f1(self) -> float:
        if self.shingles:
            precision = statistics.mean(_ratio(tp, fp, fn) for tp, fp, fn in self.shingles if tp + fp > 0)
            recall = statistics.mean(_ratio(tp, fn, fp) for tp, fp, fn in self.shingles if tp + fn > 0)
            return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


_WORD = re.compile(r"\w+")


def _shingle_match(true: str, predicted: str) -> tuple[float, float, float]:
    """The article benchmark's per-page tp, fp, fn over word 4-grams, normalised to sum 1."""

    def shingles(text: str) -> Counter[tuple[str, ...]]:
        words = _WORD.findall(text)
        return Counter(tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3)) if words[i : i + 4])

    truth, output = shingles(true), shingles(predicted)
    tp = sum((truth & output).values())
    fp = sum((output - truth).values())
    fn = sum((truth - output).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def _ratio(tp: float, wrong: float, other: float) -> float:
    # evaluate.py's precision_score / recall_score: a page with nothing wrong either way scores 1.
    if wrong == other == 0:
        return 1.0
    return tp / (tp + wrong) if tp + wrong else 0.0


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Repo:
    """Files of a checkout: a work tree, or a bare git directory read with git cat-file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bare = (path / "HEAD").is_file() and (path / "objects").is_dir()
        self._batch: subprocess.Popen[bytes] | None = None

    def read(self, relative: str) -> bytes | None:
        if not self.bare:
            file = self.path / relative
            return file.read_bytes() if file.is_file() else None
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", f"--git-dir={self.path}", "cat-file", "--batch"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(f"HEAD:{relative}\n".encode())
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:  # "<name> missing"
            return None
        data = self._batch.stdout.read(int(header[2]))
        self._batch.stdout.read(1)  # the newline after the object
        return data

    def index(self, relative: str, what: str) -> dict[str, dict[str, Any]]:
        """The set's JSON index at ``relative`` (exits, saying so, when this is not a copy of ``what``)."""
        raw = self.read(relative)
        if raw is None:
            raise SystemExit(f"bench_extract: {self.path} has no {relative} (not {what}?)")
        index: dict[str, dict[str, Any]] = json.loads(raw)
        return index

    def close(self) -> None:
        if self._batch is not None:
            assert self._batch.stdin is not None
            self._batch.stdin.close()
            self._batch.wait()

    def __enter__(self) -> Repo:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def load_pages(repo_path: Path, limit: int | None) -> list[Page]:
    """trafilatura's evaluation pages (``tests/cache``, ``tests/eval``) with their snippets, evenly spread."""
    with Repo(repo_path) as repo:
        evaldata = repo.index("tests/evaldata.json", "trafilatura")
        pages = []
        for url in sorted(evaldata):
            item = evaldata[url]
            body = repo.read(f"tests/cache/{item['file']}") or repo.read(f"tests/eval/{item['file']}")
            if body is not None:
                pages.append(Page(url, body, list(item["with"]), list(item["without"])))
    if limit is not None and limit < len(pages):
        stride = len(pages) / limit  # an even spread over the (sorted) set, the same every run
        pages = [pages[int(i * stride)] for i in range(limit)]
    return pages


def load_articles(repo_path: Path) -> list[Page]:
    """The article benchmark's pages (``html/<id>.html.gz``), true bodies from ``ground-truth.json``."""
    with Repo(repo_path) as repo:
        truth = repo.index("ground-truth.json", "the article extraction benchmark")
        pages = []
        for key in sorted(truth):
            packed = repo.read(f"html/{key}.html.gz")
            if packed is not None:
                url, body = str(truth[key].get("url", key)), gzip.decompress(packed)
                pages.append(Page(url, body, truth=truth[key].get("articleBody", "")))
    return pages


Runner = Callable[[Page], "str | None"]


def compare(pages: list[Page], sides: dict[str, Runner]) -> dict[str, Score]:
    """Run every side on every page in a shuffled order (seeded: the same every run); time each call.

    Shuffled, not rotated: with a rotation each side always ran right after the same other side, whose
    warm caches (trafilatura's lru_caches, the allocator) made two identical sides differ by 10 %.
    """
    scores = {name: Score() for name in sides}
    names = list(sides)
    for index, page in enumerate(pages):
        order = names[:]
        random.Random(index).shuffle(order)
        for name in order:
            gc.collect()
            started = time.perf_counter()
            try:
                output = sides[name](page)
            except Exception:
                output = None
                scores[name].errors += 1
            scores[name].seconds += time.perf_counter() - started
            scores[name].add(page, output)
    return scores


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("repo", nargs="?", default=os.environ.get("TRAFILATURA_REPO"))
    parser.add_argument("--articles", default=os.environ.get("ARTICLE_BENCHMARK_REPO"))
    parser.add_argument(
        "--limit", type=int, default=200, help="trafilatura's pages (evenly spread); 0 for all"
    )
    parser.add_argument("--modes", default="text,main,api", help="kit modes to compare")
    args = parser.parse_args(list(argv) if argv is not None else None)
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    for key, location in (("trafilatura", args.repo), ("articles", args.articles)):
        name, repo, variable = SETS[key]
        if not location or not Path(location).exists():
            print(_HOW_TO_GET.format(name=name, repo=repo, short=repo.split("/")[1], variable=variable))
            continue
        if key == "trafilatura":
            pages = load_pages(Path(location), args.limit or None)
        else:
            pages = load_articles(Path(location))
        report(f"{len(pages)} pages of {name}", pages, modes)
    return 0


def report(title: str, pages: list[Page], modes: list[str]) -> None:
    """Every side on every page of one set; times, F1 and the ratios to plain trafilatura printed."""
    import trafilatura

    from webfetch_kit.reading import extract_document

    common: dict[str, Any] = {"include_comments": False, "include_tables": True}
    markdown: dict[str, Any] = {
        "output_format": "markdown",
        "include_links": True,
        "include_images": True,
        "include_formatting": True,
    }

    def plain(fast: bool) -> Runner:
        return lambda page: trafilatura.extract(page.body, fast=fast, include_formatting=False, **common)

    def plain_markdown(page: Page) -> str | None:
        return trafilatura.extract(page.body, **common, **markdown)

    def kit(mode: str, fast: bool | None = None) -> Runner:
        options: dict[str, Any] = {} if fast is None else {"fast": fast}
        return lambda page: extract_document(page.body, "text/html", page.url, mode=mode, **options).text  # type: ignore[arg-type]

    sides: dict[str, Runner] = {
        "plain text": plain(False),
        "plain text fast": plain(True),
    }
    if "text" in modes:
        sides["kit text fast=False"] = kit("text", False)
        sides["kit text fast=True"] = kit("text", True)
        sides["kit text (default)"] = kit("text")
    if "main" in modes:
        sides["plain markdown"] = plain_markdown
        sides["kit main (default)"] = kit("main")
    if "api" in modes:
        sides["kit api"] = kit("api")
    for runner in sides.values():  # warm up: imports, trafilatura's first-call set-up
        runner(pages[0])

    print(f"trafilatura {trafilatura.__version__}, {title}")
    scores = compare(pages, sides)
    baseline = {"text": "plain text", "text fast": "plain text fast", "markdown": "plain markdown"}
    print(f"{'side':<22} {'ms/page':>8} {'F1':>7} {'errors':>6}  ratio to")
    for name, score in scores.items():
        against = ""
        if name.startswith("kit"):
            reference = baseline["markdown"] if "main" in name else baseline["text"]
            if reference in scores:
                ratio = score.seconds / scores[reference].seconds
                against = f"{ratio:.2f}x {reference}"
                if name.startswith("kit text") and "fast=False" not in name:
                    fast_ratio = score.seconds / scores[baseline["text fast"]].seconds
                    against += f", {fast_ratio:.2f}x {baseline['text fast']}"
        per_page = score.seconds / len(pages) * 1000
        print(f"{name:<22} {per_page:>8.1f} {score.f1:>7.4f} {score.errors:>6}  {against}")
    for side in ("kit text (default)", "kit text fast=True"):
        if side in scores:
            kit_text, reference = scores[side], scores["plain text"]
            ratio = kit_text.seconds / reference.seconds
            met = ratio <= TARGET_RATIO and kit_text.f1 >= reference.f1
            print(
                f"target ({side} <= {TARGET_RATIO}x plain text, F1 >= plain's): "
                f"{ratio:.2f}x, F1 {kit_text.f1:.4f} vs {reference.f1:.4f}: {'met' if met else 'NOT met'}"
            )


if __name__ == "__main__":
    sys.exit(main())
