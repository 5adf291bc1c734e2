from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.contacts.engagement import (
    EmailEngagement,
    EmailFact,
    HourTally,
    best_send_hour,
    email_engagement_of,
    send_hour_tallies,
)

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
OPEN, CLICK = "email.opened", "email.clicked"


def at(day, hour, minute=0):
    """A moment in May 2026, UTC."""
    return datetime(2026, 5, day, hour, minute, tzinfo=UTC)


def test_counts_windows_leave_an_event_exactly_30_and_90_days_old_out():
    # given
    facts = [
        EmailFact(NOW - timedelta(days=30) + timedelta(seconds=1), OPEN),
        EmailFact(NOW - timedelta(days=30), OPEN),
        EmailFact(NOW - timedelta(days=90) + timedelta(seconds=1), OPEN),
        EmailFact(NOW - timedelta(days=90), OPEN),
        EmailFact(NOW - timedelta(days=30), CLICK),
        EmailFact(NOW - timedelta(days=90) + timedelta(seconds=1), CLICK),
    ]

    # when
    figures = email_engagement_of(facts, time_zone="", now=NOW)

    # then
    assert figures == EmailEngagement(
        opens_30d=1,
        opens_90d=3,
        clicks_30d=0,
        clicks_90d=2,
        last_open_at=NOW - timedelta(days=30) + timedelta(seconds=1),
        last_click_at=NOW - timedelta(days=30),
        best_send_hour=12,
    )


def test_machine_opens_and_clicks_are_not_engagement():
    # given: a privacy proxy fetched every pixel at 03:00, a scanner followed a link
    facts = [
        EmailFact(at(20, 3), OPEN, is_machine=True),
        EmailFact(at(21, 3), OPEN, is_machine=True),
        EmailFact(at(22, 3), OPEN, is_machine=True),
        EmailFact(at(22, 3, 1), CLICK, is_machine=True),
        EmailFact(at(10, 18), OPEN),
    ]

    # when
    figures = email_engagement_of(facts, time_zone="", now=NOW)

    # then
    assert figures == EmailEngagement(
        opens_30d=1,
        opens_90d=1,
        clicks_30d=0,
        clicks_90d=0,
        last_open_at=at(10, 18),
        last_click_at=None,
        best_send_hour=None,
    )


@pytest.mark.parametrize(
    ("time_zone", "expected"),
    [
        ("", 7),
        ("UTC", 7),
        ("Europe/Berlin", 9),  # UTC+2 in May
        ("America/New_York", 3),  # UTC-4 in May
        ("Asia/Kolkata", 12),  # UTC+5:30: 07:40 is 13:10, 07:10 is 12:40
        ("Not/AZone", 7),
    ],
)
def test_the_best_hour_is_in_the_contacts_time_zone(time_zone, expected):
    facts = [EmailFact(at(day, 7, 10), OPEN) for day in (5, 6)] + [EmailFact(at(7, 7, 40), OPEN)]

    hour = best_send_hour(facts, time_zone=time_zone, now=NOW)

    assert hour == expected


def test_no_best_hour_from_fewer_than_three_human_interactions():
    # given: two clicks (weight 4) and a machine open; a third open is older than 180 days
    facts = [
        EmailFact(at(1, 9), CLICK),
        EmailFact(at(2, 9), CLICK),
        EmailFact(at(3, 9), OPEN, is_machine=True),
        EmailFact(NOW - timedelta(days=180), OPEN),
    ]

    hour = best_send_hour(facts, time_zone="", now=NOW)

    assert hour is None


def test_three_interactions_are_enough():
    facts = [EmailFact(at(1, 9), CLICK), EmailFact(at(2, 9), OPEN), EmailFact(at(3, 21), OPEN)]

    hour = best_send_hour(facts, time_zone="", now=NOW)

    assert hour == 9


def test_a_click_weighs_two_opens():
    # given: one click at 08:00 against one open at each of 21:00 and 22:00
    facts = [EmailFact(at(1, 8), CLICK), EmailFact(at(2, 21), OPEN), EmailFact(at(3, 22), OPEN)]

    # when
    tallies = send_hour_tallies(facts, time_zone="", now=NOW)
    hour = best_send_hour(facts, time_zone="", now=NOW)

    # then
    assert tallies == {
        8: HourTally(weight=2, interactions=1, latest=at(1, 8)),
        21: HourTally(weight=1, interactions=1, latest=at(2, 21)),
        22: HourTally(weight=1, interactions=1, latest=at(3, 22)),
    }
    assert hour == 8


@pytest.mark.parametrize(
    ("morning_days", "evening_days", "expected"),
    [
        ((1, 3), (2, 4), 20),  # the evening was used last
        ((2, 4), (1, 3), 8),  # the morning was used last
    ],
)
def test_tied_hours_go_to_the_one_used_most_recently(morning_days, evening_days, expected):
    facts = [EmailFact(at(day, 8), OPEN) for day in morning_days] + [
        EmailFact(at(day, 20), OPEN) for day in evening_days
    ]

    hour = best_send_hour(facts, time_zone="", now=NOW)

    assert hour == expected


def test_no_email_events_give_empty_figures():
    assert email_engagement_of([], time_zone="Europe/Berlin", now=NOW) == EmailEngagement()
