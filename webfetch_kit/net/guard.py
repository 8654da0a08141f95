"""The SSRF guard: decide where a fetch may connect, and pin the connection to the checked address.

A URL chosen by a model is untrusted input. Before every request, and again on every redirect hop, the
fetcher asks :meth:`NetGuard.vet` where the URL would really connect. The guard:

1. refuses URLs it cannot judge (scheme other than http/https, userinfo, odd characters in the host);
2. refuses an https → http downgrade on a redirect hop;
3. refuses ports outside ``allowed_ports`` (80 and 443) unless that host and port were opened;
4. refuses hosts that only *look* like names (``0x7f.1``, ``127.1``, ``2130706433``, ``0177.0.0.1``):
   the system resolver reads them with the ``inet_aton`` rules and turns them into addresses;
5. resolves the name (IP literals resolve to themselves) within the fetch's deadline;
6. refuses the URL if **any** resolved address is not public (:func:`address_problem`), unless the host
   was opened with ``allow_hosts``;
7. returns a :class:`PinnedTarget` that builds the request to the checked address, with the ``Host``
   header and TLS SNI (hence certificate verification) kept on the name, so DNS rebinding between the
   check and the connection cannot win.

Error codes. A refusal carries one of the web fetch tool's documented error codes:

- ``invalid_tool_input`` ("Invalid URL format") for URLs the guard cannot judge at all;
- ``url_not_accessible`` ("Failed to fetch content") for everything about *where* the fetch would go:
  non-public addresses, ports, downgrades, numeric-looking hosts, DNS failures and DNS timeouts.

``url_not_allowed`` is deliberately not used: the documentation defines it as "blocked by domain
filtering rules", which is :class:`~webfetch_kit.rules.policy.FetchPolicy`'s verdict, and keeping it for the
policy lets a user tell "my lists blocked this" from "the network guard blocked this". The real tool runs
in Anthropic's cloud, where a private address of the user's machine simply cannot be fetched, which the
tool reports as ``url_not_accessible``. The precise reason is in :attr:`Refusal.reason` and
:attr:`Refusal.kind`.

The HTTP client that sends pinned requests must be built with ``trust_env=False`` (an environment proxy
would connect to the *name*, bypassing the pin) and ``follow_redirects=False`` (every hop is vetted
again); :func:`make_client_kwargs` returns those settings.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias

import httpx

from ..errors import ConfigError, GuardRefusal
from ..problem import Problem
from ..rules.urls import ParsedUrl, ends_in_a_number, normalize_host
from .bounded import run_on_worker

if TYPE_CHECKING:
    from ..problem import FetchErrorCode

__all__ = [
    "DEFAULT_PORTS",
    "GuardRefusal",
    "IPAddress",
    "NetGuard",
    "OpenedHost",
    "PinnedTarget",
    "Refusal",
    "Resolver",
    "address_problem",
    "make_client_kwargs",
    "numeric_host_address",
    "parse_allow_hosts",
    "resolve_with_deadline",
    "system_resolver",
]

IPAddress: TypeAlias = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver: TypeAlias = Callable[[str], Sequence[str]]
"""Turns a host name into IP address strings (both families), like ``socket.getaddrinfo``."""

DEFAULT_PORTS: Final = (80, 443)
_SCHEME_PORTS: Final = {"http": 80, "https": 443}

# --- address classification -------------------------------------------------------------------------

_Net: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network


def _table(rows: Iterable[tuple[str, str]]) -> tuple[tuple[_Net, str], ...]:
    return tuple((ipaddress.ip_network(net), reason) for net, reason in rows)


# Checked in order, first match wins, so specific entries come before the ranges that contain them.
# Sources: the IANA IPv4/IPv6 Special-Purpose Address Registries, plus cloud metadata endpoints.
# Python's own flags are not enough on 3.11: 100.64.0.0/10 (and 100.100.100.200, Alibaba's metadata
# address) is neither private nor global, and 2002:a00:1:: (6to4 for 10.0.0.1) counts as global.
_IPV4_BLOCKS: Final = _table(
    [
        ("0.0.0.0/32", "unspecified"),
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private"),
        ("100.100.100.200/32", "cloud metadata"),  # Alibaba Cloud
        ("100.64.0.0/10", "CGNAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.169.254/32", "cloud metadata"),  # AWS, GCP, Azure, OCI, DigitalOcean, ...
        ("169.254.170.2/32", "cloud metadata"),  # AWS ECS task credentials
        ("169.254.170.23/32", "cloud metadata"),  # AWS EKS pod identity
        ("169.254.0.0/16", "link-local"),
        ("168.63.129.16/32", "cloud metadata"),  # Azure WireServer: public-looking, platform-only
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("255.255.255.255/32", "broadcast"),
        ("240.0.0.0/4", "reserved"),
    ]
)

_IPV6_BLOCKS: Final = _table(
    [
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fd00:ec2::254/128", "cloud metadata"),  # AWS IMDS over IPv6
        ("fd00:ec2::23/128", "cloud metadata"),  # AWS EKS pod identity over IPv6
        ("fc00::/7", "private"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),  # deprecated, but 3.11 calls it global
        ("ff00::/8", "multicast"),
        ("100::/64", "discard-only"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),  # RFC 9637 (2024); global to Python 3.11
        ("2001:2::/48", "benchmarking"),
        ("2001::/23", "IETF protocol assignments"),
        ("5f00::/16", "SRv6 SIDs"),
    ]
)

_GLOBAL_UNICAST: Final = ipaddress.IPv6Network("2000::/3")
_MAPPED: Final = ipaddress.IPv6Network("::ffff:0:0/96")
_TRANSLATED: Final = ipaddress.IPv6Network("::ffff:0:0:0/96")  # SIIT, RFC 2765
_COMPATIBLE: Final = ipaddress.IPv6Network("::/96")
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL: Final = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIXTOFOUR: Final = ipaddress.IPv6Network("2002::/16")
_TEREDO: Final = ipaddress.IPv6Network("2001::/32")
_ISATAP_IIDS: Final = (0x00005EFE, 0x02005EFE)


def _as_address(ip: str | IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address):
        return ip
    text = ip.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise ConfigError(
            f"{ip!r} is not an IP address; pass a dotted-decimal IPv4 or an IPv6 address"
        ) from None


def _low32(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address:
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)


# How the verdict on an embedding form is reached:
#   "translation": the address *is* the IPv4 host (mapped, translated, compatible, NAT64): judge the inner
#   "tunnel":      reached through a relay, not globally reachable (6to4, Teredo, local NAT64): refuse
#   "identifier":  ISATAP puts the IPv4 address in the interface identifier: judge inner and outer
_Form: TypeAlias = tuple[str, ipaddress.IPv4Address, str]


def _embedded(ip: ipaddress.IPv6Address) -> _Form | None:
    """The IPv4 address an IPv6 form carries: (form name, inner address, how to judge it)."""
    if ip.ipv4_mapped is not None:
        return "IPv4-mapped", ip.ipv4_mapped, "translation"
    if ip in _TRANSLATED:
        return "IPv4-translated", _low32(ip), "translation"
    if ip in _COMPATIBLE:
        return "IPv4-compatible", _low32(ip), "translation"
    if ip in _NAT64:
        return "NAT64", _low32(ip), "translation"
    # The local-use NAT64 prefix is not globally reachable whatever it carries (RFC 8215); the operator
    # picks the prefix length, so the /96 position is only our best guess for the reason text.
    if ip in _NAT64_LOCAL:
        return "NAT64 local-use", _low32(ip), "tunnel"
    # 6to4 is deprecated (RFC 7526); Teredo's client address is stored XOR'd, ipaddress undoes that.
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour, "tunnel"
    if ip.teredo is not None:
        return "Teredo", ip.teredo[1], "tunnel"
    if (int(ip) >> 32) & 0xFFFFFFFF in _ISATAP_IIDS:
        return "ISATAP", _low32(ip), "identifier"
    return None


def _ipv4_problem(ip: ipaddress.IPv4Address) -> str | None:
    for net, reason in _IPV4_BLOCKS:
        if ip in net:
            return reason
    return _flag_problem(ip)


def _flag_problem(ip: IPAddress) -> str | None:
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private:
        return "private"
    if not ip.is_global:
        return "not global"
    return None


def address_problem(ip: str | IPAddress) -> str | None:
    """Say why an address must not be fetched, or ``None`` when it is public.

    IPv6 forms that embed an IPv4 address (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo, ISATAP)
    are unwrapped and the inner address is judged; the reason then names it, e.g.
    ``"6to4 embedding 10.0.0.1 (private)"``. Tunnel forms (6to4, Teredo, local-use NAT64) are refused
    even when the inner address is public. Every address must also pass Python's own ``is_global``,
    ``is_multicast`` and ``is_reserved`` checks, whose results differ between Python versions; the
    explicit blocklist comes first so reasons are the same everywhere.

    Args:
        ip: An IPv4 or IPv6 address, as a string (brackets and a ``%zone`` allowed) or an
            ``ipaddress`` object.

    Returns:
        ``None`` for a public address, otherwise a short reason such as ``"loopback"``, ``"private"``,
        ``"link-local"``, ``"CGNAT"``, ``"cloud metadata"`` or ``"NAT64 embedding 127.0.0.1 (loopback)"``.

    Raises:
        ConfigError: ``ip`` is not an IP address.
    """
    address = _as_address(ip)
    if isinstance(address, ipaddress.IPv4Address):
        return _ipv4_problem(address)
    if address.scope_id is not None:
        address = ipaddress.IPv6Address(int(address))  # judge the address, not its %zone
    for net, reason in _IPV6_BLOCKS[:2]:  # :: and ::1 before ::/96 reads them as 0.0.0.0 and 0.0.0.1
        if address in net:
            return reason
    embedded = _embedded(address)
    if embedded is not None:
        form, inner, how = embedded
        inner_problem = _ipv4_problem(inner)
        if inner_problem is not None:
            return f"{form} embedding {inner} ({inner_problem})"
        if how == "tunnel":
            return f"{form} tunnel address"
        if how == "translation":
            return None
    for net, reason in _IPV6_BLOCKS:
        if address in net:
            return reason
    if address not in _GLOBAL_UNICAST:
        return "reserved"
    return _flag_problem(address)


# --- numeric-looking hosts -------------------------------------------------------------------------


_ATON_PART: Final = re.compile(r"0[xX](?P<hex>[0-9a-fA-F]*)|0(?P<oct>[0-7]*)|(?P<dec>[1-9][0-9]*)")


def _inet_aton_part(part: str) -> int | None:
    match = _ATON_PART.fullmatch(part)
    if match is None:
        return None
    if match["dec"] is not None:
        return int(match["dec"])
    if match["oct"] is not None:
        return int(match["oct"] or "0", 8)
    return int(match["hex"] or "0", 16)


def numeric_host_address(host: str) -> ipaddress.IPv4Address | None:
    """Read a host with the ``inet_aton`` rules the system resolver applies to numeric-looking names.

    ``127.1``, ``0x7f.1``, ``0177.0.0.1`` and ``2130706433`` all mean 127.0.0.1: one to four parts,
    each decimal, octal (leading ``0``) or hexadecimal (``0x``), the last part filling the remaining
    bytes. Implemented here rather than with ``socket.inet_aton``, whose leniency (trailing text after
    whitespace) depends on the C library.

    Args:
        host: A host name as it appears in a URL (one trailing dot allowed).

    Returns:
        The IPv4 address the host denotes, or ``None`` when it is not an ``inet_aton`` number.
    """
    parts = host.removesuffix(".").split(".")
    if not 1 <= len(parts) <= 4:
        return None
    values = [_inet_aton_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    numbers = [v for v in values if v is not None]
    *head, last = numbers
    if any(v > 0xFF for v in head) or last >= 1 << (8 * (5 - len(numbers))):
        return None
    value = last
    for i, v in enumerate(head):
        value |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


# --- resolution --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """The guard's "no": a :class:`~webfetch_kit.problem.Problem` (web fetch error code and the reason) and
    a machine-readable ``kind``.

    ``kind`` is one of ``"invalid_url"``, ``"downgrade"``, ``"port"``, ``"numeric_host"``,
    ``"dns_failure"``, ``"dns_timeout"``, ``"address"``.
    """

    problem: Problem
    kind: str = "refused"

    @property
    def ok(self) -> bool:
        """Always ``False``; lets callers write ``if not outcome.ok`` for both result types."""
        return False

    @property
    def error_code(self) -> FetchErrorCode:
        """The web fetch error code (``problem.code``)."""
        return self.problem.code  # type: ignore[return-value]

    @property
    def reason(self) -> str:
        """Why the guard refused (``problem.reason``)."""
        return self.problem.reason

    @property
    def detail(self) -> str:
        """The same sentence as :attr:`reason` (the name webfetch-kit 0.1 used)."""
        return self.problem.reason


def _refuse(code: FetchErrorCode, reason: str, kind: str) -> Refusal:
    return Refusal(Problem(code, reason), kind)


def system_resolver(host: str) -> list[str]:
    """Resolve a host name with ``socket.getaddrinfo``: IPv4 and IPv6, duplicates removed, order kept.

    This blocks for as long as the system resolver takes; call it through :func:`resolve_with_deadline`.

    Args:
        host: A host name (IDNA-encoded ASCII).

    Returns:
        The addresses as strings, in the resolver's preference order.

    Raises:
        OSError: The name does not resolve (``socket.gaierror``).
    """
    infos = socket.getaddrinfo(host, None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


# DNS lookups run on daemon threads: a lookup that hangs past the deadline is abandoned, and (unlike a
# ThreadPoolExecutor worker, which the interpreter joins at exit) cannot keep the process alive. The
# semaphore bounds how many abandoned lookups can pile up; when all slots are stuck, new lookups wait
# for a slot until their own deadline.
_MAX_LOOKUPS: Final = 8
_lookup_slots = threading.BoundedSemaphore(_MAX_LOOKUPS)


def resolve_with_deadline(resolver: Resolver, host: str, deadline: float) -> list[str]:
    """Run ``resolver(host)`` on a worker thread and give up at ``deadline``.

    httpx timeouts do not cover DNS, so without this a slow resolver could hold a fetch past its
    deadline. A lookup that is abandoned keeps running on its daemon thread; its answer is discarded.

    Args:
        resolver: The resolver to call, e.g. :func:`system_resolver` or one injected by a test.
        host: The host name to resolve.
        deadline: Absolute ``time.monotonic()`` value by which the answer must arrive.

    Returns:
        The resolver's answer as a list of strings (possibly empty).

    Raises:
        GuardRefusal: With error code ``url_not_accessible`` and kind ``"dns_timeout"`` when the
            deadline passes, or kind ``"dns_failure"`` when the resolver raises.
    """
    answer = _resolve(resolver, host, deadline)
    if isinstance(answer, Refusal):
        raise GuardRefusal(answer.problem, answer.kind)
    return answer


def _resolve(resolver: Resolver, host: str, deadline: float) -> list[str] | Refusal:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return _dns_timeout(host, "the fetch deadline had already passed")
    result = run_on_worker(
        lambda: list(resolver(host)), remaining, slots=_lookup_slots, name=f"webfetch-dns {host}"
    )
    if result.no_slot:
        return _dns_timeout(host, "no resolver thread became free")
    if not result.finished:
        return _dns_timeout(host, "the resolver did not answer")
    if result.error is not None:
        return _refuse("url_not_accessible", f"{host} could not be resolved: {result.error}", "dns_failure")
    answer: list[str] = result.value or []
    return answer


def _dns_timeout(host: str, why: str) -> Refusal:
    return _refuse(
        "url_not_accessible", f"resolving {host} ran past the fetch deadline: {why}", "dns_timeout"
    )


# --- allow_hosts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedHost:
    """One ``allow_hosts`` entry: a host (name or address) and its port, or ``None`` for 80/443."""

    host: str
    port: int | None = None

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


_FORBIDDEN_IN_ENTRY: Final = frozenset("@?#\\%&=;,!$'\"()<>{}|^`~+")


def _entry_error(entry: object, why: str) -> ConfigError:
    return ConfigError(f"allow_hosts entry {entry!r}: {why}")


def _parse_port(entry: str, text: str) -> int:
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise _entry_error(entry, f"port {text!r} must be a number from 1 to 65535")
    return int(text)


def _parse_entry(entry: object) -> OpenedHost:
    if not isinstance(entry, str):
        raise _entry_error(entry, "entries must be strings like 'docs.example.com' or '127.0.0.1:8123'")
    if not entry:
        raise _entry_error(entry, "an empty entry opens nothing; remove it")
    if entry != entry.strip() or any(c.isspace() or not c.isprintable() for c in entry):
        raise _entry_error(entry, "remove the whitespace and control characters")
    if "://" in entry or entry.lower().startswith(("http:", "https:")):
        raise _entry_error(entry, "remove the scheme: write 'docs.example.com' or 'docs.example.com:8443'")
    if "*" in entry:
        raise _entry_error(entry, "wildcards are not supported: list each host name that should be opened")
    if "/" in entry:
        base = entry.split("/", 1)[0]
        try:
            ipaddress.ip_network(entry.replace("[", "").replace("]", ""), strict=False)
        except ValueError:
            raise _entry_error(entry, f"remove the path: write {base!r}") from None
        raise _entry_error(
            entry, "address ranges are not supported: list each host and port, e.g. '127.0.0.1:8123'"
        )
    if any(c in _FORBIDDEN_IN_ENTRY for c in entry):
        raise _entry_error(entry, "write only a host name or address and an optional ':port'")

    port: int | None = None
    if entry.startswith("["):
        close = entry.find("]")
        if close < 0:
            raise _entry_error(entry, "missing ']' after the IPv6 address")
        inner, rest = entry[1:close], entry[close + 1 :]
        if rest:
            if not rest.startswith(":"):
                raise _entry_error(entry, "write the port after the brackets: '[::1]:9000'")
            port = _parse_port(entry, rest[1:])
        try:
            address: IPAddress = ipaddress.IPv6Address(inner)
        except ValueError:
            raise _entry_error(entry, f"{inner!r} is not an IPv6 address") from None
        return _checked_address(entry, address, port)
    if entry.count(":") > 1:
        raise _entry_error(entry, f"write IPv6 addresses in brackets: '[{entry}]' or '[{entry}]:PORT'")
    host, sep, port_text = entry.partition(":")
    if sep:
        port = _parse_port(entry, port_text)
    if not host:
        raise _entry_error(entry, "the host is missing before ':'")
    try:
        address = ipaddress.IPv4Address(host)
    except ValueError:
        pass
    else:
        return _checked_address(entry, address, port)
    numeric = numeric_host_address(host.lower())
    if numeric is not None or ends_in_a_number(host):
        spelled = f": write {numeric}" if numeric is not None else ""
        raise _entry_error(entry, f"{host!r} is not a dotted-decimal IPv4 address{spelled}")
    return OpenedHost(_normalise_name(entry, host), port)


def _checked_address(entry: str, address: IPAddress, port: int | None) -> OpenedHost:
    if address.is_unspecified:
        raise _entry_error(
            entry, f"{address} is not a host; open the loopback address, e.g. '127.0.0.1:PORT'"
        )
    if address.is_multicast:
        raise _entry_error(entry, f"{address} is a multicast address; web fetches cannot reach it")
    return OpenedHost(str(address), port)


def _normalise_name(entry: str, host: str) -> str:
    # The kit's one host normaliser (the one URLs go through), so entries compare equal to URL hosts.
    name = normalize_host(host)
    if isinstance(name, Problem):
        raise _entry_error(entry, "a host name is dot-separated labels of letters, digits and '-'")
    return name.ascii


def parse_allow_hosts(entries: Iterable[str]) -> tuple[OpenedHost, ...]:
    """Parse ``allow_hosts`` entries: hosts the guard lets resolve to non-public addresses.

    Accepted forms: ``"docs.example.com"`` (that name on ports 80 and 443), ``"docs.example.com:8443"``
    (that name on that port only), ``"127.0.0.1:8123"`` and ``"[::1]:9000"`` (that address and port).
    Nothing opens everything: schemes, paths, wildcards, address ranges and unspecified addresses are
    refused.

    Args:
        entries: The entries, e.g. ``("docs.example.com:8123",)``.

    Returns:
        The parsed entries, in order.

    Raises:
        ConfigError: An entry is malformed; the message says how to write it.
    """
    if isinstance(entries, str | bytes):
        raise ConfigError(
            f"allow_hosts must be a list of entries, not one string: write allow_hosts=[{entries!r}]"
        )
    return tuple(_parse_entry(entry) for entry in entries)


# --- the guard -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PinnedTarget:
    """Where a vetted URL may connect: the name it asked for and the checked address to dial.

    ``addresses`` holds every resolved address (all of them were checked); ``ip`` is the one to use.
    """

    host: str
    port: int
    ip: str
    scheme: str
    addresses: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Always ``True``; lets callers write ``if outcome.ok`` for both result types."""
        return True

    @property
    def host_header(self) -> str:
        """The ``Host`` header value: the name, with the port when it is not the scheme's default."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if _SCHEME_PORTS[self.scheme] == self.port else f"{host}:{self.port}"

    def pinned_request(
        self,
        method: str,
        url: httpx.URL,
        headers: httpx.Headers | Mapping[str, str] | None = None,
        *,
        extensions: Mapping[str, Any] | None = None,
    ) -> httpx.Request:
        """Build the request for ``url`` so that it connects to the checked address.

        The request URL carries ``ip`` (IPv6 in brackets); the ``Host`` header keeps the name, and the
        ``sni_hostname`` extension keeps TLS SNI and certificate verification on the name (honoured by
        httpcore 1.x, which httpx 0.28's ``HTTPTransport`` passes request extensions to). Send it with
        ``client.send(request)`` on a client built from :func:`make_client_kwargs`.

        Args:
            method: The HTTP method, e.g. ``"GET"``.
            url: The URL that was vetted (same scheme, host and port as this target).
            headers: Request headers; a ``Host`` header given here is replaced.
            extensions: Extra httpx request extensions, e.g. ``{"timeout": ...}``.

        Returns:
            The request, ready for ``client.send``.

        Raises:
            ConfigError: ``url`` is not the URL this target was vetted for.
        """
        host = _url_host(url)
        if (url.scheme, host, _url_port(url)) != (self.scheme, self.host, self.port):
            raise ConfigError(
                f"pinned_request got {url} but this target was vetted for "
                f"{self.scheme}://{self.host_header}; vet each URL (and each redirect hop) first"
            )
        merged = httpx.Headers(headers)  # keeps repeated headers, unlike a dict
        merged["Host"] = self.host_header  # replaces any Host the caller gave
        ext: dict[str, Any] = dict(extensions or {})
        if not _is_ip_literal(self.host):
            ext["sni_hostname"] = self.host
        return httpx.Request(method, url.copy_with(host=self.ip), headers=merged, extensions=ext)


def make_client_kwargs() -> dict[str, Any]:
    """Keyword arguments for the ``httpx.Client``/``AsyncClient`` that sends pinned requests.

    ``trust_env=False``: an environment proxy would connect to the name and bypass the pin.
    ``follow_redirects=False``: each hop must be vetted again. No keep-alive: the connection pool is
    keyed by the pinned address, so without this a TLS connection verified for one name could carry a
    request for another name that resolved to the same address.

    Returns:
        ``trust_env=False``, ``follow_redirects=False`` and ``limits`` without keep-alive connections.
    """
    return {
        "trust_env": False,
        "follow_redirects": False,
        "limits": httpx.Limits(max_keepalive_connections=0),
    }


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _url_host(url: httpx.URL) -> str:
    host = url.raw_host.decode("ascii").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        return str(ipaddress.IPv6Address(host)) if _is_ip_literal(host) else host
    return host.removesuffix(".")


def _url_port(url: httpx.URL) -> int:
    return url.port if url.port is not None else _SCHEME_PORTS.get(url.scheme, 0)


_HOST_CHARS: Final = frozenset(string.ascii_lowercase + string.digits + "-._:")


class NetGuard:
    """Vets every URL and redirect hop before a fetch connects, and pins the checked address.

    Args:
        resolver: Host name → addresses; :func:`system_resolver` by default, injected in tests.
        allow_hosts: Hosts (and ports) that may resolve to non-public addresses, e.g. the local corpus
            server ``("docs.example.com:8123",)``; see :func:`parse_allow_hosts`.
        allowed_ports: Ports any public host may use; other ports need an ``allow_hosts`` entry.

    Raises:
        ConfigError: A bad ``allow_hosts`` entry or port.
    """

    def __init__(
        self,
        resolver: Resolver = system_resolver,
        allow_hosts: Iterable[str] = (),
        allowed_ports: Iterable[int] = DEFAULT_PORTS,
    ) -> None:
        self.resolver = resolver
        self.allow_hosts = parse_allow_hosts(allow_hosts)
        ports = tuple(allowed_ports)
        for port in ports:
            if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
                raise ConfigError(f"allowed_ports entry {port!r}: ports are integers from 1 to 65535")
        self.allowed_ports = frozenset(ports)

    def __repr__(self) -> str:
        opened = ", ".join(str(h) for h in self.allow_hosts)
        return f"NetGuard(allow_hosts=[{opened}], allowed_ports={sorted(self.allowed_ports)})"

    def is_opened(self, host: str, port: int) -> bool:
        """Whether an ``allow_hosts`` entry opens ``host`` (normalised) on ``port``.

        An entry without a port opens 80 and 443 only, and only those of them in ``allowed_ports``:
        widening ``allowed_ports`` for public hosts must not open more of a private one.
        """
        return any(
            entry.host == host
            and (
                port == entry.port
                if entry.port is not None
                else port in DEFAULT_PORTS and port in self.allowed_ports
            )
            for entry in self.allow_hosts
        )

    def vet(
        self,
        url: httpx.URL | ParsedUrl,
        *,
        deadline: float,
        previous: httpx.URL | ParsedUrl | None = None,
    ) -> PinnedTarget | Refusal:
        """Decide whether ``url`` may be fetched and, if so, which address to connect to.

        Call it for the first URL and again for every redirect hop (``previous`` = the URL that
        redirected). Resolution is bounded by ``deadline``.

        Args:
            url: The URL to fetch: the :class:`~webfetch_kit.rules.urls.ParsedUrl` a policy verdict
                carries (the fetcher passes that, so the URL is not parsed again), or any ``httpx.URL``,
                whose scheme, user info and host the guard then checks itself.
            deadline: Absolute ``time.monotonic()`` value by which DNS must have answered.
            previous: The URL of the previous hop when following a redirect.

        Returns:
            A :class:`PinnedTarget` to build the request from, or a :class:`Refusal` whose error code is
            ``invalid_tool_input`` or ``url_not_accessible`` (see the module docstring).
        """
        if isinstance(url, ParsedUrl):
            # rules.urls judged scheme, user info and host already; the character check is repeated
            # because it costs nothing (defence in depth: the pin must never be built on an odd host).
            if not set(url.host) <= _HOST_CHARS:
                return _refuse(
                    "invalid_tool_input", f"host {url.host!r} has characters hosts cannot have", "invalid_url"
                )
            target, scheme, host, literal = url.url, url.scheme, url.host, url.is_ip
        else:
            judged = _judge_httpx_url(url)
            if isinstance(judged, Refusal):
                return judged
            target, scheme, host, literal = url, url.scheme, judged, _is_ip_literal(judged)
        if previous is not None and previous.scheme == "https" and scheme == "http":
            return _refuse(
                "url_not_accessible",
                f"redirect from {_shown(previous)} downgrades https to http: {target}",
                "downgrade",
            )
        port = _url_port(target)
        opened = self.is_opened(host, port)
        if not opened and port not in self.allowed_ports:
            return _refuse(
                "url_not_accessible",
                f"port {port} is not one of {sorted(self.allowed_ports)}; "
                f"open it with allow_hosts=['{OpenedHost(host, port)}'] if this host is trusted",
                "port",
            )

        if not literal and ends_in_a_number(host):
            meaning = numeric_host_address(host)
            read_as = (
                f"the system resolver reads it as {meaning}"
                if meaning is not None
                else "it is neither a host name nor an IP address"
            )
            return _refuse(
                "url_not_accessible", f"{host!r} is a numeric-looking host: {read_as}", "numeric_host"
            )
        answer = [host] if literal else _resolve(self.resolver, host, deadline)
        if isinstance(answer, Refusal):
            return answer
        addresses = _parse_answer(host, answer)
        if isinstance(addresses, Refusal):
            return addresses
        if not opened:
            for address in addresses:
                problem = address_problem(address)
                if problem is not None:
                    shown = host if literal else f"{host} resolves to {address}, which"
                    return _refuse(
                        "url_not_accessible", f"{shown} is not a public address ({problem})", "address"
                    )
        texts = tuple(str(a) for a in addresses)
        return PinnedTarget(host=host, port=port, ip=texts[0], scheme=scheme, addresses=texts)


def _judge_httpx_url(url: httpx.URL) -> str | Refusal:
    """The host of a URL that did not come through rules.urls, or why the guard cannot judge it."""
    if url.scheme not in _SCHEME_PORTS:
        return _refuse("invalid_tool_input", f"scheme {url.scheme!r} is not http or https", "invalid_url")
    if url.userinfo:
        return _refuse(
            "invalid_tool_input", "URLs with a user name or password are not fetched", "invalid_url"
        )
    raw = url.raw_host.decode("ascii", "replace").lower()
    if not raw or not set(raw) <= _HOST_CHARS:
        return _refuse(
            "invalid_tool_input", f"host {raw!r} is empty or has characters hosts cannot have", "invalid_url"
        )
    host = _url_host(url)
    if not host or ".." in host or host.startswith("."):
        return _refuse("invalid_tool_input", f"host {raw!r} has an empty label", "invalid_url")
    return host


def _shown(url: httpx.URL | ParsedUrl) -> str:
    return url.canonical if isinstance(url, ParsedUrl) else str(url)


def _parse_answer(host: str, answer: Sequence[str]) -> list[IPAddress] | Refusal:
    if not answer:
        return _refuse("url_not_accessible", f"{host} resolved to no addresses", "dns_failure")
    addresses: list[IPAddress] = []
    for text in answer:
        try:
            addresses.append(_as_address(text))
        except ConfigError:
            return _refuse(
                "url_not_accessible",
                f"the resolver answered {text!r} for {host}, not an IP address",
                "dns_failure",
            )
    return list(dict.fromkeys(addresses))
