"""The sender domain checked against what Gmail and Yahoo require of bulk senders since
February 2024: SPF and DKIM for the From domain, a DMARC record (``p=none`` at least), the
From domain aligned with DKIM or SPF, one-click unsubscribe (RFC 8058) and a spam-complaint
rate under 0.3%.

Each finding is a ``Finding``: which check, a status (pass, warn, fail), a stable code the
Dashboard words in the admin's language, the DNS name read, the record found and one value
the wording needs (a count, a policy, a domain). DNS faults are findings too (``DNS_*``).

What DNS cannot show is not claimed: whether the provider's servers are the ones SPF allows
(only a known ESP's ``include`` is looked for), and whether mail is really signed with the
key found (a key under the From domain is what makes an aligned signature possible).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.dns_lookup import DnsError, TxtAnswer
from saleor_mautomation.messages.dns_records import (
    DkimInvalid,
    DkimRevoked,
    Spf,
    SpfInvalid,
    dkim_key,
    has_macro,
    is_dmarc,
    is_spf,
    spf_parse,
    tags,
)

MAX_SPF_LOOKUPS = 10  # RFC 7208 4.6.4: more is a permanent error, the record fails
MAX_SELECTORS = 10
COMPLAINT_LINE = 0.003  # Gmail and Yahoo: bulk senders stay under 0.3%
COMPLAINT_TARGET = 0.001  # Google's advice: under 0.1%

# What each ESP django-anymail supports asks its customers to publish, where the ESP's own
# setup guide names one fixed value: the SPF include, the DKIM selectors. An ESP missing here
# (Postmark, Amazon SES, SparkPost, ...) gives each account its own selectors, and its bounce
# domain carries the SPF, so there is nothing to look for in the From domain's record.
KNOWN_ESPS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "sendgrid": ("sendgrid.net", ("s1", "s2")),
    "mailjet": ("spf.mailjet.com", ("mailjet",)),
    "mandrill": ("spf.mandrillapp.com", ("mte1", "mte2")),
    "mailgun": ("mailgun.org", ()),
}

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_SELECTOR = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")


class Check(enum.StrEnum):
    SPF = "spf"
    DKIM = "dkim"
    DMARC = "dmarc"
    ALIGNMENT = "alignment"
    UNSUBSCRIBE = "unsubscribe"
    COMPLAINTS = "complaints"


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 (a status, not a password)
    WARN = "warn"
    FAIL = "fail"


@dataclass(frozen=True)
class Finding:
    check: Check
    status: Status
    code: str
    name: str | None = None  # the DNS name read
    record: str | None = None
    value: str | None = None
    selector: str | None = None


@dataclass(frozen=True)
class Complaints:
    """Email sent and complained about (analytics, last 30 days)."""

    sent: int
    complained: int


class SelectorInvalid(PermanentError):
    code = "invalid_selector"


Lookup = Callable[[str], TxtAnswer]

# A timeout may be this machine's network; the other faults are the domain's.
_DNS_STATUS = {
    DnsError.TIMEOUT: Status.WARN,
    DnsError.NO_RESOLVER: Status.WARN,
}


def _dns_finding(check: Check, answer: TxtAnswer, selector: str | None = None) -> Finding:
    assert answer.error is not None
    return Finding(
        check,
        _DNS_STATUS.get(answer.error, Status.FAIL),
        str(answer.error),
        name=answer.name,
        selector=selector,
    )


def domain_of(from_email: str) -> str | None:
    """The From address's domain, lower-cased, without a trailing dot; None without one."""
    _, at, domain = from_email.strip().rpartition("@")
    domain = domain.rstrip(".").lower()
    return domain if at and domain else None


