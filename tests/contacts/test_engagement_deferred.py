from django.db import transaction

from saleor_mautomation.contacts.figures import engagement_deferred
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.intake.ingest import ingest_order
from saleor_mautomation.saleor import payloads
from tests.support import deliveries as d


def order(n):
    minted = d.order(
        "ORDER_CREATED",
        order_id=f"T3JkZXI6{n}",
        number=str(n),
        user_id=None,
        email="ada@example.com",
        placed=n,
        day=n,
    )
    return payloads.OrderEvent.model_validate_json(minted.body).order


def ingest(installation, n):
    ingest_order(
        installation_id=installation.pk,
        order=order(n),
        type="order.placed",
        occurred_at=clock.now(),
        source="test",
    )


def test_figures_are_computed_once_when_the_block_ends(standin_installation):
    # given / when
    with transaction.atomic(), engagement_deferred(now=clock.now):
        ingest(standin_installation, 1)
        ingest(standin_installation, 2)
        during = Contact.objects.get().orders_count

    # then
    assert during == 0
    assert Contact.objects.get().orders_count == 2


def test_outside_a_block_figures_are_computed_at_once(standin_installation):
    ingest(standin_installation, 1)

    assert Contact.objects.get().orders_count == 1


def test_a_failed_block_computes_nothing(standin_installation):
    try:
        with transaction.atomic(), engagement_deferred(now=clock.now):
            ingest(standin_installation, 1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass

    assert not Contact.objects.exists()
