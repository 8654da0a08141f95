"""Tests for the SSRF guard: address classification, resolution, allow_hosts, vetting and pinning.

Every test injects its resolver; the only sockets opened are servers on 127.0.0.1 / ::1 started here.
"""

from __future__ import annotations

import http.server
import ipaddress
import socket
import struct
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import httpx
import pytest

from webfetch_kit.errors import ConfigError
from webfetch_kit.net.guard import (
    GuardRefusal,
    NetGuard,
    OpenedHost,
    PinnedTarget,
    Refusal,
    address_problem,
    make_client_kwargs,
    numeric_host_address,
    parse_allow_hosts,
    resolve_with_deadline,
)
from webfetch_kit.problem import Problem

# --- helpers -------------------------------------------------------------------------------------------


@dataclass
class FakeResolver:
    """A resolver from a fixed table that records every name it is asked for."""

    table: dict[str, list[str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def __call__(self, host: str) -> Sequence[str]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.table[host]


def inet_aton_resolver(host: str) -> list[str]:
    """Mimics getaddrinfo on numeric-looking names: 0x7f.1, 127.1 and 2130706433 become 127.0.0.1."""
    address = numeric_host_address(host)
    if address is None:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return [str(address)]


def soon(seconds: float = 5.0) -> float:
    return time.monotonic() + seconds


def vet(guard: NetGuard, url: str, previous: str | None = None) -> PinnedTarget | Refusal:
    return guard.vet(
        httpx.URL(url), deadline=soon(), previous=None if previous is None else httpx.URL(previous)
    )


def refused(outcome: PinnedTarget | Refusal) -> Refusal:
    assert isinstance(outcome, Refusal), f"expected a refusal, got {outcome}"
    return outcome


def pinned(outcome: PinnedTarget | Refusal) -> PinnedTarget:
    assert isinstance(outcome, PinnedTarget), f"expected a pinned target, got {outcome}"
    return outcome


def teredo(server: str, client: str) -> str:
    """A Teredo address (RFC 4380): 2001:0::/32, server IPv4, flags, port, client IPv4 XOR'd with ones."""
    s = int(ipaddress.IPv4Address(server))
    c = int(ipaddress.IPv4Address(client)) ^ 0xFFFFFFFF
    return str(ipaddress.IPv6Address((0x20010000 << 96) | (s << 64) | (0x8000FFFF << 32) | c))


# --- address classification -----------------------------------------------------------------------------

BLOCKED = [
    # IPv4 special-purpose ranges, with their edges
    ("0.0.0.0", "unspecified"),
    ("0.1.2.3", "this network"),
    ("0.255.255.255", "this network"),
    ("10.0.0.1", "private"),
    ("10.255.255.255", "private"),
    ("100.64.0.0", "CGNAT"),
    ("100.127.255.255", "CGNAT"),
    ("100.100.100.200", "cloud metadata"),
    ("127.0.0.1", "loopback"),
    ("127.255.255.254", "loopback"),
    ("169.254.169.254", "cloud metadata"),
    ("169.254.170.2", "cloud metadata"),
    ("169.254.170.23", "cloud metadata"),
    ("168.63.129.16", "cloud metadata"),
    ("169.254.0.1", "link-local"),
    ("172.16.0.1", "private"),
    ("172.31.255.255", "private"),
    ("192.0.0.9", "IETF protocol assignments"),
    ("192.0.0.170", "IETF protocol assignments"),
    ("192.0.2.1", "documentation"),
    ("198.51.100.7", "documentation"),
    ("203.0.113.9", "documentation"),
    ("192.88.99.1", "6to4 relay anycast"),
    ("192.168.1.1", "private"),
    ("198.18.0.1", "benchmarking"),
    ("198.19.255.255", "benchmarking"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.254", "reserved"),
    ("255.255.255.255", "broadcast"),
    # IPv6
    ("::", "unspecified"),
    ("::1", "loopback"),
    ("[::1]", "loopback"),
    ("fd00:ec2::254", "cloud metadata"),
    ("fd00:ec2::23", "cloud metadata"),
    ("fc00::1", "private"),
    ("fd12:3456:789a::1", "private"),
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("febf:ffff::1", "link-local"),
    ("fec0::1", "site-local"),
    ("ff02::1", "multicast"),
    ("ff0e::1", "multicast"),
    ("100::1", "discard-only"),
    ("2001:db8::1", "documentation"),
    ("3fff::1", "documentation"),
    ("2001:2::1", "benchmarking"),
    ("2001:20::1", "IETF protocol assignments"),
    ("5f00::1", "SRv6 SIDs"),
    ("4000::1", "reserved"),
    ("::ffff:0:0:0", "IPv4-translated embedding 0.0.0.0 (unspecified)"),
    # IPv6 forms that embed IPv4: the inner address is judged and named
    ("::ffff:127.0.0.1", "IPv4-mapped embedding 127.0.0.1 (loopback)"),
    ("::ffff:7f00:1", "IPv4-mapped embedding 127.0.0.1 (loopback)"),
    ("::ffff:169.254.169.254", "IPv4-mapped embedding 169.254.169.254 (cloud metadata)"),
    ("::ffff:100.100.100.200", "IPv4-mapped embedding 100.100.100.200 (cloud metadata)"),
    ("::ffff:0:10.0.0.1", "IPv4-translated embedding 10.0.0.1 (private)"),
    ("::127.0.0.1", "IPv4-compatible embedding 127.0.0.1 (loopback)"),
    ("::a00:1", "IPv4-compatible embedding 10.0.0.1 (private)"),
    ("::2", "IPv4-compatible embedding 0.0.0.2 (this network)"),
    ("64:ff9b::7f00:1", "NAT64 embedding 127.0.0.1 (loopback)"),
    ("64:ff9b::169.254.169.254", "NAT64 embedding 169.254.169.254 (cloud metadata)"),
    ("64:ff9b::100.64.0.1", "NAT64 embedding 100.64.0.1 (CGNAT)"),
    ("64:ff9b:1::a00:1", "NAT64 local-use embedding 10.0.0.1 (private)"),
    ("64:ff9b:1::808:808", "NAT64 local-use tunnel address"),
    ("2002:a00:1::1", "6to4 embedding 10.0.0.1 (private)"),
    ("2002:7f00:1::", "6to4 embedding 127.0.0.1 (loopback)"),
    ("2002:a9fe:a9fe::1", "6to4 embedding 169.254.169.254 (cloud metadata)"),
    ("2002:808:808::1", "6to4 tunnel address"),
    (teredo("65.54.227.120", "10.0.0.1"), "Teredo embedding 10.0.0.1 (private)"),
    (teredo("65.54.227.120", "127.0.0.1"), "Teredo embedding 127.0.0.1 (loopback)"),
    (teredo("65.54.227.120", "8.8.8.8"), "Teredo tunnel address"),
    ("fe80::5efe:a00:1", "ISATAP embedding 10.0.0.1 (private)"),
    ("2001:4860:1:1:0:5efe:a00:1", "ISATAP embedding 10.0.0.1 (private)"),
    ("2001:4860:1:1:200:5efe:7f00:1", "ISATAP embedding 127.0.0.1 (loopback)"),
    ("fe80::5efe:808:808", "link-local"),
]


@pytest.mark.parametrize(("address", "reason"), BLOCKED)
def test_blocked_addresses_name_their_reason(address: str, reason: str) -> None:
    assert address_problem(address) == reason


PUBLIC = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "100.63.255.255",  # just below CGNAT
    "100.128.0.0",  # just above CGNAT
    "172.32.0.1",  # just above 172.16/12
    "198.17.255.255",
    "198.20.0.0",  # around 198.18/15
    "223.255.255.255",  # just below multicast
    "169.253.255.255",
    "2001:4860:4860::8888",
    "2606:4700:4700::1111",
    "[2a00:1450:4001:830::200e]",
    "::ffff:8.8.8.8",  # IPv4-mapped public: the same host as 8.8.8.8
    "64:ff9b::808:808",  # NAT64 of a public address
    "2001:4860:1:1:0:5efe:808:808",  # ISATAP with public inner and outer
]


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(address) is None


def test_address_objects_are_accepted() -> None:
    assert address_problem(ipaddress.IPv4Address("10.1.2.3")) == "private"
    assert (
        address_problem(ipaddress.IPv6Address("::ffff:a00:1")) == "IPv4-mapped embedding 10.0.0.1 (private)"
    )
    assert address_problem(ipaddress.IPv4Address("8.8.4.4")) is None


@pytest.mark.parametrize("text", ["example.com", "", "127.1", "10.0.0.0/8", "::g"])
def test_address_problem_rejects_non_addresses(text: str) -> None:
    with pytest.raises(ConfigError, match="is not an IP address"):
        address_problem(text)


# --- numeric-looking hosts ------------------------------------------------------------------------------

NUMERIC = [
    ("127.1", "127.0.0.1"),
    ("0x7f.1", "127.0.0.1"),
    ("0X7F.0.0.1", "127.0.0.1"),
    ("2130706433", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"),
    ("017700000001", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"),
    ("0177.0.1", "127.0.0.1"),
    ("127.0.1", "127.0.0.1"),
    ("10.0x10.1", "10.16.0.1"),
    ("0", "0.0.0.0"),
    ("169.254.43518", "169.254.169.254"),
    ("2852039166", "169.254.169.254"),
    ("127.1.", "127.0.0.1"),
]


@pytest.mark.parametrize(("host", "address"), NUMERIC)
def test_numeric_host_address_follows_inet_aton(host: str, address: str) -> None:
    assert str(numeric_host_address(host)) == address
    # socket.inet_aton is a local computation (no traffic); it is the C library's reading of the same rules
    assert socket.inet_aton(host.removesuffix(".")) == ipaddress.IPv4Address(address).packed


@pytest.mark.parametrize(
    "host",
    ["example.com", "1.2.3.4.5", "08.1", "256.1.1.1", "1.16777216", "4294967296", "1+1", "1_0", "0x1g", ""],
)
def test_numeric_host_address_rejects_non_numbers(host: str) -> None:
    assert numeric_host_address(host) is None


@pytest.mark.parametrize(
    ("host", "meaning"),
    [
        ("0x7f.1", "the system resolver reads it as 127.0.0.1"),
        ("127.1", "the system resolver reads it as 127.0.0.1"),
        ("2130706433", "the system resolver reads it as 127.0.0.1"),
        ("0177.0.1", "the system resolver reads it as 127.0.0.1"),
        ("0177.0.0.1.", "the system resolver reads it as 127.0.0.1"),
        ("134744072", "the system resolver reads it as 8.8.8.8"),
        ("1.2.3.4.5", "it is neither a host name nor an IP address"),
        ("example.123", "it is neither a host name nor an IP address"),
    ],
)
def test_numeric_looking_hosts_are_refused_without_resolving(host: str, meaning: str) -> None:
    resolver = FakeResolver(table={host: ["8.8.8.8"], host.rstrip("."): ["8.8.8.8"]})
    outcome = refused(vet(NetGuard(resolver=resolver), f"http://{host}/"))
    assert outcome.kind == "numeric_host"
    assert outcome.error_code == "url_not_accessible"
    assert outcome.detail == f"{host.rstrip('.')!r} is a numeric-looking host: {meaning}"
    assert resolver.calls == []


def test_httpx_itself_rejects_dotted_octal() -> None:
    # 0177.0.0.1 never reaches the guard: httpx parses four-part hosts as IPv4 and refuses leading zeros.
    with pytest.raises(httpx.InvalidURL):
        httpx.URL("http://0177.0.0.1/")


def test_resolver_that_reads_numbers_like_getaddrinfo_is_never_consulted() -> None:
    calls: list[str] = []

    def resolver(host: str) -> list[str]:
        calls.append(host)
        return inet_aton_resolver(host)

    guard = NetGuard(resolver=resolver)
    for host in ("0x7f.1", "127.1", "2130706433", "0177.0.1"):
        assert refused(vet(guard, f"http://{host}/")).kind == "numeric_host"
    assert calls == []


# --- resolution -----------------------------------------------------------------------------------------


def test_names_are_judged_on_their_resolved_addresses() -> None:
    resolver = FakeResolver(table={"rebind.example": ["127.0.0.1"]})
    outcome = refused(vet(NetGuard(resolver=resolver), "http://rebind.example/"))
    assert outcome == Refusal(
        Problem(
            "url_not_accessible",
            "rebind.example resolves to 127.0.0.1, which is not a public address (loopback)",
        ),
        "address",
    )
    assert resolver.calls == ["rebind.example"]


@pytest.mark.parametrize(
    ("answer", "bad", "reason"),
    [
        (["93.184.215.14", "10.0.0.5"], "10.0.0.5", "private"),
        (["10.0.0.5", "93.184.215.14"], "10.0.0.5", "private"),
        (["2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14", "::ffff:169.254.169.254"],
         "::ffff:a9fe:a9fe", "IPv4-mapped embedding 169.254.169.254 (cloud metadata)"),
        (["8.8.8.8", "fd00:ec2::254"], "fd00:ec2::254", "cloud metadata"),
        (["8.8.8.8", "100.100.100.200"], "100.100.100.200", "cloud metadata"),
    ],
)  # fmt: skip
def test_any_non_public_answer_refuses_the_name(answer: list[str], bad: str, reason: str) -> None:
    guard = NetGuard(resolver=FakeResolver(table={"mixed.example": answer}))
    outcome = refused(vet(guard, "https://mixed.example/"))
    assert outcome.kind == "address"
    assert outcome.detail == f"mixed.example resolves to {bad}, which is not a public address ({reason})"


def test_public_name_is_pinned_to_its_first_address() -> None:
    answer = ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "93.184.215.14"]
    guard = NetGuard(resolver=FakeResolver(table={"example.com": answer}))
    target = pinned(vet(guard, "https://EXAMPLE.com./page"))
    assert target == PinnedTarget(
        host="example.com",
        port=443,
        ip="93.184.215.14",
        scheme="https",
        addresses=("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    )
    assert target.ok
    assert target.host_header == "example.com"


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("http://127.0.0.1/", "127.0.0.1 is not a public address (loopback)"),
        ("http://127.0.0.1./", "127.0.0.1 is not a public address (loopback)"),
        ("http://[::1]/", "::1 is not a public address (loopback)"),
        (
            "http://[::ffff:127.0.0.1]/",
            "::ffff:7f00:1 is not a public address (IPv4-mapped embedding 127.0.0.1 (loopback))",
        ),
        (
            "http://169.254.169.254/latest/meta-data/",
            "169.254.169.254 is not a public address (cloud metadata)",
        ),
        ("http://[fd00:ec2::254]/", "fd00:ec2::254 is not a public address (cloud metadata)"),
        (
            "http://[64:ff9b::a9fe:a9fe]/",
            "64:ff9b::a9fe:a9fe is not a public address (NAT64 embedding 169.254.169.254 (cloud metadata))",
        ),
    ],
)
def test_ip_literals_resolve_to_themselves(url: str, detail: str) -> None:
    resolver = FakeResolver()
    outcome = refused(vet(NetGuard(resolver=resolver), url))
    assert (outcome.error_code, outcome.kind, outcome.detail) == ("url_not_accessible", "address", detail)
    assert resolver.calls == []


def test_public_ip_literal_is_pinned_without_resolving() -> None:
    resolver = FakeResolver()
    target = pinned(vet(NetGuard(resolver=resolver), "http://[2606:4700:4700::1111]/"))
    assert (target.host, target.ip, target.host_header) == (
        "2606:4700:4700::1111",
        "2606:4700:4700::1111",
        "[2606:4700:4700::1111]",
    )
    assert resolver.calls == []


@pytest.mark.parametrize(
    ("table", "detail"),
    [
        ({}, "nowhere.example could not be resolved: [Errno -2] Name or service not known"),
        ({"nowhere.example": []}, "nowhere.example resolved to no addresses"),
        (
            {"nowhere.example": ["localhost"]},
            "the resolver answered 'localhost' for nowhere.example, not an IP address",
        ),
    ],
)
def test_resolution_failures_are_refusals(table: dict[str, list[str]], detail: str) -> None:
    outcome = refused(vet(NetGuard(resolver=FakeResolver(table=table)), "http://nowhere.example/"))
    assert (outcome.error_code, outcome.kind, outcome.detail) == ("url_not_accessible", "dns_failure", detail)


def test_slow_resolver_is_abandoned_at_the_deadline() -> None:
    release = threading.Event()
    started = threading.Event()
    answered = threading.Event()

    def hanging(host: str) -> list[str]:
        started.set()
        release.wait()  # answers only once the test lets it, after vet() returned
        answered.set()
        return ["127.0.0.1"]  # would be refused anyway; what matters is that nobody waits for it

    guard = NetGuard(resolver=hanging)
    try:
        outcome = guard.vet(httpx.URL("http://slow.example/"), deadline=time.monotonic() + 0.3)
        gave_up_first = not answered.is_set()
    finally:
        release.set()
    assert started.is_set()
    assert gave_up_first  # vet() returned while the resolver was still busy: the deadline ended the wait
    assert refused(outcome) == Refusal(
        Problem(
            "url_not_accessible",
            "resolving slow.example ran past the fetch deadline: the resolver did not answer",
        ),
        "dns_timeout",
    )


def test_expired_deadline_does_not_call_the_resolver() -> None:
    resolver = FakeResolver(table={"example.com": ["93.184.215.14"]})
    with pytest.raises(GuardRefusal) as caught:
        resolve_with_deadline(resolver, "example.com", time.monotonic() - 1)
    assert caught.value.kind == "dns_timeout"
    assert resolver.calls == []


def test_resolve_with_deadline_returns_the_answer() -> None:
    resolver = FakeResolver(table={"example.com": ["93.184.215.14", "::1"]})
    assert resolve_with_deadline(resolver, "example.com", soon()) == ["93.184.215.14", "::1"]


# --- allow_hosts ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "parsed"),
    [
        ("docs.example.com", OpenedHost("docs.example.com", None)),
        ("Docs.Example.COM.", OpenedHost("docs.example.com", None)),
        ("docs.example.com:8443", OpenedHost("docs.example.com", 8443)),
        ("localhost:8123", OpenedHost("localhost", 8123)),
        ("127.0.0.1:8123", OpenedHost("127.0.0.1", 8123)),
        ("127.0.0.1", OpenedHost("127.0.0.1", None)),
        ("[::1]:9000", OpenedHost("::1", 9000)),
        ("[0:0::1]", OpenedHost("::1", None)),
        ("faß.de", OpenedHost("xn--fa-hia.de", None)),
        ("my_host.internal:80", OpenedHost("my_host.internal", 80)),
    ],
)
def test_allow_hosts_good_entries(entry: str, parsed: OpenedHost) -> None:
    assert parse_allow_hosts([entry]) == (parsed,)


BAD_ENTRIES = [
    ("", "an empty entry opens nothing; remove it"),
    ("*", "wildcards are not supported: list each host name that should be opened"),
    ("*.example.com", "wildcards are not supported: list each host name that should be opened"),
    ("http://docs.example.com", "remove the scheme: write 'docs.example.com' or 'docs.example.com:8443'"),
    ("https:docs.example.com", "remove the scheme: write 'docs.example.com' or 'docs.example.com:8443'"),
    ("docs.example.com/api", "remove the path: write 'docs.example.com'"),
    ("0.0.0.0/0", "address ranges are not supported: list each host and port, e.g. '127.0.0.1:8123'"),
    ("10.0.0.0/8", "address ranges are not supported: list each host and port, e.g. '127.0.0.1:8123'"),
    ("[::]/0", "address ranges are not supported: list each host and port, e.g. '127.0.0.1:8123'"),
    ("0.0.0.0", "0.0.0.0 is not a host; open the loopback address, e.g. '127.0.0.1:PORT'"),
    ("[::]:8000", ":: is not a host; open the loopback address, e.g. '127.0.0.1:PORT'"),
    ("224.0.0.1", "224.0.0.1 is a multicast address; web fetches cannot reach it"),
    ("::1", "write IPv6 addresses in brackets: '[::1]' or '[::1]:PORT'"),
    ("[::1", "missing ']' after the IPv6 address"),
    ("[::1]9000", "write the port after the brackets: '[::1]:9000'"),
    ("[127.0.0.1]", "'127.0.0.1' is not an IPv6 address"),
    ("docs.example.com:", "port '' must be a number from 1 to 65535"),
    ("docs.example.com:0", "port '0' must be a number from 1 to 65535"),
    ("docs.example.com:65536", "port '65536' must be a number from 1 to 65535"),
    ("docs.example.com:http", "port 'http' must be a number from 1 to 65535"),
    (":8080", "the host is missing before ':'"),
    (" docs.example.com", "remove the whitespace and control characters"),
    ("docs\u200b.example.com", "remove the whitespace and control characters"),
    ("user@docs.example.com", "write only a host name or address and an optional ':port'"),
    ("docs.example.com?x", "write only a host name or address and an optional ':port'"),
    ("127.1", "'127.1' is not a dotted-decimal IPv4 address: write 127.0.0.1"),
    ("0x7f.0.0.1:8123", "'0x7f.0.0.1' is not a dotted-decimal IPv4 address: write 127.0.0.1"),
    ("1.2.3.4.5", "'1.2.3.4.5' is not a dotted-decimal IPv4 address"),
    (".example.com", "a host name is dot-separated labels of letters, digits and '-'"),
    ("a..b", "a host name is dot-separated labels of letters, digits and '-'"),
    ("-bad-.example", "a host name is dot-separated labels of letters, digits and '-'"),
]


@pytest.mark.parametrize(("entry", "message"), BAD_ENTRIES)
def test_allow_hosts_bad_entries(entry: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_allow_hosts([entry])
    assert str(caught.value) == f"allow_hosts entry {entry!r}: {message}"


def test_allow_hosts_refuses_a_bare_string_and_non_strings() -> None:
    with pytest.raises(ConfigError) as caught:
        NetGuard(allow_hosts="docs.example.com")
    assert str(caught.value) == (
        "allow_hosts must be a list of entries, not one string: write allow_hosts=['docs.example.com']"
    )
    with pytest.raises(ConfigError, match="entries must be strings"):
        parse_allow_hosts([8123])  # type: ignore[list-item]


@pytest.mark.parametrize("ports", [(0,), (65536,), (True,), ("80",)])
def test_allowed_ports_are_validated(ports: tuple[object, ...]) -> None:
    with pytest.raises(ConfigError, match="ports are integers from 1 to 65535"):
        NetGuard(allowed_ports=ports)  # type: ignore[arg-type]


# --- ports, opened hosts, downgrades, malformed URLs ---------------------------------------------------

LOCAL = FakeResolver(
    table={
        "docs.example.com": ["127.0.0.1"],
        "sub.docs.example.com": ["127.0.0.1"],
        "evil.example": ["127.0.0.1"],
        "public.example": ["93.184.215.14"],
        "v6.example": ["::1"],
    }
)


def test_ports_outside_80_and_443_are_refused_with_a_fix() -> None:
    outcome = refused(vet(NetGuard(resolver=LOCAL), "http://public.example:8080/"))
    assert outcome == Refusal(
        Problem(
            "url_not_accessible",
            "port 8080 is not one of [80, 443]; open it with allow_hosts=['public.example:8080'] if this host is trusted",
        ),
        "port",
    )
    assert pinned(vet(NetGuard(resolver=LOCAL), "http://public.example:443/")).port == 443
    assert pinned(vet(NetGuard(resolver=LOCAL), "https://public.example:80/")).port == 80
    assert refused(vet(NetGuard(resolver=LOCAL), "http://public.example:0/")).kind == "port"


def test_allowed_ports_can_be_narrowed() -> None:
    guard = NetGuard(resolver=LOCAL, allowed_ports=(443,))
    assert refused(vet(guard, "http://public.example/")).kind == "port"
    assert pinned(vet(guard, "https://public.example/")).ip == "93.184.215.14"


def test_opened_host_may_resolve_to_loopback_on_its_port_only() -> None:
    guard = NetGuard(resolver=LOCAL, allow_hosts=["docs.example.com:8123"])
    target = pinned(vet(guard, "http://docs.example.com:8123/page"))
    assert (target.host, target.port, target.ip, target.host_header) == (
        "docs.example.com",
        8123,
        "127.0.0.1",
        "docs.example.com:8123",
    )
    # the same name on another port, a subdomain and another name on the same address stay closed
    assert refused(vet(guard, "http://docs.example.com/")).kind == "address"
    assert refused(vet(guard, "http://docs.example.com:8124/")).kind == "port"
    assert refused(vet(guard, "http://sub.docs.example.com:8123/")).kind == "port"
    assert refused(vet(guard, "http://evil.example/")).kind == "address"


def test_opened_host_without_port_covers_80_and_443() -> None:
    guard = NetGuard(resolver=LOCAL, allow_hosts=["Docs.Example.com."])
    assert pinned(vet(guard, "http://docs.example.com/")).ip == "127.0.0.1"
    assert pinned(vet(guard, "https://DOCS.example.com./")).ip == "127.0.0.1"
    assert refused(vet(guard, "http://docs.example.com:8123/")).kind == "port"
    assert refused(vet(guard, "http://sub.docs.example.com/")).kind == "address"


def test_opened_address_does_not_open_names_that_resolve_to_it() -> None:
    guard = NetGuard(resolver=LOCAL, allow_hosts=["127.0.0.1", "[::1]:9000"])
    assert pinned(vet(guard, "http://127.0.0.1/")).ip == "127.0.0.1"
    assert pinned(vet(guard, "http://[0:0::1]:9000/")).host_header == "[::1]:9000"
    assert refused(vet(guard, "http://evil.example/")).kind == "address"
    assert refused(vet(guard, "http://v6.example:9000/")).kind == "port"
    assert refused(vet(guard, "http://127.1/")).kind == "numeric_host"


def test_https_to_http_downgrade_is_refused() -> None:
    guard = NetGuard(resolver=LOCAL)
    outcome = refused(vet(guard, "http://public.example/b", previous="https://public.example/a"))
    assert outcome == Refusal(
        Problem(
            "url_not_accessible",
            "redirect from https://public.example/a downgrades https to http: http://public.example/b",
        ),
        "downgrade",
    )
    assert (
        pinned(vet(guard, "https://public.example/b", previous="http://public.example/a")).scheme == "https"
    )
    assert pinned(vet(guard, "http://public.example/b", previous="http://public.example/a")).scheme == "http"


def test_redirect_hop_is_judged_like_a_first_url() -> None:
    guard = NetGuard(resolver=LOCAL)
    outcome = refused(vet(guard, "http://169.254.169.254/latest/", previous="http://public.example/"))
    assert outcome.detail == "169.254.169.254 is not a public address (cloud metadata)"


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("ftp://public.example/", "scheme 'ftp' is not http or https"),
        ("file:///etc/passwd", "scheme 'file' is not http or https"),
        ("http://user:pw@public.example/", "URLs with a user name or password are not fetched"),
        ("http://[fe80::1%25eth0]/", "host 'fe80::1%25eth0' is empty or has characters hosts cannot have"),
        ("http://a..example/", "host 'a..example' has an empty label"),
    ],
)
def test_urls_the_guard_cannot_judge_are_invalid_input(url: str, detail: str) -> None:
    resolver = FakeResolver()
    outcome = refused(vet(NetGuard(resolver=resolver), url))
    assert (outcome.error_code, outcome.kind, outcome.detail) == ("invalid_tool_input", "invalid_url", detail)
    assert resolver.calls == []


# --- pinned requests -----------------------------------------------------------------------------------


def test_pinned_request_targets_the_address_and_keeps_the_name() -> None:
    target = PinnedTarget(host="docs.example.com", port=8443, ip="2001:db8::7", scheme="https")
    headers = httpx.Headers(
        [("Accept", "text/html"), ("X-Two", "a"), ("X-Two", "b"), ("host", "evil.example")]
    )
    request = target.pinned_request("GET", httpx.URL("https://docs.example.com:8443/p?q=1"), headers)
    assert str(request.url) == "https://[2001:db8::7]:8443/p?q=1"
    assert request.headers["Host"] == "docs.example.com:8443"
    assert request.headers.get_list("X-Two") == ["a", "b"]
    assert request.extensions["sni_hostname"] == "docs.example.com"


def test_pinned_request_for_an_ip_literal_sets_no_sni() -> None:
    target = PinnedTarget(host="::1", port=9000, ip="::1", scheme="http")
    request = target.pinned_request("GET", httpx.URL("http://[::1]:9000/"))
    assert request.headers["Host"] == "[::1]:9000"
    assert "sni_hostname" not in request.extensions


def test_pinned_request_refuses_a_url_it_was_not_vetted_for() -> None:
    target = PinnedTarget(host="docs.example.com", port=443, ip="93.184.215.14", scheme="https")
    with pytest.raises(ConfigError, match="vet each URL"):
        target.pinned_request("GET", httpx.URL("https://other.example/"))
    with pytest.raises(ConfigError, match="vet each URL"):
        target.pinned_request("GET", httpx.URL("http://docs.example.com/"))


def test_pinned_request_through_a_transport_never_carries_the_name_in_the_url() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, text="ok")

    guard = NetGuard(resolver=LOCAL, allow_hosts=["docs.example.com:8123"])
    url = httpx.URL("http://docs.example.com:8123/page")
    target = pinned(vet(guard, str(url)))
    with httpx.Client(transport=httpx.MockTransport(handler), **make_client_kwargs()) as client:
        client.send(target.pinned_request("GET", url, client.headers))
    assert [str(r.url) for r in seen] == ["http://127.0.0.1:8123/page"]
    assert seen[0].headers["host"] == "docs.example.com:8123"


