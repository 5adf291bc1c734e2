"""After an import, every customer of the shop is written back to Saleor, not only buyers.

The import sets the figures of many customers at once; a customer without orders has none to
refresh, so nothing marked them, and a shop's imported customers never saw their figures in
Saleor (issue 14). A finished backfill marks every Saleor customer; the flush passes over those
whose figures Saleor already holds.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from saleor_mautomation.backfill.services import Outcome
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import DEBOUNCE, writeback_flush
from tests.backfill.test_backfill import backfill, shop, shop_customers  # noqa: F401
from tests.support.standin_errors import DocumentStandIn, SaleorCustomers, SaleorUser


@pytest.fixture
def standin(document_standin) -> DocumentStandIn:
    return document_standin


def test_a_finished_backfill_writes_back_every_imported_customer(shop, standin_installation):  # noqa: F811
    # given
    saleor = SaleorCustomers(users={c["id"]: SaleorUser() for c in shop_customers()})
    saleor.install(shop)
    outcomes = backfill(standin_installation)
    assert set(outcomes.values()) == {Outcome.DONE}

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk,
        batch_size=50,
        now=timezone.now() + DEBOUNCE + timedelta(seconds=1),
    )

    # then: the ten customers, seven of them without any order
    assert (flushed.claimed, flushed.written, flushed.refused) == (10, 10, 0)
    written = {
        user_id: (
            user.private_metadata["mautomation.orders"],
            user.private_metadata["mautomation.lifecycle"],
        )
        for user_id, user in saleor.users.items()
    }
    assert sorted(written.values()) == [("0", "prospect")] * 7 + [
        ("1", "first_time_buyer"),
        ("1", "first_time_buyer"),
        ("3", "repeat"),
    ]
    assert set(
        Contact.objects.exclude(saleor_user_id=None).values_list("writeback_due_at", flat=True)
    ) == {None}
