"""Build data/corpus/: the HTML, text, JSON and PNG files of the local web, the PDFs, and manifest.json.

Run from the repository root:  python scripts/make_corpus.py
The output is deterministic; commit it. Texts live in corpus_text.py and corpus_articles.py.
"""

# ruff: noqa: E501  (long lines of prose data)
from __future__ import annotations

import html
import json
import shutil
import struct
import sys
import zlib
from http import HTTPStatus
from pathlib import Path

import idna

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_articles as articles
import corpus_text as text
import corpus_webfetch_guide as guide
import make_corpus_pdfs

ROOT = Path(__file__).resolve().parent.parent / "data" / "corpus"
LICENCE = "Original text written for webfetch-kit (MIT)."
LOOKALIKE = idna.encode("dоcs.example.com", uts46=True).decode("ascii")  # Cyrillic о (U+043E)
UTF8_HTML = "text/html; charset=utf-8"

manifest: list[dict[str, object]] = []


def esc(value: str) -> str:
    return html.escape(value, quote=True)


def render(markup: str) -> str:
    """Render the tiny markup described in corpus_text's docstring to HTML."""
    out: list[str] = []
    for block in [b.strip("\n") for b in markup.strip().split("\n\n")]:
        if not block.strip():
            continue
        if block.startswith("```"):
            body = block.strip("`").strip("\n")
            out.append(f"<pre><code>{esc(body)}</code></pre>")
        elif block.startswith("### "):
            out.append(f"<h3>{esc(block[4:])}</h3>")
        elif block.startswith("## "):
            title = block[3:]
            anchor = title.lower().replace(" ", "-").replace(":", "")
            out.append(f'<h2 id="{esc(anchor)}">{esc(title)}</h2>')
        elif block.startswith("- "):
            items = [line[2:] for line in block.splitlines()]
            out.append("<ul>\n" + "\n".join(f"  <li>{esc(i)}</li>" for i in items) + "\n</ul>")
        elif block.startswith("| "):
            rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in block.splitlines()]
            head = "".join(f"<th>{esc(c)}</th>" for c in rows[0])
            body = "\n".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows[1:])
            out.append(f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")
        else:
            out.append(f"<p>{esc(' '.join(block.split()))}</p>")
    return "\n".join(out)


def write(
    host: str,
    file: str,
    data: bytes | str,
    *,
    path: str,
    title: str,
    content_type: str = UTF8_HTML,
    published: str | None = None,
    description: str = "",
    source: str = LICENCE,
) -> None:
    target = ROOT / host / file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    manifest.append(
        {
            "host": host,
            "path": path,
            "file": f"{host}/{file}",
            "title": title,
            "content_type": content_type,
            "published": published,
            "description": description,
            "source": source,
        }
    )


# --- docs.example.com --------------------------------------------------------------------------------

DOCS_NAV = [
    ("/", "Home"),
    ("/guide/web-fetch", "Web fetch tool"),
    ("/guide/domain-filters", "Domain filters"),
    ("/guide/citations", "Citations"),
    ("/guide/caching", "Prompt caching"),
    ("/guide/pdf-support", "PDF support"),
    ("/notes/changelog.txt", "Changelog"),
    ("/app/", "Console"),
]


def docs_page(
    title: str,
    body: str,
    *,
    description: str,
    toc: list[str] | None = None,
    host_label: str = "docs.example.com",
    extra_head: str = "",
) -> str:
    nav = "\n".join(f'      <li><a href="{href}">{esc(label)}</a></li>' for href, label in DOCS_NAV)
    toc_html = ""
    if toc:
        items = "\n".join(
            f'      <li><a href="#{esc(t.lower().replace(" ", "-").replace(":", ""))}">{esc(t)}</a></li>'
            for t in toc
        )
        toc_html = (
            f'  <aside class="toc">\n    <h2>On this page</h2>\n    <ul>\n{items}\n    </ul>\n  </aside>\n'
        )
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{esc(title)} - Example Docs</title>
  <meta name="description" content="{esc(description)}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/static/docs.css">{extra_head}
</head>
<body>
  <header class="site-header">
    <a class="logo" href="/">{esc(host_label)}</a>
    <form class="search" action="/search"><input name="q" placeholder="Search the docs"></form>
  </header>
  <nav class="sidebar" aria-label="Documentation">
    <ul>
{nav}
    </ul>
  </nav>
{toc_html}  <main>
    <article>
      <h1>{esc(title)}</h1>
{body}
    </article>
  </main>
  <footer class="site-footer">
    <p>Example Docs is part of the webfetch-kit local corpus. Text licensed MIT.</p>
  </footer>
</body>
</html>
"""


def web_fetch_reference() -> str:
    parts = [render(text.WEB_FETCH_INTRO)]
    toc: list[str] = []
    for heading, markup in text.WEB_FETCH_SECTIONS:
        toc.append(heading)
        parts.append(render(f"## {heading}\n\n{markup}"))
    toc.append("Error codes")
    parts.append(
        render(
            "## Error codes\n\nWhen a fetch fails, the API still answers with HTTP 200; the error is "
            "represented inside the web_fetch_tool_result block, with one of the codes below."
        )
    )
    for code, meaning, advice in text.ERROR_CODES:
        example = json.dumps(
            {
                "type": "web_fetch_tool_result",
                "tool_use_id": "srvtoolu_example",
                "content": {"type": "web_fetch_tool_error", "error_code": code},
            },
            indent=2,
        )
        parts.append(render(f"### {code}\n\n{meaning}\n\n{advice}\n\n```\n{example}\n```"))
    toc.append("HTTP status codes")
    rows = ["| status | reason | meaning | fetch result |"]
    for status in HTTPStatus:
        if status.value < 200:
            continue
        if status.value < 300:
            outcome = "document" if status.value == 200 else "document if a body is present"
        elif status.value < 400:
            outcome = "redirect followed (each hop re-checked)"
        elif status.value == 429:
            outcome = "too_many_requests"
        else:
            outcome = "url_not_accessible"
        rows.append(
            f"| {status.value} | {status.phrase} | {status.description or status.phrase} | {outcome} |"
        )
    parts.append(
        render(
            "## HTTP status codes\n\nHow the status of the fetched page maps onto the tool result. "
            "Reasons and meanings are those of Python's http.HTTPStatus (PSF licence).\n\n" + "\n".join(rows)
        )
    )
    toc.append("Frequently asked questions")
    faq = "\n\n".join(f"### {q}\n\n{a}" for q, a in text.FAQ)
    parts.append(render(f"## Frequently asked questions\n\n{faq}"))
    toc.append("Glossary")
    glossary = "\n".join(f"<dt>{esc(term)}</dt><dd>{esc(meaning)}</dd>" for term, meaning in text.GLOSSARY)
    parts.append(f'<h2 id="glossary">Glossary</h2>\n<dl>\n{glossary}\n</dl>')
    toc.append("Release history")
    releases = "\n".join(f"- {day}: {note}" for day, note in text.RELEASES)
    parts.append(render(f"## Release history\n\n{releases}"))
    # The appendix: distinct worked examples, troubleshooting, recipes and design notes (no templates).
    toc.append("Worked examples")
    examples = "\n\n".join(f"### {title}\n\n{markup.strip()}" for title, markup in guide.WORKED_EXAMPLES)
    parts.append(render(f"## Worked examples\n\n{guide.WORKED_EXAMPLES_INTRO.strip()}\n\n{examples}"))
    toc.append("A complete conversation")
    parts.append(render(f"## A complete conversation\n\n{guide.WALKTHROUGH.strip()}"))
    toc.append("Troubleshooting")
    problems = "\n\n".join(
        f"### {problem}\n\nSymptom: {symptom}\n\nCause: {cause}\n\nFix: {fix}"
        for problem, symptom, cause, fix in guide.TROUBLESHOOTING
    )
    parts.append(render(f"## Troubleshooting\n\n{guide.TROUBLESHOOTING_INTRO.strip()}\n\n{problems}"))
    toc.append("Recipes")
    recipes = "\n\n".join(f"### {title}\n\n{markup.strip()}" for title, markup in guide.RECIPES)
    parts.append(render(f"## Recipes\n\n{guide.RECIPES_INTRO.strip()}\n\n{recipes}"))
    toc.append("Testing with the offline corpus")
    rows = "\n".join(f"| {url} | {what} | {outcome} |" for url, what, outcome in guide.CORPUS_SCENARIOS)
    parts.append(
        render(
            f"## Testing with the offline corpus\n\n{guide.CORPUS_SCENARIOS_INTRO.strip()}\n\n"
            f"| address | what it does | result |\n{rows}"
        )
    )
    toc.append("Settings by use case")
    rows = "\n".join(f"| {' | '.join(row)} |" for row in guide.SETTINGS_BY_USE_CASE)
    parts.append(
        render(
            f"## Settings by use case\n\n{guide.SETTINGS_BY_USE_CASE_INTRO.strip()}\n\n"
            f"| application | max_uses | domain list | max_content_tokens | citations |\n{rows}"
        )
    )
    toc.append("Production checklist")
    parts.append(render(f"## Production checklist\n\n{guide.PRODUCTION_CHECKLIST.strip()}"))
    toc.append("Design notes")
    parts.append(render(f"## Design notes\n\n{guide.DESIGN_NOTES.strip()}"))
    return docs_page(
        "Web fetch tool",
        "\n".join(parts),
        toc=toc,
        description="Reference for the web fetch tool: parameters, results, errors and safety.",
    )


def build_docs() -> None:
    host = "docs.example.com"
    page = web_fetch_reference()
    write(
        host,
        "guide/web-fetch.html",
        page,
        path="/guide/web-fetch",
        title="Web fetch tool - Example Docs",
        description="The long (~100 KB) reference page of the web fetch tool.",
    )
    for file, path, title, markup, desc in [
        ("index.html", "/", "Home", text.DOCS_INDEX, "Home page of the documentation site."),
        (
            "guide/domain-filters.html",
            "/guide/domain-filters",
            "Domain filters",
            text.DOMAIN_FILTERS,
            "How to write allowed_domains and blocked_domains lists.",
        ),
        (
            "guide/citations.html",
            "/guide/citations",
            "Citations",
            text.CITATIONS_GUIDE,
            "Enabling, reading and verifying citations.",
        ),
        (
            "guide/caching.html",
            "/guide/caching",
            "Prompt caching",
            text.CACHING_GUIDE,
            "Reusing fetched documents across turns with prompt caching.",
        ),
        (
            "guide/pdf-support.html",
            "/guide/pdf-support",
            "PDF support",
            text.PDF_GUIDE,
            "What the fetch tool does with PDF documents.",
        ),
    ]:
        write(
            host,
            file,
            docs_page(title, render(markup), description=desc),
            path=path,
            title=f"{title} - Example Docs",
            description=desc,
        )

    # A JavaScript-only single-page app: the HTML is an empty shell.
    script = (
        "document.getElementById('root').innerHTML = '<h1>API console</h1><p>Usage this month: '"
        " + (40 + 2) + ' requests.</p>';"
    )
    shell = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Console - Example Docs</title>
  <script defer src="/app/bundle.js"></script>
</head>
<body>
  <noscript>You need to enable JavaScript to run this app.</noscript>
  <div id="root"></div>
  <script>{script}</script>
</body>
</html>
"""
    write(
        host,
        "app/index.html",
        shell,
        path="/app/",
        title="Console - Example Docs",
        description="A JavaScript-only page: an empty shell filled in by a script (nothing to extract).",
    )
    write(
        host,
        "app/bundle.js",
        script + "\n",
        path="/app/bundle.js",
        title="Console bundle",
        content_type="text/javascript; charset=utf-8",
        description="The console's script (unsupported type).",
    )

    releases = "\n".join(f"{day}  {note}" for day, note in text.RELEASES)
    write(
        host,
        "notes/changelog.txt",
        text.CHANGELOG_TXT.format(releases=releases),
        path="/notes/changelog.txt",
        title="Changelog (plain text)",
        content_type="text/plain; charset=utf-8",
        description="A plain-text file, served as text/plain.",
    )
    tool = {
        "type": "web_fetch_20250910",
        "name": "web_fetch",
        "max_uses": 10,
        "allowed_domains": ["docs.example.com"],
        "citations": {"enabled": True},
        "max_content_tokens": 100000,
    }
    write(
        host,
        "api/tools.json",
        json.dumps(tool, indent=2) + "\n",
        path="/api/tools.json",
        title="Tool definition (JSON)",
        content_type="application/json",
        description="The tool definition as JSON (an unsupported content type for fetch).",
    )
    write(
        host,
        "img/pipeline.png",
        png(),
        path="/img/pipeline.png",
        title="Pipeline diagram (PNG)",
        content_type="image/png",
        description="A small PNG image (an unsupported content type for fetch).",
    )

    legacy = docs_page(
        "Page héritée en windows-1252",
        render(text.LEGACY_CHARSET),
        description="Une page ancienne encodée en windows-1252.",
        extra_head='\n  <meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    )
    legacy = legacy.replace('<meta charset="utf-8">', '<meta charset="windows-1252">').replace(
        'lang="en"', 'lang="fr"'
    )
    write(
        host,
        "legacy/charset.html",
        legacy.encode("cp1252"),
        path="/legacy/charset",
        title="Page héritée en windows-1252 - Example Docs",
        content_type="text/html; charset=windows-1252",
        description="A French page encoded in windows-1252 (charset in the header and in meta tags).",
    )


def png(width: int = 32, height: int = 16) -> bytes:
    """A small deterministic RGB PNG: a horizontal gradient (pipeline diagram placeholder)."""
    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 8, 96, 255 - x * 8)) for x in range(width)) for _ in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# --- blog.example.org --------------------------------------------------------------------------------