def test_client_kwargs_turn_off_proxies_and_redirects() -> None:
    kwargs = make_client_kwargs()
    assert kwargs["trust_env"] is False
    assert kwargs["follow_redirects"] is False
    assert kwargs["limits"].max_keepalive_connections == 0


# --- against real loopback servers ---------------------------------------------------------------------


@dataclass
class CountingServer:
    port: int
    seen: list[tuple[str, str]]  # (path, Host header)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.server.seen.append((self.path, self.headers.get("Host", "")))  # type: ignore[attr-defined]
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _V6Server(http.server.ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _serve(server: http.server.ThreadingHTTPServer) -> Iterator[CountingServer]:
    seen: list[tuple[str, str]] = []
    server.seen = seen  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield CountingServer(port=server.server_address[1], seen=seen)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def server() -> Iterator[CountingServer]:
    yield from _serve(http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler))


@pytest.fixture
def server6() -> Iterator[CountingServer]:
    try:
        httpd = _V6Server(("::1", 0), _Handler)
    except OSError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"no IPv6 loopback here: {exc}")
    yield from _serve(httpd)


def guarded_get(guard: NetGuard, url: str) -> httpx.Response | Refusal:
    """What the fetcher does per hop: vet, then send the pinned request only if the guard agreed."""
    outcome = guard.vet(httpx.URL(url), deadline=soon())
    if isinstance(outcome, Refusal):
        return outcome
    with httpx.Client(**make_client_kwargs()) as client:
        return client.send(outcome.pinned_request("GET", httpx.URL(url), {"Accept": "text/plain"}))


