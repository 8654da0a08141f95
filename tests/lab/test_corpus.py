"""The corpus server: virtual hosts, the httpx transports, the request log and the lab's misbehaving routes.

Tests that assert on the request log use a ``fresh_site`` of their own (the session's ``corpus_site`` is
shared by every test of a worker). Nothing here measures time: slow and endless routes are checked by
what reaches the server (``wait_for_requests``, a request pending with status 0) and what is sent.
"""

from __future__ import annotations

import asyncio
import html
import http.client
import io
import socket
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import trafilatura

from webfetch_kit.errors import ConfigError
from webfetch_kit.lab.corpus import CORPUS_HOSTS, LOOKALIKE_HOST, CorpusSite, ServedRequest, serve

LAB = "https://lab.example.net"


@pytest.fixture
def site(corpus_site: CorpusSite) -> CorpusSite:
    """The session's corpus server, for tests that read pages and assert nothing about its log."""
    return corpus_site


@pytest.fixture
def client(site: CorpusSite) -> Iterator[httpx.Client]:
    with httpx.Client(transport=site.transport(), timeout=10) as c:
        yield c


@pytest.fixture
def fresh_client(fresh_site: CorpusSite) -> Iterator[httpx.Client]:
    """A client of this test's own server (``fresh_site``), whose log holds this test's requests only."""
    with httpx.Client(transport=fresh_site.transport(), timeout=10) as c:
        yield c