def build_blog() -> None:
    host = "blog.example.org"
    recent = "\n".join(
        f'        <li><a href="/posts/{slug}">{esc(title)}</a></li>' for slug, title, *_ in articles.BLOG
    )
    tags = sorted({t for *_, tg, _b, _c in articles.BLOG for t in tg})
    cloud = " ".join(f'<a class="tag" href="/tags/{t}">{t}</a>' for t in tags)
    # The injected guest post is built like the others but listed nowhere: the listed posts stay unchanged.
    for slug, title, date, author, tg, body, comments in [*articles.BLOG, articles.INJECTED_POST]:
        others = [b for b in articles.BLOG if b[0] != slug][:4]
        related = "\n".join(
            f'        <div class="teaser"><h3><a href="/posts/{o[0]}">{esc(o[1])}</a></h3>'
            f'<p>{esc(" ".join(o[5].split()[:60]))} ...</p><a href="/posts/{o[0]}">Read more</a></div>'
            for o in others
        )
        comment_html = "\n".join(
            f"""      <li class="comment" id="c{i}">
        <p class="comment-meta"><strong>{esc(name)}</strong> · <time>{date}</time> · <a href="#reply">Reply</a></p>
        <p>{esc(said)}</p>
      </li>"""
            for i, (name, said) in enumerate(comments, start=1)
        )
        page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{esc(title)} | Field Notes</title>
  <meta name="description" content="{esc(" ".join(body.strip().split()[:30]))}">
  <meta name="author" content="{esc(author)}">
  <meta property="og:title" content="{esc(title)}">
  <meta property="og:type" content="article">
  <meta property="article:published_time" content="{date}T08:00:00Z">
  <link rel="stylesheet" href="/theme.css">
