"""A contact for the channel-preference browser test
(``dashboard_extension/e2e/channel-preference.e2e.ts``), written through the app's own code into
the browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/channel-preference`` (``tests.support.e2e_server``)
as ``python -m tests.support.e2e_channel_preference_seed <stamp>``; prints one JSON line: her id
and name.

Grace Hopper (email and SMS consent, a phone number, no push): clicked three texts' links (5, 12
and 20 days ago) and replied to one (3 days ago), clicked one email 80 days ago; her privacy
proxy opened four emails (never counted). She answers on SMS: "Clicked 1 email and 3 SMS and
replied to 1 SMS in the last 90 days".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.support.seed_main import seed_main


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from django.db import transaction

    from saleor_mautomation.contacts.channel_preference import preference_refresh
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.events.services import event_record
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.saleor.models import Installation

    installation = Installation.objects.get()
    hits = [("sms.clicked", days, False) for days in (5, 12, 20)]
    hits += [("sms.replied", 3, False), ("email.clicked", 80, False)]
    hits += [("email.opened", days, True) for days in (1, 2, 6, 9)]
    with transaction.atomic():
        grace = Contact.objects.create(
            installation=installation,
            email=f"grace.{stamp}@example.com",
            first_name="Grace",
            last_name=f"Hopper {stamp}",
            email_consent="granted",
            phone="+4915112340000",
            sms_consent="granted",
            time_zone="Europe/Berlin",
        )
        for n, (type_, days, machine) in enumerate(hits):
            event_record(
                installation_id=installation.pk,
                contact_id=grace.pk,
                type=type_,
                occurred_at=now - timedelta(days=days),
                source="tracking",
                dedupe_key=f"{type_}:channel-preference:{stamp}:{n}",
                properties={"machine": machine},
            )
        preference_refresh(contact=grace, now=now)  # as each tracked hit does
    return {"grace": {"id": to_global_id("Contact", grace.pk), "name": f"Grace Hopper {stamp}"}}


if __name__ == "__main__":
    seed_main(seed)
