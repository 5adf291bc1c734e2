"""Entries beyond single events, on PostgreSQL with time controlled: date properties in each
contact's zone (birthdays, 29 February, days after the last order), broadcasts at a time or
at each recipient's local time, and segment entries (per event and from bulk rebuilds)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.date_entries import calendar_entries_sweep as date_entries_sweep
from saleor_mautomation.journeys.entries import broadcasts_due, segment_entries_feed
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop, profile_save

SEND = {"type": "send_email", "template": "birthday", "next": "end"}
EXIT = {"type": "exit"}


@pytest.fixture
def shop(db):
    installation = make_shop("entries")
    templates_builtin_ensure(installation_id=installation.pk, now=datetime(2026, 1, 1, tzinfo=UTC))
    return installation


def published(shop, entry: dict[str, Any], *, key="entries", **settings) -> Journey:
    definition = {"entry": entry, "start": "mail", "nodes": {"mail": SEND, "end": EXIT}, **settings}
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=datetime(2026, 1, 1, tzinfo=UTC))
    return journey


def enrolled(journey: Journey) -> set[int]:
    return set(JourneyRun.objects.filter(journey=journey).values_list("contact_id", flat=True))


def test_birthdays_enter_at_the_hour_where_each_contact_lives_once_a_day(shop):
    journey = published(
        shop,
        {"type": "date", "field": "birthday", "at_hour": 9},
        reentry={"mode": "every_time"},
    )
    born = date(1990, 3, 10)
    tokyo = make_contact(shop, birthday=born, time_zone="Asia/Tokyo", email_consent="granted")
    berlin = make_contact(shop, birthday=born, time_zone="Europe/Berlin", email_consent="granted")
    york = make_contact(shop, birthday=born, time_zone="America/New_York", email_consent="granted")
    make_contact(shop, birthday=date(1990, 3, 11), time_zone="Europe/Berlin")  # tomorrow

    # 10 March 2026 01:00 UTC: 10:00 in Tokyo, 02:00 in Berlin, 21:00 on the 9th in New York
    assert (
        date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 3, 10, 1, tzinfo=UTC)) == 1
    )
    assert enrolled(journey) == {tokyo.pk}
    # 08:00 UTC: 09:00 in Berlin (UTC+1 in March); again later the same day: nobody twice
    date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 3, 10, 8, tzinfo=UTC))
    date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert enrolled(journey) == {tokyo.pk, berlin.pk}
    # 13:00 UTC: 09:00 in New York, where 8 March started daylight saving (UTC-4)
    date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 3, 10, 13, tzinfo=UTC))
    assert enrolled(journey) == {tokyo.pk, berlin.pk, york.pk}
    assert JourneyRun.objects.filter(journey=journey).count() == 3
    # the first steps ran at once: each birthday mail is queued
    assert Message.objects.filter(contact__in=[tokyo, berlin, york]).count() == 3
    # a year later, they enter again
    date_entries_sweep(installation_id=shop.pk, now=datetime(2027, 3, 10, 14, tzinfo=UTC))
    assert JourneyRun.objects.filter(journey=journey).count() == 6


def test_a_29_february_birthday_is_celebrated_on_the_28th_in_other_years(shop):
    journey = published(shop, {"type": "date", "field": "birthday", "at_hour": 9})
    leap = make_contact(shop, birthday=date(2000, 2, 29))

    date_entries_sweep(installation_id=shop.pk, now=datetime(2027, 2, 28, 10, tzinfo=UTC))

    assert enrolled(journey) == {leap.pk}


def test_days_after_the_last_order_count_in_the_contacts_zone(shop):
    journey = published(
        shop, {"type": "date", "field": "last_order_at", "days_offset": 30, "at_hour": 10}
    )
    # 23:30 UTC on 1 May is already 2 May in Berlin
    late = make_contact(
        shop, time_zone="Europe/Berlin", last_order_at=datetime(2026, 5, 1, 23, 30, tzinfo=UTC)
    )
    utc = make_contact(shop, last_order_at=datetime(2026, 5, 1, 12, tzinfo=UTC))

    date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 5, 31, 11, tzinfo=UTC))
    assert enrolled(journey) == {utc.pk}
    date_entries_sweep(installation_id=shop.pk, now=datetime(2026, 6, 1, 11, tzinfo=UTC))
    assert enrolled(journey) == {utc.pk, late.pk}


def members_segment(shop, now: datetime):
    segment = segment_create(
        installation_id=shop.pk,
        name="Women",
        definition={"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}},
        now=now,
    )
    segment_rebuild(segment=segment, now=now)
    return segment


def test_a_broadcast_in_local_time_starts_each_recipient_at_their_nine_oclock(shop):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    tokyo = make_contact(shop, time_zone="Asia/Tokyo", email_consent="granted", gender="f")
    berlin = make_contact(shop, time_zone="Europe/Berlin", email_consent="granted", gender="f")
    make_contact(shop, time_zone="Europe/Berlin", gender="m")  # not a member
    segment = members_segment(shop, t0)
    journey = published(
        shop,
        {
            "type": "broadcast",
            "segment_id": segment.pk,
            "send_at": "2026-12-01T09:00:00+00:00",
            "local_time": True,
        },
    )

    # before 09:00 in the earliest zone (UTC+14): no snapshot yet
    assert broadcasts_due(now=datetime(2026, 11, 30, 18, 59, tzinfo=UTC)) == 0
    assert broadcasts_due(now=datetime(2026, 11, 30, 19, 0, tzinfo=UTC)) == 2
    starts = dict(JourneyRun.objects.filter(journey=journey).values_list("contact_id", "wake_at"))
    assert starts == {
        tokyo.pk: datetime(2026, 12, 1, 0, 0, tzinfo=UTC),  # 09:00 in Tokyo
        berlin.pk: datetime(2026, 12, 1, 8, 0, tzinfo=UTC),  # 09:00 in Berlin
    }
    # a contact joining the segment after the snapshot is not added, nor anyone twice
    latecomer = make_contact(shop, email_consent="granted", gender="f")
    segment_rebuild(segment=segment, now=datetime(2026, 11, 30, 20, tzinfo=UTC))
    assert broadcasts_due(now=datetime(2026, 12, 1, 1, tzinfo=UTC)) == 0
    assert latecomer.pk not in enrolled(journey)
    # the bulk scheduler (not the real-time one) sends each at their time
    assert runs_wake(now=datetime(2026, 12, 1, 9, 0, tzinfo=UTC), limit=100) == 0
    runs_wake(now=datetime(2026, 12, 1, 0, 0, tzinfo=UTC), limit=100, broadcast=True)
    assert set(Message.objects.values_list("contact_id", flat=True)) == {tokyo.pk}
    runs_wake(now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC), limit=100, broadcast=True)
    assert set(Message.objects.values_list("contact_id", flat=True)) == {tokyo.pk, berlin.pk}


def test_a_broadcast_at_one_moment_starts_everyone_then(shop):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    people = [
        make_contact(shop, time_zone=z, email_consent="granted", gender="f")
        for z in ("", "Asia/Tokyo")
    ]
    segment = members_segment(shop, t0)
    journey = published(
        shop,
        {"type": "broadcast", "segment_id": segment.pk, "send_at": "2026-12-01T09:00:00+01:00"},
    )

    assert broadcasts_due(now=datetime(2026, 12, 1, 7, 59, tzinfo=UTC)) == 0
    assert broadcasts_due(now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == 2

    assert set(JourneyRun.objects.filter(journey=journey).values_list("wake_at", flat=True)) == {
        datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    }
    assert enrolled(journey) == {p.pk for p in people}


def test_contacts_entering_a_segment_enter_its_journeys_but_not_its_first_members(shop):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    existing = make_contact(shop, email_consent="granted", gender="f")
    segment = members_segment(shop, t0)  # the first build: existing members
    journey = published(shop, {"type": "segment_entered", "segment_id": segment.pk})

    # a bulk rebuild moves a new member in
    newcomer = make_contact(shop, email_consent="granted", gender="f")
    segment_rebuild(segment=segment, now=t0 + timedelta(hours=1))
    segment_entries_feed(now=t0 + timedelta(hours=1))  # the rebuild task's second step
    # and per event: a profile change inside a unit of work
    with unit_of_work(now=t0 + timedelta(hours=2)):
        third = make_contact(shop, email_consent="granted")
        third.gender = "f"
        profile_save(third)

    assert enrolled(journey) == {newcomer.pk, third.pk}
    assert existing.pk not in enrolled(journey)
    assert Message.objects.filter(contact__in=[newcomer, third]).count() == 2
    assert Contact.objects.get(pk=third.pk).segments == [segment.key]
