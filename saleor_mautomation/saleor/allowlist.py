"""Which Saleor API URLs may register (``ALLOWED_SALEOR_URLS``): matched by host, never as text.

A glob over the whole URL let ``http://attacker/.saleor.cloud/graphql/`` pass
``https://*.saleor.cloud/graphql/``. So the URL is parsed first and refused unless it is a plain
Saleor API URL (http(s), no userinfo, query or fragment, the path exactly ``/graphql/``); then a
pattern's host glob is matched against the host alone, its scheme decides whether plain http is
accepted (https only unless the pattern says ``http://``) and its port, when given, must be the
URL's. The pattern ``*`` (the default) accepts every Saleor API URL.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

API_PATH = "/graphql/"
_HOST = re.compile(r"[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\]")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class SaleorUrl:
    scheme: str
    host: str
    port: int


def saleor_url_parse(url: str) -> SaleorUrl | None:
    """The URL's scheme, host and port if it is a plain Saleor API URL, else ``None``."""
    if "?" in url or "#" in url or "\\" in url or any(ch.isspace() for ch in url):
        return None
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or "@" in parts.netloc or parts.path != API_PATH:
        return None
    host, port = _split_port(parts.netloc.lower())
    if not _HOST.fullmatch(host) or (port and not (port.isdigit() and 0 < int(port) < 65536)):
        return None
    return SaleorUrl(scheme=scheme, host=host, port=int(port) if port else _DEFAULT_PORTS[scheme])


def _split_port(netloc: str) -> tuple[str, str]:
    host, colon, port = netloc.rpartition(":")
    if not colon or "]" in port:  # no port, or the colon is an IPv6 literal's
        return netloc, ""
    return host, port


def _pattern_matches(pattern: str, url: SaleorUrl) -> bool:
    pattern = pattern.strip()
    if pattern == "*":
        return True
    scheme, sep, rest = pattern.partition("://")
    if not sep:
        scheme, rest = "https", pattern
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return False
    netloc, slash, path = rest.partition("/")
    if slash and f"/{path}" != API_PATH:
        return False
    host_glob, port = _split_port(netloc.lower())
    if scheme == "https" and url.scheme != "https":
        return False
    if port and port != "*":
        if not port.isdigit() or int(port) != url.port:
            return False
    elif not port and url.port != _DEFAULT_PORTS[url.scheme]:
        return False
    return fnmatchcase(url.host, host_glob)


def saleor_url_allowed(url: str, *, allowed_patterns: Sequence[str]) -> bool:
    """Whether ``url`` is a Saleor API URL one of ``allowed_patterns`` accepts."""
    parsed = saleor_url_parse(url)
    if parsed is None:
        return False
    return any(_pattern_matches(pattern, parsed) for pattern in allowed_patterns)
