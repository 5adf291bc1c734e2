"""The sender-domain check against a DNS server on loopback answering from a dict: the exact
findings of each case (no database needed)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
)

from saleor_mautomation.messages.dns_check import (
    Check,
    Complaints,
    Finding,
    SelectorInvalid,
    Status,
    complaints_finding,
    dkim_findings,
    dmarc_findings,
    domain_of,
    selectors_checked,
    sender_domain_check,
    spf_findings,
)
from saleor_mautomation.messages.dns_lookup import DnsError, TxtLookup, parse_nameservers
from tests.support.dns_standin import SERVFAIL, TIMEOUT, DnsStandin, Zone
from tests.support.e2e_operations_seed import DNS_DOMAIN, DNS_ZONE, noon_zone

PASS, WARN, FAIL = Status.PASS, Status.WARN, Status.FAIL
SPF, DKIM, DMARC = Check.SPF, Check.DKIM, Check.DMARC


def _rsa_key(bits: int) -> str:
    # A public key needs only a modulus of that size (cryptography makes none under 1024).
    key = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) + 12345).public_key()
    return base64.b64encode(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).decode()


KEY_2048 = _rsa_key(2048)
KEY_1024 = _rsa_key(1024)
KEY_512 = _rsa_key(512)
ED25519 = base64.b64encode(
    ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
).decode()

GOOD_SPF = "v=spf1 include:sendgrid.net -all"
GOOD_ZONE: dict[str, list[str] | str] = {
    "shop.test": [GOOD_SPF, "google-site-verification=abc"],
    "sendgrid.net": ["v=spf1 ip4:167.89.0.0/17 ~all"],
    "s1._domainkey.shop.test": [f"v=DKIM1; k=rsa; p={KEY_2048}"],
    "_dmarc.shop.test": ["v=DMARC1; p=reject; rua=mailto:dmarc@shop.test"],
}


@pytest.fixture
def dns() -> Iterator[DnsStandin]:
    with DnsStandin({}) as server:
        yield server


def lookup(server: DnsStandin, zone: Zone, timeout: float = 3.0) -> TxtLookup:
    server.zone = {name.lower(): value for name, value in zone.items()}
    return TxtLookup(nameservers=parse_nameservers([server.nameserver]), timeout=timeout)


def test_parse_nameservers():
    # when
    parsed = parse_nameservers(["127.0.0.1:5353", "[::1]:5300", "9.9.9.9", "[2620:fe::fe]"])

    # then
    assert parsed == [("127.0.0.1", 5353), ("::1", 5300), ("9.9.9.9", 53), ("2620:fe::fe", 53)]


def test_domain_of_and_selectors():
    assert domain_of("news@Shop.Test.") == "shop.test"
    assert domain_of("") is None
    assert selectors_checked(None, "sendgrid") == ["s1", "s2"]
    assert selectors_checked([], "postmark") == []
    assert selectors_checked([" S1 ", "s1", "k2.sub"], None) == ["s1", "k2.sub"]
    with pytest.raises(SelectorInvalid, match="Not a DKIM selector: 'a b'"):
        selectors_checked(["a b"], None)
    with pytest.raises(SelectorInvalid, match="At most 10 selectors"):
        selectors_checked([f"s{i}" for i in range(11)], None)


def test_a_domain_that_meets_every_rule(dns):
    # given
    resolve = lookup(dns, GOOD_ZONE)

    # when
    found = sender_domain_check(
        domain="shop.test",
        selectors=["s1"],
        esp="sendgrid",
        complaints=Complaints(sent=10_000, complained=3),
        lookup=resolve,
    )

    # then
    spf_at = {"name": "shop.test", "record": GOOD_SPF}
    dmarc_at = {"name": "_dmarc.shop.test", "record": GOOD_ZONE["_dmarc.shop.test"][0]}
    assert found == [
        Finding(SPF, PASS, "SPF_FOUND", **spf_at),
        Finding(SPF, PASS, "SPF_ALL_FAIL", **spf_at),
        Finding(SPF, PASS, "SPF_LOOKUPS", value="1", **spf_at),
        Finding(SPF, PASS, "SPF_PROVIDER_COVERED", value="sendgrid.net", **spf_at),
        Finding(
            DKIM,
            PASS,
            "DKIM_KEY_FOUND",
            name="s1._domainkey.shop.test",
            record=f"v=DKIM1; k=rsa; p={KEY_2048}",
            value="2048",
            selector="s1",
        ),
        Finding(DMARC, PASS, "DMARC_FOUND", **dmarc_at),
        Finding(DMARC, PASS, "DMARC_POLICY_REJECT", **dmarc_at),
        Finding(DMARC, PASS, "DMARC_REPORTS", value="mailto:dmarc@shop.test", **dmarc_at),
        Finding(Check.ALIGNMENT, PASS, "ALIGNMENT_DKIM", value="relaxed"),
        Finding(Check.UNSUBSCRIBE, PASS, "UNSUBSCRIBE_ONE_CLICK"),
        Finding(Check.COMPLAINTS, PASS, "COMPLAINTS_LOW", value="0.0003"),
    ]


def test_spf_missing(dns):
    # given a domain with other TXT records only
    resolve = lookup(dns, {"shop.test": ["google-site-verification=abc"]})

    # then
    assert spf_findings("shop.test", resolve, None) == [
        Finding(SPF, FAIL, "SPF_MISSING", name="shop.test")
    ]


def test_two_spf_records_fail(dns):
    # given
    resolve = lookup(dns, {"shop.test": ["v=spf1 -all", "v=spf1 include:sendgrid.net ~all"]})

    # when
    found = spf_findings("shop.test", resolve, "sendgrid")

    # then
    assert found == [
        Finding(
            SPF,
            FAIL,
            "SPF_MULTIPLE",
            name="shop.test",
            record="v=spf1 -all\nv=spf1 include:sendgrid.net ~all",
            value="2",
        )
    ]


def test_plus_all_fails_and_a_missing_provider_warns(dns):
    # given
    record = "v=spf1 ip4:192.0.2.1 +all"
    resolve = lookup(dns, {"shop.test": [record]})

    # when
    found = spf_findings("shop.test", resolve, "mailjet")

    # then
    at = {"name": "shop.test", "record": record}
    assert found == [
        Finding(SPF, PASS, "SPF_FOUND", **at),
        Finding(SPF, FAIL, "SPF_ALL_PASS", **at),
        Finding(SPF, PASS, "SPF_LOOKUPS", value="0", **at),
        Finding(SPF, WARN, "SPF_PROVIDER_MISSING", value="spf.mailjet.com", **at),
    ]


def test_more_than_ten_lookups_fail(dns):
    # given 4 includes, each with 2 lookups of its own (a, mx), and a redirect of the last
    record = "v=spf1 include:a.test include:b.test include:c.test include:d.test ~all"
    zone: dict[str, list[str] | str] = {"shop.test": [record]}
    for name in "abc":
        zone[f"{name}.test"] = ["v=spf1 a mx -all"]
    zone["d.test"] = ["v=spf1 redirect=e.test"]
    zone["e.test"] = ["v=spf1 ip4:192.0.2.0/24 -all"]
    resolve = lookup(dns, zone)

    # when
    found = spf_findings("shop.test", resolve, None)

    # then 4 includes + 3 * 2 + the redirect
    at = {"name": "shop.test", "record": record}
    assert found == [
        Finding(SPF, PASS, "SPF_FOUND", **at),
        Finding(SPF, PASS, "SPF_ALL_SOFTFAIL", **at),
        Finding(SPF, FAIL, "SPF_TOO_MANY_LOOKUPS", value="11", **at),
    ]


def test_spf_that_does_not_parse_and_a_broken_include(dns):
    # given
    resolve = lookup(
        dns,
        {
            "shop.test": ["v=spf1 ip4:300.1.1.1 -all"],
            "other.test": ["v=spf1 include:gone.test ?all"],
        },
    )

    # then
    assert spf_findings("shop.test", resolve, None) == [
        Finding(
            SPF,
            FAIL,
            "SPF_INVALID",
            name="shop.test",
            record="v=spf1 ip4:300.1.1.1 -all",
            value="ip4:300.1.1.1",
        )
    ]
    at = {"name": "other.test", "record": "v=spf1 include:gone.test ?all"}
    assert spf_findings("other.test", resolve, None) == [
        Finding(SPF, PASS, "SPF_FOUND", **at),
        Finding(SPF, WARN, "SPF_ALL_NEUTRAL", **at),
        Finding(SPF, FAIL, "SPF_INCLUDE_BROKEN", value="gone.test", **at),
    ]


def test_dkim_missing_revoked_short_and_weak_keys(dns):
    # given
    resolve = lookup(
        dns,
        {
            "shop.test": [GOOD_SPF],
            "old._domainkey.shop.test": ["v=DKIM1; p="],
            "k1024._domainkey.shop.test": [f"v=DKIM1; p={KEY_1024}"],
            "k512._domainkey.shop.test": [f"v=DKIM1; p={KEY_512}"],
            "ed._domainkey.shop.test": [f"v=DKIM1; k=ed25519; p={ED25519}"],
            "bad._domainkey.shop.test": ["v=DKIM1; p=notbase64!"],
        },
    )

    # when
    found = dkim_findings("shop.test", ["s1", "old", "k1024", "k512", "ed", "bad"], resolve)

    # then
    assert [(f.selector, f.status, f.code, f.value) for f in found] == [
        ("s1", FAIL, "DKIM_MISSING", None),
        ("old", FAIL, "DKIM_REVOKED", None),
        ("k1024", WARN, "DKIM_SHORT_KEY", "1024"),
        ("k512", FAIL, "DKIM_WEAK_KEY", "512"),
        ("ed", PASS, "DKIM_ED25519", "256"),
        ("bad", FAIL, "DKIM_INVALID", None),
    ]
    assert found[0] == Finding(
        DKIM, FAIL, "DKIM_MISSING", name="s1._domainkey.shop.test", selector="s1"
    )


def test_dkim_without_selectors_asks_for_them():
    assert dkim_findings("shop.test", [], lambda name: pytest.fail(name)) == [
        Finding(DKIM, WARN, "DKIM_NO_SELECTORS")
    ]


def test_dmarc_none_warns_and_reject_passes(dns):
    # given
    none = "v=DMARC1; p=none"
    resolve = lookup(
        dns,
        {
            "_dmarc.none.test": [none],
            "_dmarc.reject.test": ["v=DMARC1; p=reject; adkim=s; rua=mailto:r@x.test"],
        },
    )

    # when
    found_none, _ = dmarc_findings("none.test", resolve)
    found_reject, tags_reject = dmarc_findings("reject.test", resolve)

    # then
    at = {"name": "_dmarc.none.test", "record": none}
    assert found_none == [
        Finding(DMARC, PASS, "DMARC_FOUND", **at),
        Finding(DMARC, WARN, "DMARC_POLICY_NONE", **at),
        Finding(DMARC, WARN, "DMARC_NO_REPORTS", **at),
    ]
    assert [(f.status, f.code) for f in found_reject] == [
        (PASS, "DMARC_FOUND"),
        (PASS, "DMARC_POLICY_REJECT"),
        (PASS, "DMARC_REPORTS"),
    ]
    assert tags_reject["adkim"] == "s"


def test_dmarc_of_a_parent_domain_applies_its_subdomain_policy(dns):
    # given a sender on a subdomain and the record on the parent, quarantine for subdomains
    record = "v=DMARC1; p=reject; sp=quarantine; rua=mailto:r@shop.test"
    resolve = lookup(dns, {"_dmarc.shop.test": [record], "mail.shop.test": [GOOD_SPF]})

    # when
    found, _ = dmarc_findings("mail.shop.test", resolve)

    # then
    assert [(f.name, f.status, f.code) for f in found] == [
        ("_dmarc.shop.test", PASS, "DMARC_FOUND"),
        ("_dmarc.shop.test", PASS, "DMARC_POLICY_QUARANTINE"),
        ("_dmarc.shop.test", PASS, "DMARC_REPORTS"),
    ]
    assert dns.queries == ["_dmarc.mail.shop.test", "_dmarc.shop.test"]


def test_dmarc_missing_and_two_records(dns):
    # given
    resolve = lookup(dns, {"_dmarc.two.test": ["v=DMARC1; p=none", "v=DMARC1; p=reject"]})

    # then
    assert dmarc_findings("none.test", resolve) == (
        [Finding(DMARC, FAIL, "DMARC_MISSING", name="_dmarc.none.test")],
        {},
    )
    assert dmarc_findings("two.test", resolve)[0] == [
        Finding(
            DMARC,
            FAIL,
            "DMARC_MULTIPLE",
            name="_dmarc.two.test",
            record="v=DMARC1; p=none\nv=DMARC1; p=reject",
            value="2",
        )
    ]


def test_a_domain_that_does_not_exist(dns):
    # given an empty zone: every name is NXDOMAIN
    resolve = lookup(dns, {})

    # when
    found = sender_domain_check(
        domain="gone.test",
        selectors=["s1"],
        esp=None,
        complaints=Complaints(sent=0, complained=0),
        lookup=resolve,
    )

    # then
    assert found == [
        Finding(SPF, FAIL, "DNS_NXDOMAIN", name="gone.test"),
        Finding(DKIM, FAIL, "DKIM_MISSING", name="s1._domainkey.gone.test", selector="s1"),
        Finding(DMARC, FAIL, "DMARC_MISSING", name="_dmarc.gone.test"),
        Finding(Check.ALIGNMENT, WARN, "ALIGNMENT_UNVERIFIED", value="relaxed"),
        Finding(Check.UNSUBSCRIBE, PASS, "UNSUBSCRIBE_ONE_CLICK"),
        Finding(Check.COMPLAINTS, PASS, "COMPLAINTS_NONE_SENT", value="0"),
    ]


def test_timeout_and_servfail_are_reported_not_raised(dns):
    # given a server that never answers for the domain and fails for its DMARC name
    resolve = lookup(
        dns,
        {"slow.test": TIMEOUT, "_dmarc.slow.test": SERVFAIL, "s1._domainkey.slow.test": TIMEOUT},
        timeout=0.3,
    )

    # when
    started = time.monotonic()
    found = sender_domain_check(
        domain="slow.test",
        selectors=["s1"],
        esp="sendgrid",
        complaints=Complaints(sent=1000, complained=3),
        lookup=resolve,
    )

    # then each lookup gave up after its 0.3 s
    assert time.monotonic() - started < 2
    assert found == [
        Finding(SPF, WARN, "DNS_TIMEOUT", name="slow.test"),
        Finding(DKIM, WARN, "DNS_TIMEOUT", name="s1._domainkey.slow.test", selector="s1"),
        Finding(DMARC, FAIL, "DNS_SERVFAIL", name="_dmarc.slow.test"),
        Finding(Check.ALIGNMENT, WARN, "ALIGNMENT_UNVERIFIED", value="relaxed"),
        Finding(Check.UNSUBSCRIBE, PASS, "UNSUBSCRIBE_ONE_CLICK"),
        Finding(Check.COMPLAINTS, FAIL, "COMPLAINTS_HIGH", value="0.0030"),
    ]


def test_the_deadline_bounds_the_whole_check(dns):
    # given a deadline already spent
    resolve = TxtLookup(nameservers=parse_nameservers([dns.nameserver]), deadline=0)

    # when
    answer = resolve("shop.test")

    # then no query was sent
    assert answer.error is DnsError.TIMEOUT
    assert dns.queries == []


def test_complaints_between_the_advice_and_the_line_warn():
    assert complaints_finding(Complaints(sent=1000, complained=2)) == Finding(
        Check.COMPLAINTS, WARN, "COMPLAINTS_ELEVATED", value="0.0020"
    )


def test_the_browser_tests_zone_gives_what_they_expect(dns):
    # given the zone the e2e server's DNS stand-in serves (e2e/operations.e2e.ts)
    resolve = lookup(dns, DNS_ZONE)

    # when
    found = sender_domain_check(
        domain=DNS_DOMAIN,
        selectors=["s1", "gone"],
        esp=None,
        complaints=Complaints(sent=0, complained=0),
        lookup=resolve,
    )

    # then
    assert [(f.check, f.status, f.code, f.value) for f in found] == [
        (SPF, PASS, "SPF_FOUND", None),
        (SPF, PASS, "SPF_ALL_SOFTFAIL", None),
        (SPF, PASS, "SPF_LOOKUPS", "1"),
        (DKIM, PASS, "DKIM_KEY_FOUND", "2048"),
        (DKIM, FAIL, "DKIM_MISSING", None),
        (DMARC, PASS, "DMARC_FOUND", None),
        (DMARC, WARN, "DMARC_POLICY_NONE", None),
        (DMARC, PASS, "DMARC_REPORTS", "mailto:dmarc@ops-e2e.test"),
        (Check.ALIGNMENT, PASS, "ALIGNMENT_DKIM", "relaxed"),
        (Check.UNSUBSCRIBE, PASS, "UNSUBSCRIBE_ONE_CLICK", None),
        (Check.COMPLAINTS, PASS, "COMPLAINTS_NONE_SENT", "0"),
    ]


@pytest.mark.parametrize("hour", range(24))
def test_the_seeded_contact_lives_where_it_is_noon(hour):
    now = datetime(2026, 12, 5, hour, 59, tzinfo=UTC)
    assert now.astimezone(ZoneInfo(noon_zone(now))).hour == 12