def raw_get(site: CorpusSite, path: str, host: str | None) -> tuple[int, dict[str, str], bytes]:
    """A plain HTTP/1.1 request straight to the server, with any Host header (or none)."""
    conn = http.client.HTTPConnection(site.address, site.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


# --- virtual hosts and static files ---------------------------------------------------------------


def test_reference_page_over_https_url(fresh_site: CorpusSite, fresh_client: httpx.Client) -> None:
    site, client = fresh_site, fresh_client
    resp = client.get("https://docs.example.com/guide/web-fetch")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "text/html; charset=utf-8"
    assert int(resp.headers["content-length"]) == len(resp.content) > 95_000
    assert "<title>Web fetch tool - Example Docs</title>" in resp.text
    assert site.requests == [ServedRequest("docs.example.com", "/guide/web-fetch", "GET", 200)]


@pytest.mark.parametrize(
    ("url", "marker"),
    [
        ("https://docs.example.com/", "<title>Home - Example Docs</title>"),
        ("https://docs.example.com/app/", '<div id="root"></div>'),
        ("https://docs.example.com/app", '<div id="root"></div>'),
        ("https://docs.example.com/guide/web-fetch.html", "Web fetch tool"),
        ("http://blog.example.org/posts/homographs", "When dоcs is not docs"),
        ("https://news.example.com/2025/09/web-fetch-beta", 'content="2025-09-10T09:30:00+00:00"'),
        ("https://DOCS.Example.COM./guide/caching", "<title>Prompt caching - Example Docs</title>"),
    ],
)
def test_paths_map_to_files(client: httpx.Client, url: str, marker: str) -> None:
    resp = client.get(url)
    assert resp.status_code == 200
    assert marker in resp.text


def test_missing_page_is_404(fresh_site: CorpusSite, fresh_client: httpx.Client) -> None:
    resp = fresh_client.get("https://docs.example.com/guide/nope")
    assert resp.status_code == 404
    assert fresh_site.count_for("docs.example.com", "/guide/nope") == 1
    assert fresh_site.requests == [ServedRequest("docs.example.com", "/guide/nope", "GET", 404)]


def test_content_types(client: httpx.Client) -> None:
    expected = {
        "https://docs.example.com/notes/changelog.txt": "text/plain; charset=utf-8",
        "https://docs.example.com/api/tools.json": "application/json",
        "https://docs.example.com/img/pipeline.png": "image/png",
        "https://papers.example.net/token-budgets.pdf": "application/pdf",
        "https://docs.example.com/legacy/charset": "text/html; charset=windows-1252",
    }
    for url, content_type in expected.items():
        resp = client.get(url)
        assert (resp.status_code, resp.headers["content-type"]) == (200, content_type), url
    assert client.get("https://docs.example.com/img/pipeline.png").content.startswith(b"\x89PNG")


def test_non_utf8_page_served_with_its_charset(client: httpx.Client) -> None:
    resp = client.get("https://docs.example.com/legacy/charset")
    assert resp.encoding == "windows-1252"
    assert "12 € par mois" in resp.text
    with pytest.raises(UnicodeDecodeError):
        resp.content.decode("utf-8")


def test_blog_article_main_text_extracts_without_chrome(client: httpx.Client) -> None:
    resp = client.get("https://blog.example.org/posts/deadlines-for-fetchers")
    assert 8_000 < len(resp.content) < 14_000
    text = trafilatura.extract(resp.text, include_comments=False) or ""
    assert "Last month one of our agents spent forty minutes reading a single web page." in text
    assert "forty-minute page became an ordinary error" in text
    for chrome in ("Accept all", "Newsletter", "Recent posts", "You might also like", "Imprint", "Tomasz"):
        assert chrome not in text


def test_javascript_only_page_has_no_article_text(client: httpx.Client) -> None:
    text = trafilatura.extract(client.get("https://docs.example.com/app/").text) or ""
    assert "Usage this month" not in text


def test_cyrillic_lookalike_host(fresh_site: CorpusSite, fresh_client: httpx.Client) -> None:
    site, client = fresh_site, fresh_client
    by_a_label = client.get(f"https://{LOOKALIKE_HOST}/guide/web-fetch")
    by_unicode = client.get("https://dоcs.example.com/guide/web-fetch")  # Cyrillic о
    genuine = client.get("https://docs.example.com/guide/web-fetch")
    assert by_a_label.status_code == by_unicode.status_code == 200
    assert by_a_label.content == by_unicode.content != genuine.content
    assert "paste your secret key" in by_a_label.text
    assert site.count_for(LOOKALIKE_HOST) == 2
    assert site.count_for("dоcs.example.com") == 2  # the Unicode spelling counts as its A-label


@pytest.mark.parametrize(
    "host", ["evil.example.com", "127.0.0.1", "example.com", "docs.example.com.evil", ""]
)
def test_unknown_host_is_404_never_another_site(fresh_site: CorpusSite, host: str) -> None:
    status, _headers, body = raw_get(fresh_site, "/guide/web-fetch", host)
    assert (status, body) == (404, b"unknown host\n")
    assert fresh_site.requests == [ServedRequest(host, "/guide/web-fetch", "GET", 404)]


def test_missing_host_header_is_404(site: CorpusSite) -> None:
    status, _, body = raw_get(site, "/", None)
    assert (status, body) == (404, b"unknown host\n")


def test_host_header_port_is_ignored(site: CorpusSite) -> None:
    status, _, body = raw_get(site, "/guide/citations", f"docs.example.com:{site.port}")
    assert status == 200 and b"<title>Citations - Example Docs</title>" in body


@pytest.mark.parametrize(
    "path", ["/%2e%2e/blog.example.org/index.html", "/../manifest.json", "/..%2fmanifest.json"]
)
def test_paths_cannot_escape_the_host_folder(site: CorpusSite, path: str) -> None:
    status, _, _ = raw_get(site, path, "docs.example.com")
    assert status == 404


def test_head_has_headers_and_no_body(client: httpx.Client) -> None:
    resp = client.head("https://docs.example.com/guide/web-fetch")
    assert resp.status_code == 200 and resp.content == b""
    assert int(resp.headers["content-length"]) > 95_000


# --- site helpers ---------------------------------------------------------------------------------


def test_site_attributes(site: CorpusSite) -> None:
    assert site.address == "127.0.0.1" and site.port > 0
    assert site.hosts == CORPUS_HOSTS
    assert "lab.example.net" in CORPUS_HOSTS and LOOKALIKE_HOST in CORPUS_HOSTS


def test_url_builder(site: CorpusSite) -> None:
    assert site.url("docs.example.com/guide/web-fetch") == "https://docs.example.com/guide/web-fetch"
    assert site.url("lab.example.net/ok", scheme="http") == "http://lab.example.net/ok"
    assert site.url("blog.example.org") == "https://blog.example.org/"
    assert site.url("dоcs.example.com/") == f"https://{LOOKALIKE_HOST}/"
    with pytest.raises(
        ConfigError, match=r"'example\.com' is not a corpus host; known hosts: docs\.example\.com"
    ):
        site.url("example.com/x")
    with pytest.raises(ConfigError, match="give the host and path without a scheme"):
        site.url("https://docs.example.com/x")
    with pytest.raises(ConfigError, match="scheme must be 'http' or 'https', not 'ftp'"):
        site.url("docs.example.com/x", scheme="ftp")


def test_resolver(site: CorpusSite) -> None:
    for host in CORPUS_HOSTS:
        assert site.resolver(host) == ["127.0.0.1"]
    assert site.resolver("dоcs.example.com") == ["127.0.0.1"]
    assert site.resolver("Docs.Example.com.") == ["127.0.0.1"]
    for host in ("example.com", "localhost", "10.0.0.7", "docs.example.com.evil.net"):
        with pytest.raises(socket.gaierror) as info:
            site.resolver(host)
        assert info.value.errno == socket.EAI_NONAME


# --- the transports refuse everything else --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "http://10.0.0.7/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:1/",
        "https://docs.example.com:8443/",
        "http://localhost/",
        "https://xn--dcs-sed.example.org/",
    ],
)
def test_transport_refuses_other_destinations(
    fresh_site: CorpusSite, fresh_client: httpx.Client, url: str
) -> None:
    with pytest.raises(httpx.ConnectError, match="only reaches corpus hosts"):
        fresh_client.get(url)
    assert fresh_site.request_count == 0


