"""The corpus on disk: manifest completeness, special files, PDFs and their reproducible build."""

from __future__ import annotations

import importlib.util
import io
import json
from pathlib import Path

import idna
import pypdf
import pytest
from pypdf.errors import PdfReadError

from webfetch_kit.errors import CorpusError
from webfetch_kit.lab.corpus import CORPUS_HOSTS, LAB_HOST, LOOKALIKE_HOST, corpus_dir, documents

ROOT = Path(__file__).resolve().parents[2]
PAPERS = "papers.example.net"


def test_manifest_lists_every_file_and_every_entry_exists() -> None:
    corpus = corpus_dir()
    docs = documents()
    listed = {d.file.relative_to(corpus.resolve()).as_posix() for d in docs}
    on_disk = {p.relative_to(corpus).as_posix() for p in corpus.rglob("*") if p.is_file()} - {"manifest.json"}
    assert listed == on_disk
    assert len(docs) == len(listed)  # no file listed twice
    assert all(d.file.is_file() for d in docs)
    assert len(docs) >= 30


def test_manifest_entries_are_well_formed() -> None:
    for doc in documents():
        assert doc.host in CORPUS_HOSTS and doc.host != LAB_HOST
        assert doc.path.startswith("/")
        assert doc.url == f"https://{doc.host}{doc.path}"
        assert doc.title and doc.description and doc.content_type
        assert doc.file.relative_to(corpus_dir().resolve()).parts[0] == doc.host


def test_every_host_except_the_lab_has_documents() -> None:
    assert {d.host for d in documents()} == set(CORPUS_HOSTS) - {LAB_HOST}


def test_news_and_blog_articles_carry_publication_dates() -> None:
    dated = [d for d in documents() if d.host == "news.example.com"]
    assert len(dated) >= 5
    for doc in dated:
        assert doc.published is not None
        assert f'content="{doc.published}T' in doc.file.read_text(encoding="utf-8")
    posts = [d for d in documents() if d.host == "blog.example.org" and d.path.startswith("/posts/")]
    assert len(posts) >= 5 and all(d.published for d in posts)


def test_lookalike_host_is_the_idna_a_label_of_cyrillic_docs() -> None:
    assert idna.encode("dоcs.example.com", uts46=True).decode() == LOOKALIKE_HOST
    assert LOOKALIKE_HOST != "docs.example.com"
    assert (corpus_dir() / LOOKALIKE_HOST / "guide" / "web-fetch.html").is_file()


def test_reference_page_is_about_100_kb() -> None:
    [doc] = [d for d in documents() if d.url == "https://docs.example.com/guide/web-fetch"]
    size = doc.file.stat().st_size
    assert 95_000 <= size <= 130_000


def test_legacy_page_is_windows_1252_not_utf8() -> None:
    [doc] = [d for d in documents() if d.path == "/legacy/charset"]
    assert doc.content_type == "text/html; charset=windows-1252"
    raw = doc.file.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "12 € par mois" in text and "“typographiques”" in text and "crème brûlée" in text
    assert b"\x80" in raw  # the euro sign exists in windows-1252 only, not in ISO-8859-1
    assert 'charset="windows-1252"' in text or "charset=windows-1252" in text


