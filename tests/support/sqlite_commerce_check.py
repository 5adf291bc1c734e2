"""Commerce triggers on the embedded default (SQLite): a back-in-stock moment recorded on the
contacts who viewed, carted or checked out the product, as on PostgreSQL (the product id is
read from the events' JSON, which SQLite compares differently).

Run by ``tests/journeys/test_commerce_triggers_sqlite.py`` in a process of its own on a fresh,
migrated SQLite database; prints one JSON object: the vendor and each contact's trigger.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.support.seed_main import django_setup

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEE = "UHJvZHVjdDox"
MUG = "UHJvZHVjdDoy"


def main() -> None:
    django_setup()
    from django.db import connection

    from saleor_mautomation.events.models import Event
    from saleor_mautomation.journeys.commerce_triggers import catalogue_event_apply
    from tests.contacts.factories import make_contact, make_event, make_shop
    from tests.journeys.catalogue_rows import make_catalogue_event, make_product

    shop = make_shop("linden")
    tee = make_product(shop, TEE, "Monospace Tee", quantity=3, at=NOW)
    people = {
        name: make_contact(shop, email=f"{name}@shop.test")
        for name in ("viewer", "carter", "checkout", "other")
    }
    make_event(
        people["viewer"], "product.viewed", NOW - timedelta(days=2), properties={"product_id": TEE}
    )
    make_event(
        people["carter"], "cart.added", NOW - timedelta(days=3), properties={"product_id": TEE}
    )
    make_event(
        people["checkout"],
        "checkout.updated",
        NOW - timedelta(hours=5),
        properties={"product_ids": [MUG, TEE], "channel": "default-channel"},
    )
    make_event(
        people["other"], "product.viewed", NOW - timedelta(days=1), properties={"product_id": MUG}
    )
    event = make_catalogue_event(
        tee, "back_in_stock", at=NOW - timedelta(minutes=1), quantity=3, previous=0
    )

    recorded = catalogue_event_apply(event=event, now=NOW)

    names = {contact.pk: name for name, contact in people.items()}
    triggered = {
        names[contact_id]: interest
        for contact_id, interest in Event.objects.filter(type="product.back_in_stock")
        .order_by("contact_id")
        .values_list("contact_id", "properties__interest")
    }
    print(json.dumps({"vendor": connection.vendor, "recorded": recorded, "triggered": triggered}))


if __name__ == "__main__":
    main()
