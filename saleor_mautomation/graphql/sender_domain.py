"""``senderDomainCheck(dkimSelectors)``: the installation's sender domain (the domain of its
From address, set in the email settings) checked against the 2024 Gmail and Yahoo rules for
bulk senders (``messages.dns_check``). Each result has a status, the DNS name read, the record
found, and a code (with one value) that the Dashboard words in the admin's language.

Selectors left out: the known ESP's (``KNOWN_ESPS``), else none (``DKIM_NO_SELECTORS``). A
selector that is no DNS name: ``INVALID_SELECTOR`` on ``dkimSelectors``. Without a From address
``domain`` is null and there are no results. The lookups take at most about 12 seconds; the
complaint rate is the email channel's over the last 30 days (``analyticsOverview``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import graphene
from django.conf import settings
from graphql import GraphQLError

from saleor_mautomation.analytics.selectors import analytics_overview, period_of
from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.messages.dns_check import (
    Check,
    Complaints,
    Finding,
    SelectorInvalid,
    Status,
    domain_of,
    selectors_checked,
    sender_domain_check,
)
from saleor_mautomation.messages.dns_lookup import TxtLookup, parse_nameservers
from saleor_mautomation.messages.models import EmailProvider, SendingRules

COMPLAINT_DAYS = 30

SenderCheck = graphene.Enum.from_enum(
    Check, name="SenderCheck", description="Which rule a result is about."
)
SenderCheckStatus = graphene.Enum.from_enum(Status, name="SenderCheckStatus")


class SenderDomainResult(graphene.ObjectType):
    check = graphene.Field(SenderCheck, required=True)
    status = graphene.Field(SenderCheckStatus, required=True)
    code = graphene.String(
        required=True,
        description="What was found, e.g. SPF_MISSING, DMARC_POLICY_NONE, DNS_TIMEOUT.",
    )
    name = graphene.String(description="The DNS name read.")
    record = graphene.String(description="The record found (several: one per line).")
    value = graphene.String(
        description="What the code's wording needs: a count, a policy, a domain, a rate."
    )
    selector = graphene.String(description="The DKIM selector (DKIM results).")

    @staticmethod
    def of(finding: Finding) -> SenderDomainResult:
        return SenderDomainResult(
            check=finding.check,
            status=finding.status,
            code=finding.code,
            name=finding.name,
            record=finding.record,
            value=finding.value,
            selector=finding.selector,
        )


class SenderDomainCheck(graphene.ObjectType):
    from_email = graphene.String(required=True, description="The sender address; empty: not set.")
    domain = graphene.String(description="Its domain; null without a sender address.")
    esp = graphene.String(description="The configured ESP, when email leaves through one.")
    dkim_selectors = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="The selectors checked."
    )
    results = graphene.List(graphene.NonNull(SenderDomainResult), required=True)
    checked_at = graphene.DateTime(required=True)


def _complaints(installation_id: int, now: datetime) -> Complaints:
    today = now.date()
    overview = analytics_overview(
        installation_id=installation_id,
        period=period_of(today - timedelta(days=COMPLAINT_DAYS - 1), today),
        compare=False,
    )
    email = overview.channels.get("email")
    return Complaints(sent=email.sent, complained=email.complained) if email else Complaints(0, 0)


class SenderDomainQuery(graphene.ObjectType):
    sender_domain_check = graphene.Field(
        SenderDomainCheck,
        required=True,
        dkim_selectors=graphene.List(
            graphene.NonNull(graphene.String),
            description="DKIM selectors to look up (at most 10); left out: the ESP's known ones.",
        ),
        description="SPF, DKIM, DMARC and the other bulk-sender rules for the sender domain.",
    )

    @staticmethod
    def resolve_sender_domain_check(
        root: Any, info: graphene.ResolveInfo, dkim_selectors: list[str] | None = None
    ) -> SenderDomainCheck:
        installation_id = dashboard_installation_id(info)
        rules = SendingRules.objects.filter(installation_id=installation_id).first()
        provider = EmailProvider.objects.filter(installation_id=installation_id).first()
        esp = provider.esp if provider and provider.kind == EmailProvider.Kind.ESP else None
        try:
            selectors = selectors_checked(dkim_selectors, esp)
        except SelectorInvalid as exc:
            raise GraphQLError(
                exc.message,
                extensions={
                    "code": "INVALID_SELECTOR",
                    "fields": [{"field": "dkimSelectors", "message": exc.message}],
                },
            ) from exc
        from_email = rules.from_email if rules else ""
        domain = domain_of(from_email)
        now = clock.now()
        results: list[Finding] = []
        if domain is not None:
            results = sender_domain_check(
                domain=domain,
                selectors=selectors,
                esp=esp,
                complaints=_complaints(installation_id, now),
                lookup=TxtLookup(
                    nameservers=parse_nameservers(settings.DNS_NAMESERVERS),
                    timeout=settings.DNS_TIMEOUT,
                ),
            )
        return SenderDomainCheck(
            from_email=from_email,
            domain=domain,
            esp=esp or None,
            dkim_selectors=selectors,
            results=[SenderDomainResult.of(f) for f in results],
            checked_at=now,
        )
