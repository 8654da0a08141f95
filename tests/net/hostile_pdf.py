"""A small PDF whose pages share one ~19 MB content stream: minutes of pypdf work per page (tests only).

43 KB on disk, under every pypdf limit the kit sets (the stream inflates to less than 20 MB), yet each
page's text extraction runs for minutes, so a read of it never finishes within any test's time bound: a
deterministic overrun. With ``light_first`` the first page has its own tiny content and reads at once.
"""

from __future__ import annotations

import zlib

from webfetch_kit.lab.hostile import write_pdf

FIRST_PAGE_TEXT = "The first page reads at once."


def hostile_pdf(pages: int = 100, *, light_first: bool = False, repeats: int = 2_700_000) -> bytes:
    heavy = zlib.compress(b"BT /F1 1 Tf " + b"(x) Tj " * repeats + b"ET", 9)
    light = f"BT /F1 12 Tf 72 720 Td ({FIRST_PAGE_TEXT}) Tj ET".encode()
    kids = " ".join(f"{6 + i} 0 R" for i in range(pages))
    page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(heavy) + heavy + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(light) + light + b"\nendstream",
    ]
    for number in range(pages):
        contents = 5 if light_first and number == 0 else 4
        objects.append(f"{page}/Contents {contents} 0 R >>".encode())
    return write_pdf(objects)
