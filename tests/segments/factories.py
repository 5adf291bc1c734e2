"""Contacts, orders and events that the segment tests select from, and the evaluation of a
definition in both shapes of the compiler (which must agree)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.definition import definition_parse
from saleor_mautomation.segments.driving import driven_ids
from saleor_mautomation.segments.prepared import prepare
from tests.contacts.factories import make_contact, make_event, make_order, make_spend

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def selected(shop: Installation, root: dict[str, Any], *, now: datetime = NOW) -> set[str]:
    """The first names a definition selects, checked to be the same in bulk shape (one query
    over the installation) and in single shape as the incremental path runs it (prepared
    once with stand-ins for the contacts and for "now", then run at ``now``)."""
    definition = definition_parse({"version": 1, "root": root})
    bulk = compile_definition(definition, installation_id=shop.pk, now=now, mode="bulk")
    contacts = Contact.objects.filter(installation=shop)
    in_bulk = set(contacts.filter(bulk).values_list("first_name", flat=True))
    names = dict(contacts.values_list("pk", "first_name"))
    prepared = prepare(installation_id=shop.pk, definitions=[(0, definition)], size=8)
    truth = prepared.run(now=now, contact_ids=list(names))
    one_by_one = {names[pk] for pk, segments in truth.items() if segments[0].member}
    assert in_bulk == one_by_one, f"bulk {in_bulk} != single {one_by_one}"
    # Driven by the condition's own rows (estimates forced to favour it) wherever it can be.
    ids = driven_ids(definition, installation_id=shop.pk, now=now, estimate=lambda rows: 0.0)
    if ids is not None:
        driven = set(contacts.filter(pk__in=ids).values_list("first_name", flat=True))
        assert in_bulk == driven, f"bulk {in_bulk} != driven {driven}"
        assert ids.count() == len(driven)
    return in_bulk


def people(shop: Installation) -> dict[str, Contact]:
    """Four contacts with known profiles, orders and events (see each comment)."""
    ann = make_contact(
        shop,
        first_name="ann",
        gender="female",
        birthday=date(1990, 6, 20),  # 35, 36 in five days
        country="DE",
        city="Berlin",
        orders_count=3,
        rfm_recency=5,
        rfm_frequency=4,
        rfm_monetary=3,
        lifecycle_stage="repeat",
        email_consent="granted",
        metadata={"shoe_size": "42", "tier": "Gold"},
        date_joined=datetime(2024, 1, 1, tzinfo=UTC),
        last_order_at=days_ago(14),
        is_customer=True,
        email_opens_30d=1,
    )
    bob = make_contact(
        shop,
        first_name="bob",
        gender="male",
        birthday=date(1970, 1, 1),  # 56
        country="AT",
        city="Vienna",
        lifecycle_stage="prospect",
        date_joined=days_ago(5),
    )
    cyd = make_contact(
        shop,
        first_name="cyd",
        orders_count=1,
        rfm_recency=2,
        rfm_frequency=1,
        rfm_monetary=1,
        lifecycle_stage="lapsed",
        email_consent="withdrawn",
        last_order_at=days_ago(400),
        is_customer=True,
    )
    dee = make_contact(shop, first_name="dee", email=None, birthday=date(2000, 2, 29))

    for n in (1, 2, 3):
        make_event(ann, "product.viewed", days_ago(n), properties={"product_id": "P1"})
    make_event(ann, "category.viewed", days_ago(10), properties={"category_id": "C1"})
    make_event(
        ann,
        "order.placed",
        days_ago(14),
        properties={"product_ids": ["P1", "P2"], "total": "120.50", "channel": "eu"},
    )
    make_event(ann, "email.opened", days_ago(5))
    make_event(ann, "email.opened", days_ago(2), properties={"machine": True})
    make_event(bob, "product.viewed", days_ago(1), properties={"product_id": "P2"})
    make_event(bob, "email.opened", days_ago(1), properties={"machine": True})
    make_event(cyd, "order.placed", days_ago(400), properties={"total": 80, "channel": "us"})
    make_event(cyd, "email.clicked", days_ago(20), properties={"machine": False})

    line = {"product_id": "P1", "variant_id": "V1", "category_id": "C1"}
    make_order(ann, placed_at=days_ago(14), lines=[line], channel_slug="eu")
    make_order(ann, placed_at=days_ago(40), lines=[{**line, "variant_id": "V2"}])
    make_order(
        ann,
        placed_at=days_ago(3),
        status="CANCELED",
        lines=[{"product_id": "P9", "variant_id": "V9", "category_id": "C9"}],
    )
    make_order(
        cyd,
        placed_at=days_ago(400),
        currency="EUR",
        total_gross=Decimal("80"),
        lines=[{"product_id": "P2", "variant_id": "V3", "category_id": "C2"}],
    )
    make_spend(ann, "USD", "200", orders=2, average="100")
    make_spend(cyd, "EUR", "80")
    return {"ann": ann, "bob": bob, "cyd": cyd, "dee": dee}
