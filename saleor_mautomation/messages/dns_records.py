"""Parsing the sender domain's SPF (RFC 7208), DKIM key (RFC 6376) and DMARC (RFC 7489)
records: pure functions over the TXT strings, no lookups (``dns_check`` does those)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_der_public_key

# RFC 7208 4.6.4: the terms that cost a DNS lookup, at most 10 per evaluation.
LOOKUP_MECHANISMS = frozenset({"include", "a", "mx", "ptr", "exists"})
MECHANISMS = LOOKUP_MECHANISMS | {"all", "ip4", "ip6"}
_SPF_VERSION = re.compile(r"^v=spf1(\s|$)", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.-]*)=(.*)$", re.IGNORECASE)
_DIRECTIVE = re.compile(r"^([+?~-]?)([a-z0-9]+)(?::(.*?))?(/\d+(?://\d+)?)?$", re.IGNORECASE)


def is_spf(record: str) -> bool:
    return bool(_SPF_VERSION.match(record))


@dataclass(frozen=True)
class Spf:
    """One SPF record: its mechanisms in order as (qualifier, name, argument), its redirect."""

    directives: tuple[tuple[str, str, str], ...]
    redirect: str | None

    @property
    def all_qualifier(self) -> str | None:
        """``-``, ``~``, ``?`` or ``+`` of its ``all``; None without one."""
        return next((q for q, name, _ in self.directives if name == "all"), None)

    @property
    def lookups(self) -> int:
        """Lookups of this record alone (an include's own terms are the include's)."""
        own = sum(1 for _, name, _ in self.directives if name in LOOKUP_MECHANISMS)
        return own + (1 if self.redirect and self.all_qualifier is None else 0)

    @property
    def includes(self) -> tuple[str, ...]:
        return tuple(arg for _, name, arg in self.directives if name == "include")


class SpfInvalid(ValueError):
    """The record does not parse; ``term`` is the first term that does not."""

    def __init__(self, term: str) -> None:
        super().__init__(term)
        self.term = term


def _valid_argument(name: str, argument: str) -> bool:
    match name:
        case "all":
            return argument == ""
        case "include" | "exists":
            return argument != ""
        case "ip4" | "ip6":
            try:
                network = ipaddress.ip_network(argument, strict=False)
            except ValueError:
                return False
            return network.version == (4 if name == "ip4" else 6)
    return True


def spf_parse(record: str) -> Spf:
    directives: list[tuple[str, str, str]] = []
    redirect = None
    for term in record.split()[1:]:
        modifier = _MODIFIER.match(term)
        if modifier:
            if modifier.group(1).lower() == "redirect":
                if redirect is not None or not modifier.group(2):
                    raise SpfInvalid(term)
                redirect = modifier.group(2)
            continue
        directive = _DIRECTIVE.match(term)
        if directive is None:
            raise SpfInvalid(term)
        qualifier, name, argument, cidr = directive.groups()
        name = name.lower()
        if name not in MECHANISMS:
            raise SpfInvalid(term)
        if name in {"ip4", "ip6"}:
            argument = (argument or "") + (cidr or "")
        elif cidr and name not in {"a", "mx"}:
            raise SpfInvalid(term)
        if not _valid_argument(name, argument or ""):
            raise SpfInvalid(term)
        directives.append((qualifier or "+", name, argument or ""))
    return Spf(directives=tuple(directives), redirect=redirect)


def has_macro(domain: str) -> bool:
    """A domain-spec with a macro (``%{i}``) names a different domain per message."""
    return "%" in domain


def tags(record: str) -> dict[str, str]:
    """``k=v; k2=v2`` (DKIM and DMARC) as a dict, names lower-cased, whitespace removed."""
    found = {}
    for part in record.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            found[name.strip().lower()] = re.sub(r"\s+", "", value)
    return found


def is_dmarc(record: str) -> bool:
    return bool(re.match(r"^v\s*=\s*DMARC1\s*(;|$)", record))


@dataclass(frozen=True)
class DkimKey:
    """A DKIM public key: ``ed25519`` or ``rsa`` with its size in bits."""

    kind: str
    bits: int


class DkimInvalid(ValueError):
    pass


class DkimRevoked(ValueError):
    """An empty ``p=``: the key was withdrawn (RFC 6376 3.6.1)."""


def dkim_key(record: str) -> DkimKey:
    values = tags(record)
    if values.get("v", "DKIM1") != "DKIM1" or "p" not in values:
        raise DkimInvalid(record)
    if values["p"] == "":
        raise DkimRevoked(record)
    try:
        data = base64.b64decode(values["p"], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DkimInvalid(record) from exc
    kind = values.get("k", "rsa").lower()
    if kind == "ed25519":
        if len(data) != 32:
            raise DkimInvalid(record)
        ed25519.Ed25519PublicKey.from_public_bytes(data)
        return DkimKey(kind="ed25519", bits=256)
    if kind != "rsa":
        raise DkimInvalid(record)
    try:
        key = load_der_public_key(data)
    except ValueError as exc:
        raise DkimInvalid(record) from exc
    if not isinstance(key, rsa.RSAPublicKey):
        raise DkimInvalid(record)
    return DkimKey(kind="rsa", bits=key.key_size)