def selectors_checked(given: Sequence[str] | None, esp: str | None) -> list[str]:
    """The admin's selectors (checked), or the known ESP's when none are given."""
    if not given:
        return list(KNOWN_ESPS.get(esp or "", (None, ()))[1])
    if len(given) > MAX_SELECTORS:
        raise SelectorInvalid(f"At most {MAX_SELECTORS} selectors")
    cleaned = []
    for selector in given:
        value = selector.strip().lower()
        if len(value) > 200 or not _SELECTOR.match(value):
            raise SelectorInvalid(f"Not a DKIM selector: {selector!r}")
        if value not in cleaned:
            cleaned.append(value)
    return cleaned


# -- SPF ----------------------------------------------------------------------------------------


@dataclass
class _SpfWalk:
    """Counts the lookups of a record and everything it includes or redirects to."""

    lookup: Lookup
    lookups: int = 0
    broken: str | None = None  # an include or redirect that is a permanent error itself
    unchecked: tuple[str, DnsError] | None = None  # an include that could not be read
    all_qualifier: str | None = None
    includes: tuple[str, ...] = ()

    def evaluate(self, spf: Spf, depth: int, decides: bool) -> None:
        """Count a record's lookups and follow its includes and redirect; ``decides``: its
        ``all`` is the one that applies (the domain's own record, or where it redirects)."""
        self.lookups += spf.lookups
        self.includes += spf.includes
        for domain in spf.includes:
            self._follow(domain, depth + 1, decides=False)
        if spf.all_qualifier is not None:
            if decides:
                self.all_qualifier = spf.all_qualifier
        elif spf.redirect:
            self._follow(spf.redirect, depth + 1, decides=decides)

    def _follow(self, domain: str, depth: int, *, decides: bool) -> None:
        if self.lookups > MAX_SPF_LOOKUPS or depth > MAX_SPF_LOOKUPS or has_macro(domain):
            return  # over the limit already, or a name known only when a message comes
        answer = self.lookup(domain)
        if answer.error is not None and answer.error is not DnsError.NXDOMAIN:
            self.unchecked = self.unchecked or (domain, answer.error)
            return
        records = [r for r in answer.records if is_spf(r)]
        if len(records) != 1:  # RFC 7208 5.2 and 6.1: none or several is a permanent error
            self.broken = self.broken or domain
            return
        try:
            spf = spf_parse(records[0])
        except SpfInvalid:
            self.broken = self.broken or domain
            return
        self.evaluate(spf, depth, decides)


_ALL = {
    "-": (Status.PASS, "SPF_ALL_FAIL"),
    "~": (Status.PASS, "SPF_ALL_SOFTFAIL"),
    "?": (Status.WARN, "SPF_ALL_NEUTRAL"),
    "+": (Status.FAIL, "SPF_ALL_PASS"),
    None: (Status.WARN, "SPF_ALL_MISSING"),
}


def spf_findings(domain: str, lookup: Lookup, esp: str | None) -> list[Finding]:
    answer = lookup(domain)
    if answer.error is not None:
        return [_dns_finding(Check.SPF, answer)]
    records = [r for r in answer.records if is_spf(r)]
    if not records:
        return [Finding(Check.SPF, Status.FAIL, "SPF_MISSING", name=domain)]
    if len(records) > 1:
        return [
            Finding(
                Check.SPF,
                Status.FAIL,
                "SPF_MULTIPLE",
                name=domain,
                record="\n".join(records),
                value=str(len(records)),
            )
        ]
    record = records[0]
    spf_at = {"name": domain, "record": record}
    try:
        spf = spf_parse(record)
    except SpfInvalid as exc:
        return [Finding(Check.SPF, Status.FAIL, "SPF_INVALID", value=exc.term, **spf_at)]
    walk = _SpfWalk(lookup)
    walk.evaluate(spf, 0, decides=True)
    found = [Finding(Check.SPF, Status.PASS, "SPF_FOUND", **spf_at)]
    status, code = _ALL[walk.all_qualifier]
    found.append(Finding(Check.SPF, status, code, **spf_at))
    if walk.lookups > MAX_SPF_LOOKUPS:
        found.append(
            Finding(
                Check.SPF, Status.FAIL, "SPF_TOO_MANY_LOOKUPS", value=str(walk.lookups), **spf_at
            )
        )
    elif walk.broken is not None:
        found.append(
            Finding(Check.SPF, Status.FAIL, "SPF_INCLUDE_BROKEN", value=walk.broken, **spf_at)
        )
    elif walk.unchecked is not None:
        found.append(
            Finding(
                Check.SPF, Status.WARN, "SPF_INCLUDE_UNCHECKED", value=walk.unchecked[0], **spf_at
            )
        )
    else:
        found.append(
            Finding(Check.SPF, Status.PASS, "SPF_LOOKUPS", value=str(walk.lookups), **spf_at)
        )
    include = KNOWN_ESPS.get(esp or "", (None, ()))[0]
    if include is not None:
        covered = include in {i.lower().rstrip(".") for i in walk.includes}
        found.append(
            Finding(
                Check.SPF,
                Status.PASS if covered else Status.WARN,
                "SPF_PROVIDER_COVERED" if covered else "SPF_PROVIDER_MISSING",
                value=include,
                **spf_at,
            )
        )
    return found