def test_async_transport(fresh_site: CorpusSite) -> None:
    site = fresh_site

    async def main() -> tuple[int, str]:
        async with httpx.AsyncClient(transport=site.async_transport()) as aclient:
            with pytest.raises(httpx.ConnectError):
                await aclient.get("https://example.com/")
            resp = await aclient.get("https://news.example.com/2025/10/cycle-lanes")
            return resp.status_code, resp.text

    status, text = asyncio.run(main())
    assert status == 200 and "protected cycle lanes" in text
    assert site.request_count == 1


def test_transport_accepts_the_pinned_address_with_a_host_header(
    site: CorpusSite, client: httpx.Client
) -> None:
    resp = client.get("http://127.0.0.1/guide/domain-filters", headers={"Host": "docs.example.com"})
    assert resp.status_code == 200 and "<title>Domain filters - Example Docs</title>" in resp.text
    resp = client.get("https://127.0.0.1:443/", headers={"Host": "blog.example.org"})
    assert resp.status_code == 200 and "<title>Field Notes</title>" in resp.text


def test_closed_site_transport_refuses(tmp_path: Path) -> None:
    with serve() as other:
        transport = other.transport()
    with httpx.Client(transport=transport) as c, pytest.raises(httpx.ConnectError, match="closed"):
        c.get("https://docs.example.com/")


# --- request log ----------------------------------------------------------------------------------


def test_request_log_counts_concurrent_requests(fresh_site: CorpusSite) -> None:
    site = fresh_site

    def worker() -> None:
        with httpx.Client(transport=site.transport()) as c:
            for _ in range(5):
                assert c.get("https://lab.example.net/ok").status_code == 200

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert site.request_count == 20
    assert site.count_for("lab.example.net", "/ok") == 20
    assert site.count_for(path="/ok") == 20 and site.count_for("docs.example.com") == 0
    site.reset_counts()
    assert site.request_count == 0 and site.requests == []


