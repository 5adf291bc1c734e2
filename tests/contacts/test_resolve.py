"""The contact behind an order or checkout: found by Saleor user id first, then by email, and
returned locked and whole; the same whether looked up alone or with a drained batch's others."""

import pytest
from django.db import transaction

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.models import Contact, ErasedIdentity
from saleor_mautomation.contacts.services import (
    contact_resolve,
    contacts_prefetched,
    email_digest,
)
from saleor_mautomation.core import clock
from tests.contacts.factories import make_contact, make_shop

MODE = {"prefetched": False}


@pytest.fixture(autouse=True, params=["alone", "prefetched"])
def mode(request):
    MODE["prefetched"] = request.param == "prefetched"
    yield request.param
    MODE["prefetched"] = False


@pytest.fixture
def shop(db):
    return make_shop("shop")


def resolve(shop, user_id, email):
    with transaction.atomic():
        if not MODE["prefetched"]:
            return contact_resolve(installation_id=shop.pk, saleor_user_id=user_id, email=email)
        with contacts_prefetched([(shop.pk, user_id, email)]):
            return contact_resolve(installation_id=shop.pk, saleor_user_id=user_id, email=email)


def test_the_user_id_wins_over_the_email(shop):
    # given: the email belongs to a guest, the user id to the customer
    customer = make_contact(shop, saleor_user_id="VXNlcjox", email="ada@example.com")
    make_contact(shop, email="guest@example.com")

    # when
    found = resolve(shop, "VXNlcjox", "Guest@Example.com")

    # then
    assert found is not None
    assert found.pk == customer.pk
    assert Contact.objects.count() == 2


def test_an_unknown_user_id_falls_back_to_the_email(shop):
    guest = make_contact(shop, email="ada@example.com", first_name="Ada", metadata={"a": "1"})

    found = resolve(shop, "VXNlcjo5", " ADA@example.com ")

    assert found is not None
    assert (found.pk, found.first_name, found.metadata) == (guest.pk, "Ada", {"a": "1"})
    assert found.created_at == Contact.objects.get(pk=guest.pk).created_at


def test_contacts_of_another_installation_are_not_found(shop):
    make_contact(make_shop("other"), saleor_user_id="VXNlcjox", email="ada@example.com")

    found = resolve(shop, "VXNlcjox", "ada@example.com")

    assert found is not None
    assert found.installation_id == shop.pk
    assert Contact.objects.filter(installation=shop).count() == 1


def test_a_guest_without_an_email_gets_it(shop):
    contact = make_contact(shop, saleor_user_id="VXNlcjox", email=None)

    found = resolve(shop, "VXNlcjox", "ada@example.com")

    assert found is not None
    assert found.pk == contact.pk
    assert Contact.objects.get(pk=contact.pk).email == "ada@example.com"


def test_nothing_to_go_by_finds_nothing(shop):
    make_contact(shop)

    assert resolve(shop, None, None) is None


def test_a_new_email_makes_a_guest_and_an_erased_one_makes_nothing(shop):
    config = contacts_config(shop.pk)
    ErasedIdentity.objects.create(
        installation=shop,
        email_digest=email_digest(config, "gone@example.com"),
        erased_at=clock.now(),
    )

    guest = resolve(shop, None, "New@Example.com")
    erased = resolve(shop, None, "gone@example.com")

    assert guest is not None
    assert (guest.email, guest.saleor_user_id) == ("new@example.com", None)
    assert erased is None
    assert list(Contact.objects.values_list("email", flat=True)) == ["new@example.com"]
