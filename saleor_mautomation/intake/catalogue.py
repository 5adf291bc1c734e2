"""What each product, variant, category and collection delivery does to the catalogue.

Thin: check the delivery carries what it is about, hand it to ``catalogue.services`` with the
delivery's ``issuedAt`` as the moment Saleor said it. A delivery about something the catalogue
cannot place (a variant of a product it has never seen, named by id alone) is ignored with a
reason: the next full sync brings it.
"""

from __future__ import annotations

from saleor_mautomation.catalogue import services
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import IgnoredError, PermanentError
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.models import Installation


def handle_product(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.ProductEvent)
    if payload.product is None:
        raise PermanentError("The delivery carries no product")
    services.product_apply(
        installation_id=installation.pk,
        node=payload.product,
        observed=payload.issued_at,
        now=clock.now(),
    )


def handle_product_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.ProductEvent)
    if payload.product is None:
        raise PermanentError("The delivery carries no product")
    services.product_delete(installation_id=installation.pk, saleor_id=payload.product.id)


def handle_variant(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.VariantEvent)
    if payload.product_variant is None:
        raise PermanentError("The delivery carries no product variant")
    stored = services.variant_apply(
        installation_id=installation.pk,
        node=payload.product_variant,
        observed=payload.issued_at,
        now=clock.now(),
    )
    if stored is None:
        raise IgnoredError(
            f"Variant {payload.product_variant.id} of a product not in the catalogue"
        )


def handle_variant_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.VariantEvent)
    if payload.product_variant is None:
        raise PermanentError("The delivery carries no product variant")
    services.variant_delete(installation_id=installation.pk, saleor_id=payload.product_variant.id)


def handle_variant_price(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.VariantPriceEvent)
    variant, channel, price = payload.product_variant, payload.channel, payload.new_price
    if variant is None or channel is None or price is None:
        raise PermanentError("The delivery carries no variant, channel or new price")
    applied = services.variant_discounted_price_apply(
        installation_id=installation.pk,
        variant_id=variant.id,
        channel=channel,
        new_price=price,
        observed=payload.issued_at,
    )
    if not applied:
        raise IgnoredError(
            f"Variant {variant.id} not listed in {channel.slug} in the catalogue, or a newer "
            "discounted price is stored"
        )


def handle_category(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CategoryEvent)
    if payload.category is None:
        raise PermanentError("The delivery carries no category")
    services.category_upsert(
        installation_id=installation.pk, node=payload.category, now=clock.now()
    )


def handle_category_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CategoryEvent)
    if payload.category is None:
        raise PermanentError("The delivery carries no category")
    services.category_delete(installation_id=installation.pk, saleor_id=payload.category.id)


def handle_collection(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CollectionEvent)
    if payload.collection is None:
        raise PermanentError("The delivery carries no collection")
    services.collection_upsert(
        installation_id=installation.pk, node=payload.collection, now=clock.now()
    )


def handle_collection_deleted(installation: Installation, payload: payloads.Event) -> None:
    assert isinstance(payload, payloads.CollectionEvent)
    if payload.collection is None:
        raise PermanentError("The delivery carries no collection")
    services.collection_delete(installation_id=installation.pk, saleor_id=payload.collection.id)


HANDLERS = {
    "PRODUCT_CREATED": handle_product,
    "PRODUCT_UPDATED": handle_product,
    "PRODUCT_DELETED": handle_product_deleted,
    "PRODUCT_VARIANT_CREATED": handle_variant,
    "PRODUCT_VARIANT_UPDATED": handle_variant,
    "PRODUCT_VARIANT_DELETED": handle_variant_deleted,
    "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED": handle_variant_price,
    "PRODUCT_VARIANT_BACK_IN_STOCK": handle_variant,
    "PRODUCT_VARIANT_OUT_OF_STOCK": handle_variant,
    "PRODUCT_VARIANT_STOCK_UPDATED": handle_variant,
    "CATEGORY_CREATED": handle_category,
    "CATEGORY_UPDATED": handle_category,
    "CATEGORY_DELETED": handle_category_deleted,
    "COLLECTION_CREATED": handle_collection,
    "COLLECTION_UPDATED": handle_collection,
    "COLLECTION_DELETED": handle_collection_deleted,
}
