"""``mautomation backfill`` syncs the catalogue after the import, as the install does."""

from __future__ import annotations

import copy
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from saleor_mautomation.catalogue.models import CatalogueSync, Product, Variant
from saleor_mautomation.contacts.models import Contact
from tests.catalogue.test_sync import shop as shop
from tests.conftest import make_installation
from tests.support.samples import graphql_response


@pytest.fixture
def standin(document_standin):
    return document_standin


def empty(template_name, field):
    def answer(variables):
        response = copy.deepcopy(graphql_response(template_name)["response"])
        response["data"][field] = {
            "totalCount": 0,
            "pageInfo": {"hasNextPage": False, "endCursor": None},
            "edges": [],
        }
        return 200, response

    return answer


@pytest.fixture
def installation(db, standin):
    for operation, template, field in [
        ("Customers", "customers-page", "customers"),
        ("Orders", "orders-page", "orders"),
        ("Checkouts", "checkouts-page", "checkouts"),
    ]:
        standin.answers[operation] = empty(template, field)
    return make_installation(saleor_api_url=standin.api_url, jwks=standin.jwks())


def test_the_command_syncs_the_catalogue_after_the_import(shop, installation, settings):
    # given
    settings.BACKFILL_PAGE_SIZE = 2
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    out = StringIO()

    # when
    call_command("backfill", stdout=out, stderr=StringIO())

    # then
    assert out.getvalue().splitlines() == [
        f"Backfill of {installation.saleor_api_url}",
        "  customers: done, 0 of 0 (0 skipped)",
        "  orders: done, 0 of 0 (0 skipped)",
        "  checkouts: done, 0 of 0 (0 skipped)",
        "  segments: 0 entered, 0 exited",
        "  catalogue: done, 3 products, 4 variants (0 skipped, 0 deleted)",
    ]
    sync = CatalogueSync.objects.get(installation=installation)
    assert (sync.number, sync.status, sync.phase) == (1, "done", "done")
    assert sorted(Product.objects.values_list("slug", flat=True)) == [
        "apple-juice",
        "ascii-tee",
        "cap",
    ]
    assert Variant.objects.count() == 4


def test_one_resource_asked_for_leaves_the_catalogue_alone(shop, installation, settings):
    # given
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0

    # when
    call_command("backfill", "--resource", "customers", stdout=StringIO(), stderr=StringIO())

    # then
    assert not CatalogueSync.objects.exists()
    assert not Product.objects.exists()
    assert Contact.objects.count() == 0


def test_a_catalogue_sync_that_does_not_finish_fails_the_command(installation, settings):
    # given: Saleor answers the import but has no catalogue queries (nothing installed for them)
    settings.BACKFILL_MIN_PAGE_INTERVAL = 0
    out = StringIO()

    # when
    with pytest.raises(CommandError, match=r"catalogue$"):
        call_command("backfill", stdout=out, stderr=StringIO())

    # then
    assert out.getvalue().splitlines()[-1].startswith("  catalogue: ")
    sync = CatalogueSync.objects.get(installation=installation)
    assert (sync.status, sync.phase, sync.categories) == ("failed", "categories", 0)
    assert not Product.objects.exists()