# -- DKIM ---------------------------------------------------------------------------------------


def dkim_findings(domain: str, selectors: Sequence[str], lookup: Lookup) -> list[Finding]:
    if not selectors:
        return [Finding(Check.DKIM, Status.WARN, "DKIM_NO_SELECTORS")]
    found = []
    for selector in selectors:
        answer = lookup(f"{selector}._domainkey.{domain}")
        at = {"name": answer.name, "selector": selector}
        if answer.error is not None and answer.error is not DnsError.NXDOMAIN:
            found.append(_dns_finding(Check.DKIM, answer, selector))
            continue
        keys = [r for r in answer.records if "p=" in r]
        if not keys:
            found.append(Finding(Check.DKIM, Status.FAIL, "DKIM_MISSING", **at))
            continue
        record = keys[0]
        try:
            key = dkim_key(record)
        except DkimRevoked:
            found.append(Finding(Check.DKIM, Status.FAIL, "DKIM_REVOKED", record=record, **at))
            continue
        except DkimInvalid:
            found.append(Finding(Check.DKIM, Status.FAIL, "DKIM_INVALID", record=record, **at))
            continue
        if key.kind == "ed25519":
            status, code = Status.PASS, "DKIM_ED25519"
        elif key.bits < 1024:
            status, code = Status.FAIL, "DKIM_WEAK_KEY"
        elif key.bits < 2048:
            status, code = Status.WARN, "DKIM_SHORT_KEY"
        else:
            status, code = Status.PASS, "DKIM_KEY_FOUND"
        found.append(Finding(Check.DKIM, status, code, record=record, value=str(key.bits), **at))
    return found


# -- DMARC --------------------------------------------------------------------------------------


def _dmarc_names(domain: str) -> list[str]:
    """The domain, then its parents down to two labels: without the public suffix list the
    organisational domain is not known, and a parent's record covers its subdomains."""
    labels = domain.split(".")
    return [".".join(labels[i:]) for i in range(max(len(labels) - 1, 1))]


def _dmarc_record(domain: str, lookup: Lookup) -> tuple[TxtAnswer, list[str], bool]:
    """The first name holding a DMARC record (or the fault on the way); whether it is a parent's."""
    answer = TxtAnswer(f"_dmarc.{domain}")
    for index, name in enumerate(_dmarc_names(domain)):
        answer = lookup(f"_dmarc.{name}")
        if answer.error is not None and answer.error is not DnsError.NXDOMAIN:
            return answer, [], False
        records = [r for r in answer.records if is_dmarc(r)]
        if records:
            return answer, records, index > 0
    return TxtAnswer(f"_dmarc.{domain}"), [], False


_POLICIES = {
    "none": (Status.WARN, "DMARC_POLICY_NONE"),
    "quarantine": (Status.PASS, "DMARC_POLICY_QUARANTINE"),
    "reject": (Status.PASS, "DMARC_POLICY_REJECT"),
}


