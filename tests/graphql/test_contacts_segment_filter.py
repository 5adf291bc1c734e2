"""The contacts list filtered to a segment's current members (``filter: {segmentId}``)."""

import pytest

from saleor_mautomation.contacts.models import LifecycleStage
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import T0, make_contact, make_shop
from tests.graphql.test_contacts import CONTACTS, ask, emails
from tests.graphql.test_segments import WOMEN, gid


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def member(shop, segment, email, exited=False, **fields):
    contact = make_contact(shop, email=email, **fields)
    Membership.objects.create(
        installation=shop,
        segment=segment,
        contact=contact,
        entered_at=T0,
        exited_at=T0 if exited else None,
    )
    return contact


def test_contacts_filtered_to_a_segments_current_members(client, shop):
    # given
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)
    member(shop, segment, "ann@example.com", lifecycle_stage=LifecycleStage.VIP)
    member(shop, segment, "bea@example.com")
    member(shop, segment, "cat@example.com", exited=True)
    make_contact(shop, email="dan@example.com", lifecycle_stage=LifecycleStage.VIP)

    # when
    everyone = ask(client, shop, CONTACTS, filter={"segmentId": gid("Segment", segment.pk)})
    vips = ask(
        client,
        shop,
        CONTACTS,
        filter={"segmentId": gid("Segment", segment.pk), "lifecycleStages": ["VIP"]},
    )

    # then
    assert emails(everyone) == ["bea@example.com", "ann@example.com"]
    assert everyone["data"]["contacts"]["totalCount"] == 2
    assert emails(vips) == ["ann@example.com"]


def test_another_shops_segment_is_refused_at_its_field(client, shop):
    # given
    theirs = segment_create(
        installation_id=make_shop("other").pk, name="Theirs", definition=WOMEN, now=T0
    )
    make_contact(shop, email="ann@example.com")

    # when
    body = ask(client, shop, CONTACTS, filter={"segmentId": gid("Segment", theirs.pk)})

    # then
    assert body["data"] is None
    assert body["errors"][0]["message"] == "No such segment"
    assert body["errors"][0]["extensions"] == {
        "code": "NOT_FOUND",
        "fields": [{"field": "segmentId", "message": "No such segment"}],
    }


def test_a_segment_id_of_another_kind_is_refused(client, shop):
    body = ask(client, shop, CONTACTS, filter={"segmentId": gid("Contact", 1)})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
