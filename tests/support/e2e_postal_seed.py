"""A postal step's batch for the postal batches browser test
(``dashboard_extension/e2e/postal.e2e.ts``).

Run by the stand-in Dashboard's ``/__e2e/seed/postal`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_postal_seed <stamp>`` with the app's environment: a journey
``Cards <stamp>`` whose postal step (the win-back card, 500 per batch, cut-off at 23:00 UTC)
three consenting contacts with an address in Berlin pass, through the app's own services, and
one without consent (skipped). Prints one JSON line: the journey's name and the cards' names.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.support.seed_main import seed_main

PEOPLE = ("Ada Lovelace", "Jörg Müller", "Grace Hopper")


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.contacts.channels_consent import channel_consent_set
    from saleor_mautomation.contacts.consent import Evidence
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.journeys.services import journey_enroll, journey_publish
    from saleor_mautomation.saleor.models import Installation

    shop = Installation.objects.get().pk
    journey = Journey.objects.create(
        installation_id=shop,
        key=f"cards-{stamp}",
        name=f"Cards {stamp}",
        draft={
            "entry": {"type": "manual"},
            "start": "card",
            "nodes": {
                "card": {
                    "type": "send_postal",
                    "template": "win-back-card",
                    "max_per_batch": 500,
                    "cutoff_hour": 23,
                    "next": "end",
                },
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=now)
    names = []
    for n, name in enumerate([*PEOPLE, "No Consent"]):
        first, last = name.split(" ")
        contact = Contact.objects.create(
            installation_id=shop,
            email=f"card.{stamp}.{n}@postal.example",
            first_name=first,
            last_name=last,
            postal_address={
                "first_name": first,
                "last_name": last,
                "company_name": "",
                "street_address_1": f"Torstraße {n + 1}",
                "street_address_2": "",
                "postal_code": "10119",
                "city": "BERLIN",
                "city_area": "",
                "country_area": "",
                "country": "DE",
            },
        )
        if name != "No Consent":
            channel_consent_set(
                contact=contact,
                channel="postal",
                granted=True,
                evidence=Evidence(source="e2e"),
                now=now,
            )
            names.append(name)
        journey_enroll(journey=journey, contact=contact, now=now)
    return {"journey": journey.name, "names": names}


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
