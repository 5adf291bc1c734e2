"""``senderDomainCheck`` through the API, against a loopback DNS stand-in; and the failures'
links to the contact, journey and template they concern."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saleor_mautomation.messages.models import EmailProvider, SendingRules
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import ask
from tests.graphql.test_failures import FAILURES, failed_message, failed_run, gid, nodes, shop
from tests.support.dns_standin import TIMEOUT, DnsStandin

CHECK = """query C($selectors: [String!]) {
  senderDomainCheck(dkimSelectors: $selectors) {
    fromEmail domain esp dkimSelectors checkedAt
    results { check status code name record value selector }
  }
}"""
LINKS = FAILURES.replace("summary retryable", "summary retryable contactId journeyId templateId")

ZONE = {
    "shop.test": ["v=spf1 include:mailjet.example ~all"],
    "mailjet.example": ["v=spf1 ip4:192.0.2.0/24 -all"],
    "_dmarc.shop.test": ["v=DMARC1; p=none; rua=mailto:dmarc@shop.test"],
    "mailjet._domainkey.shop.test": TIMEOUT,
}


@pytest.fixture
def dns(settings) -> Iterator[DnsStandin]:
    with DnsStandin(ZONE) as server:
        settings.DNS_NAMESERVERS = [server.nameserver]
        settings.DNS_TIMEOUT = 0.3
        yield server


def result(check, status, code, name=None, record=None, value=None, selector=None):
    return {
        "check": check,
        "status": status,
        "code": code,
        "name": name,
        "record": record,
        "value": value,
        "selector": selector,
    }


def test_the_sender_domain_is_checked_with_the_esps_selectors(client, db, dns):
    # given a shop sending as news@shop.test through Mailjet
    installation = shop("dns")
    SendingRules.objects.create(installation=installation, from_email="news@Shop.Test")
    EmailProvider.objects.create(installation=installation, kind="esp", esp="mailjet")

    # when
    body = ask(client, installation, CHECK)

    # then
    check = body["data"]["senderDomainCheck"]
    spf = {"name": "shop.test", "record": ZONE["shop.test"][0]}
    dmarc = {"name": "_dmarc.shop.test", "record": ZONE["_dmarc.shop.test"][0]}
    assert check["fromEmail"] == "news@Shop.Test"
    assert check["domain"] == "shop.test"
    assert check["esp"] == "mailjet"
    assert check["dkimSelectors"] == ["mailjet"]
    assert check["results"] == [
        result("SPF", "PASS", "SPF_FOUND", **spf),
        result("SPF", "PASS", "SPF_ALL_SOFTFAIL", **spf),
        result("SPF", "PASS", "SPF_LOOKUPS", value="1", **spf),
        result("SPF", "WARN", "SPF_PROVIDER_MISSING", value="spf.mailjet.com", **spf),
        result(
            "DKIM",
            "WARN",
            "DNS_TIMEOUT",
            name="mailjet._domainkey.shop.test",
            selector="mailjet",
        ),
        result("DMARC", "PASS", "DMARC_FOUND", **dmarc),
        result("DMARC", "WARN", "DMARC_POLICY_NONE", **dmarc),
        result("DMARC", "PASS", "DMARC_REPORTS", value="mailto:dmarc@shop.test", **dmarc),
        result("ALIGNMENT", "WARN", "ALIGNMENT_UNVERIFIED", value="relaxed"),
        result("UNSUBSCRIBE", "PASS", "UNSUBSCRIBE_ONE_CLICK"),
        result("COMPLAINTS", "PASS", "COMPLAINTS_NONE_SENT", value="0"),
    ]


def test_the_admins_selectors_replace_the_known_ones(client, db, dns):
    # given
    installation = shop("dns")
    SendingRules.objects.create(installation=installation, from_email="news@shop.test")
    EmailProvider.objects.create(installation=installation, kind="esp", esp="mailjet")

    # when
    body = ask(client, installation, CHECK, selectors=["Brevo1"])

    # then only the given selector was looked up
    check = body["data"]["senderDomainCheck"]
    assert check["dkimSelectors"] == ["brevo1"]
    assert [r for r in check["results"] if r["check"] == "DKIM"] == [
        result(
            "DKIM", "FAIL", "DKIM_MISSING", name="brevo1._domainkey.shop.test", selector="brevo1"
        )
    ]
    assert "mailjet._domainkey.shop.test" not in dns.queries


def test_a_selector_that_is_no_dns_name_is_refused_at_its_field(client, db, dns):
    # given
    installation = shop("dns")
    SendingRules.objects.create(installation=installation, from_email="news@shop.test")

    # when
    body = ask(client, installation, CHECK, selectors=["s1", "no spaces"])

    # then nothing was looked up
    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Not a DKIM selector: 'no spaces'"
    assert error["extensions"]["code"] == "INVALID_SELECTOR"
    assert error["extensions"]["fields"] == [
        {"field": "dkimSelectors", "message": "Not a DKIM selector: 'no spaces'"}
    ]
    assert dns.queries == []


def test_without_a_sender_address_nothing_is_checked(client, db, dns):
    # given a shop whose email settings have no From address yet
    installation = shop("dns")

    # when
    body = ask(client, installation, CHECK)

    # then
    check = body["data"]["senderDomainCheck"]
    assert (check["fromEmail"], check["domain"], check["esp"], check["results"]) == (
        "",
        None,
        None,
        [],
    )
    assert check["dkimSelectors"] == []
    assert dns.queries == []


def test_only_the_dashboard_may_check(client, db, dns):
    # when
    body = ask(client, shop("dns"), CHECK, token=False)

    # then
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert dns.queries == []


def test_failures_link_to_their_contact_journey_and_template(client, db):
    # given
    installation = shop("links")
    contact = make_contact(installation, email="someone@example.com")
    run = failed_run(installation, contact)
    message = failed_message(installation)

    # when
    runs = nodes(ask(client, installation, LINKS, kind="RUN"))
    messages = nodes(ask(client, installation, LINKS, kind="MESSAGE"))

    # then
    assert (runs[0]["contactId"], runs[0]["journeyId"], runs[0]["templateId"]) == (
        gid("Contact", contact.pk),
        gid("Journey", run.journey_id),
        None,
    )
    assert message.template_version is not None
    assert message.contact_id is not None
    assert (messages[0]["contactId"], messages[0]["journeyId"], messages[0]["templateId"]) == (
        gid("Contact", message.contact_id),
        None,
        gid("Template", message.template_version.template_id),
    )