def test_request_log_records_method_status_and_query(
    fresh_site: CorpusSite, fresh_client: httpx.Client
) -> None:
    site, client = fresh_site, fresh_client
    client.head(f"{LAB}/status/403")
    client.post(f"{LAB}/ok", content=b"x")
    client.get(f"{LAB}/slow?delay=0")
    assert site.requests == [
        ServedRequest("lab.example.net", "/status/403", "HEAD", 403),
        ServedRequest("lab.example.net", "/ok", "POST", 200),
        ServedRequest("lab.example.net", "/slow", "GET", 200, "delay=0"),
    ]


def slow_get_in_thread(site: CorpusSite, route: str, outcome: list[object]) -> threading.Thread:
    """GET ``route`` on the lab host in a thread; its response status or exception lands in ``outcome``."""

    def get() -> None:
        try:
            with httpx.Client(transport=site.transport(), timeout=120) as c:
                outcome.append(c.get(f"{LAB}{route}").status_code)
        except httpx.HTTPError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    return thread


def test_a_request_is_logged_on_arrival_while_its_answer_is_pending(fresh_site: CorpusSite) -> None:
    outcome: list[object] = []
    thread = slow_get_in_thread(fresh_site, "/slow?delay=60", outcome)
    assert fresh_site.wait_for_requests(1)
    # Counted before the route has answered: status 0 says the answer is still pending.
    assert fresh_site.request_count == 1
    assert fresh_site.requests == [ServedRequest("lab.example.net", "/slow", "GET", 0, "delay=60")]
    assert fresh_site.count_for("lab.example.net", "/slow") == 1
    fresh_site.close()
    thread.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.RemoteProtocolError)
    assert fresh_site.requests == [ServedRequest("lab.example.net", "/slow", "GET", 0, "delay=60")]


def test_the_status_is_filled_in_when_the_answer_is_sent(fresh_site: CorpusSite) -> None:
    outcome: list[object] = []
    slow_get_in_thread(fresh_site, "/slow?delay=0.2", outcome).join(30)
    assert outcome == [200]
    assert fresh_site.requests == [ServedRequest("lab.example.net", "/slow", "GET", 200, "delay=0.2")]


def test_a_slow_answer_never_lands_in_a_later_count(fresh_site: CorpusSite) -> None:
    # The cause of the flaky counts: a request logged only when its status line was sent landed in the
    # log after a later reset. Logged on arrival, it is forgotten by the reset and never comes back.
    outcome: list[object] = []
    thread = slow_get_in_thread(fresh_site, "/slow?delay=0.2", outcome)
    assert fresh_site.wait_for_requests(1)
    fresh_site.reset_counts()
    thread.join(30)
    assert outcome == [200]
    assert (fresh_site.request_count, fresh_site.requests) == (0, [])


def test_wait_for_requests_returns_false_when_nothing_arrives(fresh_site: CorpusSite) -> None:
    assert fresh_site.wait_for_requests(1, timeout=0) is False
    assert fresh_site.wait_for_requests(0, timeout=0) is True


def test_a_request_the_stdlib_refuses_is_logged_with_empty_fields(fresh_site: CorpusSite) -> None:
    with socket.create_connection((fresh_site.address, fresh_site.port), timeout=10) as conn:
        conn.sendall(b"BREW /pot HTTP/1.1\r\nHost: lab.example.net\r\n\r\n")
        reply = conn.recv(1024)
    assert reply.startswith(b"HTTP/1.1 501")
    assert fresh_site.requests == [ServedRequest("", "", "BREW", 501)]


