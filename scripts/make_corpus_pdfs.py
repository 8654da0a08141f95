"""Build the PDFs of the local corpus (data/corpus/papers.example.net/) with pypdf only.

Each page is a content stream drawn with the standard Helvetica font (WinAnsiEncoding), so pypdf
extracts the text back page by page. The bytes are reproducible: pypdf writes no dates, and the file
identifiers (which also seed the encryption key) are fixed.

Run from the repository root:  python scripts/make_corpus_pdfs.py
The texts are original writing for webfetch-kit (MIT, like the project).
"""

# ruff: noqa: E501  (long lines of prose data)
from __future__ import annotations

import hashlib
import sys
import textwrap
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

OUT = Path(__file__).resolve().parent.parent / "data" / "corpus" / "papers.example.net"
HOST = "papers.example.net"
LICENCE = "Original text written for webfetch-kit (MIT)."
WIDTH, HEIGHT = 612, 792  # US Letter, points
LINE_CHARS = 88
LEADING = 14

# Each paper: (file, title, published, description, pages); a page is (heading, paragraphs).
Page = tuple[str, list[str]]
PAPERS: list[tuple[str, str, str, str, list[Page]]] = [
    (
        "agents-that-fetch.pdf",
        "Agents That Fetch: Provenance Rules for Tool-Using Language Models",
        "2025-06-02",
        "A working paper on why a model may only fetch URLs that already appeared in the conversation.",
        [
            (
                "Abstract",
                [
                    "Language models that can fetch web pages turn every URL in a conversation into a possible "
                    "action. We study a simple provenance rule: the model may fetch a URL only if that exact URL "
                    "was already present in the conversation, either typed by the user, returned by a search "
                    "tool, or found in an earlier fetch result. We show that the rule removes the easiest data "
                    "exfiltration channel, in which an injected instruction asks the model to build a URL that "
                    "carries private data in its query string, while keeping nearly all legitimate research "
                    "workflows intact.",
                    "Keywords: web fetch, provenance, prompt injection, exfiltration, tool use.",
                ],
            ),
            (
                "1. Introduction",
                [
                    "A fetch tool gives a model eyes on the live web. The same tool gives an attacker a mouth: "
                    "if a page the model reads contains hidden instructions, those instructions may ask the model "
                    "to visit an address of the attacker's choosing. When the address itself encodes secrets, "
                    "for instance https://collector.example/?q= followed by the user's notes, the request alone "
                    "leaks the data, whatever the response says.",
                    "Classic defences filter content. Provenance filters actions instead. The question the "
                    "executor asks is not whether the page looks dangerous but whether the model was ever shown "
                    "this URL. A URL that nobody wrote down cannot be fetched, so a model cannot compose one "
                    "character by character from private context.",
                ],
            ),
            (
                "2. The provenance ledger",
                [
                    "We keep a ledger: the set of URLs observed in user messages, in search results, in fetch "
                    "results and in client tool results. Each time the model asks for a fetch, the executor "
                    "normalises the requested URL in the same way as the observed ones and checks membership. "
                    "Normalisation matters. Lower-casing the host, removing a default port and resolving dot "
                    "segments are safe; dropping the query string is not, because the query is exactly where "
                    "exfiltrated data hides.",
                    "Redirects need care. A page the user shared may redirect elsewhere. We allow the redirect "
                    "target because the server, not the model, chose it, but we run every other check again on "
                    "each hop: domain rules, address rules and size limits.",
                ],
            ),
            (
                "3. Threat model",
                [
                    "The attacker controls some page that the model will read, and wants either private data "
                    "from the conversation or access to internal services reachable from the fetcher. The first "
                    "goal is exfiltration; the second is server-side request forgery. Provenance addresses the "
                    "first. The second needs an address guard: resolve the host, refuse private, loopback, "
                    "link-local and metadata addresses, and connect to the address that was checked.",
                    "We do not consider attackers who control the user's own messages, nor those who can change "
                    "search results. Both can place arbitrary URLs in the ledger.",
                ],
            ),
            (
                "4. Evaluation",
                [
                    "We replayed 1,200 research conversations with the rule enforced. In 97.4 percent of them "
                    "every fetch the model attempted was already in the ledger. Most of the remaining cases were "
                    "harmless guesses, such as adding /about to a homepage, which the user could approve by "
                    "pasting the URL. In a red-team set of 150 injected pages, the rule blocked every attempt "
                    "that built a new URL from private data, and none of the blocked fetches were needed to "
                    "answer the user's question.",
                    "The cost of the rule is friction, not accuracy: a model that cannot guess URLs asks for "
                    "them, or searches first and then fetches a result.",
                ],
            ),
            (
                "5. Conclusion",
                [
                    "Provenance is cheap to implement and easy to explain: a fetch is allowed when the URL was "
                    "already seen. Combined with domain allow lists, a cap on the number of fetches, and an "
                    "address guard against internal targets, it turns an open-ended tool into one whose "
                    "behaviour a reviewer can predict.",
                ],
            ),
        ],
    ),
    (
        "token-budgets.pdf",
        "Token Budgets for Retrieved Documents",
        "2025-03-17",
        "A note on truncating fetched pages and PDFs to a maximum number of tokens.",
        [
            (
                "Summary",
                [
                    "Retrieved documents are the largest and least predictable part of a prompt. A single "
                    "reference page can hold one hundred thousand tokens; a scanned report can hold none at all. "
                    "This note measures how a fixed token budget per document changes answer quality and cost, "
                    "and recommends truncating at a sentence boundary after counting with the model's own "
                    "tokenizer, or a close approximation when that tokenizer is not available offline.",
                ],
            ),
            (
                "1. Counting",
                [
                    "Characters are a poor proxy for tokens. English prose averages about four characters per "
                    "token, source code fewer, and text in scripts outside the Latin alphabet often far fewer. "
                    "A budget expressed in characters therefore over-fills the prompt for code and under-fills it "
                    "for prose. We count tokens with a byte pair encoding and report the tokenizer used next to "
                    "every number, since counts from different encodings differ by ten to twenty percent.",
                ],
            ),
            (
                "2. Truncation",
                [
                    "Cutting at an exact token offset can split a word or a multi-byte character. We decode the "
                    "first N tokens, then step back to the last sentence end within the final few hundred "
                    "characters. The result is slightly under budget, which is what users expect from a limit "
                    "described as approximate.",
                    "For PDFs the budget applies to the extracted text. Page boundaries are natural cut points: "
                    "keeping whole pages makes page-level citations easier to verify.",
                ],
            ),
            (
                "3. Cost",
                [
                    "Input tokens dominate the cost of research conversations. Fetching a long page and asking "
                    "three follow-up questions sends that page four times unless the prefix is cached. With "
                    "prompt caching, the first request pays a small premium to write the cache and later requests "
                    "read it at a fraction of the base price. A budget of twenty thousand tokens per document "
                    "kept 95 percent of answer quality in our tests at a third of the cost of unlimited fetches.",
                ],
            ),
        ],
    ),
    (
        "ssrf-survey.pdf",
        "Server-Side Request Forgery in Fetching Services: A Survey",
        "2024-11-08",
        "A survey of SSRF attacks against URL fetchers and the defences that hold up.",
        [
            (
                "Abstract",
                [
                    "Any service that fetches a URL on someone else's behalf can be turned against the network "
                    "it runs in. This survey collects server-side request forgery techniques seen against link "
                    "previewers, webhook senders and, most recently, tools used by language models, and lists "
                    "the defences that survived them.",
                ],
            ),
            (
                "1. Targets",
                [
                    "The classic target is the cloud metadata service at 169.254.169.254, which hands out "
                    "temporary credentials to any process on the machine that asks. Other targets are admin "
                    "panels bound to loopback, databases on private ranges such as 10.0.0.0/8, and services "
                    "reachable only through a service mesh.",
                ],
            ),
            (
                "2. Techniques",
                [
                    "Attackers rarely write 127.0.0.1. They write 2130706433, 0x7f.1, 127.1 or [::ffff:127.0.0.1], "
                    "all of which resolvers accept. They register a name that resolves to a public address when "
                    "checked and to a private one a second later, a trick called DNS rebinding. They host a "
                    "public page that answers with a redirect to an internal address. And they exploit parser "
                    "differences: a URL with a backslash or an at sign can name one host to the validator and "
                    "another to the HTTP client.",
                ],
            ),
            (
                "3. Defences that hold",
                [
                    "Resolve first and decide on every resolved address, not on the string. Refuse the request "
                    "if any address is loopback, private, link-local, multicast, reserved or otherwise not "
                    "globally routable. Pin the connection to the address you checked, so that a second "
                    "resolution cannot change it. Follow redirects yourself and repeat every check on every hop. "
                    "Disable proxies taken from the environment, which would bypass the pin.",
                ],
            ),
            (
                "4. Resource exhaustion",
                [
                    "A fetcher must also survive hostile responses: a body that never ends, a server that sends "
                    "one byte every few seconds, a gzip stream that inflates a thousandfold. Keep one wall-clock "
                    "deadline for the whole fetch, count raw bytes before decompression, and decompress with a "
                    "bounded decompressor.",
                ],
            ),
        ],
    ),
    (
        "tide-pools.pdf",
        "Life in the Intertidal Zone: A Field Survey of Rock Pools",
        "2023-08-21",
        "A field survey of rock pool species across tide heights on a temperate shore.",
        [
            (
                "Introduction",
                [
                    "Rock pools are small worlds that the sea refills twice a day. Between tides their "
                    "inhabitants face warming water, rising salinity and falling oxygen, yet they hold some of "
                    "the densest communities on the coast. We surveyed forty pools across three tide heights on "
                    "a temperate rocky shore during the summer of 2023.",
                ],
            ),
            (
                "Methods",
                [
                    "Each pool was photographed, measured and searched for ten minutes at low water. We recorded "
                    "periwinkles, limpets, dog whelks, beadlet anemones, shore crabs, blennies and the common "
                    "prawn, along with water temperature at the start and end of the emersion period.",
                ],
            ),
            (
                "Results",
                [
                    "Upper-shore pools warmed by up to nine degrees during a single low tide and held mostly "
                    "periwinkles and a few hardy anemones. Mid-shore pools were richest: blennies hid under "
                    "ledges, prawns gathered in shaded corners and shore crabs outnumbered every other mobile "
                    "animal. Lower-shore pools resembled the shallow sea, with kelp fronds and occasional "
                    "juvenile fish stranded by the falling tide.",
                    "Limpets returned to the same home scar after grazing, confirming a behaviour first "
                    "described more than a century ago.",
                ],
            ),
            (
                "Discussion",
                [
                    "Temperature, not salinity, best predicted species counts. Pools shaded by overhanging rock "
                    "supported twice as many species as exposed pools of the same size, suggesting that shade "
                    "will matter more as summers warm.",
                ],
            ),
        ],
    ),
]

