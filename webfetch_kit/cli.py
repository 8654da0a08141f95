"""The ``webfetch-kit`` command line.

::

    webfetch-kit serve-corpus [--port N]        the local corpus over loopback HTTP (virtual hosts)
    webfetch-kit serve [--port N]               corpus + the offline Messages API emulator
    webfetch-kit fetch URL [--allowed-domains D1,D2] [--blocked-domains D1,D2]
                           [--max-content-tokens N] [--offline] [--json]
    webfetch-kit estimate [--model M ...] [--max-content-tokens N]
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

    estimate = sub.add_parser("estimate", help="what does fetching content of a given size cost?")
    estimate.add_argument("--model", nargs="+", dest="models", metavar="MODEL")
    estimate.add_argument("--max-content-tokens", type=int)
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


def _estimate(args: argparse.Namespace) -> int:
    from .costs.estimates import estimate_table

    kwargs: dict[str, object] = {"max_content_tokens": args.max_content_tokens}
    if args.models:
        kwargs["models"] = args.models
    table = estimate_table(**kwargs)  # type: ignore[arg-type]
    print(table.to_string())
    note = table.attrs.get("note")
    if note:
        print(f"\n{note}")
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