# --- lab: redirects -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "location"),
    [
        ("/redirect/once", "/ok"),
        ("/redirect/chain/3", "/redirect/chain/2"),
        ("/redirect/chain/1", "/ok"),
        ("/redirect/loop", "/redirect/loop/again"),
        ("/redirect/loop/again", "/redirect/loop"),
        ("/redirect/cross-host", "https://docs.example.com/guide/web-fetch"),
        ("/redirect/private", "http://10.0.0.7/admin"),
        ("/redirect/metadata", "http://169.254.169.254/latest/meta-data/"),
        ("/redirect/loopback", "http://127.0.0.1/"),
        ("/redirect/downgrade", "http://lab.example.net/ok"),
        ("/redirect/to?url=https%3A%2F%2Fnews.example.com%2F&status=308", "https://news.example.com/"),
    ],
)
def test_redirect_locations(client: httpx.Client, route: str, location: str) -> None:
    resp = client.get(f"{LAB}{route}")
    assert resp.status_code == (308 if "status=308" in route else 302)
    assert resp.headers["location"] == location


def test_redirect_chain_hops_are_counted(fresh_site: CorpusSite) -> None:
    site = fresh_site

    with httpx.Client(transport=site.transport(), follow_redirects=True) as c:
        resp = c.get(f"{LAB}/redirect/chain/5")
    assert resp.status_code == 200 and len(resp.history) == 5
    assert str(resp.url) == f"{LAB}/ok"
    assert site.request_count == 6 and site.count_for(path="/ok") == 1


def test_redirect_loop_never_ends(fresh_site: CorpusSite) -> None:
    site = fresh_site

    with (
        httpx.Client(transport=site.transport(), follow_redirects=True, max_redirects=6) as c,
        pytest.raises(httpx.TooManyRedirects),
    ):
        c.get(f"{LAB}/redirect/loop")
    assert site.request_count == 7


def test_redirect_to_private_address_never_connects_there(fresh_site: CorpusSite) -> None:
    site = fresh_site

    with (
        httpx.Client(transport=site.transport(), follow_redirects=True) as c,
        pytest.raises(httpx.ConnectError, match=r"'10\.0\.0\.7'"),
    ):
        c.get(f"{LAB}/redirect/private")
    assert site.requests == [ServedRequest("lab.example.net", "/redirect/private", "GET", 302)]


def test_downgrade_and_cross_host_reach_the_same_loopback_server(site: CorpusSite) -> None:
    with httpx.Client(transport=site.transport(), follow_redirects=True) as c:
        down = c.get(f"{LAB}/redirect/downgrade")
        cross = c.get(f"{LAB}/redirect/cross-host")
    assert down.url.scheme == "http" and down.status_code == 200
    assert str(cross.url) == "https://docs.example.com/guide/web-fetch" and cross.status_code == 200


@pytest.mark.parametrize("route", ["/redirect/chain/51", "/redirect/chain/x", "/redirect/elsewhere", "/nope"])
def test_unknown_lab_routes_are_404(client: httpx.Client, route: str) -> None:
    assert client.get(f"{LAB}{route}").status_code == 404


# --- lab: statuses, slowness, endless bodies --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "retry_after"), [(404, None), (403, None), (429, "7"), (500, None), (503, "7")]
)
def test_status_routes(client: httpx.Client, code: int, retry_after: str | None) -> None:
    resp = client.get(f"{LAB}/status/{code}")
    assert resp.status_code == code
    assert resp.headers.get("retry-after") == retry_after


