"""The ``webfetch-kit`` command line.

::

    webfetch-kit serve-corpus [--port N]        the local corpus over loopback HTTP (virtual hosts)
    webfetch-kit serve [--port N]               corpus + the offline Messages API emulator
    webfetch-kit fetch URL [--allowed-domains D1,D2] [--blocked-domains D1,D2]
                           [--max-content-tokens N] [--offline] [--json]
    webfetch-kit estimate [URL ...] [--model M ...] [--max-content-tokens N] [--tool VERSION]
                          [--citations] [--question TEXT] [--answer-tokens N] [--parallel] [--offline]

``estimate`` with URLs estimates one request that fetches them (the kit's accounting model, per sampling
pass; the pages are fetched to size them); without URLs it prints the table of cost by content size.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

__all__ = ["main"]


def _domains(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="webfetch-kit", description="A workbench for Claude's web fetch tool."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    corpus = sub.add_parser("serve-corpus", help="serve the local corpus on 127.0.0.1 (foreground)")
    corpus.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")

    serve = sub.add_parser(
        "serve", help="serve the corpus and the offline Messages API emulator (foreground)"
    )
    serve.add_argument("--port", type=int, default=0, help="emulator port (default: a free one)")
    serve.add_argument("--corpus-port", type=int, default=0, help="corpus port (default: a free one)")

    fetch = sub.add_parser("fetch", help="fetch one URL the way the web fetch tool does")
    fetch.add_argument("url")
    fetch.add_argument(
        "--allowed-domains",
        type=_domains,
        action="extend",
        metavar="D1,D2",
        help="comma-separated; repeatable",
    )
    fetch.add_argument(
        "--blocked-domains",
        type=_domains,
        action="extend",
        metavar="D1,D2",
        help="comma-separated; repeatable",
    )
    fetch.add_argument("--max-content-tokens", type=int)
    fetch.add_argument("--citations", action="store_true", help="enable citations in the document block")
    fetch.add_argument(
        "--offline",
        action="store_true",
        help="fetch from the local corpus (URLs like https://docs.example.com/guide/web-fetch)",
    )
    fetch.add_argument("--json", action="store_true", help="print the web_fetch_tool_result block as JSON")

    estimate = sub.add_parser(
        "estimate",
        help="estimate a request that fetches URLs (or, with none, cost by content size)",
        description="Estimates from the kit's accounting model, calibrated on recorded real API traffic; "
        "nothing is sent to any API.",
    )
    estimate.add_argument(
        "urls", nargs="*", metavar="URL", help="pages the request names (fetched to size them)"
    )
    estimate.add_argument("--model", nargs="+", dest="models", metavar="MODEL")
    estimate.add_argument("--max-content-tokens", type=int)
    estimate.add_argument(
        "--tool", default="web_fetch_20250910", help="web fetch tool version (default: %(default)s)"
    )
    estimate.add_argument("--citations", action="store_true", help="citations enabled on the fetch tool")
    estimate.add_argument("--question", default="Please read these pages and summarise them:")
    estimate.add_argument("--answer-tokens", type=int, help="the answer's output tokens (default: assumed)")
    estimate.add_argument("--parallel", action="store_true", help="all fetches in one sampling pass")
    estimate.add_argument(
        "--offline", action="store_true", help="size the pages from the local corpus (docs.example.com/...)"
    )
    return parser


def _fetch(args: argparse.Namespace) -> int:
    from contextlib import ExitStack

    from .net.fetcher import Fetcher
    from .rules.policy import FetchPolicy

    policy = FetchPolicy(
        allowed_domains=args.allowed_domains,
        blocked_domains=args.blocked_domains,
        max_content_tokens=args.max_content_tokens,
        citations=args.citations,
    )
    with ExitStack() as stack:
        if args.offline:
            from .lab.corpus import serve

            site = stack.enter_context(serve())
            fetcher = Fetcher(policy, **site.fetch_options())
        else:
            fetcher = Fetcher(policy)
        outcome = fetcher.fetch(args.url)
    if args.json:
        print(json.dumps(outcome.to_block("srvtoolu_cli"), indent=2, ensure_ascii=False))
    else:
        print(outcome.summary())
        if outcome.document is not None:
            print(f"title: {outcome.document.title}")
            print(outcome.document.text[:600])
    return 0 if outcome.ok else 1


def _estimate_sizes(args: argparse.Namespace) -> int:
    from .costs.estimates import DEFAULT_ESTIMATE_MODELS, estimate_table

    models = tuple(args.models or DEFAULT_ESTIMATE_MODELS)
    table = estimate_table(models=models, max_content_tokens=args.max_content_tokens)
    columns = ["size", f"tokens_{table.attrs['tokenizer']}", "tokens_claude", "tokens_billed"]
    for model in models:
        columns += [f"usd_{model}", f"usd_turn_{model}"]
    print(table[columns].to_string(index=False))
    print("\nusd_<model>: the content alone as input; usd_turn_<model>: a whole one-fetch turn.")
    print(table.attrs["note"])
    return 0


def _estimate(args: argparse.Namespace) -> int:
    if not args.urls:
        return _estimate_sizes(args)
    from contextlib import ExitStack

    import pandas as pd

    from .costs.estimates import DEFAULT_ESTIMATE_MODELS
    from .costs.request import estimate_request
    from .net.fetcher import Fetcher

    tool: dict[str, object] = {"type": args.tool, "name": "web_fetch"}
    if args.max_content_tokens is not None:
        tool["max_content_tokens"] = args.max_content_tokens
    if args.citations:
        tool["citations"] = {"enabled": True}
    message = " ".join([args.question, *args.urls])
    with ExitStack() as stack, pd.option_context("display.width", 160, "display.max_colwidth", 60):
        if args.offline:
            from .lab.corpus import serve

            site = stack.enter_context(serve())
            fetcher = Fetcher(**site.fetch_options())
        else:
            fetcher = Fetcher()
        for model in args.models or DEFAULT_ESTIMATE_MODELS[1:2]:
            params = {
                "model": model,
                "max_tokens": 4_096,
                "messages": [{"role": "user", "content": message}],
                "tools": [tool],
            }
            result = estimate_request(
                params, fetcher=fetcher, answer_tokens=args.answer_tokens, parallel=args.parallel
            )
            print(result.summary())
            print(result.calls_frame().to_string(index=False))
            print(result.to_frame().drop(columns=["quality"]).to_string())
            print()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``webfetch-kit`` command."""
    from .errors import WebfetchError

    args = _parser().parse_args(argv)
    try:
        if args.command == "serve-corpus":
            from .lab.corpus import serve_forever

            serve_forever(args.port)
            return 0
        if args.command == "serve":
            from .lab.workbench import serve_forever as serve_both

            serve_both(port=args.port, corpus_port=args.corpus_port)
            return 0
        if args.command == "fetch":
            return _fetch(args)
        if args.command == "estimate":
            return _estimate(args)
    except WebfetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 2


if __name__ == "__main__":
    sys.exit(main())
