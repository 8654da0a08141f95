"""Benchmark: what each extraction mode hands the model, in tokens, over the corpus's HTML pages.

Prints the README's "three text shapes" table: for ``api`` (the default, the real tool's shape),
``main`` and ``text``, the cl100k tokens of every HTML page of ``data/corpus`` and tokens per KB of
HTML, plus the two pages the README names. Counts are the kit's offline ``count_tokens`` (cl100k_base,
an approximation of Claude's tokenizer); extraction is the pure ``extract_document``, no server.
"""

from __future__ import annotations

from webfetch_kit import count_tokens, extract_document
from webfetch_kit._data import documents

NAMED = ("docs.example.com/guide/caching", "docs.example.com/guide/web-fetch")


def main() -> None:
    pages = [d for d in documents() if d.content_type.startswith("text/html")]
    size = sum(d.file.stat().st_size for d in pages)
    print(f"{len(pages)} corpus HTML pages, {size / 1000:,.0f} KB of HTML (tokens: cl100k_base, approximate)")
    named: dict[str, dict[str, int]] = {name: {} for name in NAMED}
    for mode in ("api", "main", "text"):
        total = 0
        for doc in pages:
            body = doc.file.read_bytes()
            tokens = count_tokens(extract_document(body, doc.content_type, doc.url, mode=mode).text)
            total += tokens
            key = f"{doc.host}{doc.path}"
            if key in named:
                named[key][mode] = tokens
        print(f"  {mode:<5} {total:>7,} tokens  {total / (size / 1000):6.0f} tokens per KB of HTML")
    for name, by_mode in named.items():
        growth = by_mode["api"] / by_mode["text"] - 1
        counts = ", ".join(f"{mode} {by_mode[mode]:,}" for mode in ("api", "main", "text"))
        print(f"  {name}: {counts} (api over text {growth:+.0%})")


if __name__ == "__main__":
    main()
