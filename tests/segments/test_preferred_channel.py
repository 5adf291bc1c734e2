"""The segment condition "preferred channel is X" (a profile condition on preferred_channel):
who matches, and membership following a click that changes the learned channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saleor_mautomation.contacts.channel_preference import preference_refresh
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.segments.membership import members_matching, segments_cache_clear
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_event, make_shop

T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def preferring(channel: str) -> dict[str, object]:
    return {"root": {"type": "profile", "field": "preferred_channel", "op": "eq", "value": channel}}


def test_preferred_channel_conditions_select_exactly_their_contacts(db):
    # given
    shop = make_shop("prefs")
    texter = make_contact(shop, preferred_channel="sms")
    make_contact(shop, preferred_channel="email")
    pushed = make_contact(shop, preferred_channel="push")
    unknown = make_contact(shop)
    make_contact(make_shop("other"), preferred_channel="sms")  # another shop's

    # when
    def members(definition: dict[str, object]) -> set[int]:
        segment = segment_create(
            installation_id=shop.pk, name=str(definition), definition=definition, now=T
        )
        return set(members_matching(segment, now=T).values_list("pk", flat=True))

    # then
    assert members(preferring("sms")) == {texter.pk}
    assert members(
        {
            "root": {
                "type": "profile",
                "field": "preferred_channel",
                "op": "in",
                "value": ["sms", "push"],
            }
        }
    ) == {texter.pk, pushed.pk}
    assert members(
        {"root": {"type": "profile", "field": "preferred_channel", "op": "is_not_set"}}
    ) == {unknown.pk}


def test_a_contact_enters_the_segment_when_an_sms_click_makes_sms_preferred(db):
    # given: Ada prefers email (a click 20 days ago); a segment of those who prefer SMS
    shop = make_shop("prefs")
    ada = make_contact(shop)
    make_event(ada, "email.clicked", T - timedelta(days=20), properties={"machine": False})
    preference_refresh(contact=ada, now=T - timedelta(days=20))
    segments_cache_clear()
    segment = segment_create(
        installation_id=shop.pk, name="Texters", definition=preferring("sms"), now=T
    )
    assert not Membership.objects.filter(segment=segment).exists()

    # when: she clicks a text's link now (2 against 2 x 2^(-20/30))
    with unit_of_work(now=T):
        make_event(ada, "sms.clicked", T, properties={"machine": False})
        preference_refresh(contact=ada, now=T)

    # then
    ada.refresh_from_db()
    assert ada.preferred_channel == "sms"
    assert list(
        Membership.objects.filter(segment=segment, exited_at__isnull=True).values_list(
            "contact_id", flat=True
        )
    ) == [ada.pk]
