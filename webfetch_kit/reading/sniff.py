"""Deciding what a fetched body is (HTML, text, PDF or unsupported) and how to decode it.

The web fetch tool supports "only text and PDF" (its ``unsupported_content_type`` error). Servers lie
about types, so the decision uses the ``Content-Type`` header *and* the leading bytes, in the spirit of the
WHATWG MIME Sniffing standard (https://mimesniff.spec.whatwg.org/):

* **Bytes win when they unambiguously identify a supported format.** ``%PDF-`` at offset 0 is a PDF
  whatever the header says (a PDF served as ``text/html`` is a PDF); HTML markup at the start (the
  WHATWG "HTML" patterns: ``<!DOCTYPE HTML``, ``<html``, ``<head``, ``<body``, ``<script``, ``<div``, ...)
  is HTML even when the header says ``application/pdf`` or an image type: it is almost always an
  error or login page, and its text is what a reader of that URL would see.
* **``text/plain`` is never sniffed as HTML** (as in browsers): the server asked for the markup to be
  shown as text, so it stays text (a note records the markup).
* **A lie that cannot be resolved is refused**: a JSON body under ``text/html``, a declared PDF whose
  body is neither a PDF nor HTML, image magic numbers or binary bytes (the WHATWG "binary data bytes")
  under a text type.
* **Declared types**: ``text/html`` and ``application/xhtml+xml`` are HTML; every other ``text/*``
  (plain, markdown, csv, xml, css...) is text; ``application/pdf`` (and ``application/x-pdf``) is PDF;
  no header or ``application/octet-stream`` is sniffed (PDF, HTML, else text when the bytes look like
  text); JSON, images, audio, video, archives and everything else are ``unsupported_content_type``.

Character sets, in order (the first that names a codec Python knows and decodes the body strictly wins):
a byte-order mark (a BOM is unambiguous, so it outranks the header, as in the WHATWG Encoding standard),
the ``charset`` of the ``Content-Type`` header, for HTML a ``<meta charset>`` / ``http-equiv`` in the
first 4 KiB, then detection (strict UTF-8 first, then charset-normalizer). Labels are mapped the way
browsers do (``iso-8859-1``/``us-ascii`` → ``cp1252``, ``shift_jis`` → ``cp932``...). If nothing decodes
strictly, the best candidate decodes with U+FFFD replacements and a note says so.

UTF-8 (declared, or undeclared and tried first) that *mostly* decodes is kept, its few undecodable
bytes replaced with U+FFFD and noted ``charset_replaced``: at least :data:`_MOSTLY` times as many
non-ASCII characters decode as fail. A UTF-8 page with one stray Latin-1 byte in a script comment is UTF-8 (as
browsers show it and as trafilatura's ``decode_file`` reads it), not the cp1250 charset-normalizer
guessed for the whole body, which turned every "ä" into "Ă¤". A page in another charset declared as
UTF-8 fails on nearly every non-ASCII byte and still falls through to the next candidate.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass

from ..problem import Problem

__all__ = [
    "Decoded",
    "TypeDecision",
    "decide_type",
    "decode_body",
    "parse_content_type",
    "sniff_magic",
]

# The WHATWG "resource header" length: how much of the body sniffing looks at.
_SNIFF_LEN = 1445
# Acrobat accepts up to 1024 bytes of junk before the PDF header; only honoured for a declared PDF.
_PDF_HEADER_WINDOW = 1024
# How much of an HTML document is searched for <meta charset> (WHATWG prescan uses 1024; pages in the
# wild put long <head> comments first, so look a little further).
_META_WINDOW = 4096
# charset-normalizer is given at most this many bytes: enough to decide, bounded in time.
_DETECT_WINDOW = 256 * 1024
# A body is "mostly" UTF-8 when at least this many non-ASCII characters decode per sequence that fails.
_MOSTLY = 10
# A body this large is only checked for being JSON by its first and last bytes.
_JSON_PARSE_LIMIT = 2_000_000

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)

# (magic prefix, what it is) for formats the tool does not support.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"BM", "BMP image"),
    (b"\x00\x00\x01\x00", "ICO image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b\x08", "gzip data"),
    (b"OggS\x00", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x1a\x45\xdf\xa3", "WebM/Matroska media"),
)

# WHATWG "binary data bytes": control characters that never occur in text.
_BINARY_BYTES = frozenset([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])

# WHATWG "HTML" sniffing patterns: the tag name must be followed by a space or ">" (tag-terminating byte).
_HTML_TAGS = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<body",
    b"<br",
    b"<p",
    b"<!--",
)
_TAG_TERMINATORS = (b"", b" ", b">", b"\t", b"\n", b"\x0c", b"\r")
# Applied to fetched bytes, so no pattern here may backtrack on them (Python's re holds the GIL while it
# matches): each repetition is possessive (``*+``) or atomic (``(?>...)``). The comment group is atomic
# because a comment ends at its first ``-->``; left free to backtrack, ``.*?`` could also end at any later
# ``-->``, and a run of empty comments (``<!---->`` * 100) had 2**100 ways to be split before failing.
# ``[^>]*`` stays plain: ``\?>`` needs the ``?`` it would eat, and it backtracks at most to the first ``>``.
_XML_DECL_HTML = re.compile(
    rb"<\?xml[^>]*\?>\s*+(?>(?:<!--.*?-->\s*+)*+)<(?:!doctype\s++html|html)", re.I | re.S
)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
_SNIFF_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream", "application/unknown"})

# Labels browsers decode with a superset codec (WHATWG Encoding standard, "labels and encodings").
_SUPERSETS = {
    "ascii": "cp1252",
    "latin_1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
}

# Possessive around the "=" and the optional quote: ``\s*["']?\s*`` let two whitespace runs share every split
# of one run of spaces (quadratic, times every ``<meta`` before it: minutes on a 4 KiB window).
# ``[^>]*?`` stays lazy (it must find each "charset" in the tag) and stops at the tag's first ``>``.
_META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*+=\s*+[\"']?+\s*+([A-Za-z0-9_:.+-]++)", re.I)


@dataclass(frozen=True)
class TypeDecision:
    """What a body will be treated as, and why (notes such as ``content_type_mismatch: ...``)."""

    kind: str  # "html" | "text" | "pdf"
    mime: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Decoded:
    """A decoded body: its text, the codec used and which source decided it (``bom``, ``header``...)."""

    text: str
    charset: str
    source: str
    notes: tuple[str, ...]


def parse_content_type(content_type: str) -> tuple[str, dict[str, str]]:
    """Split a ``Content-Type`` value into its lower-cased media type and its parameters.

    Args:
        content_type: the header value, e.g. ``"text/html; charset=ISO-8859-1"`` (may be empty).

    Returns:
        ``("text/html", {"charset": "ISO-8859-1"})``; the media type is ``""`` when absent or malformed.
    """
    head, _, rest = content_type.partition(";")
    mime = head.strip().lower()
    if mime.count("/") != 1 or " " in mime:
        mime = ""
    params: dict[str, str] = {}
    for part in rest.split(";"):
        key, sep, value = part.partition("=")
        if sep:
            params[key.strip().lower()] = value.strip().strip("\"'").strip()
    return mime, params


def sniff_magic(body: bytes) -> str | None:
    """Name what the leading bytes of ``body`` unambiguously are, or ``None``.

    Returns ``"pdf"``, ``"html"``, ``"json"``, a description of an unsupported format (``"PNG image"``,
    ``"binary data"``...) or ``None`` for bytes that look like text without markup.
    """
    if body.startswith(b"%PDF-"):
        return "pdf"
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return what
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "WebP image"
    bom_charset = _bom_of(body)
    if bom_charset is not None and bom_charset != "utf-8":
        # UTF-16 text carries NUL bytes; judge its decoded start instead of its bytes.
        head = body[2 : _SNIFF_LEN * 2].decode(bom_charset, errors="replace").encode("utf-8", "replace")
    else:
        head = body[3:_SNIFF_LEN] if bom_charset == "utf-8" else body[:_SNIFF_LEN]
    if any(byte in _BINARY_BYTES for byte in head):
        return "binary data"
    stripped = head.lstrip(b" \t\n\r\x0c")
    lowered = stripped[:64].lower()
    for tag in _HTML_TAGS:
        if lowered.startswith(tag) and (
            tag == b"<!--" or stripped[len(tag) : len(tag) + 1] in _TAG_TERMINATORS
        ):
            return "html"
    if _XML_DECL_HTML.match(stripped):
        return "html"
    if stripped[:1] in (b"{", b"[") and _looks_like_json(body, bom_charset):
        return "json"
    return None


def decide_type(body: bytes, content_type: str) -> TypeDecision | Problem:
    """Decide whether ``body`` is HTML, text or PDF, or refuse it.

    Args:
        body: the raw response body.
        content_type: the ``Content-Type`` header value (may be empty).

    Returns:
        The decision, with notes explaining any disagreement between header and bytes; or a
        :class:`~webfetch_kit.problem.Problem` ``unsupported_content_type`` for JSON, images, binary data,
        unknown types and lies that cannot be resolved.
    """
    mime, _ = parse_content_type(content_type)
    magic = sniff_magic(body)
    shown = mime or "(none)"

    def refuse(why: str) -> Problem:
        return Problem("unsupported_content_type", f"{why} (only text and PDF are supported)")

    def mismatch(kind: str) -> TypeDecision:
        return TypeDecision(kind, mime, (f"content_type_mismatch: declared {shown}, body is {kind}",))

    if magic == "pdf":
        return TypeDecision("pdf", mime, ()) if mime in _PDF_TYPES else mismatch("pdf")
    if mime in _PDF_TYPES:
        if b"%PDF-" in body[:_PDF_HEADER_WINDOW]:
            return TypeDecision("pdf", mime, ("pdf_header_after_junk",))
        if magic == "html":
            return mismatch("html")
        return refuse(f"declared {mime} but the body is not a PDF (no %PDF- header)")
    if mime == "text/plain" or (mime.startswith("text/") and mime not in _HTML_TYPES):
        if magic is not None and magic not in ("html", "json"):
            return refuse(f"declared {mime} but the body is {magic}")
        notes = ("html_markup_in_text: shown as text, not parsed as HTML",) if magic == "html" else ()
        return TypeDecision("text", mime, notes)
    if mime in _HTML_TYPES:
        if magic == "json":
            return refuse(f"declared {mime} but the body is JSON")
        if magic is not None and magic != "html":
            return refuse(f"declared {mime} but the body is {magic}")
        return TypeDecision("html", mime, ())
    if magic == "html":
        if mime in _SNIFF_TYPES:
            return TypeDecision("html", mime, (f"content_type_sniffed: declared {shown}, body is html",))
        return mismatch("html")
    if mime in _SNIFF_TYPES:
        if magic is None and body:  # sniff_magic found no binary bytes (UTF-16 judged decoded)
            return TypeDecision("text", mime, (f"content_type_sniffed: declared {shown}, body is text",))
        what = magic or ("an empty body" if not body else "not recognisable as text")
        return refuse(f"declared {shown} and the body is {what}")
    return refuse(f"content type {mime} is not supported")


def decode_body(body: bytes, header_charset: str | None, *, html: bool) -> Decoded:
    """Decode ``body`` to text, choosing the charset as the module docstring describes.

    Args:
        body: the raw bytes.
        header_charset: the ``charset`` parameter of the ``Content-Type`` header, if any.
        html: also look for ``<meta charset>`` / ``http-equiv`` declarations.

    Returns:
        The decoded text (BOM removed), the Python codec name, and the source that decided.
    """
    notes: list[str] = []
    bom = _bom_of(body)
    candidates: list[tuple[str, str]] = []
    if bom is not None:
        candidates.append((bom, "bom"))
    if header_charset:
        candidates.append((header_charset, "header"))
    if html:
        match = _META_CHARSET.search(body[:_META_WINDOW])
        if match:
            label = match.group(1).decode("ascii", "replace")
            # A meta tag read as ASCII cannot really mean UTF-16 (WHATWG: treat as UTF-8).
            candidates.append(("utf-8" if label.lower().startswith("utf-16") else label, "meta"))
    failed: list[str] = []
    for label, source in candidates:
        codec = _codec_for(label)
        if codec is None:
            notes.append(f"charset_unknown: {source} declares {label!r}")
            continue
        data = body[len(_BOM_BYTES[codec]) :] if source == "bom" else _strip_bom(body, codec)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            mostly = _mostly_utf8(data) if codec == "utf-8" else None
            if mostly is not None:
                text, replaced = mostly
                notes.append(_replaced_note(replaced, codec))
                return Decoded(text, codec, source, tuple(notes))
            notes.append(f"charset_wrong: {source} declares {label!r} but the bytes are not {codec}")
            failed.append(codec)
            continue
        return Decoded(text, codec, source, tuple(notes))
    data = body
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "detected", tuple(notes))
    except UnicodeDecodeError:
        mostly = None if "utf-8" in failed else _mostly_utf8(data)
        if mostly is not None:
            text, replaced = mostly
            notes.append(_replaced_note(replaced, "utf-8"))
            return Decoded(text, "utf-8", "detected", tuple(notes))
    detected = _detect(data)
    if detected is not None:
        try:
            return Decoded(data.decode(detected), detected, "detected", tuple(notes))
        except UnicodeDecodeError:
            pass
    codec = failed[0] if failed else (detected or "utf-8")
    text = data.decode(codec, errors="replace")
    notes.append(_replaced_note(text.count("\ufffd"), codec))
    return Decoded(text, codec, "fallback", tuple(notes))


def _mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """The text and its count of U+FFFD when ``data`` is mostly UTF-8 (see :data:`_MOSTLY`).

    UTF-8 only: its multi-byte sequences are self-checking, so text in another charset almost never
    decodes as UTF-8 by chance; UTF-16 or a single-byte charset "decodes" nearly any bytes into garbage.
    """
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    # Counted in C: the characters that are not ASCII, less the replacements among them.
    decoded = len(text) - len(text.encode("ascii", "ignore")) - replaced
    return (text, replaced) if decoded >= _MOSTLY * replaced else None


def _replaced_note(replaced: int, codec: str) -> str:
    return f"charset_replaced: {replaced} undecodable byte sequence(s) replaced with U+FFFD using {codec}"


_BOM_BYTES = {name: bom for bom, name in _BOMS}


def _bom_of(body: bytes) -> str | None:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name
    return None


def _strip_bom(body: bytes, codec: str) -> bytes:
    if codec == "utf-8" and body.startswith(codecs.BOM_UTF8):
        return body[3:]
    return body


def _codec_for(label: str) -> str | None:
    """The Python codec to decode ``label`` with (browser supersets applied), or ``None``."""
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    # Python normalises "utf-16" to a BOM-sniffing codec; without a BOM, little-endian is the web default.
    if name == "utf-16":
        return "utf-16-le"
    return _SUPERSETS.get(name, name)


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data[:_DETECT_WINDOW]))
    if not matches:
        return None
    best = matches[0]
    # Short Western texts often tie between cp1250 and cp1252; windows-1252 is the web's legacy default
    # (WHATWG Encoding: the fallback for most locales), so it wins ties.
    for match in matches:
        if (match.chaos, match.coherence) == (best.chaos, best.coherence) and "cp1252" in (
            match.could_be_from_charset
        ):
            return "cp1252"
    return _codec_for(best.encoding)


def _looks_like_json(body: bytes, bom_charset: str | None) -> bool:
    """True when the whole body parses as JSON (very large bodies: when it merely ends like JSON)."""
    if len(body) > _JSON_PARSE_LIMIT:
        return body.rstrip()[-1:] in (b"}", b"]")
    try:
        json.loads(body.decode(bom_charset or "utf-8", errors="strict").lstrip("\ufeff"))
    except (UnicodeDecodeError, ValueError):
        return False
    return True
