"""TXT lookups for the sender-domain check, bounded in time, with DNS errors as values.

The check reads what a mailbox provider reads (SPF, DKIM, DMARC records); a resolver that
fails (the name does not exist, the domain's servers fail, nothing answers in time) is a
finding to report, not an exception: ``txt_lookup`` never raises for a DNS fault.

The nameservers are ``DNS_NAMESERVERS`` (``host`` or ``host:port``, ``[v6]:port``); empty: the
system's (``/etc/resolv.conf``). Each query gets ``DNS_TIMEOUT`` seconds in all, and the whole
check a deadline, so a domain with slow servers costs seconds, never a hung request.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver


class DnsError(enum.StrEnum):
    NXDOMAIN = "DNS_NXDOMAIN"  # the name does not exist
    SERVFAIL = "DNS_SERVFAIL"  # every nameserver failed or refused to answer
    TIMEOUT = "DNS_TIMEOUT"  # no answer in time (or the check's deadline was reached)
    NO_RESOLVER = "DNS_NO_RESOLVER"  # no nameserver configured on this machine
    BAD_NAME = "DNS_BAD_NAME"  # not a name DNS can carry (a label over 63 octets)


@dataclass(frozen=True)
class TxtAnswer:
    """The TXT records at a name (each record's strings joined), or why there are none."""

    name: str
    records: tuple[str, ...] = ()
    error: DnsError | None = None


def parse_nameservers(value: Sequence[str]) -> list[tuple[str, int]]:
    """``["127.0.0.1:5353", "[::1]:53", "9.9.9.9"]`` as (address, port) pairs."""
    servers = []
    for item in value:
        host, port = item, 53
        if item.startswith("["):
            host, _, rest = item[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else 53
        elif item.count(":") == 1:
            host, raw_port = item.split(":")
            port = int(raw_port)
        servers.append((host, port))
    return servers


@dataclass
class TxtLookup:
    """Looks names up until its deadline; after it, every lookup answers ``DNS_TIMEOUT``."""

    nameservers: Sequence[tuple[str, int]] = ()
    timeout: float = 3.0  # per query, retries included
    deadline: float = 12.0  # for all the lookups of one check
    _started: float = field(default_factory=time.monotonic)
    _resolver: dns.resolver.Resolver | None = None

    def _get_resolver(self) -> dns.resolver.Resolver:
        if self._resolver is None:
            resolver = dns.resolver.Resolver(configure=not self.nameservers)
            if self.nameservers:
                resolver.nameservers = [
                    dns.nameserver.Do53Nameserver(host, port) for host, port in self.nameservers
                ]
            resolver.cache = None
            self._resolver = resolver
        return self._resolver

    def __call__(self, name: str) -> TxtAnswer:
        left = self.deadline - (time.monotonic() - self._started)
        if left <= 0:
            return TxtAnswer(name, error=DnsError.TIMEOUT)
        try:
            resolver = self._get_resolver()
            resolver.timeout = resolver.lifetime = min(self.timeout, left)
            answer = resolver.resolve(
                dns.name.from_text(name), dns.rdatatype.TXT, search=False, raise_on_no_answer=False
            )
        except dns.resolver.NXDOMAIN:
            return TxtAnswer(name, error=DnsError.NXDOMAIN)
        except dns.resolver.NoNameservers:
            return TxtAnswer(name, error=DnsError.SERVFAIL)
        except dns.exception.Timeout:
            return TxtAnswer(name, error=DnsError.TIMEOUT)
        except dns.resolver.NoResolverConfiguration:
            return TxtAnswer(name, error=DnsError.NO_RESOLVER)
        except (dns.name.LabelTooLong, dns.name.NameTooLong, dns.name.EmptyLabel):
            return TxtAnswer(name, error=DnsError.BAD_NAME)
        # An RRset has no order: sorted, the same records always read the same.
        records = tuple(
            sorted(
                b"".join(rdata.strings).decode("utf-8", "replace") for rdata in (answer.rrset or ())
            )
        )
        return TxtAnswer(name, records=records)
