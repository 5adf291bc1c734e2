"""People for the send-time browser test (``dashboard_extension/e2e/send-time.e2e.ts``), written
through the app's own code into the browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/send-time`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_send_time_seed <stamp>``; prints one JSON line: the two people's
ids and names.

- Ada Lovelace (Europe/Berlin): clicked an email on each of the last six Tuesdays at 19:10
  Berlin time (weight 12 in "Tue 19-20h"), and her mail app's privacy proxy opened two at 3:00
  (never counted).
- Alan Turing (Europe/Berlin): one click, a Friday at 12:00: too little of his own, so the card
  shows the shop's best hour (the shop's profile recomputed as the night does).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.seed_main import seed_main

BERLIN = ZoneInfo("Europe/Berlin")


def _last(weekday: int, hour: int, minute: int, now: datetime, weeks_back: int) -> datetime:
    """The Berlin ``weekday`` (0 Monday) at ``hour:minute`` ``weeks_back`` weeks before the
    last one before ``now``."""
    local = now.astimezone(BERLIN)
    day = local.date() - timedelta(days=(local.weekday() - weekday) % 7 or 7)
    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)
    return moment - timedelta(weeks=weeks_back)


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from django.db import transaction

    from saleor_mautomation.contacts import send_time
    from saleor_mautomation.contacts.channel_preference import preference_refresh
    from saleor_mautomation.contacts.figures import engagement_email_refresh
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.contacts.send_times import (
        contact_profile,
        contact_send_time_refresh,
        shop_profile,
        shop_send_time_refresh,
    )
    from saleor_mautomation.events.services import event_record
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.saleor.models import Installation

    installation = Installation.objects.get()
    shop = installation.pk
    people: dict[str, Any] = {}
    with transaction.atomic():
        hits = {
            "ada": [("email.clicked", _last(1, 19, 10, now, weeks), False) for weeks in range(6)]
            + [("email.opened", _last(2, 3, 0, now, weeks), True) for weeks in range(2)],
            "alan": [("email.clicked", _last(4, 12, 0, now, 0), False)],
        }
        for key, (first, last) in {"ada": ("Ada", "Lovelace"), "alan": ("Alan", "Turing")}.items():
            contact = Contact.objects.create(
                installation=installation,
                email=f"{key}.{stamp}@example.com",
                first_name=first,
                last_name=f"{last} {stamp}",
                email_consent="granted",
                time_zone="Europe/Berlin",
            )
            for n, (type_, moment, machine) in enumerate(hits[key]):
                event_record(
                    installation_id=shop,
                    contact_id=contact.pk,
                    type=type_,
                    occurred_at=moment,
                    source="tracking",
                    dedupe_key=f"{type_}:send-time:{stamp}:{key}:{n}",
                    properties={"machine": machine},
                )
            # what a tracked hit refreshes (messages.tracking): email figures, channel, send time
            engagement_email_refresh(contact=contact, now=now)
            preference_refresh(contact=contact, now=now)
            contact_send_time_refresh(contact=contact, now=now)
            people[key] = {
                "id": to_global_id("Contact", contact.pk),
                "name": f"{first} {last} {stamp}",
            }
        shop_row = shop_send_time_refresh(installation_id=shop, now=now)
        # The shop's hour depends on every contact of the browser tests' shop (other specs
        # click too), so the test reads it from here rather than assuming this seed's clicks win.
        alan = Contact.objects.get(email=f"alan.{stamp}@example.com")
        best = send_time.best_slot(contact_profile(alan), shop_profile(shop_row))
        assert best.source == "shop"
        assert best.slot is not None
        people["shopSlot"] = {"weekday": best.slot // 24, "hour": best.slot % 24}
    return people


if __name__ == "__main__":
    seed_main(seed)
