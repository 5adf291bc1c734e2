"""Discounted prices in the catalogue's full sync (``catalogue/discounts.py``): read per channel
from Saleor's ``pricing`` (the stand-in computes it as Saleor's get_variant_availability does,
taxes included), stored beside the listing's price, and a drop the deliveries missed marked
once; an unchanged price marks nothing."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saleor_mautomation.catalogue.discounts import discounted_amount
from saleor_mautomation.catalogue.models import CatalogueEvent, VariantChannelListing
from saleor_mautomation.catalogue.sync import Outcome, catalogue_sync_execute
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.services import saleor_client
from tests.conftest import make_installation
from tests.support.saleor_catalogue import SaleorCatalogue
from tests.support.standin_errors import saleor_schema


class Pacer:
    def wait(self) -> None:
        pass


@pytest.fixture
def standin(document_standin):
    return document_standin


@pytest.fixture
def shop(standin) -> SaleorCatalogue:
    saleor_schema()
    catalogue = SaleorCatalogue()
    catalogue.install(standin)
    catalogue.product(
        "Monospace Tee",
        "ascii-tee",
        channels={"default-channel": "USD", "channel-pln": "PLN"},
        variants=[
            ("S", {"default-channel": 20.0, "channel-pln": 90.0}, [(10, 0)]),
            ("M", {"default-channel": 22.0}, [(3, 0)]),
        ],
    )
    return catalogue


@pytest.fixture
def installation(db, standin):
    return make_installation(saleor_api_url=standin.api_url, jwks=standin.jwks())


def run(installation):
    return catalogue_sync_execute(
        installation_id=installation.pk,
        client=saleor_client(installation),
        fresh=True,
        page_size=100,
        pacer=Pacer(),
    )


def listings():
    return sorted(
        VariantChannelListing.objects.values_list(
            "variant__name", "channel_slug", "base_price", "discounted_price", "price"
        )
    )


def prices_asked(standin):
    return [
        r.json()["variables"]
        for r in standin.requests
        if r.path == "/graphql/" and "query CatalogueVariantPrices" in r.json()["query"]
    ]


def taxed(gross: float, net: float) -> dict[str, dict[str, object]]:
    return {
        "gross": {"amount": gross, "currency": "EUR"},
        "net": {"amount": net, "currency": "EUR"},
    }


def test_the_untaxed_discounted_price_is_the_side_saleor_entered():
    # given: Saleor's pricing of a listing at 20.00 discounted to 15.00, 23 % tax
    entered_gross = {"price": taxed(15.0, 12.2), "priceUndiscounted": taxed(20.0, 16.26)}
    entered_net = {"price": taxed(18.45, 15.0), "priceUndiscounted": taxed(24.6, 20.0)}

    # then
    assert discounted_amount(entered_gross, Decimal("20.0000")) == (Decimal("15.0"), "EUR")
    assert discounted_amount(entered_net, Decimal("20")) == (Decimal("15.0"), "EUR")
    # the listing's price changed between the two reads: neither side matches
    assert discounted_amount(entered_gross, Decimal("21")) is None
    assert discounted_amount(None, Decimal("20")) is None


def test_a_sync_stores_the_discounted_prices_of_every_channel(standin, shop, installation):
    # given: the tee's S discounted to 16.00 in USD
    tee = shop.rows["products"][0]
    shop.discount(tee["variants"][0], "default-channel", 16.0)

    # when
    assert run(installation) == Outcome.DONE

    # then: one query per channel with the variants listed there
    assert prices_asked(standin) == [
        {"channel": "channel-pln", "ids": [tee["variants"][0]["id"]], "first": 1},
        {
            "channel": "default-channel",
            "ids": sorted(v["id"] for v in tee["variants"]),
            "first": 2,
        },
    ]
    assert listings() == [
        ("M", "default-channel", Decimal("22.0000"), Decimal("22.0000"), Decimal("22.0000")),
        ("S", "channel-pln", Decimal("90.0000"), Decimal("90.0000"), Decimal("90.0000")),
        ("S", "default-channel", Decimal("20.0000"), Decimal("16.0000"), Decimal("16.0000")),
    ]
    # a new product's prices are no drop
    assert CatalogueEvent.objects.count() == 0


def test_a_promotion_the_deliveries_missed_is_one_price_drop(standin, shop, installation):
    # given: synced; then a promotion takes the M to 16.50 in Saleor, its delivery lost
    assert run(installation) == Outcome.DONE
    tee = shop.rows["products"][0]
    shop.discount(tee["variants"][1], "default-channel", 16.5)

    # when: synced again, twice
    assert run(installation) == Outcome.DONE
    assert run(installation) == Outcome.DONE

    # then: the drop once, in its channel
    assert list(CatalogueEvent.objects.values_list("kind", "channel_slug", "data")) == [
        (
            "price_drop",
            "default-channel",
            {"old": "22.00", "new": "16.50", "currency": "USD", "drop_percent": "25.0"},
        )
    ]
    m = VariantChannelListing.objects.get(variant__name="M")
    assert (m.base_price, m.discounted_price, m.price) == (
        Decimal("22.0000"),
        Decimal("16.5000"),
        Decimal("16.5000"),
    )


def test_prices_entered_without_tax_are_read_from_the_net_side(standin, shop, installation):
    # given: a 23 % flat rate on prices entered without it; the S at 90 PLN discounted to 72
    shop.tax_rate, shop.prices_entered_with_tax = Decimal(23), False
    tee = shop.rows["products"][0]
    shop.discount(tee["variants"][0], "channel-pln", 72.0)

    # when
    assert run(installation) == Outcome.DONE

    # then
    s = VariantChannelListing.objects.get(variant__name="S", channel_slug="channel-pln")
    assert (s.discounted_price, s.price) == (Decimal("72.0000"), Decimal("72.0000"))


def test_a_refused_price_query_leaves_the_sync_complete_without_them(standin, shop, installation):
    # given: Saleor refuses the prices query
    standin.documents["CatalogueVariantPrices"] = lambda document, variables: (
        200,
        {"data": None, "errors": [{"message": "You need one of the following permissions"}]},
    )

    # when
    outcome = run(installation)

    # then: listing prices only
    assert outcome == Outcome.DONE
    assert listings() == [
        ("M", "default-channel", Decimal("22.0000"), None, Decimal("22.0000")),
        ("S", "channel-pln", Decimal("90.0000"), None, Decimal("90.0000")),
        ("S", "default-channel", Decimal("20.0000"), None, Decimal("20.0000")),
    ]


def test_the_prices_document_is_valid_against_saleor_s_schema():
    from graphql import parse, validate

    errors = validate(saleor_schema(), parse(documents.load("catalogue_variant_prices")))
    assert [e.message for e in errors] == []
    assert json.dumps(sorted(documents.query_documents())).count("catalogue_variant_prices") == 1