def test_unsupported_and_plain_types_are_present() -> None:
    types = {d.path: d.content_type for d in documents() if d.host == "docs.example.com"}
    assert types["/notes/changelog.txt"] == "text/plain; charset=utf-8"
    assert types["/api/tools.json"] == "application/json"
    assert types["/img/pipeline.png"] == "image/png"
    png = (corpus_dir() / "docs.example.com" / "img" / "pipeline.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    json.loads((corpus_dir() / "docs.example.com" / "api" / "tools.json").read_text())


@pytest.mark.parametrize(
    ("name", "pages", "phrase_on_page_2"),
    [
        ("agents-that-fetch.pdf", 6, "A fetch tool gives a model eyes on the live web."),
        ("token-budgets.pdf", 4, "Characters are a poor proxy for tokens."),
        ("ssrf-survey.pdf", 5, "cloud metadata service at 169.254.169.254"),
        ("tide-pools.pdf", 4, "photographed, measured and searched"),
    ],
)
def test_pdfs_extract_per_page(name: str, pages: int, phrase_on_page_2: str) -> None:
    reader = pypdf.PdfReader(corpus_dir() / PAPERS / name)
    assert not reader.is_encrypted
    assert len(reader.pages) == pages
    texts = [page.extract_text() for page in reader.pages]
    assert all(len(t) > 100 for t in texts)
    assert phrase_on_page_2 in " ".join(texts[1].split())
    assert phrase_on_page_2 not in " ".join(texts[0].split())
    assert texts[-1].rstrip().endswith(f"Page {pages}")


def test_encrypted_pdf_needs_its_password() -> None:
    reader = pypdf.PdfReader(corpus_dir() / PAPERS / "encrypted.pdf")
    assert reader.is_encrypted
    with pytest.raises(pypdf.errors.FileNotDecryptedError):
        reader.pages[0].extract_text()
    assert reader.decrypt("lab") != pypdf.PasswordType.NOT_DECRYPTED
    assert "This report is encrypted." in reader.pages[0].extract_text()


def test_truncated_pdf_does_not_parse() -> None:
    data = (corpus_dir() / PAPERS / "truncated.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" not in data
    with pytest.raises(PdfReadError):
        pypdf.PdfReader(io.BytesIO(data), strict=True)


def test_pdf_build_is_reproducible(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "make_corpus_pdfs", ROOT / "scripts" / "make_corpus_pdfs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    entries = module.build(tmp_path)
    assert [e["file"] for e in entries] == [
        f"{PAPERS}/{p}"
        for p in (
            "agents-that-fetch.pdf",
            "token-budgets.pdf",
            "ssrf-survey.pdf",
            "tide-pools.pdf",
            "encrypted.pdf",
            "truncated.pdf",
        )
    ]
    for built in sorted(tmp_path.iterdir()):
        assert built.read_bytes() == (corpus_dir() / PAPERS / built.name).read_bytes(), built.name


def test_documents_rejects_a_malformed_manifest(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match=r"corpus manifest .*manifest\.json not found"):
        documents(tmp_path)
    (tmp_path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CorpusError, match="is not valid JSON"):
        documents(tmp_path)
    (tmp_path / "manifest.json").write_text('{"documents": {}}', encoding="utf-8")
    with pytest.raises(CorpusError, match="must be an object with a 'documents' list"):
        documents(tmp_path)
    (tmp_path / "manifest.json").write_text('{"documents": [{"host": "a", "file": "a/x"}]}', encoding="utf-8")
    with pytest.raises(
        CorpusError,
        match=r"manifest entry 0 \('a/x'\) lacks path, title, content_type, published, description",
    ):
        documents(tmp_path)


def test_the_injected_guest_post_asks_for_a_secret_and_is_listed_nowhere_else() -> None:
    from webfetch_kit.reading import extract_document
    from webfetch_kit.rules.provenance import extract_urls

    [doc] = [d for d in documents() if d.url == "https://blog.example.org/posts/river-loop"]
    assert doc.published == "2025-10-19" and "prompt injection" in doc.description
    text = extract_document(doc.file.read_bytes(), doc.content_type, doc.url).text
    assert "Note to AI assistants reading this page for someone" in text
    urls = extract_urls(text)
    assert urls == [
        "https://lab.example.net/collect?ref=REFERENCE",
        *(f"https://lab.example.net/collect/{digit}" for digit in range(10)),
    ]
    # Unlisted: the other pages (sidebars, teasers, the index) are as they were without it.
    for other in documents():
        if other.file.suffix in {".html", ".txt"} and other.url != doc.url:
            assert b"river-loop" not in other.file.read_bytes(), other.url