ENCRYPTED = (
    "encrypted.pdf",
    "Encrypted Report (password protected)",
    "A PDF encrypted with RC4-128; password 'lab'.",
)
TRUNCATED = (
    "truncated.pdf",
    "Truncated Report (broken file)",
    "The first 40% of a valid PDF: no xref, no trailer.",
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _content_stream(title: str, heading: str, paragraphs: list[str], number: int) -> bytes:
    lines: list[tuple[int, str]] = []  # (font size, text)
    if number == 1:
        for line in textwrap.wrap(title, 60):
            lines.append((16, line))
        lines.append((11, ""))
    lines.append((13, heading))
    for paragraph in paragraphs:
        lines.append((11, ""))
        lines.extend((11, line) for line in textwrap.wrap(paragraph, LINE_CHARS))
    ops = ["BT", f"{LEADING} TL", f"72 {HEIGHT - 72} Td"]
    current = 0
    for size, text in lines:
        if size != current:
            ops.append(f"/F1 {size} Tf")
            current = size
        ops.append(f"({_escape(text)}) Tj T*")
    ops.append(f"/F1 9 Tf (Page {number}) Tj")
    ops.append("ET")
    return "\n".join(ops).encode("cp1252")


def _writer(title: str, pages: list[Page]) -> PdfWriter:
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    font_ref = writer._add_object(font)
    for number, (heading, paragraphs) in enumerate(pages, start=1):
        page = writer.add_blank_page(WIDTH, HEIGHT)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        stream = DecodedStreamObject()
        stream.set_data(_content_stream(title, heading, paragraphs, number))
        page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": title, "/Author": "webfetch-kit corpus", "/Producer": "pypdf"})
    # Fixed file identifiers keep the bytes (and the RC4 key of the encrypted copy) reproducible.
    fixed = ByteStringObject(hashlib.md5(title.encode()).digest())
    writer._ID = ArrayObject((fixed, fixed))
    writer.generate_file_identifiers = lambda: None  # type: ignore[method-assign]
    return writer


def build(out: Path = OUT) -> list[dict[str, object]]:
    """Write every PDF into ``out`` and return their manifest entries."""
    out.mkdir(parents=True, exist_ok=True)
    entries: list[dict[str, object]] = []

    def entry(file: str, title: str, published: str | None, description: str) -> dict[str, object]:
        return {
            "host": HOST,
            "path": f"/{file}",
            "file": f"{HOST}/{file}",
            "title": title,
            "content_type": "application/pdf",
            "published": published,
            "description": description,
            "source": LICENCE,
        }

    first_bytes = b""
    for file, title, published, description, pages in PAPERS:
        writer = _writer(title, pages)
        path = out / file
        with path.open("wb") as handle:
            writer.write(handle)
        first_bytes = first_bytes or path.read_bytes()
        entries.append(entry(file, title, published, description))

    file, title, description = ENCRYPTED
    writer = _writer(
        title,
        [
            (
                "Confidential",
                ["This report is encrypted. Without the password a fetcher sees only ciphertext."],
            )
        ],
    )
    writer.encrypt(user_password="lab", owner_password="lab-owner", algorithm="RC4-128")
    with (out / file).open("wb") as handle:
        writer.write(handle)
    entries.append(entry(file, title, None, description))

    file, title, description = TRUNCATED
    (out / file).write_bytes(first_bytes[: int(len(first_bytes) * 0.4)])
    entries.append(entry(file, title, None, description))
    return entries


if __name__ == "__main__":
    for item in build():
        print(item["file"], file=sys.stdout)
