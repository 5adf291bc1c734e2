"""The catalogue's full sync against a stand-in Saleor that executes the app's documents over
its rows with Saleor's schema, shapes and keyset cursors (``tests/support/saleor_catalogue``)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saleor_mautomation.catalogue import services
from saleor_mautomation.catalogue.models import (
    CatalogueEvent,
    CatalogueSync,
    Category,
    Collection,
    Product,
    ProductChannelListing,
    Variant,
    VariantChannelListing,
)
from saleor_mautomation.catalogue.sync import (
    Outcome,
    catalogue_sync_execute,
    catalogue_sync_restart,
)
from saleor_mautomation.core import clock
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.services import saleor_client
from tests.conftest import make_installation
from tests.support.saleor_catalogue import SaleorCatalogue, cursor
from tests.support.samples import graphql_response
from tests.support.standin_errors import saleor_schema


class CountingPacer:
    def __init__(self) -> None:
        self.waits = 0

    def wait(self) -> None:
        self.waits += 1


@pytest.fixture
def standin(document_standin):
    return document_standin


@pytest.fixture
def shop(standin) -> SaleorCatalogue:
    # Built here, not in the stand-in's first answer: under load, building Saleor's schema can
    # take longer than the app's read timeout.
    saleor_schema()
    catalogue = SaleorCatalogue()
    catalogue.install(standin)
    apparel = catalogue.category("Apparel", "apparel")
    tees = catalogue.category("Tees", "a-tees", parent={"id": apparel["id"]})
    featured = catalogue.collection("Featured", "featured")
    catalogue.collection("Sale", "sale")
    both = {"default-channel": "USD", "channel-pln": "PLN"}
    catalogue.product(
        "Monospace Tee",
        "ascii-tee",
        category=tees,
        collections=[featured],
        channels=both,
        variants=[
            ("S", {"default-channel": 20.0, "channel-pln": 90.0}, [(10, 2), (5, 0)]),
            ("M", {"default-channel": 22.0}, [(0, 0)]),
        ],
    )
    catalogue.product(
        "Apple Juice",
        "apple-juice",
        channels={"default-channel": "USD"},
        variants=[("1l", {"default-channel": 1.99}, [(50, 0)])],
    )
    catalogue.product(
        "Cap",
        "cap",
        category=apparel,
        channels={"channel-pln": "PLN"},
        variants=[("One size", {"channel-pln": 40.0}, [(3, 3)])],
    )
    return catalogue


@pytest.fixture
def installation(db, standin):
    return make_installation(saleor_api_url=standin.api_url, jwks=standin.jwks())


def run(installation, *, fresh=True, page_size=2, pacer=None, deadline=None):
    return catalogue_sync_execute(
        installation_id=installation.pk,
        client=saleor_client(installation),
        fresh=fresh,
        page_size=page_size,
        pacer=pacer or CountingPacer(),
        deadline=deadline,
    )


def asked(standin, operation):
    return [
        r.json()["variables"]
        for r in standin.requests_to("/graphql/")
        if f"query {operation}(" in r.json()["query"]
    ]


def test_the_stand_ins_cursors_are_saleors():
    # products-page.json: Monospace Tee (pk 134, slug ascii-tee) ends the first page
    page = graphql_response("products-page")["response"]["data"]["products"]

    assert cursor({"slug": "ascii-tee", "_pk": 134}) == page["pageInfo"]["endCursor"]


def test_a_full_sync_stores_every_category_collection_product_and_variant(
    standin, shop, installation
):
    # given
    pacer = CountingPacer()

    # when
    outcome = run(installation, pacer=pacer)

    # then
    assert outcome == Outcome.DONE
    sync = CatalogueSync.objects.get()
    assert (sync.number, sync.status, sync.phase) == (1, "done", "done")
    assert (sync.categories, sync.collections, sync.products, sync.variants) == (2, 2, 3, 4)
    assert (sync.total, sync.skipped, sync.deleted, sync.cursor) == (3, 0, 0, "")
    # 1 page of categories, 1 of collections, 2 of products, each paced
    assert [len(asked(standin, op)) for op in shop_operations()] == [1, 1, 2]
    assert pacer.waits == 4
    products = asked(standin, "CatalogueProducts")
    assert products == [
        {"first": 2, "after": None},
        {"first": 2, "after": cursor(shop.rows["products"][0])},
    ]
    assert sorted(Category.objects.values_list("name", "parent__name")) == [
        ("Apparel", None),
        ("Tees", "Apparel"),
    ]
    assert sorted(Collection.objects.values_list("name", flat=True)) == ["Featured", "Sale"]
    tee = Product.objects.get(slug="ascii-tee")
    assert tee.category is not None
    assert (tee.category.name, list(tee.collections.values_list("name", flat=True))) == (
        "Tees",
        ["Featured"],
    )
    assert tee.thumbnail_url == "https://cdn.example/ascii-tee.webp"
    assert sorted(
        Variant.objects.values_list("product__slug", "name", "quantity_available", "in_stock")
    ) == [
        ("apple-juice", "1l", 50, True),
        ("ascii-tee", "M", 0, False),
        ("ascii-tee", "S", 13, True),
        ("cap", "One size", 0, False),
    ]
    assert sorted(
        ProductChannelListing.objects.values_list("product__slug", "channel_slug", "price_min")
    ) == [
        ("apple-juice", "default-channel", Decimal("1.9900")),
        ("ascii-tee", "channel-pln", Decimal("90.0000")),
        ("ascii-tee", "default-channel", Decimal("20.0000")),
        ("cap", "channel-pln", Decimal("40.0000")),
    ]
    assert set(Product.objects.values_list("seen_sync", flat=True)) == {1}
    assert CatalogueEvent.objects.count() == 0


def shop_operations():
    return ("CatalogueCategories", "CatalogueCollections", "CatalogueProducts")


def test_pages_larger_than_saleors_limit_are_never_asked(standin, shop, installation):
    # when
    outcome = run(installation, page_size=500)

    # then
    assert outcome == Outcome.DONE
    assert asked(standin, "CatalogueProducts") == [{"first": 100, "after": None}]


def test_a_sync_stopped_by_a_fault_resumes_after_its_last_stored_page(standin, shop, installation):
    # given: the second products page is refused
    original = standin.documents["CatalogueProducts"]
    calls = []

    def failing_second(document, variables):
        calls.append(variables)
        if len(calls) == 2:
            return 400, {"errors": [{"message": "Bad request"}]}
        return original(document, variables)

    standin.documents["CatalogueProducts"] = failing_second

    # when
    first = run(installation)
    stopped = CatalogueSync.objects.get()
    products_then = Product.objects.count()
    resumed = run(installation, fresh=False)

    # then
    assert first == Outcome.FAILED
    assert (stopped.status, stopped.phase, stopped.products) == ("failed", "products", 2)
    assert stopped.cursor == cursor(shop.rows["products"][0])
    assert products_then == 2
    assert resumed == Outcome.DONE
    assert calls[2] == {"first": 2, "after": cursor(shop.rows["products"][0])}
    sync = CatalogueSync.objects.get()
    assert (sync.status, sync.products, sync.deleted) == ("done", 3, 0)
    assert Product.objects.count() == 3


def test_a_time_slice_ends_after_a_page_and_the_next_carries_on(standin, shop, installation):
    # when: a deadline already passed
    paused = run(installation, deadline=clock.monotonic() - 1)
    after_one = CatalogueSync.objects.get()
    rest = run(installation, fresh=False)

    # then
    assert paused == Outcome.PAUSED
    assert (after_one.status, after_one.phase, after_one.owner) == ("running", "collections", "")
    assert rest == Outcome.DONE
    assert len(asked(standin, "CatalogueCategories")) == 1


def test_a_complete_sync_deletes_what_saleor_no_longer_has_and_marks_price_drops(
    standin, shop, installation
):
    # given: synced once; then in Saleor the cap and the sale collection go, the tee's S is
    # cheaper in USD and its M back in stock
    assert run(installation) == Outcome.DONE
    shop.remove("products", shop.rows["products"][2])
    shop.remove("collections", shop.rows["collections"][1])
    tee = shop.rows["products"][0]
    tee["variants"][0]["channelListings"][0]["price"]["amount"] = 15.0
    tee["variants"][1]["stocks"] = [{"quantity": 4, "quantityAllocated": 0}]

    # when
    outcome = run(installation)

    # then
    assert outcome == Outcome.DONE
    second = CatalogueSync.objects.get(number=2)
    assert (second.status, second.products, second.deleted) == ("done", 2, 2)
    assert sorted(Product.objects.values_list("slug", flat=True)) == ["apple-juice", "ascii-tee"]
    assert list(Collection.objects.values_list("name", flat=True)) == ["Featured"]
    assert sorted(CatalogueEvent.objects.values_list("kind", "channel_slug", "data")) == [
        ("back_in_stock", "", {"quantity": 4, "previous": 0}),
        (
            "price_drop",
            "default-channel",
            {"old": "20.00", "new": "15.00", "currency": "USD", "drop_percent": "25.0"},
        ),
    ]
    listing = VariantChannelListing.objects.get(variant__name="S", channel_slug="default-channel")
    assert listing.price == Decimal("15.0000")


def test_an_unfinished_sync_deletes_nothing(standin, shop, installation):
    # given: synced; the cap gone from Saleor; the next sync fails on its first products page
    assert run(installation) == Outcome.DONE
    shop.remove("products", shop.rows["products"][2])
    standin.documents["CatalogueProducts"] = lambda document, variables: (
        400,
        {"errors": [{"message": "Bad request"}]},
    )

    # when
    outcome = run(installation)

    # then
    assert outcome == Outcome.FAILED
    assert Product.objects.count() == 3


def test_a_product_a_delivery_wrote_during_the_sync_survives_the_sweep(standin, shop, installation):
    # given: while the sync runs (before its products page), a delivery stores a product
    # Saleor's pages will not show (created behind the sync's position)
    class DeliveryMeanwhile(CountingPacer):
        def wait(self) -> None:
            super().wait()
            if self.waits == 3:
                services.product_apply(
                    installation_id=installation.pk,
                    node=payloads.CatalogueProduct(id="UHJvZHVjdDo5OTk=", name="New", slug="n"),
                    observed=clock.now(),
                    now=clock.now(),
                )

    # when
    outcome = run(installation, page_size=100, pacer=DeliveryMeanwhile())

    # then
    assert outcome == Outcome.DONE
    assert Product.objects.filter(slug="n").exists()
    assert CatalogueSync.objects.get().deleted == 0


def test_a_restart_is_refused_while_a_sync_is_queued_and_starts_over_after_a_failure(
    standin, shop, installation
):
    # given: a failed sync stopped in the products phase
    from saleor_mautomation.catalogue.sync import CatalogueSyncRunning

    standin.documents["CatalogueProducts"] = lambda document, variables: (
        400,
        {"errors": [{"message": "Bad request"}]},
    )
    assert run(installation) == Outcome.FAILED

    # when
    restarted = catalogue_sync_restart(installation_id=installation.pk, now=clock.now())

    # then
    assert (restarted.number, restarted.status, restarted.phase, restarted.cursor) == (
        1,
        "pending",
        "categories",
        "",
    )
    with pytest.raises(CatalogueSyncRunning):
        catalogue_sync_restart(installation_id=installation.pk, now=clock.now())


def test_a_node_that_does_not_parse_is_skipped_and_counted(standin, shop, installation):
    # given: the first product of each page answered in a shape the app cannot read
    original = standin.documents["CatalogueProducts"]

    def broken(document, variables):
        status, body = original(document, variables)
        body = json.loads(json.dumps(body))
        edges = body["data"]["products"]["edges"]
        if edges:
            edges[0]["node"]["variants"][0]["stocks"] = "not a list"
        return status, body

    standin.documents["CatalogueProducts"] = broken

    # when
    outcome = run(installation)

    # then
    assert outcome == Outcome.DONE
    sync = CatalogueSync.objects.get()
    # the first node of each page: apple-juice, then cap
    assert (sync.products, sync.skipped) == (1, 2)
    assert list(Product.objects.values_list("slug", flat=True)) == ["ascii-tee"]


def test_the_task_syncs_in_slices_and_enqueues_its_continuation(
    standin, shop, installation, settings, monkeypatch
):
    # given: pages of 2, a slice ends after each page
    from saleor_mautomation.backfill import catalogue as task_module

    settings.BACKFILL_PAGE_SIZE = 2
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    monkeypatch.setattr(task_module, "SLICE_SECONDS", 0)
    enqueued = []
    monkeypatch.setattr(task_module.catalogue_sync, "apply_async", lambda **kw: enqueued.append(kw))

    # when
    first = task_module.catalogue_sync.apply(args=(installation.pk,)).get()

    # then
    assert first == "paused"
    assert enqueued == [{"kwargs": {"installation_id": installation.pk, "resume_only": True}}]
    assert CatalogueSync.objects.get().phase == "collections"


def test_the_task_does_nothing_for_an_uninstalled_shop(standin, shop, installation, settings):
    # given
    installation.status = installation.Status.UNINSTALLED
    installation.save()

    # when
    outcome = tasks_catalogue_sync(installation.pk)

    # then
    assert outcome == "idle"
    assert CatalogueSync.objects.count() == 0
    assert asked(standin, "CatalogueCategories") == []


def tasks_catalogue_sync(installation_id):
    from saleor_mautomation.backfill.catalogue import catalogue_sync

    return catalogue_sync.apply(args=(installation_id,)).get()
