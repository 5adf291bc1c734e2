"""A drained batch's contacts looked up together (``contacts_prefetched``): one query for the
batch, and no stale answer once a profile change, merge or erasure in the batch moved an
identity."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.contacts.erasure import erasure_request
from saleor_mautomation.contacts.models import Contact, ErasureRequest
from saleor_mautomation.contacts.services import (
    contact_resolve,
    contact_upsert_from_user,
    contacts_prefetched,
)
from saleor_mautomation.core import clock
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.saleor import payloads
from tests.contacts.factories import make_contact, make_shop


@pytest.fixture
def shop(db):
    return make_shop("shop")


def test_a_prefetched_batch_looks_its_contacts_up_in_one_query(shop):
    known = [make_contact(shop, email=f"c{n}@example.com") for n in range(5)]
    batch = [(shop.pk, None, c.email) for c in known] + [(shop.pk, "VXNlcjo3", "n@example.com")]

    with (
        transaction.atomic(),
        contacts_prefetched(batch),
        CaptureQueriesContext(connection) as queries,
    ):
        found = [
            contact_resolve(installation_id=shop.pk, saleor_user_id=user, email=email)
            for _, user, email in batch
        ]

    assert [c.pk for c in found[:5] if c] == [c.pk for c in known]
    assert found[5] is not None
    assert found[5].email == "n@example.com"
    # the new guest's insert (in a savepoint) is the only statement: no look-up, no erasure
    # check, which the prefetch answered for the whole batch
    assert [q["sql"].split()[0] for q in queries.captured_queries] == [
        "SAVEPOINT",
        "INSERT",
        "RELEASE",
    ]


def test_a_profile_change_in_the_batch_is_not_answered_from_the_stale_lookup(shop):
    customer = make_contact(shop, saleor_user_id="VXNlcjox", email="old@example.com")
    user = payloads.User.model_validate(
        {"id": "VXNlcjox", "email": "new@example.com", "metadata": [], "privateMetadata": []}
    )
    batch = [(shop.pk, None, "old@example.com"), (shop.pk, "VXNlcjox", "new@example.com")]

    with transaction.atomic(), contacts_prefetched(batch):
        contact_upsert_from_user(installation_id=shop.pk, user=user)  # the email changes
        by_old = contact_resolve(
            installation_id=shop.pk, saleor_user_id=None, email="old@example.com"
        )
        erasure_request(
            installation_id=shop.pk,
            source=ErasureRequest.Source.SALEOR,
            saleor_user_id="VXNlcjox",
            email="new@example.com",
            now=clock.now(),
        )
        after_erasure = contact_resolve(
            installation_id=shop.pk, saleor_user_id="VXNlcjox", email="new@example.com"
        )
    erasures_run(now=clock.now())

    # the old address now belongs to nobody: a new guest, not the customer
    assert by_old is not None
    assert by_old.pk != customer.pk
    assert after_erasure is None
    assert list(Contact.objects.values_list("email", flat=True)) == ["old@example.com"]