</head>
<body>
  <div class="cookie-banner">We use cookies to count visitors. <button>Accept all</button> <button>Settings</button></div>
  <header class="masthead">
    <a class="brand" href="/">Field Notes</a>
    <nav class="menu">
      <ul>
        <li><a href="/">Home</a></li>
        <li><a href="/archive">Archive</a></li>
        <li><a href="/tags">Topics</a></li>
        <li><a href="/about">About</a></li>
        <li><a href="/subscribe">Subscribe</a></li>
      </ul>
    </nav>
  </header>
  <div class="layout">
    <main id="content">
      <article class="post">
        <header>
          <h1 class="post-title">{esc(title)}</h1>
          <p class="byline">By <a href="/authors/{esc(author.lower().replace(" ", "-"))}">{esc(author)}</a> ·
            <time datetime="{date}">{date}</time> · {" ".join(f'<a href="/tags/{t}">#{t}</a>' for t in tg)}</p>
        </header>
        <div class="post-body">
{render(body)}
        </div>
        <footer class="post-footer">
          <p>Share: <a href="#">Mastodon</a> · <a href="#">Email</a> · <a href="#">Copy link</a></p>
        </footer>
      </article>
      <section class="related">
        <h2>You might also like</h2>
{related}
      </section>
      <section class="comments" id="comments">
        <h2>{len(comments)} comments</h2>
        <ol>
{comment_html}
        </ol>
        <form class="comment-form" id="reply"><textarea placeholder="Leave a comment"></textarea><button>Post comment</button></form>
      </section>
    </main>
    <aside class="sidebar">
      <section class="widget">
        <h3>About this blog</h3>
        <p>Field Notes is a shared notebook about building reliable software, and about the things we do
        when we are away from the keyboard: baking, cycling and watching birds.</p>
      </section>
      <section class="widget">
        <h3>Recent posts</h3>
        <ul>
{recent}
        </ul>
      </section>
      <section class="widget">
        <h3>Topics</h3>
        <p>{cloud}</p>
      </section>
      <section class="widget newsletter">
        <h3>Newsletter</h3>
        <p>Get new posts by email, once a month. No spam, unsubscribe at any time.</p>
        <form><input type="email" placeholder="you@example.org"><button>Sign up</button></form>
      </section>
    </aside>
  </div>
  <footer class="site-footer">
    <nav><a href="/privacy">Privacy</a> · <a href="/imprint">Imprint</a> · <a href="/feed.xml">RSS</a></nav>
    <p>© 2025 Field Notes. Written for the webfetch-kit local corpus. Text licensed MIT.</p>
  </footer>