def test_pinned_request_reaches_the_loopback_server_with_the_original_host(server: CountingServer) -> None:
    resolver = FakeResolver(table={"docs.example.com": ["127.0.0.1"]})
    guard = NetGuard(resolver=resolver, allow_hosts=[f"docs.example.com:{server.port}"])
    response = guarded_get(guard, f"http://docs.example.com:{server.port}/guide?x=1")
    assert isinstance(response, httpx.Response)
    assert response.text == "hello"
    assert server.seen == [("/guide?x=1", f"docs.example.com:{server.port}")]
    assert resolver.calls == ["docs.example.com"]


def test_pinned_request_reaches_the_ipv6_loopback_server(server6: CountingServer) -> None:
    guard = NetGuard(
        resolver=FakeResolver(table={"v6.example": ["::1"]}), allow_hosts=[f"v6.example:{server6.port}"]
    )
    response = guarded_get(guard, f"http://v6.example:{server6.port}/")
    assert isinstance(response, httpx.Response)
    assert server6.seen == [("/", f"v6.example:{server6.port}")]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1:{port}/", "address"),
        ("http://localhost.example:{port}/", "address"),
        ("http://mixed.example:{port}/", "address"),
        ("http://[::ffff:127.0.0.1]:{port}/", "address"),
        ("http://2130706433:{port}/", "numeric_host"),
        ("http://0x7f.1:{port}/", "numeric_host"),
        ("http://127.1:{port}/", "numeric_host"),
        ("http://0177.0.1:{port}/", "numeric_host"),
        ("http://docs.example.com:{port}/", "address"),  # opened only on 80/443
    ],
)
def test_refused_urls_never_reach_the_server(server: CountingServer, url: str, kind: str) -> None:
    resolver = FakeResolver(
        table={
            "localhost.example": ["127.0.0.1"],
            "mixed.example": ["93.184.215.14", "127.0.0.1"],
            "docs.example.com": ["127.0.0.1"],
        }
    )
    # The server's port is allowed for everyone, so only the address checks stand in the way.
    guard = NetGuard(
        resolver=resolver, allow_hosts=["docs.example.com"], allowed_ports=(80, 443, server.port)
    )
    outcome = guarded_get(guard, url.format(port=server.port))
    assert isinstance(outcome, Refusal)
    assert outcome.kind == kind
    assert server.seen == []
    # control: the same server, opened explicitly, is reachable, so the zero above is meaningful
    opened = NetGuard(resolver=resolver, allow_hosts=[f"docs.example.com:{server.port}"])
    assert isinstance(guarded_get(opened, f"http://docs.example.com:{server.port}/"), httpx.Response)
    assert len(server.seen) == 1


