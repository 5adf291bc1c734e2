"""A contact with recommendations for the profile's card in the browser tests
(``dashboard_extension/e2e/contact-recommendations.e2e.ts``).

Run by the stand-in Dashboard's ``/__e2e/seed/recommendations`` (``tests.support.e2e_server``)
as ``python -m tests.support.e2e_recommendations_seed <stamp>`` with the app's environment. In
``default-channel`` (USD), products of this stamp: a tee (the contact's own order), socks (12.50,
bought with the tee in 3 orders) and a pin (4.00, with the tee in 2); three other buyers' orders;
then the recommendations rebuilt by the app's own service, as the nightly rebuild does. The
catalogue rows are written with the models (the browser tests' Saleor has no such products).
Prints one JSON line: the contact's id (the Dashboard's) and the products' names and ids.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.seed_main import seed_main

CHANNEL = "default-channel"
PRODUCTS = (("tee", "Tee", "25.00"), ("socks", "Socks", "12.50"), ("pin", "Pin", "4.00"))
# each other buyer's order: what is in it
OTHERS = (("tee", "socks", "pin"), ("tee", "socks", "pin"), ("tee", "socks"))


def _global(kind: str, key: str) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.catalogue.models import (
        Product,
        ProductChannelListing,
        Variant,
        VariantChannelListing,
    )
    from saleor_mautomation.commerce.models import OrderRecord
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.recommendations.services import recommendations_rebuild
    from saleor_mautomation.saleor.models import Installation

    shop = Installation.objects.get().pk
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for key, name, price in PRODUCTS:
        ids[key] = _global("Product", f"{key}-{stamp}")
        names[key] = f"{name} {stamp}"
        product = Product.objects.create(
            installation_id=shop,
            saleor_id=ids[key],
            name=names[key],
            slug=f"{key}-{stamp}",
            product_type_name="Apparel",
            source_updated_at=now,
            synced_at=now,
        )
        variant = Variant.objects.create(
            installation_id=shop,
            product=product,
            saleor_id=_global("ProductVariant", f"{key}-{stamp}"),
            quantity_available=5,
            in_stock=True,
            source_updated_at=now,
        )
        ProductChannelListing.objects.create(
            product=product,
            channel_slug=CHANNEL,
            currency="USD",
            price_min=Decimal(price),
            is_published=True,
            visible_in_listings=True,
            is_available_for_purchase=True,
        )
        VariantChannelListing.objects.create(
            variant=variant, channel_slug=CHANNEL, currency="USD", price=Decimal(price)
        )

    def order(contact: Contact, n: int, keys: tuple[str, ...]) -> None:
        placed = now - timedelta(days=10 - n)
        OrderRecord.objects.create(
            installation_id=shop,
            saleor_id=_global("Order", f"{stamp}-{n}"),
            number=f"{stamp}-{n}",
            contact=contact,
            status="FULFILLED",
            channel_slug=CHANNEL,
            currency="USD",
            total_gross=Decimal("30"),
            total_net=Decimal("25"),
            lines=[{"product_id": ids[k], "quantity": 1, "category_id": None} for k in keys],
            placed_at=placed,
            source_updated_at=placed,
        )

    contact = Contact.objects.create(
        installation_id=shop,
        email=f"rec.{stamp}@recommendations.test",
        first_name="Rita",
        last_name=f"Recommended {stamp}",
    )
    order(contact, 0, ("tee",))
    for n, keys in enumerate(OTHERS, start=1):
        buyer = Contact.objects.create(
            installation_id=shop, email=f"buyer{n}.{stamp}@recommendations.test"
        )
        order(buyer, n, keys)
    recommendations_rebuild(installation_id=shop, now=now)
    return {"contactId": to_global_id("Contact", contact.pk), "names": names, "ids": ids}


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