</body>
</html>
"""
        write(
            host,
            f"posts/{slug}.html",
            page,
            path=f"/posts/{slug}",
            title=f"{title} | Field Notes",
            published=date,
            description=(
                f"Blog article by {author} with navigation, sidebar, comments and footer."
                if slug != articles.INJECTED_POST[0]
                else f"Unlisted guest post by {author} whose last paragraph is a prompt injection asking an "
                "assistant to send a secret from its conversation to lab.example.net."
            ),
        )
    index = "\n".join(
        f'<li><a href="/posts/{slug}">{esc(title)}</a> <time>{date}</time></li>'
        for slug, title, date, *_ in articles.BLOG
    )
    write(
        host,
        "index.html",
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Field Notes</title></head>
<body><header><a href="/">Field Notes</a></header><main><h1>Field Notes</h1>
<p>Notes about building reliable software, and about baking, cycling and birds.</p>
<ul>
{index}
</ul></main><footer><p>© 2025 Field Notes.</p></footer></body></html>
""",
        path="/",
        title="Field Notes",
        description="Blog home page listing the articles.",
    )


# --- news.example.com --------------------------------------------------------------------------------


def build_news() -> None:
    host = "news.example.com"
    for slug, title, date, section, body in articles.NEWS:
        page = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{esc(title)} - Example News</title>
  <meta name="description" content="{esc(" ".join(body.strip().split()[:25]))}">
  <meta property="article:published_time" content="{date}T09:30:00+00:00">
  <meta property="article:section" content="{esc(section)}">
  <meta name="date" content="{date}">
