"""Each sender domain's SPF, DKIM and DMARC, as the Operations page checks them
(``messages.dns_check``, ADR 0023), worded for a terminal: one line per record, and what to
publish when it is not right. The Dashboard words the same codes
(``dashboard_extension/src/i18n/*/operations.json``); a test keeps the two lists of codes
with a fix the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings

from saleor_mautomation.messages.dns_check import (
    KNOWN_ESPS,
    Check,
    Finding,
    Status,
    dkim_findings,
    dmarc_findings,
    domain_of,
    selectors_checked,
    spf_findings,
)
from saleor_mautomation.messages.dns_lookup import DnsError, TxtLookup, parse_nameservers
from saleor_mautomation.messages.models import EmailProvider, SendingRules
from saleor_mautomation.ops.deployment import is_deployed
from saleor_mautomation.ops.report import Line, fail, ok
from saleor_mautomation.ops.report import Status as LineStatus
from saleor_mautomation.saleor.models import Installation

# code -> (what was found, what to do); {name}, {value}, {domain}, {include} filled in.
ADVICE: dict[str, tuple[str, str]] = {
    "DNS_NXDOMAIN": (
        "{name} does not exist in DNS",
        "check the sender address for typos, or register the domain and publish its records",
    ),
    "DNS_SERVFAIL": (
        "the DNS servers of {name} failed to answer (SERVFAIL)",
        "ask your DNS host to fix the zone (often DNSSEC or delegation)",
    ),
    "DNS_TIMEOUT": ("no answer for {name} in time", "check again; DNS_NAMESERVERS, DNS_TIMEOUT"),
    "DNS_NO_RESOLVER": ("no DNS resolver on this machine", "set DNS_NAMESERVERS"),
    "DNS_BAD_NAME": ("{name} is not a name DNS can carry", "shorten the selector or domain"),
    "SPF_MISSING": (
        "no SPF record at {name}",
        'publish one TXT record at {domain}: "v=spf1 include:{include} ~all"',
    ),
    "SPF_MULTIPLE": (
        "{value} SPF records at {name}: SPF fails for every message",
        'merge them into one: one "v=spf1", all the includes, one "~all" at the end',
    ),
    "SPF_INVALID": ('the SPF record does not parse at "{value}"', "correct or remove that term"),
    "SPF_ALL_NEUTRAL": (
        'it ends in "?all"',
        'end it in "~all" or "-all" so that mail from other servers does not pass',
    ),
    "SPF_ALL_PASS": (
        'it ends in "+all": any server may send as {domain}',
        'replace "+all" with "~all" or "-all" at once',
    ),
    "SPF_ALL_MISSING": ('it has no "all" at the end', 'end the record in "~all" or "-all"'),
    "SPF_TOO_MANY_LOOKUPS": (
        "it needs {value} DNS lookups (SPF allows 10)",
        "remove includes of services you no longer use, or use their ip4/ip6 ranges",
    ),
    "SPF_INCLUDE_BROKEN": (
        "its include {value} has no single valid SPF record",
        "fix or remove the include of {value}",
    ),
    "SPF_INCLUDE_UNCHECKED": ("its include {value} could not be read", "check again later"),
    "SPF_PROVIDER_MISSING": (
        "it does not include your email provider ({value})",
        'add "include:{value}" before the "all"',
    ),
    "DKIM_NO_SELECTORS": (
        "no DKIM selector known for your provider",
        "run `mautomation doctor --dkim-selector <selector>` with the selector your provider"
        " gave you (the part before ._domainkey)",
    ),
    "DKIM_MISSING": (
        "no DKIM key at {name}",
        "publish the DKIM record your provider gives you at {name} (TXT or CNAME)",
    ),
    "DKIM_REVOKED": ("the key at {name} is revoked", "use the selector of your current key"),
    "DKIM_INVALID": (
        "the record at {name} holds no usable key",
        "copy the record again from your provider (often cut or split wrongly)",
    ),
    "DKIM_WEAK_KEY": (
        "the RSA key at {name} is {value} bits (under 1024 is ignored)",
        "create a 2048-bit key with your provider and publish it",
    ),
    "DKIM_SHORT_KEY": (
        "the RSA key at {name} is {value} bits",
        "rotate to a 2048-bit key when your provider offers it",
    ),
    "DMARC_MISSING": (
        "no DMARC record at {name} (Gmail and Yahoo require one)",
        'publish a TXT record at _dmarc.{domain}: "v=DMARC1; p=none; rua=mailto:dmarc@{domain}"',
    ),
    "DMARC_MULTIPLE": ("{value} DMARC records at {name}: none applies", "keep exactly one"),
    "DMARC_INVALID_POLICY": (
        'no valid policy (p="{value}")',
        "set p=none, p=quarantine or p=reject",
    ),
    "DMARC_POLICY_NONE": (
        'policy "none": mail failing DMARC is still delivered',
        "once the reports show only your own services, move to p=quarantine, then p=reject",
    ),
    "DMARC_NO_REPORTS": ("no report address (rua)", 'add "rua=mailto:<an address>"'),
}

_STATUS = {Status.PASS: LineStatus.OK, Status.WARN: LineStatus.WARN, Status.FAIL: LineStatus.FAIL}
_ORDER = {LineStatus.OK: 0, LineStatus.WARN: 1, LineStatus.FAIL: 2}
_UNREACHABLE = {str(DnsError.TIMEOUT), str(DnsError.NO_RESOLVER)}


@dataclass(frozen=True)
class Sender:
    domain: str | None
    address: str
    esp: str | None
    installations: tuple[int, ...]


def senders() -> list[Sender]:
    """Each sender domain of the active installations (their From address, else the
    deployment's ``DEFAULT_FROM_EMAIL``), with the ESP that sends for it, if known."""
    rules = dict(SendingRules.objects.values_list("installation_id", "from_email"))
    providers = {p.installation_id: p for p in EmailProvider.objects.all()}
    default_esp = (
        settings.EMAIL_BACKEND.split(".")[2]
        if settings.EMAIL_BACKEND.startswith("anymail.backends.")
        else None
    )
    found: dict[str | None, Sender] = {}
    active = Installation.objects.filter(status=Installation.Status.ACTIVE).order_by("id")
    for pk in active.values_list("pk", flat=True):
        address = parseaddr(rules.get(pk) or settings.DEFAULT_FROM_EMAIL)[1]
        provider = providers.get(pk)
        if provider is None or provider.kind == EmailProvider.Kind.DEFAULT:
            esp = default_esp
        else:
            esp = provider.esp if provider.kind == EmailProvider.Kind.ESP else None
        domain = domain_of(address)
        known = found.get(domain)
        installations = (*known.installations, pk) if known else (pk,)
        found[domain] = (
            Sender(domain, known.address, known.esp, installations)
            if known
            else Sender(domain, address, esp, installations)
        )
    return list(found.values())


def _words(finding: Finding, domain: str, esp: str | None) -> tuple[str, str]:
    what, fix = ADVICE.get(finding.code, (finding.code, ""))
    values = {
        "name": finding.name or domain,
        "value": finding.value or "",
        "domain": domain,
        "include": KNOWN_ESPS.get(esp or "", (None, ()))[0] or "<your provider's SPF domain>",
    }
    return what.format(**values), fix.format(**values)


def _passed(check: Check, findings: Sequence[Finding]) -> str:
    if check is Check.DKIM:
        keys = [f"{f.selector} ({f.value} bits)" for f in findings if f.value]
        return "key found: " + ", ".join(keys) if keys else "key found"
    return next((f.record or "" for f in findings if f.record), "").replace("\n", " | ")


def _line(check: Check, domain: str, esp: str | None, findings: Sequence[Finding]) -> Line:
    name = f"sender domain {domain} {check.name}"
    status = max((_STATUS[f.status] for f in findings), key=_ORDER.__getitem__)
    if status is LineStatus.OK:
        return ok(name, _passed(check, findings))
    words = [_words(f, domain, esp) for f in findings if f.status is not Status.PASS]
    fixes = "; ".join(w[1] for w in words if w[1])
    return Line(name, status, "; ".join(w[0] for w in words), fixes)


def sender_lines(
    sender: Sender, lookup: TxtLookup | None = None, *, selectors: Sequence[str] = ()
) -> list[Line]:
    """SPF, DKIM (``selectors``, else the ESP's known ones) and DMARC of one sender domain."""
    shops = ", ".join(str(pk) for pk in sender.installations)
    if sender.domain is None or "." not in sender.domain:
        check = f"sender {sender.address or '(none)'}"
        message = f"not an internet domain (installations {shops})"
        fix = "set the sender address in the app's Settings (Dashboard) or DEFAULT_FROM_EMAIL"
        return [fail(check, message, fix)] if is_deployed() else [ok(check, message)]
    lookup = lookup or TxtLookup(
        nameservers=parse_nameservers(settings.DNS_NAMESERVERS), timeout=settings.DNS_TIMEOUT
    )
    spf = spf_findings(sender.domain, lookup, sender.esp)
    if any(f.code in _UNREACHABLE for f in spf):
        return [
            Line(
                f"sender domain {sender.domain}",
                LineStatus.WARN,
                f"DNS not reachable from here ({spf[0].code}): SPF, DKIM and DMARC not checked",
                "check them on the Operations page of the Dashboard, or set DNS_NAMESERVERS",
            )
        ]
    dkim = dkim_findings(sender.domain, selectors_checked(selectors, sender.esp), lookup)
    dmarc, _ = dmarc_findings(sender.domain, lookup)
    return [
        _line(Check.SPF, sender.domain, sender.esp, spf),
        _line(Check.DKIM, sender.domain, sender.esp, dkim),
        _line(Check.DMARC, sender.domain, sender.esp, dmarc),
    ]
