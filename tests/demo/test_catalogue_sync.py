"""The demo Saleor answers the catalogue's full sync from the generated shop (84 products in 7
categories, two channels) in Saleor's shapes and cursors, and the sync stores all of it."""

from __future__ import annotations

import base64
import json

import pytest

from saleor_mautomation.catalogue.models import CatalogueSync, Product, Variant
from saleor_mautomation.catalogue.selectors import recommendable_products
from saleor_mautomation.catalogue.sync import Outcome, catalogue_sync_execute
from saleor_mautomation.demo import config
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.services import saleor_client
from tests.conftest import make_installation
from tests.support.demo_saleor import assert_valid_answer

pytest_plugins = ["tests.demo.saleor_fixtures"]  # demo_saleor, shop

ROOTS = {
    "catalogue_categories": "categories",
    "catalogue_collections": "collections",
    "catalogue_products": "products",
}


class NoPause:
    def wait(self) -> None:
        pass


@pytest.mark.parametrize("name", sorted(ROOTS))
def test_every_catalogue_page_is_valid_and_the_pages_add_up_to_the_shop(demo_saleor, name):
    # given
    document = documents.load(name)
    root = ROOTS[name]
    expected = {"categories": 7, "collections": 0, "products": 84}[root]

    # when
    seen: list[str] = []
    cursor = None
    while True:
        variables = {"first": 30, "after": cursor}
        data = demo_saleor.as_app(document, variables)["data"]
        assert_valid_answer(document, variables, data)
        seen.extend(edge["node"]["id"] for edge in data[root]["edges"])
        cursor = data[root]["pageInfo"]["endCursor"]
        if not data[root]["pageInfo"]["hasNextPage"]:
            break

    # then
    assert len(seen) == len(set(seen)) == expected


def test_products_cursors_are_saleors_slug_and_pk(demo_saleor):
    # when
    data = demo_saleor.as_app(documents.load("catalogue_products"), {"first": 1})["data"]

    # then
    node = data["products"]["edges"][0]["node"]
    pk = base64.b64decode(node["id"]).decode().split(":")[1]
    cursor = data["products"]["pageInfo"]["endCursor"]
    assert json.loads(base64.b64decode(cursor)) == [node["slug"], pk]


def test_the_full_sync_stores_the_demo_shop(demo_saleor, db):
    # given
    installation = make_installation(
        saleor_api_url=f"http://127.0.0.1:{demo_saleor.port}/graphql/",
        auth_token=config.app_token(),
    )

    read_before = demo_saleor.shop.catalogue_read

    # when
    outcome = catalogue_sync_execute(
        installation_id=installation.pk,
        client=saleor_client(installation),
        fresh=True,
        page_size=25,
        pacer=NoPause(),
    )

    # then
    assert outcome == Outcome.DONE
    # the demo shop knows the app has its catalogue (the simulator may move it now)
    assert (read_before, demo_saleor.shop.catalogue_read) == (False, True)
    sync = CatalogueSync.objects.get()
    variants = sum(len(p["variants"]) for p in demo_saleor.shop.products)
    assert (sync.categories, sync.collections, sync.products, sync.variants) == (
        7,
        0,
        84,
        variants,
    )
    assert (sync.total, sync.skipped, sync.deleted) == (84, 0, 0)
    assert Product.objects.count() == 84
    sold_out = Variant.objects.filter(in_stock=False).count()
    assert 0 < sold_out < variants
    for channel in ("default-channel", "channel-eur"):
        with_stock = Product.objects.filter(variants__in_stock=True).distinct().count()
        assert recommendable_products(installation.pk, channel).count() == with_stock
