"""HTML to main text: trafilatura, bounded in size and time, with a visible-text fallback that says so.

What happens to a decoded HTML page:

1. The *contents* of ``<script>``, ``<style>`` and ``<template>`` elements are dropped (the tags stay,
   so scripts can still be counted). This is a linear scan, not a regex, so unclosed tags cannot make
   it quadratic; an unclosed ``<script>`` swallows the rest of the page, as it does in a browser.
2. The remaining markup is capped at :data:`MAX_HTML_CHARS` characters (2,000,000) before any parser
   sees it; a note ``html_truncated`` says so. Inline JSON blobs of single-page apps therefore do not
   push the article out of the cap.
3. lxml parses it once (libxml2, C speed; libxml2 itself stops nesting at 256 levels). From that
   tree come the ``<title>``, the *visible text* of ``<body>`` (everything but scripts, styles,
   templates and ``<noscript>``, with line breaks at block elements) and the JavaScript-only verdict.
   A tree of more than :data:`MAX_HTML_ELEMENTS` elements (25,000) skips trafilatura, whose run time
   grows faster than linearly with the element count, and uses the visible text (note
   ``html_too_complex``).
4. trafilatura (``bare_extraction``: main text, comments excluded, tables included, metadata for the
   title, its default *balanced* precision/recall, which scored best on F1 in the ScrapingHub
   article-extraction benchmark in trafilatura's own evaluation) runs on a copy of the tree in a daemon
   worker thread, waited for at most ``timeout`` seconds (trafilatura's own timeout only applies to its
   command line). Python cannot kill a thread: on timeout the worker is abandoned (it finishes in the
   background on the capped input, and being a daemon it never blocks interpreter exit) and the
   visible text is returned with the notes ``extraction_timeout`` and ``fallback_body_text``.
5. If trafilatura finds no main content (or fails), the visible text is used, noted
   ``fallback_body_text``. Never silent.

JavaScript-only pages (the docs: "The web fetch tool currently does not support web sites dynamically
rendered via Javascript") are detected as: fewer than :data:`JS_ONLY_MAX_TEXT` visible non-space
characters, at least one ``<script>``, and a sign of client rendering (an empty mount point such as
``<div id="root">``/``id="app"``/``id="__next"``, a ``<noscript>`` that mentions JavaScript, at least
2,000 characters of inline script, or at least two external scripts). Their near-empty text is
returned as is, with the note ``javascript_only``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..net.bounded import EXTRACTION_SLOTS, run_on_worker

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["JS_ONLY_MAX_TEXT", "MAX_HTML_CHARS", "MAX_HTML_ELEMENTS", "HtmlResult", "extract_html"]

MAX_HTML_CHARS = 2_000_000
# trafilatura's run time grows faster than linearly with the element count (measured on 2 cores:
# 10,000 paragraphs 0.9 s, 30,000 5.2 s, 60,000 21 s); above this, its result would rarely arrive in time.
MAX_HTML_ELEMENTS = 25_000
JS_ONLY_MAX_TEXT = 200

_RAW_TEXT_ELEMENT = re.compile(r"<(script|style|template)(?=[\s>/])", re.I)
_MOUNT_POINT = re.compile(r"^(root|app|__next|__nuxt|svelte|main-app|react-root|ember-app|q-app)$", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
_BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "dialog", "div"),
        *("dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5"),
        *("h6", "header", "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section", "summary"),
        *("table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"),
    }
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class HtmlResult:
    """Main text, title and notes extracted from one HTML page."""

    text: str
    title: str | None
    notes: tuple[str, ...]


@dataclass(frozen=True)
class _Scripts:
    count: int
    inline_chars: int
    external: int


def extract_html(
    html: str,
    url: str = "",
    *,
    timeout: float,
    max_chars: int = MAX_HTML_CHARS,
    max_elements: int = MAX_HTML_ELEMENTS,
) -> HtmlResult:
    """Extract the main text and title of a decoded HTML page (see the module docstring).

    Args:
        html: the decoded page.
        url: the page's URL (helps trafilatura with metadata); may be empty.
        timeout: seconds to wait for trafilatura before falling back to the visible text.
        max_chars: cap on the markup handed to the parser.
        max_elements: pages with more elements skip trafilatura and use the visible text.

    Returns:
        The text, the title (``None`` when the page has none) and notes.
    """
    notes: list[str] = []
    markup, scripts = _drop_raw_text(_XML_DECL.sub("", html, count=1))
    if len(markup) > max_chars:
        notes.append(f"html_truncated: markup capped at {max_chars} characters (of {len(markup)})")
        markup = markup[:max_chars]
    tree = _parse(markup)
    if tree is None:
        return HtmlResult("", None, ("empty_document",))
    page_title = _page_title(tree)
    visible = _visible_text(tree)
    js_only = _javascript_only(tree, visible, scripts)
    if js_only:
        notes.append("javascript_only: content is rendered by JavaScript; only the static text is here")

    elements = sum(1 for _ in itertools.islice(tree.iter(), max_elements + 1))
    if elements > max_elements:
        notes.append(f"html_too_complex: more than {max_elements} elements; main-text extraction skipped")
        outcome: Any = (None, None)
    else:
        outcome = _run_bounded(lambda: _trafilatura(tree, url), timeout)
    if outcome is _TIMED_OUT:
        notes.append(f"extraction_timeout: trafilatura took longer than {timeout:g} s")
        main_text, title = None, None
    elif isinstance(outcome, BaseException):
        notes.append(f"extractor_error: {type(outcome).__name__}")
        main_text, title = None, None
    else:
        main_text, title = outcome
    if main_text:
        text = main_text
    else:
        text = visible
        if not js_only or visible:
            notes.append("fallback_body_text: visible text of <body> used instead of the main text")
    return HtmlResult(_tidy(text), title or page_title, tuple(notes))


class _TimedOut:
    pass


_TIMED_OUT = _TimedOut()


def _run_bounded(work: Any, timeout: float) -> Any:
    """Run ``work()`` on a capped worker; its result, the exception it raised, or ``_TIMED_OUT``."""
    result = run_on_worker(work, timeout, slots=EXTRACTION_SLOTS, name="webfetch-kit-extract")
    if not result.finished:
        return _TIMED_OUT
    return result.error if result.error is not None else result.value


def _trafilatura(tree: HtmlElement, url: str) -> tuple[str | None, str | None]:
    import trafilatura

    result = trafilatura.bare_extraction(
        tree,
        url=url or None,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=True,
        deduplicate=False,
    )
    if result is None:
        return None, None
    text = getattr(result, "text", None)
    title = getattr(result, "title", None)
    return (text if isinstance(text, str) else None), (title.strip() if isinstance(title, str) else None)


_CLOSING_TAGS = {name: re.compile(rf"</{name}", re.I) for name in ("script", "style", "template")}


def _drop_raw_text(html: str) -> tuple[str, _Scripts]:
    """Remove the contents of script/style/template elements in one linear pass; count scripts."""
    pieces: list[str] = []
    count = inline = external = 0
    position = 0
    while True:
        match = _RAW_TEXT_ELEMENT.search(html, position)
        if match is None:
            pieces.append(html[position:])
            break
        name = match.group(1).lower()
        open_end = html.find(">", match.end())
        if open_end == -1:
            pieces.append(html[position:])
            break
        pieces.append(html[position : open_end + 1])
        # Search the text itself, case-insensitively: offsets into html.lower() drift wherever lowering
        # changes a character's length (Turkish "İ" becomes two characters).
        found = _CLOSING_TAGS[name].search(html, open_end + 1)
        close = -1 if found is None else found.start()
        body_end = len(html) if close == -1 else close
        if name == "script":
            count += 1
            if re.search(r"\ssrc\s*=", html[match.end() : open_end], re.I):
                external += 1
            inline += body_end - open_end - 1
        if close == -1:
            pieces.append(f"</{name}>")
            break
        position = close
    return "".join(pieces), _Scripts(count, inline, external)


def _parse(markup: str) -> HtmlElement | None:
    from lxml import etree
    from lxml.html import HTMLParser, document_fromstring

    if not markup.strip():
        return None
    parser = HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)
    try:
        tree: HtmlElement = document_fromstring(markup, parser=parser)
    except (etree.ParserError, ValueError):
        return None
    return tree


def _page_title(tree: HtmlElement) -> str | None:
    for path in ('.//meta[@property="og:title"]/@content', ".//title/text()", ".//h1//text()"):
        found = tree.xpath(path)
        if isinstance(found, list) and found:
            title = " ".join(" ".join(str(part) for part in found).split())
            if title:
                return title
    return None


def _visible_text(tree: HtmlElement) -> str:
    """The text a reader sees in <body>: no scripts, styles, templates or noscript; block line breaks."""
    from lxml import etree

    body = tree.find("body")
    root = body if body is not None else tree
    parts: list[str] = []
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS or element.get("hidden") is not None:
                walker.skip_subtree()
                if element.tail:
                    parts.append(element.tail)
                continue
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.text:
                parts.append(element.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n")
            if element.tail and element is not root:
                parts.append(element.tail)
    # one line per block, like trafilatura's text output
    return _tidy("".join(parts)).replace("\n\n", "\n")


def _javascript_only(tree: HtmlElement, visible: str, scripts: _Scripts) -> bool:
    if scripts.count == 0 or sum(not ch.isspace() for ch in visible) >= JS_ONLY_MAX_TEXT:
        return False
    mount_point = any(
        _MOUNT_POINT.match(str(element.get("id", ""))) and not element.text_content().strip()
        for element in tree.iter("div", "main", "section", "app-root")
    )
    noscript_js = any("javascript" in element.text_content().lower() for element in tree.iter("noscript"))
    return mount_point or noscript_js or scripts.inline_chars >= 2000 or scripts.external >= 2


def _tidy(text: str) -> str:
    """Normalise newlines and runs of spaces; at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
