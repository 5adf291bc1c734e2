"""Outbound HTTP: one httpx client with timeouts, and a guard against private addresses.

Saleor refuses to call loopback and private addresses by default, and so does the app: a URL
an outsider can make us call (a Saleor API URL at registration, a webhook step) must not reach
the app's own network. The host is resolved once, every address checked, and the connection
pinned to a checked address (the Host header and TLS SNI keep the name), so a DNS answer that
changes between check and connect cannot slip through. Libraries that bring their own ``requests``
session (pywebpush, django-anymail) get the same pinning from ``pinned_session``.

No call leaves while a database transaction is open (ADR 0014): ``request`` raises
``NetworkInTransaction`` instead, so a test that reaches a call inside ``transaction.atomic()``
fails at once rather than the slow peer holding locks in production.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit, urlunsplit

import httpx
import requests
from django.db import connections
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NewConnectionError

from saleor_mautomation.core.errors import NetworkInTransaction, PermanentError, RetryableError

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs


class AddressNotAllowed(PermanentError):
    code = "address_not_allowed"


class NetworkError(RetryableError):
    code = "network_error"


@dataclass(frozen=True)
class HttpPolicy:
    timeout: float = 10.0
    allow_private: bool = False


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_checked(host: str, port: int, *, allow_private: bool) -> str:
    """Resolve ``host`` and return an address that may be called, or raise. A look-up is
    network I/O too: never inside a transaction."""
    transaction_check(f"Looking up {host}")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NetworkError(f"Cannot resolve {host}: {exc}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise NetworkError(f"Cannot resolve {host}")
    if not allow_private:
        refused = [str(a) for a in addresses if not _is_public(a)]
        if refused:
            raise AddressNotAllowed(
                f"{host} resolves to a loopback or private address ({refused[0]}); "
                "set SALEOR_ALLOW_LOOPBACK to allow it"
            )
    return str(addresses[0])


def _transaction_open() -> str:
    """The alias of a connection with a transaction open, or "".

    Counts the atomic blocks the code opened, not those a Django ``TestCase`` opened around a
    test (pytest-django's ``db`` fixture wraps every test in one, which would make every call
    in such a test look transactional). Django marks those blocks ``_from_testcase`` for the
    same reason: its ``durable=True`` check accepts a block directly inside one. So in a plain
    ``db`` test, as in production, a call from inside ``transaction.atomic()`` raises and a call
    outside it goes out; ``transactional_db`` tests have no such block at all.
    """
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            continue
        blocks = connection.atomic_blocks
        if not blocks or any(not getattr(b, "_from_testcase", False) for b in blocks):
            return connection.alias
    return ""


def transaction_check(what: str) -> None:
    """Raise ``NetworkInTransaction`` if a transaction is open; ``what`` names the call."""
    alias = _transaction_open()
    if alias:
        raise NetworkInTransaction(
            f"{what} inside a database transaction (connection {alias!r}): make the call "
            "before the transaction or after its commit (transaction.on_commit)"
        )


@cache
def _client(timeout: float) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=10),
        headers={"User-Agent": "saleor-mautomation/0.1"},
    )


def request(
    method: str,
    url: str,
    *,
    policy: HttpPolicy,
    headers: dict[str, str] | None = None,
    json: Any = None,
    content: bytes | None = None,
) -> httpx.Response:
    """Send one request to a checked address; network faults raise ``NetworkError``."""
    transaction_check(f"{method} {url}")
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise PermanentError(f"Not an http(s) URL: {url}", code="invalid_url")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve_checked(host, port, allow_private=policy.allow_private)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    sent_headers = {"Host": parts.netloc.rsplit("@", 1)[-1], **(headers or {})}
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    try:
        return _client(policy.timeout).request(
            method,
            pinned,
            headers=sent_headers,
            json=json,
            content=content,
            extensions=extensions,
        )
    except httpx.TransportError as exc:
        raise NetworkError(f"{method} {url} failed: {exc.__class__.__name__}: {exc}") from exc


class PinnedAdapter(HTTPAdapter):
    """A ``requests`` transport that sends each request to the address ``resolve_checked``
    returned for its host, as ``request`` does: the URL names the address, the ``Host`` header
    the name, and TLS uses the name for SNI and the certificate check. Through a proxy, the
    proxy is asked for the address too, so it does not resolve the name again."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        super().__init__()

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        parts = urlsplit(request.url or "")
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PermanentError(f"Not an http(s) URL: {request.url}", code="invalid_url")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = resolve_checked(parts.hostname, port, allow_private=self.allow_private)
        literal = f"[{address}]" if ":" in address else address
        pinned = request.copy()
        pinned.url = urlunsplit(
            (parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, "")
        )
        pinned.headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
        return super().send(pinned, stream, timeout, verify, cert, proxies)

    def build_connection_pool_key_attributes(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        cert: tuple[str, str] | str | None = None,
    ) -> tuple[_HostParams, _PoolKwargs]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        if host_params["scheme"] == "https":
            # TLS for the name in the Host header, not for the address in the URL (urllib3
            # takes the key; requests' stubs do not list it).
            name = urlsplit(f"//{request.headers['Host']}").hostname
            cast("dict[str, Any]", pool_kwargs)["server_hostname"] = name
        return host_params, pool_kwargs


def pinned_session(session: requests.Session, *, allow_private: bool) -> requests.Session:
    """``session`` with every http(s) request pinned to a checked address."""
    adapter = PinnedAdapter(allow_private=allow_private)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def request_never_sent(exc: requests.RequestException) -> bool:
    """Whether a ``requests`` failure surely happened before the request reached the peer (no
    connection was made): anything later may have left, and an ESP or Twilio may have acted
    on it."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)