</head>
<body>
  <header><a href="/">Example News</a> <nav><a href="/local">Local</a> <a href="/technology">Technology</a> <a href="/security">Security</a></nav></header>
  <main>
    <article>
      <p class="section">{esc(section)}</p>
      <h1>{esc(title)}</h1>
      <p class="dateline"><time datetime="{date}">{date}</time></p>
{render(body)}
    </article>
  </main>
  <footer><p>Example News is fictional and part of the webfetch-kit local corpus.</p></footer>
</body>
</html>
"""
        write(
            host,
            f"{slug}.html",
            page,
            path=f"/{slug}",
            title=f"{title} - Example News",
            published=date,
            description=f"{section} news item dated {date}.",
        )


# --- the look-alike host -----------------------------------------------------------------------------


def build_lookalike() -> None:
    label = "dоcs.example.com"
    form = (
        '<form class="verify" action="/collect" method="post"><input name="api_key" placeholder="sk-ant-...">'
        '<input name="password" type="password"><button>Verify and continue</button></form>'
    )
    for file, path, title, markup in [
        ("index.html", "/", "Home", text.PHISHING_INDEX),
        ("guide/web-fetch.html", "/guide/web-fetch", "Web fetch tool", text.PHISHING_TEXT),
    ]:
        page = docs_page(
            title,
            render(markup) + "\n" + form,
            host_label=label,
            description="Documentation portal. Sign in to continue.",
        )
        write(
            LOOKALIKE,
            file,
            page,
            path=path,
            title=f"{title} - Example Docs",
            description=f"Phishing copy served by the look-alike host {label} ({LOOKALIKE}).",
        )


def main() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    build_docs()
    build_blog()
    build_news()
    build_lookalike()
    manifest.extend(make_corpus_pdfs.build(ROOT / make_corpus_pdfs.HOST))
    doc = {
        "description": "The webfetch-kit local corpus: one entry per document served by webfetch_kit.lab.corpus.",
        "lookalike_host": {"unicode": "dоcs.example.com", "a_label": LOOKALIKE},
        "documents": manifest,
    }
    (ROOT / "manifest.json").write_text(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(f"{len(manifest)} documents written to {ROOT}")


if __name__ == "__main__":
    main()
