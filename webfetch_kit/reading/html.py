"""HTML to main text: trafilatura, bounded in size, with a visible-text fallback that says so.

Pure: no threads and no clocks here. The slow step (trafilatura) is :meth:`HtmlReading.run`; the fetcher
runs it on :mod:`webfetch_kit.net`'s bounded workers and, when it overruns, asks
:meth:`HtmlReading.result` for the fallback (``stopped=``).

What happens to a decoded HTML page:

1. The *contents* of ``<script>``, ``<style>`` and ``<template>`` elements are dropped (the tags stay,
   so scripts can still be counted), except JSON-LD (``<script type="application/ld+json">``), the
   schema.org data trafilatura falls back to when the markup itself holds little text. This is a
   linear scan, not a regex, so unclosed tags cannot make it quadratic; an unclosed ``<script>``
   swallows the rest of the page, as it does in a browser. Characters XML forbids (C0 controls) are
   removed, as trafilatura's own loader does.
2. The remaining markup is capped at :data:`MAX_HTML_CHARS` characters (2,000,000) before any parser
   sees it; a note ``html_truncated`` says so. Inline JSON blobs of single-page apps therefore do not
   push the article out of the cap.
3. lxml parses it once (libxml2, C speed; libxml2 itself stops nesting at 256 levels). From that
   tree come the JavaScript-only verdict (reading the visible text only until it has enough
   characters) and, only when the fallback or the ``"api"`` title line needs them, the page title and
   the *visible text* of ``<body>`` (everything but scripts, styles, templates and ``<noscript>``,
   with line breaks at block elements).
   A tree of more than :data:`MAX_HTML_ELEMENTS` elements (25,000) or :data:`MAX_HTML_ATTRIBUTES`
   attributes (20,000) skips trafilatura, whose run time grows faster than linearly with both, and
   uses the visible text (note ``html_too_complex``).
4. trafilatura (``bare_extraction``: main text, comments excluded, tables included, not ``fast`` by
   default (see :data:`FAST`), no metadata pass (its title steps only), its default *balanced*
   precision/recall, which scored best on F1 in the ScrapingHub article-extraction benchmark in
   trafilatura's own evaluation) runs on the tree. Run under a time
   bound (the fetcher's, see :mod:`webfetch_kit.net.reader`) and stopped, the visible text is returned
   with the notes ``extraction_timeout`` and ``fallback_body_text``.
5. If trafilatura finds no main content (or fails), the visible text is used, noted
   ``fallback_body_text``. Never silent.

Three modes (``mode=``) say what the text is:

* ``"text"``: plain main text, as above.
* ``"main"``: the main content as Markdown with links and images, trafilatura's own Markdown output
  (same caps and fallback as ``"text"``).
* ``"api"`` (the default, so that the emulator answers as the real tool does): the whole page as
  Markdown, the way recordings of the real tool (2026) show a fetched page:
  the title line and a blank line first, then ``#`` headings, fenced code, ``[text](href)`` links with
  relative hrefs kept as written, ``![alt](src)`` images, and navigation kept. Converted by
  ``html-to-markdown`` (a Rust converter: linear in the markup, which is capped at
  :data:`MAX_HTML_CHARS` like the parser's, and capped at 256 levels of nesting like libxml2's), so the
  element and attribute caps that protect trafilatura do not apply. Tables come out as Markdown pipe
  tables, which the recordings did not show: an approximation.

JavaScript-only pages (the docs: "The web fetch tool currently does not support web sites dynamically
rendered via Javascript") are detected as: fewer than :data:`JS_ONLY_MAX_TEXT` visible non-space
characters, at least one ``<script>``, and a sign of client rendering (an empty mount point such as
``<div id="root">``/``id="app"``/``id="__next"``, a ``<noscript>`` that mentions JavaScript, at least
2,000 characters of inline script, or at least two external scripts). Their near-empty text is
returned as is, with the note ``javascript_only``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ..errors import ConfigError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = [
    "EXTRACT_MODES",
    "FAST",
    "JS_ONLY_MAX_TEXT",
    "MAX_HTML_ATTRIBUTES",
    "MAX_HTML_CHARS",
    "MAX_HTML_ELEMENTS",
    "ExtractMode",
    "HtmlReading",
    "HtmlResult",
    "prepare_html",
]

MAX_HTML_CHARS = 2_000_000
# trafilatura's run time grows faster than linearly with the element count (measured on 2 cores:
# 10,000 paragraphs 0.9 s, 30,000 5.2 s, 60,000 21 s); above this, its result would rarely arrive in time.
MAX_HTML_ELEMENTS = 25_000
# trafilatura's time also grows with attributes (measured: 36,000 attributes on 20 elements 4.2 s, on 2,000
# elements 2.1 s); real pages have a few thousand (the corpus at most 129), attribute soup has millions.
MAX_HTML_ATTRIBUTES = 20_000
JS_ONLY_MAX_TEXT = 200
FAST = False
"""trafilatura's ``fast`` off by default: its readability and jusText extractors give a second opinion.

