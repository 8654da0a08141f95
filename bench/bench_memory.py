"""Benchmark: peak memory of extracting bodies under the fetcher's byte cap, as a multiple of the body.

Prints, per body shape, the peak resident memory that ``extract_document`` added (and then also counting
the document's tokens, what the fetcher does next), divided by the body's size (not a test). Each shape
runs in a fresh child process: the child imports and warms the kit, notes its peak RSS so far
(``ru_maxrss``), builds the body, extracts, and reports the growth of the peak beyond the body itself.
RSS, not tracemalloc, so memory taken by native code (lxml, html-to-markdown, pypdf, tiktoken) counts.
Target (issue #12): at most 30x the body.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

TARGET = 30.0
MB = 1024 * 1024

# name -> (Python expression building the body, content type)
SHAPES: dict[str, tuple[str, str]] = {
    "text, 10 MB without spaces": ("b'a' * (10 * MB)", "text/plain"),
    "text, 10 MB of short lines": ("b'tide table\\n' * (10 * MB // 11)", "text/plain"),
    "text, 10 MB of prose": ("(b'The tide comes in twice a day. ' * (10 * MB // 31))", "text/plain"),
    "html, 10 MB without spaces": (
        "b'<html><body><p>' + b'a' * (10 * MB) + b'</p></body></html>'",
        "text/html",
    ),
    "html, 2 MB article": (
        "b'<html><head><title>T</title></head><body>' + b'<p>The tide comes in twice a day.</p>' * 56_000"
        " + b'</body></html>'",
        "text/html",
    ),
    "html, nested 100,000 deep": (
        "b'<html><body>' + b'<div>' * 100_000 + b'deep' + b'</div>' * 100_000 + b'</body></html>'",
        "text/html",
    ),
    "html, 10 MB of tags": ("b'<html><body>' + b'<span><b><i>x</i></b></span>' * 370_000", "text/html"),
    "pdf, 60 pages": ("pdf_body(60)", "application/pdf"),
}
MODES = ("text", "api")

_CHILD = textwrap.dedent(
    """
    import io, json, resource, sys
    from webfetch_kit.reading import extract_document
    from webfetch_kit.tokens import count_tokens

    MB = 1024 * 1024

    def pdf_body(pages):
        from pypdf import PdfWriter
        from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
        writer = PdfWriter()
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        for number in range(pages):
            page = writer.add_blank_page(612, 792)
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
                {NameObject("/F1"): writer._add_object(font)})})
            lines = "".join(f"BT /F1 10 Tf 40 {760 - 12 * i} Td (Page {number} line {i}: the tide comes in"
                            f" twice a day) Tj ET\\n" for i in range(60))
            stream = DecodedStreamObject()
            stream.set_data(lines.encode())
            page[NameObject("/Contents")] = writer._add_object(stream)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    def peak():
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux

    expression, content_type, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    warm = extract_document(b"<html><body><p>warm</p></body></html>", "text/html", mode=mode)
    count_tokens("warm up the encoder")
    body = eval(expression)
    before = peak()  # the body is built: only what extraction adds on top of it is measured
    document = extract_document(body, content_type, mode=mode)
    extracted = peak()
    tokens = count_tokens(document.text)
    counted = peak()
    print(json.dumps({"body": len(body), "extract": extracted - before, "tokens": counted - before,
                      "chars": len(document.text), "count": int(tokens),
                      "notes": [note.split(":")[0] for note in document.notes]}))
    """
)


def measure(expression: str, content_type: str, mode: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, expression, content_type, mode],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    measured: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    print(f"{'shape':<28} {'mode':<5} {'body MB':>8} {'extract x':>10} {'+tokens x':>10}  notes")
    worst = 0.0
    for name, (expression, content_type) in SHAPES.items():
        for mode in MODES if content_type == "text/html" else MODES[:1]:
            figures = measure(expression, content_type, mode)
            body = float(figures["body"])  # type: ignore[arg-type]
            extract_ratio = float(figures["extract"]) / body  # type: ignore[arg-type]
            token_ratio = float(figures["tokens"]) / body  # type: ignore[arg-type]
            worst = max(worst, extract_ratio)
            notes = ",".join(figures["notes"])  # type: ignore[arg-type]
            print(
                f"{name:<28} {mode:<5} {body / MB:>8.2f} {extract_ratio:>10.1f} {token_ratio:>10.1f}  {notes}"
            )
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"target: extraction peak <= {TARGET:g}x the body; worst {worst:.1f}x: {verdict}")


if __name__ == "__main__":
    main()
