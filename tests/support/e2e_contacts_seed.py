"""People for the contacts browser test (``dashboard_extension/e2e/contacts.e2e.ts``), written
through the app's own code into the browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/contacts`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_contacts_seed <stamp>`` with the app's environment; prints one
JSON line: the people's ids, emails and names, the journey and the credited template. The stamp
is in every email and surname, so a search finds this run's people only.

- Ada Lovelace (GB, London, consent granted, a Saleor customer): EUR orders of 40, 60 and 50
  (70, 40 and 10 days ago), one of USD 30 (20 days ago), and the last, EUR 80 two days ago,
  credited to her click on "Welcome (contacts)"'s email (sent three days ago, opened and
  clicked an hour later); her run of that journey exited with its three steps logged; 22
  ``product.viewed`` events (one a day, the newest 3 days ago), a ``cart.added`` and an
  ``order.placed`` per order. Her figures are recomputed by ``contacts.figures`` and the shop's
  RFM scores by ``contacts.sweeps.rfm_sweep``. Her consent ledger (``LEDGER``): a storefront
  sign-up with consent text 2026-06 40 days ago, its confirmation a day later, an SMS STOP.
- Grace Hopper (US): one USD 25 order five days ago (the one the test erases).
- Alan Turing (DE, consent pending): no orders.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.seed_main import seed_main

PERSON = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"
)
WELCOME = {
    "entry": {"type": "manual"},
    "start": "mail",
    "nodes": {
        "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "end": {"type": "exit"},
    },
}
ADA_ORDERS = (  # days ago, currency, amount
    (70, "EUR", "40.00"),
    (40, "EUR", "60.00"),
    (20, "USD", "30.00"),
    (10, "EUR", "50.00"),
)
PRODUCT_VIEWS = 22
LEDGER = (  # channel, action, source, consent text version, IP address, days ago
    ("email", "requested", "storefront.subscribe", "2026-06", "198.51.100.4", 40),
    ("email", "confirmed", "confirm-page", "", None, 39),
    ("sms", "withdrawn", "sms.stop", "", None, 10),
)


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from django.db import transaction

    from saleor_mautomation.analytics.attribution import orders_attribute
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.figures import engagement_refresh
    from saleor_mautomation.contacts.models import ConsentRecord, Contact
    from saleor_mautomation.contacts.sweeps import rfm_sweep
    from saleor_mautomation.events.services import event_record
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.journeys.models import JourneyRun, RunStep
    from saleor_mautomation.journeys.services import journey_create, journey_publish
    from saleor_mautomation.messages import tokens
    from saleor_mautomation.messages.models import Message, Template
    from saleor_mautomation.messages.services import templates_builtin_ensure
    from saleor_mautomation.messages.tracking import click_record, open_record
    from saleor_mautomation.saleor.models import Installation

    installation = Installation.objects.get()
    shop = installation.pk
    templates_builtin_ensure(installation_id=shop, now=now)
    template = Template.objects.get(installation_id=shop, key="welcome-1")
    serial = iter(range(1, 10_000))

    def person(first: str, last: str, **fields: Any) -> Contact:
        return Contact.objects.create(
            installation_id=shop,
            email=f"{first.lower()}.{stamp}@contacts.example",
            first_name=first,
            last_name=f"{last} {stamp}",
            **fields,
        )

    def event(who: Contact, type: str, at: datetime, **properties: Any) -> None:
        event_record(
            installation_id=shop,
            contact_id=who.pk,
            type=type,
            occurred_at=at,
            source="e2e",
            dedupe_key=f"e2e-contacts:{stamp}:{next(serial)}",
            properties=properties,
        )

    def order(who: Contact, at: datetime, currency: str, amount: str) -> OrderRecord:
        n = next(serial)
        placed = OrderRecord.objects.create(
            installation_id=shop,
            contact=who,
            saleor_id=f"E2E-contacts-{stamp}-{n}",
            number=f"C{n}",
            email=who.email or "",
            status="UNFULFILLED",
            channel_slug="default-channel",
            currency=currency,
            total_gross=Decimal(amount),
            total_net=Decimal(amount),
            placed_at=at,
            source_updated_at=at,
        )
        event(who, "order.placed", at, number=placed.number, total=amount, currency=currency)
        return placed

    def refresh(who: Contact) -> None:
        with transaction.atomic():
            locked = Contact.objects.select_for_update().get(pk=who.pk)
            engagement_refresh(contact=locked, now=now)

    ada = person(
        "Ada",
        "Lovelace",
        country="GB",
        city="London",
        language_code="en",
        email_consent="granted",
        saleor_user_id=f"e2e-contacts-{stamp}",
    )
    grace = person("Grace", "Hopper", country="US", email_consent="granted")
    alan = person("Alan", "Turing", country="DE", email_consent="pending")

    for days, currency, amount in ADA_ORDERS:
        order(ada, now - timedelta(days=days), currency, amount)
    for k in range(PRODUCT_VIEWS):
        event(ada, "product.viewed", now - timedelta(days=3 + k, hours=2), product=f"Mug {k + 1}")
    event(ada, "cart.added", now - timedelta(days=3, hours=1), product="Mug 1", quantity=2)

    # the welcome journey's run: its email, opened and clicked, earns the last order
    journey = journey_create(
        installation_id=shop, name=f"Welcome (contacts {stamp})", draft=WELCOME
    )
    version = journey_publish(journey=journey, now=now)
    sent_at = now - timedelta(days=3)
    run = JourneyRun.objects.create(
        installation_id=shop,
        journey=journey,
        version=version,
        contact=ada,
        status=JourneyRun.Status.EXITED,
        node="end",
        node_entered_at=sent_at,
        exit_reason="end",
        entered_at=sent_at,
        exited_at=sent_at,
    )
    message = Message.objects.create(
        installation_id=shop,
        contact=ada,
        dedupe_key=f"e2e-contacts:{stamp}:welcome",
        kind="marketing",
        to_address=ada.email or "",
        status="sent",
        send_after=sent_at,
        created_at=sent_at,
        sent_at=sent_at,
        provider_id=f"e2e-contacts-{stamp}",
        template=template,
        journey_id=journey.pk,
        journey_version=version,
        journey_node="mail",
    )
    RunStep.objects.bulk_create(
        [
            RunStep(run=run, node="mail", kind="entered", at=sent_at),
            RunStep(
                run=run,
                node="mail",
                kind="send_email",
                at=sent_at,
                detail={"template": "welcome-1", "message": message.pk},
            ),
            RunStep(run=run, node="end", kind="exited", at=sent_at, detail={"reason": "end"}),
        ]
    )
    open_record(
        token=tokens.open_token(message.pk), user_agent=PERSON, now=sent_at + timedelta(hours=1)
    )
    url = "https://shop.example/welcome"
    click_record(
        token=tokens.click_token(message.pk, url),
        user_agent=PERSON,
        now=sent_at + timedelta(hours=1, minutes=5),
    )
    last = order(ada, now - timedelta(days=2), "EUR", "80.00")
    orders_attribute(contact_ids=[ada.pk], now=now - timedelta(days=2) + timedelta(minutes=1))

    order(grace, now - timedelta(days=5), "USD", "25.00")
    # Ada's consent ledger: signed up on the storefront (consent text 2026-06, from her
    # address), confirmed by the double opt-in link, later her SMS consent withdrawn by STOP
    for channel, action, source, text_version, address, days in LEDGER:
        ConsentRecord.objects.create(
            installation_id=shop,
            contact=ada,
            channel=channel,
            action=action,
            source=source,
            text_version=text_version,
            ip_address=address,
            occurred_at=now - timedelta(days=days),
        )
    for who in (ada, grace, alan):
        refresh(who)
    rfm_sweep(installation_id=shop, now=now)

    def described(who: Contact) -> dict[str, Any]:
        return {
            "id": to_global_id("Contact", who.pk),
            "email": who.email,
            "name": f"{who.first_name} {who.last_name}",
        }

    return {
        "ada": described(ada),
        "grace": described(grace),
        "alan": described(alan),
        "journey": journey.name,
        "template": template.name,
        "lastOrder": last.number,
        "runSteps": 3,
    }


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