Chosen from ``bench/bench_extract.py`` (trafilatura 2.3.1, 2 cores), on two public sets of real pages.
The kit does trafilatura's own work plus a few per cent (type sniffing, charset, caps, title), so its
time is set by ``fast``:

* ``fast=False``: 1.04-1.06x plain ``trafilatura.extract``'s time at plain's own F1, on both sets
  (trafilatura's evaluation set, 200 pages: 0.9321; all 990 pages: 0.9262 against 0.9261; Zyte's
  article extraction benchmark, 181 pages: 0.9598).
* ``fast=True``: 0.74-0.79x plain's time. On the article benchmark (the set issue #12 was measured on)
  F1 rises to 0.9623, above plain's 0.9598; on trafilatura's set it falls to 0.9291 (990 pages: 0.9205),
  0.3-0.6 points under plain's. Plain trafilatura's own ``fast`` moves F1 the same way on both.

Issue #12 asks for at most 0.8x plain's time at F1 no lower than plain's: ``fast=True`` meets it on the
article benchmark and misses it by that F1 on trafilatura's set, and no setting meets it on both. The
default stays trafilatura's own (quality first for a mode chosen for clean main text); ``fast=True``
(a quarter less time) is one argument of :func:`~webfetch_kit.reading.extract.extract_document` away.
``mode="api"``, the default, does not use trafilatura at all."""

_RAW_TEXT_ELEMENT = re.compile(r"<(script|style|template)(?=[\s>/])", re.I)
_MOUNT_POINT = re.compile(r"^(root|app|__next|__nuxt|svelte|main-app|react-root|ember-app|q-app)$", re.I)
# Anchored (used with .match) and possessive on the leading space; ``[^>]*`` backtracks at most to the
# first ``>`` (``\?>`` needs the ``?`` it would eat): no pattern here backtracks on fetched markup.
_XML_DECL = re.compile(r"\s*+<\?xml[^>]*\?>")
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
# Characters XML forbids (C0 controls but tab and newlines, U+FFFE, U+FFFF), removed before parsing as
# trafilatura's own ``load_html`` does (``utils.INVALID_XML_CHARS``): left in the tree (a BEL in a footnote),
# trafilatura's conversion of the tree fails and the page lost its whole main text to the fallback.
_INVALID_XML_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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


ExtractMode = Literal["api", "main", "text"]
"""How an HTML page becomes text (see the module docstring): the real tool's Markdown, main-content
Markdown, or plain main text."""
EXTRACT_MODES: tuple[str, ...] = ("api", "main", "text")

# What each mode's slow step is called in notes.
_STEP = {"api": "html-to-markdown", "main": "trafilatura", "text": "trafilatura"}
# html-to-markdown recurses per nesting level: cap it where libxml2 caps lxml's trees.
_MAX_MARKDOWN_DEPTH = 256


@dataclass
class HtmlReading:
    """A decoded page parsed once, its JavaScript-only verdict known, its slow step still to run.

    :meth:`run` is the slow, pure step (trafilatura, or html-to-markdown for ``mode="api"``);
    :meth:`result` gives the text, with the fallback when the step failed, found nothing, was skipped
    (too many elements or attributes) or was ``stopped``. The fallback's pieces, :attr:`visible` and
    :attr:`page_title`, are read from the tree only when asked for (trafilatura works on a copy).

    In ``mode="api"`` the tree is not kept (``tree`` is None once prepared): html-to-markdown builds its
    own copy of the page (about 23x the markup's size for a 2 MB article), and the lxml tree beside it
    (about 7x more) took the peak past 30x the body. The title is read before the tree goes; the
    fallback, rare in this mode, parses :attr:`markup` again.
    """

    tree: HtmlElement | None
    url: str
    javascript_only: bool
    skip_main: bool
    notes: tuple[str, ...]
    mode: ExtractMode = "api"
    markup: str = ""
    fast: bool = FAST
    main: tuple[str | None, str | None] | None = None
    error: str | None = None

    @functools.cached_property
    def visible(self) -> str:
        """The visible text of ``<body>`` (the fallback): built only when the fallback is used."""
        tree = self._parsed()
        return "" if tree is None else _visible_text(tree)

    @functools.cached_property
    def page_title(self) -> str | None:
        """The page's own title: first ``og:title``, else ``<title>``, else the first ``<h1>``."""
        tree = self._parsed()
        return None if tree is None else _page_title(tree)

    def release_tree(self) -> None:
        """Read the title, then let the tree go before html-to-markdown copies the page (``mode="api"``)."""
        _ = self.page_title
        self.tree = None

    def _parsed(self) -> HtmlElement | None:
        """The tree, parsed again from :attr:`markup` when it was not kept (``mode="api"``)."""
        return self.tree if self.tree is not None else _parse(self.markup)

    def run(self) -> None:
        """Extract the text of this mode; an extractor failure is noted, never raised."""
        if self.skip_main:
            return
        try:
            if self.mode == "api":
                self.main = (_markdown(self.markup), None)
            else:
                tree = self._parsed()
                self.main = (
                    (None, None)
                    if tree is None
                    else _trafilatura(tree, self.url, markdown=self.mode == "main", fast=self.fast)
                )
        except Exception as exc:  # the extractors raise many types on hostile markup
            self.error = type(exc).__name__

    def result(self, stopped: str | None = None) -> HtmlResult:
        """The page's text and title.

        Args:
            stopped: why :meth:`run` was stopped before it finished (e.g. ``"5 s"``, the time bound it
                ran past), or None when it ran to its end (or was never needed).
        """
        notes = list(self.notes)
        main_text, title = None, None
        if stopped is not None:
            notes.append(f"extraction_timeout: {_STEP[self.mode]} took longer than {stopped}")
        elif self.error is not None:
            notes.append(f"extractor_error: {self.error}")
        elif self.main is not None:
            main_text, title = self.main
        title = title or self.page_title
        if main_text and self.mode != "text":
            text = _tidy_markdown(main_text)
            if self.mode == "api" and title:
                # The 2026 recordings of the real tool start with the page title and a blank line.
                text = f"{title}\n\n{text}"
            return HtmlResult(text, title, tuple(notes))
        if main_text:
            text = main_text
        else:
            text = self.visible
            if not self.javascript_only or self.visible:
                notes.append("fallback_body_text: visible text of <body> used instead of the main text")
        return HtmlResult(_tidy(text), title, tuple(notes))


def prepare_html(
    html: str,
    url: str = "",
    *,
    mode: ExtractMode = "api",
    max_chars: int = MAX_HTML_CHARS,
    max_elements: int = MAX_HTML_ELEMENTS,
    fast: bool = FAST,
) -> HtmlReading | HtmlResult:
    """Parse a decoded page for :class:`HtmlReading` (steps 1-3 of the module docstring; fast, C-speed).

    Args:
        html: the decoded page.
        url: the page's URL (helps trafilatura with metadata); may be empty.
        mode: ``"api"``, ``"main"`` or ``"text"`` (see :data:`ExtractMode`).
        max_chars: cap on the markup handed to the parser (and to the Markdown converter).
        max_elements: pages with more elements skip trafilatura and use the visible text.
        fast: trafilatura's ``fast`` (no second opinion from its readability and jusText extractors);
            see :data:`FAST` for the default and why.

    Returns:
        The prepared reading, or the final (empty) result when there is nothing to parse.
    """
    if mode not in EXTRACT_MODES:
        raise ConfigError(f"mode must be one of {list(EXTRACT_MODES)}, got {mode!r}")
    notes: list[str] = []
    declaration = _XML_DECL.match(html)
    markup, scripts = _drop_raw_text(html[declaration.end() :] if declaration else html)
    markup = _without_invalid_xml_chars(markup)
    if len(markup) > max_chars:
        notes.append(f"html_truncated: markup capped at {max_chars} characters (of {len(markup)})")
        markup = markup[:max_chars]
    tree = _parse(markup)
    if tree is None:
        return HtmlResult("", None, ("empty_document",))
    js_only = _javascript_only(tree, scripts)
    if js_only:
        notes.append("javascript_only: content is rendered by JavaScript; only the static text is here")
    too_complex = False
    if mode != "api":  # html-to-markdown is linear in the (capped) markup; trafilatura is not
        # Counted by libxml2 (XPath), not by a Python loop over the tree.
        elements = int(tree.xpath("count(//*)"))
        attributes = int(tree.xpath("count(//@*)")) if elements <= max_elements else 0
        too_complex = elements > max_elements or attributes > MAX_HTML_ATTRIBUTES
        if elements > max_elements:
            notes.append(f"html_too_complex: more than {max_elements} elements; main-text extraction skipped")
        elif too_complex:
            notes.append(
                f"html_too_complex: more than {MAX_HTML_ATTRIBUTES} attributes; main-text extraction skipped"
            )
    if mode != "api":
        return HtmlReading(tree, url, js_only, too_complex, tuple(notes), mode, "", fast)
    reading = HtmlReading(tree, url, js_only, too_complex, tuple(notes), mode, markup, fast)
    reading.release_tree()
    return reading


def _trafilatura(
    tree: HtmlElement, url: str, *, markdown: bool = False, fast: bool = FAST
) -> tuple[str | None, str | None]:
    import trafilatura

    # Main content only: comments out, tables in, every paragraph kept (no deduplication across pages).
    common: dict[str, Any] = {
        "url": url or None,
        "fast": fast,
        "include_comments": False,
        "include_tables": True,
        "deduplicate": False,
    }
    if markdown:
        # trafilatura's own Markdown output (its bare_extraction has no Markdown text): main content with
        # headings, emphasis, links and images; the title comes from the page (``page_title``).
        text = trafilatura.extract(
            tree,
            output_format="markdown",
            include_images=True,
            include_links=True,
            include_formatting=True,
            **common,
        )
        return (text if isinstance(text, str) else None), None
    # No metadata pass (with_metadata=False): it searched for dates (htmldate, dateparser) and authors,
    # 37 % of the time, only for the title; the title comes from trafilatura's own title steps instead.
    result = trafilatura.bare_extraction(
        tree, include_images=False, include_links=False, with_metadata=False, **common
    )
    text = getattr(result, "text", None) if result is not None else None
    if not isinstance(text, str) or not text:
        return None, None
    # NFC, as trafilatura's extract() returns its text (bare_extraction does not): pages that write "é" as
    # "e" + U+0301 then match what a reader types and what trafilatura's evaluation snippets hold.
    return unicodedata.normalize("NFC", text), _trafilatura_title(tree)


def _trafilatura_title(tree: HtmlElement) -> str | None:
    """The title trafilatura's metadata pass finds, from its two cheap steps (about 0.6 ms a page).

    ``examine_meta`` reads the ``<meta>`` tags (OpenGraph first, then ``title``, ``twitter:title``,
    ``headline``...), ``extract_title`` the headings and ``<title>``; the pass also reads JSON-LD, which
    changed no title on 150 pages of trafilatura's evaluation set (whitespace aside) and is skipped.
    Of several ``og:title`` tags the first wins, as in every mode (trafilatura keeps the last).
    """
    from trafilatura.metadata import examine_meta, extract_title

    title = _first_og_title(tree) or examine_meta(tree).title or extract_title(tree)
    if not isinstance(title, str):
        return None
    return " ".join(title.split()) or None


def _markdown(markup: str) -> str:
    """The whole page as Markdown, the way the real tool returns it (navigation and forms kept)."""
    import html_to_markdown

    options = html_to_markdown.ConversionOptions(
        extract_metadata=False,  # no YAML front matter: the title line is written by HtmlReading.result
        preprocessing=html_to_markdown.PreprocessingOptions(enabled=False),  # keeps navigation
        max_input_size=max(len(markup.encode("utf-8")), 1),
        max_depth=_MAX_MARKDOWN_DEPTH,
    )
    return str(html_to_markdown.convert(markup, options).content or "")


_CLOSING_TAGS = {name: re.compile(rf"</{name}", re.I) for name in ("script", "style", "template")}


# Schema.org data, not code: trafilatura reads a JSON-LD ``articleBody`` when the markup holds little
# text (its ``baseline``), so blanking it lost whole articles (a page's 4,752 characters became 144).
_JSON_LD_TYPE = re.compile(r"\stype\s*+=\s*+[\"']?+application/ld\+json", re.I)


def _drop_raw_text(html: str) -> tuple[str, _Scripts]:
    """Remove the contents of script/style/template elements (JSON-LD kept) in one pass; count scripts."""
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
        opening = html[match.end() : open_end]
        if name == "script":
            count += 1
            if re.search(r"\ssrc\s*=", opening, re.I):
                external += 1
            inline += body_end - open_end - 1
        if close == -1:
            pieces.append(f"</{name}>")
            break
        if name == "script" and _JSON_LD_TYPE.search(opening):
            pieces.append(html[open_end + 1 : close])  # data trafilatura reads: kept
        position = close
    return "".join(pieces), _Scripts(count, inline, external)


_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def _without_invalid_xml_chars(markup: str) -> str:
    """``markup`` without the characters XML forbids (lxml refuses them in the text trafilatura sets).

    Most pages hold none: looked for in C first (the UTF-8 bytes, where each control character is one
    byte), which is 2.7x faster than the regular expression's scan of a 170 KB page (0.6 against 1.6 ms).
    """
    encoded = markup.encode("utf-8", "surrogatepass")
    if len(encoded.translate(None, _CONTROL_BYTES)) == len(encoded) and not (
        "\ufffe" in markup or "\uffff" in markup
    ):
        return markup
    return _INVALID_XML_CHARS.sub("", markup)


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
    """The first non-empty ``og:title``, else ``<title>``, else ``<h1>``: one of each, never joined.

    A page may repeat a tag (two ``og:title``, an SVG ``<title>`` in the body, several ``<h1>``); joining
    all matches made titles such as "X X - The Paradigm".
    """
    candidates = (
        _first_og_title(tree) or "",
        *(element.text_content() for element in tree.iter("title")),
        *(element.text_content() for element in tree.iter("h1")),
    )
    return next((" ".join(text.split()) for text in candidates if text and not text.isspace()), None)


def _first_og_title(tree: HtmlElement) -> str | None:
    # The Open Graph protocol (ogp.me): "The first tag (from top to bottom) is given preference during
    # conflicts."
    for element in tree.iterfind('.//meta[@property="og:title"]'):
        title = " ".join(str(element.get("content") or "").split())
        if title:
            return title
    return None


def _visible_pieces(tree: HtmlElement) -> Iterator[str]:
    """The text a reader sees in <body>, piece by piece: no scripts, styles, templates or noscript."""
    from lxml import etree

    body = tree.find("body")
    root = body if body is not None else tree
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS or element.get("hidden") is not None:
                walker.skip_subtree()
                if element.tail:
                    yield element.tail
                continue
            if tag in _BLOCK_TAGS:
                yield "\n"
            if element.text:
                yield element.text
        else:
            if tag in _BLOCK_TAGS:
                yield "\n"
            if element.tail and element is not root:
                yield element.tail


def _visible_text(tree: HtmlElement) -> str:
    """The visible text of <body> with line breaks at block elements, one line per block."""
    # one line per block, like trafilatura's text output
    return _tidy("".join(_visible_pieces(tree))).replace("\n\n", "\n")


def _has_visible_text(tree: HtmlElement, characters: int) -> bool:
    """True when <body> shows at least this many non-space characters; stops reading once it does."""
    seen = 0
    for piece in _visible_pieces(tree):
        seen += sum(map(len, piece.split()))  # its non-space characters, counted in C
        if seen >= characters:
            return True
    return False


def _javascript_only(tree: HtmlElement, scripts: _Scripts) -> bool:
    # The count of visible non-space characters is the same before and after _tidy (it only moves spaces).
    if scripts.count == 0 or _has_visible_text(tree, JS_ONLY_MAX_TEXT):
        return False
    mount_point = any(
        _MOUNT_POINT.match(str(element.get("id", ""))) and not element.text_content().strip()
        for element in tree.iter("div", "main", "section", "app-root")
    )
    noscript_js = any("javascript" in element.text_content().lower() for element in tree.iter("noscript"))
    return mount_point or noscript_js or scripts.inline_chars >= 2000 or scripts.external >= 2


def _tidy_markdown(text: str) -> str:
    """Newlines normalised, trailing spaces and runs of blank lines removed; indentation (code) kept."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _tidy(text: str) -> str:
    """Normalise newlines and runs of spaces; at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
