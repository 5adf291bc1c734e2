"""The bodies the catalogue tests build for events without a captured delivery are shaped as
the app's subscriptions make Saleor send them (and the checker agrees with every real
delivery's own subscription, so it is not lenient)."""

from __future__ import annotations

import json

import pytest

from saleor_mautomation.saleor.webhooks import CATALOGUE_SPECS, SPECS_BY_EVENT
from tests.catalogue import bodies
from tests.support.payload_shapes import shape_errors
from tests.support.samples import webhook_sample, webhook_sample_names

AT = "2026-11-24T10:00:00+00:00"
BUILT = {
    "PRODUCT_CREATED": bodies.product_event("ProductCreated", AT),
    "PRODUCT_UPDATED": bodies.product_event("ProductUpdated", AT),
    "PRODUCT_DELETED": bodies.product_deleted(AT),
    "PRODUCT_VARIANT_CREATED": bodies.variant_event("ProductVariantCreated", AT),
    "PRODUCT_VARIANT_UPDATED": bodies.variant_event(
        "ProductVariantUpdated", AT, prices={"default-channel": (None, "USD")}
    ),
    "PRODUCT_VARIANT_DELETED": bodies.variant_deleted(AT),
    "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED": bodies.discounted_price(AT, previous=2, new=1),
    "PRODUCT_VARIANT_BACK_IN_STOCK": bodies.variant_event("ProductVariantBackInStock", AT),
    "PRODUCT_VARIANT_OUT_OF_STOCK": bodies.variant_event("ProductVariantOutOfStock", AT),
    "PRODUCT_VARIANT_STOCK_UPDATED": bodies.variant_event("ProductVariantStockUpdated", AT),
    "CATEGORY_CREATED": bodies.category_event("CategoryCreated", AT, parent="Q2F0ZWdvcnk6MQ=="),
    "CATEGORY_UPDATED": bodies.category_event("CategoryUpdated", AT),
    "CATEGORY_DELETED": bodies.category_event("CategoryDeleted", AT, saleor_id="Q2F0ZWdvcnk6MQ=="),
    "COLLECTION_CREATED": bodies.collection_event("CollectionCreated", AT, "Q29sbGVjdGlvbjox"),
    "COLLECTION_UPDATED": bodies.collection_event("CollectionUpdated", AT, "Q29sbGVjdGlvbjox"),
    "COLLECTION_DELETED": bodies.collection_event("CollectionDeleted", AT, "Q29sbGVjdGlvbjox"),
}


def test_every_catalogue_event_has_a_built_body():
    assert set(BUILT) == {spec.event for spec in CATALOGUE_SPECS}


@pytest.mark.parametrize("event", sorted(BUILT))
def test_a_built_body_is_shaped_as_its_subscription(event):
    # when
    errors = shape_errors(SPECS_BY_EVENT[event].subscription, BUILT[event])

    # then
    assert errors == []
    assert (
        SPECS_BY_EVENT[event].parse(json.dumps(BUILT[event])).typename == BUILT[event]["__typename"]
    )


@pytest.mark.parametrize("name", webhook_sample_names())
def test_the_checker_agrees_with_each_captured_delivery_and_its_subscription(name):
    sample = webhook_sample(name)

    assert shape_errors(sample["subscription_query"], json.loads(sample["raw_body"])) == []


def test_the_checker_finds_a_missing_field_an_unselected_one_and_a_null_non_null():
    # given
    body = bodies.variant_event("ProductVariantStockUpdated", AT)
    del body["productVariant"]["trackInventory"]
    body["productVariant"]["quantityAvailable"] = 3
    body["productVariant"]["stocks"][0]["quantity"] = None

    # when
    errors = shape_errors(SPECS_BY_EVENT["PRODUCT_VARIANT_STOCK_UPDATED"].subscription, body)

    # then
    assert errors == [
        "event.productVariant.quantityAvailable: not selected by the document",
        "event.productVariant.trackInventory: selected but missing",
        "event.productVariant.stocks[0].quantity: null for a non-null Int!",
    ]


def test_no_catalogue_subscription_names_a_channel():
    for spec in CATALOGUE_SPECS:
        assert "channel:" not in spec.subscription
        assert "quantityAvailable" not in spec.subscription
