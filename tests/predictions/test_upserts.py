"""Both ways of writing the rows (PostgreSQL's unnest upsert, Django's bulk_create elsewhere)
insert new rows and update those that meet an existing one, to the same result."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_mautomation.predictions.models import ContactValuePrediction
from saleor_mautomation.predictions.upserts import rows_upsert
from tests.contacts.factories import make_contact, make_shop

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def write(shop, contacts, *, clv, vendor, at):
    rows_upsert(
        ContactValuePrediction,
        columns={
            "contact_id": ("bigint", [c.pk for c in contacts]),
            "currency": ("text", ["USD"] * len(contacts)),
            "orders": ("integer", [2] * len(contacts)),
            "average_order_value": ("numeric", [Decimal("40.0000")] * len(contacts)),
            "expected_orders_12m": ("float8", [1.5] * len(contacts)),
            "expected_order_value": ("numeric", [None] * len(contacts)),
            "clv_12m": ("numeric", clv),
        },
        constants={"installation_id": shop.pk, "computed_at": at},
        conflict=["contact_id", "currency"],
        vendor=vendor,
    )


@pytest.mark.parametrize("vendor", ["postgresql", "sqlite"])
def test_rows_are_inserted_then_updated_in_place(db, vendor):
    # given
    shop = make_shop("upserted")
    ann, bob = make_contact(shop), make_contact(shop)
    write(shop, [ann], clv=[Decimal("10.0000")], vendor=vendor, at=NOW)

    # when: ann's row again, and bob's new one
    later = datetime(2026, 6, 2, tzinfo=UTC)
    write(shop, [ann, bob], clv=[Decimal("12.5000"), None], vendor=vendor, at=later)

    # then
    rows = ContactValuePrediction.objects.order_by("contact_id").values_list(
        "contact_id", "installation_id", "currency", "orders", "clv_12m", "computed_at"
    )
    assert list(rows) == [
        (ann.pk, shop.pk, "USD", 2, Decimal("12.5000"), later),
        (bob.pk, shop.pk, "USD", 2, None, later),
    ]
