"""Date entries on any date (profile fields, custom date attributes; yearly or once, days before
or after) and recurring entries (every N days, weeks or months), on PostgreSQL with time given:
at the hour in each contact's zone, 29 February, daylight saving, catch-up after missed days,
never twice for one occurrence."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from saleor_mautomation.journeys.date_entries import calendar_entries_sweep
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.occurrences import (
    add_months,
    anniversary,
    date_of,
    latest_occurrence,
    occurrence,
)
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop

SEND = {"type": "send_email", "template": "birthday", "next": "end"}
EXIT = {"type": "exit"}
PUBLISHED = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def shop(db):
    installation = make_shop("dates")
    templates_builtin_ensure(installation_id=installation.pk, now=PUBLISHED)
    return installation


def published(
    shop, entry: dict[str, Any], *, at: datetime = PUBLISHED, key: str = "dates", **settings
) -> Journey:
    definition = {"entry": entry, "start": "mail", "nodes": {"mail": SEND, "end": EXIT}, **settings}
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=at)
    return journey


def runs(journey: Journey) -> list[tuple[int, str, dict[str, Any]]]:
    return sorted(
        JourneyRun.objects.filter(journey=journey).values_list("contact_id", "entry_key", "context")
    )


def sweep(shop, year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    at = datetime(year, month, day, hour, minute, tzinfo=UTC)
    return calendar_entries_sweep(installation_id=shop.pk, now=at)


# -- the calendar -------------------------------------------------------------------------------


def test_29_february_recurs_on_the_28th_in_years_without_one():
    assert anniversary(date(2000, 2, 29), 2027) == date(2027, 2, 28)
    assert anniversary(date(2000, 2, 29), 2028) == date(2028, 2, 29)
    assert anniversary(date(1990, 3, 1), 2027) == date(2027, 3, 1)


def test_months_are_added_to_the_start_keeping_its_day_or_the_months_last():
    start = date(2027, 1, 31)
    assert [occurrence(start, 1, "months", n) for n in range(5)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert occurrence(date(2027, 1, 1), 2, "weeks", 3) == date(2027, 2, 12)
    assert latest_occurrence(start, 1, "months", date(2027, 3, 30)) == (1, date(2027, 2, 28))
    assert latest_occurrence(start, 1, "months", date(2027, 3, 31)) == (2, date(2027, 3, 31))
    assert latest_occurrence(start, 10, "days", date(2027, 2, 19)) == (1, date(2027, 2, 10))
    assert latest_occurrence(start, 1, "months", date(2027, 1, 30)) is None


def test_a_custom_attributes_date_is_an_iso_date_anything_else_is_none():
    assert date_of("2027-03-15") == date(2027, 3, 15)
    assert date_of("2027-03-15T23:30:00-05:00") == date(2027, 3, 15)  # as written
    assert [date_of(v) for v in ("15.03.2027", "2027-02-30", "", None, 20270315)] == [None] * 5


# -- date entries -------------------------------------------------------------------------------


def test_a_yearly_reminder_enters_14_days_before_a_custom_date_at_nine_where_the_contact_lives(
    shop,
):
    journey = published(
        shop,
        {
            "type": "date",
            "field": "attribute",
            "attribute": "inspection_due",
            "repeat": "yearly",
            "days_offset": -14,
            "at_hour": 9,
        },
        reentry={"mode": "every_time"},
    )
    berlin = make_contact(
        shop, time_zone="Europe/Berlin", metadata={"inspection_due": "2025-03-15"}
    )
    tokyo = make_contact(shop, time_zone="Asia/Tokyo", metadata={"inspection_due": "2026-03-15"})
    make_contact(shop, time_zone="Europe/Berlin", metadata={"inspection_due": "2026-03-16"})
    make_contact(shop, time_zone="Europe/Berlin", metadata={"inspection_due": "soon"})
    make_contact(shop, time_zone="Europe/Berlin", metadata={"inspection_due": "2027-03-15"})
    make_contact(shop, time_zone="Europe/Berlin", birthday=date(1990, 3, 15))

    # 1 March 2026 07:59 UTC: 08:59 in Berlin, 16:59 in Tokyo
    assert sweep(shop, 2026, 3, 1, 7, 59) == 1
    assert sweep(shop, 2026, 3, 1, 8) == 1
    assert sweep(shop, 2026, 3, 1, 20) == 0

    occurrence_ = {"field": "inspection_due", "on": "2026-03-01", "occurrence": "2026-03-15"}
    assert runs(journey) == [
        (berlin.pk, "date:2026-03-15", {"date": occurrence_}),
        (tokyo.pk, "date:2026-03-15", {"date": occurrence_}),
    ]
    # a year later, both again (the 2027 contact's date comes for the first time too)
    assert sweep(shop, 2027, 3, 1, 12) == 3


def test_a_once_entry_enters_on_the_date_only_never_on_its_anniversaries(shop):
    journey = published(
        shop,
        {"type": "date", "field": "attribute", "attribute": "contract_start", "at_hour": 10},
        reentry={"mode": "every_time"},
    )
    starting = make_contact(shop, metadata={"contract_start": "2026-06-01"})
    make_contact(shop, metadata={"contract_start": "2025-06-01"})

    assert sweep(shop, 2026, 6, 1, 9, 59) == 0
    assert sweep(shop, 2026, 6, 1, 10) == 1
    assert sweep(shop, 2027, 6, 1, 10) == 0
    assert [(c, k) for c, k, _ in runs(journey)] == [(starting.pk, "date:2026-06-01")]


def test_a_29_february_date_comes_on_the_28th_in_other_years_and_the_29th_in_leap_years(shop):
    journey = published(
        shop,
        {"type": "date", "field": "attribute", "attribute": "since", "repeat": "yearly"},
        reentry={"mode": "every_time"},
    )
    leap = make_contact(shop, metadata={"since": "2024-02-29"})
    make_contact(shop, metadata={"since": "2024-02-28"})  # the 28th's own contact, as ever

    assert sweep(shop, 2027, 2, 28, 9) == 2
    assert sweep(shop, 2027, 3, 1, 9) == 0
    assert sweep(shop, 2028, 2, 28, 9) == 1
    assert sweep(shop, 2028, 2, 29, 9) == 1
    leaps = [k for c, k, _ in runs(journey) if c == leap.pk]
    assert leaps == ["date:2027-02-28", "date:2028-02-29"]


def test_the_hour_follows_daylight_saving_and_a_skipped_hour_comes_at_the_next(shop):
    nine = published(shop, {"type": "date", "field": "birthday", "at_hour": 9})
    two = published(shop, {"type": "date", "field": "birthday", "at_hour": 2}, key="two")
    berlin = make_contact(shop, time_zone="Europe/Berlin", birthday=date(1990, 3, 28))

    # 28 March 2027: Berlin moves to UTC+2 at 01:00 UTC; 02:00 does not exist there that day,
    # so an entry at two comes at three (01:00 UTC); nine there is 07:00 UTC
    assert sweep(shop, 2027, 3, 28, 0, 59) == 0
    assert sweep(shop, 2027, 3, 28, 1) == 1
    assert len(runs(two)) == 1
    assert sweep(shop, 2027, 3, 28, 6, 59) == 0
    assert sweep(shop, 2027, 3, 28, 7) == 1
    assert runs(nine) == [
        (
            berlin.pk,
            "date:2027-03-28",
            {"date": {"field": "birthday", "on": "2027-03-28", "occurrence": "2027-03-28"}},
        )
    ]


def test_days_missed_by_the_sweep_are_caught_up_within_three_days_once(shop):
    journey = published(
        shop,
        {"type": "date", "field": "attribute", "attribute": "due", "days_offset": -1},
        reentry={"mode": "every_time"},
    )
    make_contact(shop, metadata={"due": "2026-05-11"})  # enters on the 10th
    make_contact(shop, metadata={"due": "2026-05-12"})  # the 11th
    make_contact(shop, metadata={"due": "2026-05-08"})  # the 7th: four days before the 11th
    make_contact(shop, metadata={"due": "2026-05-14"})  # the 13th: not yet

    # the sweep last ran on the 6th; the worker was down until 11 May 08:00 (before nine)
    assert sweep(shop, 2026, 5, 6, 12) == 0
    assert sweep(shop, 2026, 5, 11, 8) == 1  # the 10th caught up, the 11th not yet nine
    assert sweep(shop, 2026, 5, 11, 9) == 1
    assert sweep(shop, 2026, 5, 11, 9, 1) == 0
    assert sweep(shop, 2026, 5, 12, 9) == 0
    assert sorted(k for _, k, _ in runs(journey)) == ["date:2026-05-11", "date:2026-05-12"]


def test_no_occurrence_before_the_journey_was_published_is_caught_up(shop):
    journey = published(
        shop,
        {"type": "date", "field": "birthday"},
        at=datetime(2026, 5, 11, 12, tzinfo=UTC),
    )
    make_contact(shop, birthday=date(1990, 5, 10))
    today = make_contact(shop, birthday=date(1990, 5, 11))

    assert sweep(shop, 2026, 5, 11, 12) == 1
    assert [c for c, _, _ in runs(journey)] == [today.pk]


def test_moving_the_reminder_closer_does_not_remind_again_for_the_same_occurrence(shop):
    entry = {"type": "date", "field": "attribute", "attribute": "due", "days_offset": -14}
    journey = published(shop, entry, reentry={"mode": "every_time"})
    make_contact(shop, metadata={"due": "2026-06-15"})
    assert sweep(shop, 2026, 6, 1, 9) == 1

    journey.draft = {**journey.draft, "entry": {**entry, "days_offset": -7}}
    journey.save()
    journey_publish(journey=journey, now=datetime(2026, 6, 2, tzinfo=UTC))

    assert sweep(shop, 2026, 6, 8, 9) == 0
    assert [k for _, k, _ in runs(journey)] == ["date:2026-06-15"]


def test_profile_datetimes_are_dated_in_the_contacts_zone(shop):
    journey = published(
        shop, {"type": "date", "field": "first_order_at", "days_offset": 7, "at_hour": 0}
    )
    # 23:30 UTC on 1 May is 2 May in Berlin
    late = make_contact(
        shop, time_zone="Europe/Berlin", first_order_at=datetime(2026, 5, 1, 23, 30, tzinfo=UTC)
    )
    utc = make_contact(shop, first_order_at=datetime(2026, 5, 1, 12, tzinfo=UTC))

    assert sweep(shop, 2026, 5, 8, 12) == 1
    assert sweep(shop, 2026, 5, 9, 12) == 1
    assert [(c, k) for c, k, _ in runs(journey)] == [
        (late.pk, "date:2026-05-02"),
        (utc.pk, "date:2026-05-01"),
    ]


# -- recurring entries --------------------------------------------------------------------------


def tips_segment(shop):
    segment = segment_create(
        installation_id=shop.pk,
        name="Tips",
        definition={"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}},
        now=PUBLISHED,
    )
    segment_rebuild(segment=segment, now=PUBLISHED)
    return segment


def test_a_monthly_series_from_the_31st_runs_on_each_months_last_day_where_shorter(shop):
    ada = make_contact(shop, gender="f", time_zone="Europe/Berlin")
    make_contact(shop, gender="m")
    segment = tips_segment(shop)
    journey = published(
        shop,
        {"type": "recurring", "segment_id": segment.pk, "start": "2027-01-31", "at_hour": 9},
        reentry={"mode": "every_time"},
    )

    assert sweep(shop, 2027, 1, 30, 9) == 0
    assert sweep(shop, 2027, 1, 31, 7, 59) == 0  # 08:59 in Berlin
    assert sweep(shop, 2027, 1, 31, 8) == 1
    assert sweep(shop, 2027, 2, 27, 9) == 0
    assert sweep(shop, 2027, 2, 28, 8) == 1
    assert sweep(shop, 2027, 3, 30, 8) == 0
    assert sweep(shop, 2027, 3, 31, 8) == 1
    assert sweep(shop, 2027, 3, 31, 18) == 0
    assert runs(journey) == [
        (ada.pk, "every:2027-01-31", {"series": {"n": 1, "on": "2027-01-31"}}),
        (ada.pk, "every:2027-02-28", {"series": {"n": 2, "on": "2027-02-28"}}),
        (ada.pk, "every:2027-03-31", {"series": {"n": 3, "on": "2027-03-31"}}),
    ]


def test_a_series_after_missed_days_sends_its_latest_occurrence_only_and_new_members_join(shop):
    ada = make_contact(shop, gender="f")
    segment = tips_segment(shop)
    journey = published(
        shop,
        {
            "type": "recurring",
            "segment_id": segment.pk,
            "every": 1,
            "unit": "days",
            "start": "2026-05-01",
            "at_hour": 9,
        },
        reentry={"mode": "every_time"},
    )
    assert sweep(shop, 2026, 5, 1, 9) == 1
    # down from the 2nd to the 5th, 10:00: the 5th only, not the 2nd to the 4th
    assert sweep(shop, 2026, 5, 5, 10) == 1
    bea = make_contact(shop, gender="f")
    segment_rebuild(segment=segment, now=datetime(2026, 5, 5, 11, tzinfo=UTC))
    assert sweep(shop, 2026, 5, 5, 12) == 1  # Bea, for the 5th

    assert runs(journey) == [
        (ada.pk, "every:2026-05-01", {"series": {"n": 1, "on": "2026-05-01"}}),
        (ada.pk, "every:2026-05-05", {"series": {"n": 5, "on": "2026-05-05"}}),
        (bea.pk, "every:2026-05-05", {"series": {"n": 5, "on": "2026-05-05"}}),
    ]


def test_a_series_older_than_the_catch_up_window_waits_for_its_next_occurrence(shop):
    make_contact(shop, gender="f")
    segment = tips_segment(shop)
    journey = published(
        shop,
        {"type": "recurring", "segment_id": segment.pk, "unit": "weeks", "start": "2026-05-01"},
    )

    assert sweep(shop, 2026, 5, 5, 9) == 0  # the 1st is four days back
    assert sweep(shop, 2026, 5, 8, 9) == 1
    assert [k for _, k, _ in runs(journey)] == ["every:2026-05-08"]