def dmarc_findings(domain: str, lookup: Lookup) -> tuple[list[Finding], dict[str, str]]:
    answer, records, inherited = _dmarc_record(domain, lookup)
    if answer.error is not None and answer.error is not DnsError.NXDOMAIN:
        return [_dns_finding(Check.DMARC, answer)], {}
    if not records:
        return [Finding(Check.DMARC, Status.FAIL, "DMARC_MISSING", name=answer.name)], {}
    at = {"name": answer.name, "record": "\n".join(records)}
    if len(records) > 1:  # RFC 7489 6.6.3: several records, no policy applies
        return [
            Finding(Check.DMARC, Status.FAIL, "DMARC_MULTIPLE", value=str(len(records)), **at)
        ], {}
    values = tags(records[0])
    policy = (values.get("sp") if inherited else None) or values.get("p", "")
    if policy.lower() not in _POLICIES:
        return [Finding(Check.DMARC, Status.FAIL, "DMARC_INVALID_POLICY", value=policy, **at)], {}
    status, code = _POLICIES[policy.lower()]
    found = [
        Finding(Check.DMARC, Status.PASS, "DMARC_FOUND", **at),
        Finding(Check.DMARC, status, code, **at),
    ]
    rua = values.get("rua", "")
    found.append(
        Finding(Check.DMARC, Status.PASS, "DMARC_REPORTS", value=rua, **at)
        if rua
        else Finding(Check.DMARC, Status.WARN, "DMARC_NO_REPORTS", **at)
    )
    return found, values


# -- the other rules for bulk senders ------------------------------------------------------------


def alignment_finding(dkim: Sequence[Finding], dmarc: dict[str, str]) -> Finding:
    """DMARC passes when the From domain aligns with DKIM's ``d=`` or SPF's bounce domain.
    A usable key under the From domain means the provider can sign as that domain (aligned in
    both modes); without one, alignment rests on the bounce domain, which DNS does not show."""
    mode = "strict" if dmarc.get("adkim", "r").lower() == "s" else "relaxed"
    usable = any(f.code in {"DKIM_KEY_FOUND", "DKIM_SHORT_KEY", "DKIM_ED25519"} for f in dkim)
    if usable:
        return Finding(Check.ALIGNMENT, Status.PASS, "ALIGNMENT_DKIM", value=mode)
    return Finding(Check.ALIGNMENT, Status.WARN, "ALIGNMENT_UNVERIFIED", value=mode)


def complaints_finding(complaints: Complaints) -> Finding:
    if complaints.sent == 0:
        return Finding(Check.COMPLAINTS, Status.PASS, "COMPLAINTS_NONE_SENT", value="0")
    rate = complaints.complained / complaints.sent
    value = f"{rate:.4f}"
    if rate >= COMPLAINT_LINE:
        return Finding(Check.COMPLAINTS, Status.FAIL, "COMPLAINTS_HIGH", value=value)
    if rate >= COMPLAINT_TARGET:
        return Finding(Check.COMPLAINTS, Status.WARN, "COMPLAINTS_ELEVATED", value=value)
    return Finding(Check.COMPLAINTS, Status.PASS, "COMPLAINTS_LOW", value=value)


def sender_domain_check(
    *,
    domain: str,
    selectors: Sequence[str],
    esp: str | None,
    complaints: Complaints,
    lookup: Lookup,
) -> list[Finding]:
    """Every finding for the domain, in the order the Dashboard lists them."""
    spf = spf_findings(domain, lookup, esp)
    dkim = dkim_findings(domain, selectors, lookup)
    dmarc, dmarc_tags = dmarc_findings(domain, lookup)
    return [
        *spf,
        *dkim,
        *dmarc,
        alignment_finding(dkim, dmarc_tags),
        # Every marketing message carries List-Unsubscribe and List-Unsubscribe-Post
        # (messages.providers), and the link unsubscribes with one POST.
        Finding(Check.UNSUBSCRIBE, Status.PASS, "UNSUBSCRIBE_ONE_CLICK"),
        complaints_finding(complaints),
    ]
