"""People, a segment and a template for the broadcasts browser test
(``dashboard_extension/e2e/broadcasts.e2e.ts``), written through the app's own code into the
browser tests' database.

Run by the stand-in Dashboard's ``/__e2e/seed/broadcasts`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_broadcasts_seed <stamp>`` with the app's environment; prints one
JSON line: the segment (id, name, members), the template (id, key, name) and the figures the
broadcast must reach. Everyone lives in ``Broadcastville <stamp>``, the segment's rule:

- four people with email consent, in a zone where it is about noon now: sent;
- one without consent (pending), also at noon: suppressed by the sending rules;
- one with consent in a zone where it is about 1 a.m.: deferred by the default quiet hours
  (21:00 to 08:00 in the contact's zone) until 08:00 there.

The zones are fixed offsets (``Etc/GMT-8`` is UTC+8) chosen from the clock when it runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support.seed_main import seed_main

SENT = 4


def zone_at(now: datetime, hour: int) -> str:
    """A fixed-offset zone (UTC-12 to UTC+11) whose clock shows ``hour`` o'clock ``now``."""
    offset = (hour - now.hour + 12) % 24 - 12
    return "Etc/UTC" if offset == 0 else f"Etc/GMT{-offset:+d}"


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.messages.authoring import template_email_create
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.membership import segment_rebuild
    from saleor_mautomation.segments.services import segment_create

    installation = Installation.objects.get()
    shop = installation.pk
    city = f"Broadcastville {stamp}"
    noon, night = zone_at(now, 12), zone_at(now, 1)

    def person(n: int, consent: str, zone: str) -> Contact:
        return Contact.objects.create(
            installation_id=shop,
            email=f"reader{n}.{stamp}@broadcasts.example",
            first_name=f"Reader {n}",
            last_name=stamp,
            city=city,
            email_consent=consent,
            time_zone=zone,
        )

    people = [person(n, "granted", noon) for n in range(1, SENT + 1)]
    people.append(person(SENT + 1, "pending", noon))
    people.append(person(SENT + 2, "granted", night))
    segment = segment_create(
        installation_id=shop,
        name=f"Broadcastville readers {stamp}",
        definition={"root": {"type": "profile", "field": "city", "op": "eq", "value": city}},
        now=now,
    )
    segment_rebuild(segment=segment, now=now)
    template = template_email_create(
        installation_id=shop, name=f"Newsletter {stamp}", now=now, starter="newsletter"
    )
    return {
        "segment": {"id": to_global_id("Segment", segment.pk), "name": segment.name},
        "members": len(people),
        "template": {
            "id": to_global_id("Template", template.pk),
            "key": template.key,
            "name": template.name,
            "kind": template.kind,
        },
        "expected": {"sent": SENT, "suppressed": 1, "deferred": 1},
        "zones": {"noon": noon, "night": night},
    }


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
