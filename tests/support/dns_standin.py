"""A DNS server on loopback (UDP) that answers TXT queries from a dict, for the sender-domain
check: ``DNS_NAMESERVERS=127.0.0.1:<port>`` points the app at it.

``zone`` maps a name (no trailing dot, any case) to its TXT records (each a string, split
into 255-octet strings as DNS needs), or to ``SERVFAIL`` / ``TIMEOUT`` (no answer at all). A
name not in the zone answers NXDOMAIN unless a longer name ends with it (then it exists, with
no TXT records: NOERROR and no answer, as a real zone answers for ``_domainkey.<domain>``).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Mapping, Sequence
from types import TracebackType

import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rdtypes.ANY.TXT
import dns.rrset

SERVFAIL = "SERVFAIL"
TIMEOUT = "TIMEOUT"

Zone = Mapping[str, Sequence[str] | str]


def _chunks(text: str) -> tuple[bytes, ...]:
    data = text.encode()
    return tuple(data[i : i + 255] for i in range(0, len(data), 255)) or (b"",)


class DnsStandin:
    def __init__(self, zone: Zone, host: str = "127.0.0.1") -> None:
        self.zone = {name.lower().rstrip("."): value for name, value in zone.items()}
        self.queries: list[str] = []
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind((host, 0))
        self._socket.settimeout(0.2)
        self.host, self.port = self._socket.getsockname()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def nameserver(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self) -> DnsStandin:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()

    def __enter__(self) -> DnsStandin:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, peer = self._socket.recvfrom(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            answer = self.answer(wire)
            if answer is not None:
                self._socket.sendto(answer, peer)

    def answer(self, wire: bytes) -> bytes | None:
        query = dns.message.from_wire(wire)
        question = query.question[0]
        name = question.name.to_text(omit_final_dot=True).lower()
        self.queries.append(name)
        response = dns.message.make_response(query)
        response.flags |= dns.flags.AA
        value = self.zone.get(name)
        if value == TIMEOUT:
            return None
        if value == SERVFAIL:
            response.set_rcode(dns.rcode.SERVFAIL)
        elif value is None:
            exists = any(other.endswith(f".{name}") for other in self.zone)
            response.set_rcode(dns.rcode.NOERROR if exists else dns.rcode.NXDOMAIN)
        elif question.rdtype == dns.rdatatype.TXT and value:
            rrset = dns.rrset.RRset(question.name, dns.rdataclass.IN, dns.rdatatype.TXT)
            rrset.update_ttl(60)
            for record in value:
                rdata = dns.rdtypes.ANY.TXT.TXT(
                    dns.rdataclass.IN, dns.rdatatype.TXT, _chunks(record)
                )
                rrset.add(rdata)
            response.answer.append(rrset)
        return response.to_wire()