# --- TLS SNI stays on the name -------------------------------------------------------------------------


def _client_hello_sni(hello: bytes) -> str | None:
    """The server_name of a TLS ClientHello record, or None when it sends no SNI."""
    body = hello[5 + 4 :]  # record header, handshake header
    pos = 2 + 32  # client_version, random
    pos += 1 + body[pos]  # session_id
    pos += 2 + struct.unpack_from("!H", body, pos)[0]  # cipher_suites
    pos += 1 + body[pos]  # compression_methods
    end = pos + 2 + struct.unpack_from("!H", body, pos)[0]
    pos += 2
    while pos < end:
        ext_type, ext_len = struct.unpack_from("!HH", body, pos)
        pos += 4
        if ext_type == 0:  # server_name: list length, name type, name length, name
            (name_len,) = struct.unpack_from("!H", body, pos + 3)
            return body[pos + 5 : pos + 5 + name_len].decode("ascii")
        pos += ext_len
    return None


@pytest.fixture
def hello_catcher() -> Iterator[tuple[int, list[str | None]]]:
    """A loopback TCP server that records the SNI of each TLS ClientHello and hangs up."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    names: list[str | None] = []
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                data = b""
                while len(data) < 5 or len(data) < 5 + struct.unpack_from("!H", data, 3)[0]:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                names.append(_client_hello_sni(data))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], names
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_tls_sni_carries_the_name_while_the_connection_goes_to_the_address(
    hello_catcher: tuple[int, list[str | None]],
) -> None:
    port, names = hello_catcher
    guard = NetGuard(
        resolver=FakeResolver(table={"docs.example.com": ["127.0.0.1"]}),
        allow_hosts=[f"docs.example.com:{port}"],
    )
    with pytest.raises(httpx.TransportError):  # the catcher hangs up after reading the ClientHello
        guarded_get(guard, f"https://docs.example.com:{port}/")
    # control: an IP-literal URL sends no SNI, so the name above came from the sni_hostname extension
    literal = NetGuard(resolver=FakeResolver(), allow_hosts=[f"127.0.0.1:{port}"])
    with pytest.raises(httpx.TransportError):
        guarded_get(literal, f"https://127.0.0.1:{port}/")
    assert names == ["docs.example.com", None]


def test_entry_without_port_never_opens_more_than_80_and_443() -> None:
    guard = NetGuard(resolver=LOCAL, allow_hosts=["docs.example.com"], allowed_ports=(443, 8080))
    assert pinned(vet(guard, "https://docs.example.com/")).ip == "127.0.0.1"
    assert (
        refused(vet(guard, "http://docs.example.com:8080/")).kind == "address"
    )  # port allowed, host not opened
    assert refused(vet(guard, "http://docs.example.com/")).kind == "port"  # 80 was narrowed away


def test_a_parsed_url_is_vetted_without_parsing_it_again() -> None:
    from webfetch_kit.rules.urls import ParsedUrl, parse_fetch_url

    parsed = parse_fetch_url("http://Rebind.Example:80/x")
    assert isinstance(parsed, ParsedUrl)
    resolver = FakeResolver(table={"rebind.example": ["127.0.0.1"]})
    outcome = NetGuard(resolver=resolver).vet(parsed, deadline=soon())
    assert outcome == refused(vet(NetGuard(resolver=resolver), "http://rebind.example/x"))
    public = FakeResolver(table={"rebind.example": ["93.184.215.14"]})
    target = pinned(NetGuard(resolver=public).vet(parsed, deadline=soon()))
    assert (target.host, target.port, target.ip) == ("rebind.example", 80, "93.184.215.14")
    downgrade = NetGuard(resolver=public).vet(
        parsed, deadline=soon(), previous=parse_fetch_url("https://a.example/")
    )  # type: ignore[arg-type]
    assert refused(downgrade).reason == (
        "redirect from https://a.example/ downgrades https to http: http://rebind.example/x"
    )
