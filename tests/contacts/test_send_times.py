"""Send-time profiles, stored (``contacts.send_times``): the nightly pass (the shop's zone and
profile, profiles whose window slid recounted), the first use before any night, and each
shop's profile its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from saleor_mautomation.contacts.models import Contact, ShopSendTime
from saleor_mautomation.contacts.send_times import (
    SendTimes,
    contact_send_time_refresh,
    shop_send_time,
    shop_send_time_refresh,
)
from saleor_mautomation.flows.tasks import contacts_sweep
from tests.contacts.factories import make_event, make_shop

NOW = datetime(2026, 12, 1, 10, 37, tzinfo=UTC)  # a Tuesday


def test_the_nightly_pass_sums_the_shops_profiles_in_its_contacts_zones(db, time_machine):
    # given: two shops; in the first, two Berlin contacts, one in Lisbon, one without a zone
    shop, other = make_shop("linden"), make_shop("other")
    ada = Contact.objects.create(installation=shop, email="a@x.example", time_zone="Europe/Berlin")
    Contact.objects.create(installation=shop, email="b@x.example", time_zone="Europe/Berlin")
    lis = Contact.objects.create(installation=shop, email="c@x.example", time_zone="Europe/Lisbon")
    cy = Contact.objects.create(installation=shop, email="d@x.example")
    stranger = Contact.objects.create(
        installation=other, email="e@x.example", time_zone="Asia/Tokyo"
    )
    # Ada clicked twice on Tuesdays at 19:10 Berlin time, Lisbon's contact opened on a Monday
    # at 8:00 there, Cy (no zone: Berlin, the shop's) opened on a Wednesday at 7:30 UTC;
    # the other shop's contact clicked too
    for moment in (
        datetime(2026, 11, 24, 18, 10, tzinfo=UTC),
        datetime(2026, 11, 17, 18, 10, tzinfo=UTC),
    ):
        make_event(ada, "email.clicked", moment, properties={"machine": False})
    make_event(
        lis, "email.opened", datetime(2026, 11, 23, 8, 0, tzinfo=UTC), properties={"machine": False}
    )
    make_event(
        lis, "email.opened", datetime(2026, 11, 23, 8, 5, tzinfo=UTC), properties={"machine": True}
    )
    make_event(cy, "email.opened", datetime(2026, 11, 25, 7, 30, tzinfo=UTC))
    make_event(stranger, "email.clicked", datetime(2026, 11, 25, 7, 30, tzinfo=UTC))
    for contact in (ada, lis, cy, stranger):
        contact_send_time_refresh(contact=contact, now=NOW, zone="Europe/Berlin")

    # when: the night's contacts sweep
    time_machine.move_to(NOW, tick=False)
    contacts_sweep(shop.pk)

    # then: the shop's zone is Berlin (two contacts), its profile the sum of its three
    stored = ShopSendTime.objects.get(installation=shop)
    assert (stored.time_zone, stored.weights, stored.contacts, stored.clicks, stored.opens) == (
        "Europe/Berlin",
        {"8": 1, "43": 4, "56": 1},  # Mon 8h, Tue 19h, Wed 8h
        3,
        2,
        2,
    )
    assert stored.computed_at == NOW
    assert not ShopSendTime.objects.filter(installation=other).exists()


def test_a_profile_whose_oldest_interaction_left_the_window_is_recounted_at_night(db):
    # given: a contact whose profile counts a click of 170 days ago and one of 10 days ago
    shop = make_shop("linden")
    ada = Contact.objects.create(installation=shop, email="a@x.example", time_zone="UTC")
    old, recent = NOW - timedelta(days=170), NOW - timedelta(days=10)
    make_event(ada, "email.clicked", old)
    make_event(ada, "email.clicked", recent)
    contact_send_time_refresh(contact=ada, now=NOW, zone="")
    assert (ada.send_time_clicks, ada.send_time_oldest_at) == (2, old)

    # when: the night 11 days later, when the older click is 181 days old
    later = NOW + timedelta(days=11)
    stored = shop_send_time_refresh(installation_id=shop.pk, now=later)

    # then: only the recent click counts, for the contact and the shop
    ada.refresh_from_db()
    slot = str(recent.weekday() * 24 + recent.hour)
    assert (ada.send_time_weights, ada.send_time_clicks, ada.send_time_oldest_at) == (
        {slot: 2},
        1,
        recent,
    )
    assert (stored.weights, stored.clicks, stored.time_zone) == ({slot: 2}, 1, "UTC")


def test_before_its_first_night_a_shops_profile_is_computed_when_first_needed(db):
    # given: a contact with three clicks on Tuesdays at 19h UTC, no stored shop profile
    shop = make_shop("linden")
    ada = Contact.objects.create(installation=shop, email="a@x.example")
    for weeks in (1, 2, 3):
        make_event(
            ada,
            "email.clicked",
            datetime(2026, 11, 24, 19, 5, tzinfo=UTC) - timedelta(weeks=weeks - 1),
        )
    contact_send_time_refresh(contact=ada, now=NOW)
    assert ada.send_time_weights == {"43": 6}

    # when: a batch asks for a thin contact's moment (no data of its own: the shop's)
    times = SendTimes(shop.pk, NOW)
    moment = times.moment(time_zone="", weights={}, clicks=0, opens=0)

    # then: the shop's best hour today, stored for the next batches
    assert moment == datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert shop_send_time(installation_id=shop.pk, now=NOW).weights == {"43": 6}
    assert ShopSendTime.objects.filter(installation=shop).count() == 1