def test_slow_answers_after_its_delay(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/slow?delay=0")
    assert resp.status_code == 200 and "Answered after 0 s." in resp.text


def test_slow_sends_no_byte_before_its_delay(fresh_site: CorpusSite, fresh_client: httpx.Client) -> None:
    # 60 s is the route's cap: the client's 0.2 s read timeout always fires first.
    with pytest.raises(httpx.ReadTimeout):
        fresh_client.get(f"{LAB}/slow?delay=60", timeout=0.2)
    assert fresh_site.requests == [ServedRequest("lab.example.net", "/slow", "GET", 0, "delay=60")]


def test_drip_sends_one_byte_at_a_time(client: httpx.Client) -> None:
    chunks: list[bytes] = []
    with client.stream("GET", f"{LAB}/drip?interval=0.01") as resp:
        assert resp.status_code == 200 and "content-length" not in resp.headers
        assert resp.headers["transfer-encoding"] == "chunked"
        for chunk in resp.iter_raw():
            chunks.append(chunk)
            if len(chunks) == 8:
                break
    # Each HTTP chunk holds one byte, and iter_raw yields chunk by chunk however fast they arrive.
    assert chunks == [b"."] * 8


def test_endless_body_is_bounded_by_the_reader(client: httpx.Client) -> None:
    read = 0
    with client.stream("GET", f"{LAB}/endless") as resp:
        assert resp.headers["transfer-encoding"] == "chunked"
        for chunk in resp.iter_raw():
            read += len(chunk)
            if read >= 2 * 1024 * 1024:
                break
    assert read >= 2 * 1024 * 1024


def test_gzip_bomb(client: httpx.Client) -> None:
    with client.stream("GET", f"{LAB}/gzip-bomb") as resp:
        assert resp.headers["content-encoding"] == "gzip"
        raw = b"".join(resp.iter_raw())
    assert len(raw) == int(resp.headers["content-length"]) < 200_000
    inflater = zlib.decompressobj(31)
    inflated = 0
    view = memoryview(raw)
    for start in range(0, len(raw), 8192):
        inflated += len(inflater.decompress(view[start : start + 8192]))
    assert inflated >= 100 * 1024 * 1024


@pytest.mark.parametrize(("route", "encoding"), [("br", "br"), ("unknown", "x-lab")])
def test_unknown_content_encodings(client: httpx.Client, route: str, encoding: str) -> None:
    with client.stream("GET", f"{LAB}/encoding/{route}") as resp:
        raw = b"".join(resp.iter_raw())
    assert resp.headers["content-encoding"] == encoding
    assert b"<html" not in raw and len(raw) == int(resp.headers["content-length"])


def test_valid_gzip_encoding_decodes(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/encoding/gzip")
    assert resp.headers["content-encoding"] == "gzip" and "<title>Encoded</title>" in resp.text


def test_lying_content_types(client: httpx.Client) -> None:
    pdf = client.get(f"{LAB}/types/pdf-as-html")
    assert pdf.headers["content-type"] == "text/html; charset=utf-8" and pdf.content.startswith(b"%PDF-")
    page = client.get(f"{LAB}/types/html-as-pdf")
    assert page.headers["content-type"] == "application/pdf" and page.content.startswith(b"<!doctype html>")
    data = client.get(f"{LAB}/types/json-as-text")
    assert data.headers["content-type"] == "text/plain; charset=utf-8" and data.json()["kind"] == "lab"
    bare = client.get(f"{LAB}/types/none")
    assert "content-type" not in bare.headers and bare.content.startswith(b"<!doctype html>")


def test_oversized_page_with_content_length(client: httpx.Client) -> None:
    with client.stream("GET", f"{LAB}/big/sized") as resp:
        assert int(resp.headers["content-length"]) == 20 * 1024 * 1024
        first = next(resp.iter_raw())
    assert first.startswith(b"<p>This oversized page")


def test_oversized_page_can_be_read_whole(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/big/sized?mb=2")
    assert len(resp.content) == int(resp.headers["content-length"]) == 2 * 1024 * 1024
    chunked = client.get(f"{LAB}/big/chunked?mb=2")
    assert "content-length" not in chunked.headers and len(chunked.content) == 2 * 1024 * 1024


def test_headers_echo_keeps_the_host(client: httpx.Client) -> None:
    echoed = client.get(f"{LAB}/headers", headers={"User-Agent": "corpus-test"}).json()
    assert echoed["headers"]["Host"] == "lab.example.net"
    assert echoed["headers"]["User-Agent"] == "corpus-test"


def test_lab_index_lists_the_routes(client: httpx.Client) -> None:
    assert "/gzip-bomb" in client.get(f"{LAB}/").text


# --- life cycle -----------------------------------------------------------------------------------


def test_serve_exits_fast_with_a_dripping_request_in_flight() -> None:
    got_first_byte = threading.Event()
    client_done = threading.Event()

    def reader(site: CorpusSite) -> None:
        try:
            with (
                httpx.Client(transport=site.transport(), timeout=10) as c,
                c.stream("GET", f"{LAB}/drip") as resp,
            ):
                for _ in resp.iter_raw():
                    got_first_byte.set()
        except httpx.HTTPError:
            pass
        finally:
            client_done.set()

    with serve() as other:
        thread = threading.Thread(target=reader, args=(other,), daemon=True)
        thread.start()
        assert got_first_byte.wait(10)
    # Closing ended the endless body: the reader sees the stream end instead of dripping forever.
    assert client_done.wait(10)


def test_serve_exits_fast_during_a_slow_first_byte() -> None:
    outcome: list[BaseException] = []

    def slow_get(site: CorpusSite) -> None:
        try:
            with httpx.Client(transport=site.transport()) as c:
                c.get(f"{LAB}/slow?delay=30")
        except httpx.HTTPError as exc:
            outcome.append(exc)

    with serve() as other:
        thread = threading.Thread(target=slow_get, args=(other,), daemon=True)
        thread.start()
        assert other.wait_for_requests(1)  # the request has reached the server
    # Closing ended the 30 s wait: the client hears the connection close instead of an answer.
    thread.join(10)
    assert not thread.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], httpx.RemoteProtocolError)
    other.close()  # closing twice is harmless


def test_serve_with_another_root(tmp_path: Path) -> None:
    (tmp_path / "docs.example.com").mkdir()
    (tmp_path / "docs.example.com" / "page.html").write_text("<p>hello</p>", encoding="utf-8")
    (tmp_path / "docs.example.com" / "data.csv").write_text("a,b\n", encoding="utf-8")
    with serve(root=tmp_path) as other, httpx.Client(transport=other.transport()) as c:
        resp = c.get("https://docs.example.com/page")
        assert (resp.status_code, resp.text) == (200, "<p>hello</p>")
        assert resp.headers["content-type"] == "text/html; charset=utf-8"
        assert c.get("https://docs.example.com/data.csv").headers["content-type"] == "text/csv; charset=utf-8"
        assert c.get("https://blog.example.org/").status_code == 404


@pytest.mark.parametrize("error", [ConnectionResetError, BrokenPipeError, ConnectionAbortedError])
def test_a_client_hanging_up_prints_no_traceback(
    corpus_site: CorpusSite, capfd: pytest.CaptureFixture[str], error: type[OSError]
) -> None:
    try:
        raise error("peer went away")
    except OSError:
        corpus_site._server.handle_error(None, ("127.0.0.1", 1))
    assert capfd.readouterr().err == ""


def test_a_real_server_error_is_still_reported(
    corpus_site: CorpusSite, capfd: pytest.CaptureFixture[str]
) -> None:
    try:
        raise ValueError("a bug in a route")
    except ValueError:
        corpus_site._server.handle_error(None, ("127.0.0.1", 1))
    assert "a bug in a route" in capfd.readouterr().err


# --- lab: hostile inputs ------------------------------------------------------------------------------


def test_hostile_sniff_backtrack(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/hostile/sniff-backtrack")
    assert resp.status_code == 200 and "content-type" not in resp.headers
    assert resp.content == b'<?xml version="1.0"?>' + b"<!---->" * 61
    assert len(resp.content) == int(resp.headers["content-length"]) == 448


def test_hostile_whitespace(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/hostile/whitespace")
    assert (resp.status_code, resp.headers["content-type"]) == (200, "text/plain; charset=utf-8")
    assert len(resp.content) == int(resp.headers["content-length"]) == 1_000_000
    assert resp.content.strip() == b"" and set(resp.content) == {ord(" "), ord("\n")}


def test_hostile_no_spaces(client: httpx.Client) -> None:
    with client.stream("GET", f"{LAB}/hostile/no-spaces") as resp:
        assert (resp.status_code, resp.headers["content-type"]) == (200, "text/plain; charset=utf-8")
        assert int(resp.headers["content-length"]) == 10 * 1024 * 1024
        size, letters = 0, set()
        for chunk in resp.iter_raw():
            size += len(chunk)
            letters.update(chunk)
    assert size == 10 * 1024 * 1024
    assert letters == set(b"abcdefghijklmnopqrstuvwxyz")


@pytest.mark.parametrize(
    ("route", "location"),
    [
        ("/hostile/redirect-malformed", "http:\\\\lab.example.net\\ok"),
        ("/hostile/redirect-malformed/no-slashes", "http:lab.example.net/ok"),
    ],
)
def test_hostile_malformed_redirects(site: CorpusSite, route: str, location: str) -> None:
    # Raw HTTP: httpx itself raises InvalidURL while reading such a Location (it builds the next request
    # even when it will not follow it), which is what these routes are for.
    status, headers, _ = raw_get(site, route, "lab.example.net")
    assert (status, headers["location"]) == (302, location)
    with httpx.Client(transport=site.transport()) as c, pytest.raises(httpx.InvalidURL):
        c.get(f"{LAB}{route}")


def test_hostile_pdf_bomb(client: httpx.Client) -> None:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    resp = client.get(f"{LAB}/hostile/pdf-bomb")
    assert (resp.status_code, resp.headers["content-type"]) == (200, "application/pdf")
    assert 50_000 < len(resp.content) == int(resp.headers["content-length"]) < 120_000
    reader = PdfReader(io.BytesIO(resp.content), strict=True)
    assert len(reader.pages) == 100
    # One content stream object shared by every page, ~19 MB of operators once inflated.
    shared = {page.raw_get("/Contents") for page in reader.pages}
    assert len(shared) == 1 and isinstance(next(iter(shared)), IndirectObject)
    stream = reader.pages[0].get_contents()
    assert stream is not None
    data = stream.get_data()
    assert 18_900_000 < len(data) <= 19_000_000
    assert data.startswith(b"BT /F1 12 Tf 72 720 Td (A page of lines.) Tj ET\n")
    assert data.count(b" l S\n") == (len(data) - 48) // 74


def test_hostile_pdf_bomb_is_inside_pypdf_limits(client: httpx.Client) -> None:
    from pypdf import PdfReader, get_configuration

    limits = get_configuration()
    data = PdfReader(io.BytesIO(client.get(f"{LAB}/hostile/pdf-bomb").content)).pages[0].get_contents()
    assert data is not None
    inflated = data.get_data()
    assert len(inflated) < limits.zlib_maximum_output_length
    assert len(inflated) < limits.stream_decoding_work_maximum_length
    # Seven tokens a line (four numbers, m, l, S): fewer than pypdf's parsing budget per stream.
    assert inflated.count(b"\n") * 7 < limits.stream_parsing_work_maximum_count


def test_hostile_deep_html(client: httpx.Client) -> None:
    resp = client.get(f"{LAB}/hostile/deep-html")
    assert (resp.status_code, resp.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert 1_000_000 < len(resp.content) == int(resp.headers["content-length"]) < 1_200_000
    assert resp.content.count(b"<div>") == resp.content.count(b"</div>") == 100_000
    assert b"<div>" * 100_000 + b"<p>The bottom.</p>" + b"</div>" * 100_000 in resp.content


@pytest.mark.parametrize(
    "route", ["/hostile", "/hostile/nope", "/hostile/whitespace/x", "/hostile/redirect-malformed/x"]
)
def test_unknown_hostile_routes_are_404(client: httpx.Client, route: str) -> None:
    assert client.get(f"{LAB}{route}").status_code == 404


def test_every_hostile_route_is_listed_and_served(site: CorpusSite, client: httpx.Client) -> None:
    from webfetch_kit.lab.routes import HOSTILE_ROUTES

    index = client.get(f"{LAB}/").text
    for route in HOSTILE_ROUTES:
        assert f"``{route}``" in html.unescape(index)
        assert raw_get(site, route, "lab.example.net")[0] in (200, 302)
