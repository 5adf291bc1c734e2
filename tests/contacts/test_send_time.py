"""Send-time optimisation, pure (``contacts.send_time``): the hour-of-week profile, its
shrinkage toward the shop's, the fallback and the next best moment, across DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from saleor_mautomation.contacts.send_time import (
    Best,
    Fact,
    Profile,
    best_slot,
    next_best_moment,
    profile_of,
    shares,
    slot_name,
    slot_of,
)

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, 10, 37, tzinfo=UTC)  # a Tuesday, 11:37 in Berlin
TUE_19 = 1 * 24 + 19


def berlin(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def test_slots_are_local_hours_of_the_week_from_monday():
    assert slot_of(datetime(2026, 11, 30, 0, 30, tzinfo=UTC), ZoneInfo("UTC")) == 0
    assert slot_of(datetime(2026, 12, 6, 23, 10, tzinfo=UTC), ZoneInfo("UTC")) == 167
    # Monday 23:30 UTC is Tuesday 0:30 in Berlin
    assert slot_of(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), BERLIN) == 24
    assert slot_name(TUE_19) == "Tue 19-20h"
    assert slot_name(167) == "Sun 23-24h"


def test_a_profile_counts_clicks_twice_and_human_opens_once_in_the_contacts_zone():
    facts = [
        Fact(berlin(2026, 11, 24, 19, 5), "email.clicked"),
        Fact(berlin(2026, 11, 17, 19, 50), "push.clicked"),
        Fact(berlin(2026, 11, 10, 19, 0), "email.opened"),
        Fact(berlin(2026, 11, 3, 19, 20), "sms.clicked"),
        # a privacy proxy's open and a scanner's click: never counted
        Fact(berlin(2026, 11, 25, 3, 0), "email.opened", is_machine=True),
        Fact(berlin(2026, 11, 25, 3, 0), "email.clicked", is_machine=True),
        # not engagement, and engagement 180 days old (out of the window)
        Fact(berlin(2026, 11, 26, 8, 0), "email.bounced"),
        Fact(NOW - timedelta(days=180), "email.clicked"),
        Fact(berlin(2026, 11, 28, 9, 15), "email.opened"),  # Saturday 9h
    ]

    profile = profile_of(facts, time_zone="Europe/Berlin", now=NOW)

    assert profile == Profile(
        weights={TUE_19: 7, 5 * 24 + 9: 1},
        clicks=3,
        opens=2,
        oldest_at=berlin(2026, 11, 3, 19, 20),
    )
    assert profile.weights_json() == {"43": 7, "129": 1}
    # the same moments read in UTC fall an hour earlier
    assert profile_of(facts, time_zone="", now=NOW).weights == {TUE_19 - 1: 7, 5 * 24 + 8: 1}


def test_an_hour_moved_by_dst_is_the_same_local_slot():
    # Saturday 20:30 in Berlin, in summer time and a week later in winter time
    facts = [
        Fact(datetime(2026, 10, 24, 18, 30, tzinfo=UTC), "email.opened"),
        Fact(datetime(2026, 10, 31, 19, 30, tzinfo=UTC), "email.opened"),
    ]
    profile = profile_of(facts, time_zone="Europe/Berlin", now=datetime(2026, 11, 2, tzinfo=UTC))
    assert profile.weights == {5 * 24 + 20: 2}


SHOP = Profile(weights={50: 6, 120: 4}, clicks=3, opens=4)


def test_a_thin_contact_takes_the_shops_profile():
    thin = Profile(weights={10: 2, 11: 1}, clicks=1, opens=1)  # two interactions
    assert shares(thin, SHOP)[50] == 0.6
    assert shares(thin, SHOP)[10] == 0
    assert best_slot(thin, SHOP) == Best("shop", 50, clicks=3, opens=4)
    assert best_slot(thin, SHOP).explanation() == "Not enough data: the shop's best hour, Wed 2-3h."


def test_a_contacts_equal_slots_are_told_apart_by_the_shop():
    # three opens in three slots, one of them the shop's best
    contact = Profile(weights={10: 1, 50: 1, 100: 1}, opens=3)
    scored = shares(contact, SHOP)
    assert scored[50] == pytest.approx(7 / 13)  # (1 + 10 * 0.6) / (3 + 10)
    assert scored[120] == pytest.approx(4 / 13)  # never used by the contact, the shop's habit
    assert scored[10] == pytest.approx(1 / 13)
    assert sum(scored) == pytest.approx(1)
    assert best_slot(contact, SHOP) == Best("contact", 50, clicks=0, opens=3)
    # without the shop's data, a flat prior: the first of the equal slots
    assert best_slot(contact, Profile()) == Best("contact", 10, clicks=0, opens=3)


def test_enough_data_of_the_contact_outweighs_the_shop():
    contact = Profile(weights={TUE_19: 12}, clicks=6)
    assert shares(contact, SHOP)[TUE_19] == pytest.approx(12 / 22)
    best = best_slot(contact, SHOP)
    assert best == Best("contact", TUE_19, clicks=6, opens=0)
    assert best.explanation() == "Usually engages Tue 19-20h, from 6 clicks."
    mixed = Profile(weights={TUE_19: 12}, clicks=1, opens=10)
    assert best_slot(mixed, SHOP).explanation() == (
        "Usually engages Tue 19-20h, from 1 click and 10 opens."
    )


def test_no_data_anywhere_means_no_best_moment():
    assert best_slot(Profile(), Profile()) == Best("none", None)
    assert next_best_moment(NOW, contact=Profile(), shop=Profile(), time_zone="") == NOW


def test_the_next_best_moment_is_the_best_local_hour_within_24_hours():
    contact = Profile(weights={TUE_19: 12}, clicks=6)
    # Tuesday 11:37 in Berlin: today at 19:00 Berlin, 18:00 UTC
    assert next_best_moment(NOW, contact=contact, shop=SHOP, time_zone="Europe/Berlin") == datetime(
        2026, 12, 1, 18, 0, tzinfo=UTC
    )
    # in its best hour already: now
    at_19 = datetime(2026, 12, 1, 18, 20, tzinfo=UTC)
    assert next_best_moment(at_19, contact=contact, shop=SHOP, time_zone="Europe/Berlin") == at_19
    # just past it: the best of the next 24 hours, by the shop's habits (Wed 2h, slot 50)
    after = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    assert next_best_moment(
        after, contact=contact, shop=SHOP, time_zone="Europe/Berlin"
    ) == datetime(2026, 12, 2, 1, 0, tzinfo=UTC)
    # in New York the same profile means 19:00 there
    assert next_best_moment(
        NOW, contact=contact, shop=SHOP, time_zone="America/New_York"
    ) == datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    # a shorter window without its best hour: the best within it
    assert (
        next_best_moment(
            NOW, contact=contact, shop=SHOP, time_zone="Europe/Berlin", within=timedelta(hours=3)
        )
        == NOW
    )


def test_a_zone_half_an_hour_off_utc_sends_at_its_own_hour():
    contact = Profile(weights={TUE_19: 12}, clicks=6)
    # 19:00 in Kolkata (UTC+5:30) on Tuesday is 13:30 UTC
    assert next_best_moment(
        datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
        contact=contact,
        shop=SHOP,
        time_zone="Asia/Kolkata",
    ) == datetime(2026, 12, 1, 13, 30, tzinfo=UTC)


SUN_20 = 6 * 24 + 20


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Saturday 23:00 summer time, the night the clocks go back: Sunday 20:00 is winter
        # time, 19:00 UTC (not 18:00, as 21 hours later would be)
        (datetime(2026, 10, 24, 21, 0, tzinfo=UTC), datetime(2026, 10, 25, 19, 0, tzinfo=UTC)),
        # Saturday 22:00 winter time, the night the clocks go forward: Sunday 20:00 summer
        # time, 18:00 UTC
        (datetime(2026, 3, 28, 21, 0, tzinfo=UTC), datetime(2026, 3, 29, 18, 0, tzinfo=UTC)),
    ],
)
def test_the_next_best_moment_across_a_dst_change(after, expected):
    contact = Profile(weights={SUN_20: 10}, clicks=5)
    assert next_best_moment(after, contact=contact, shop=SHOP, time_zone="Europe/Berlin") == (
        expected
    )
    assert expected.astimezone(BERLIN).hour == 20


def test_the_repeated_autumn_hour_is_taken_the_first_time():
    contact = Profile(weights={6 * 24 + 2: 10}, clicks=5)  # Sunday 2-3h
    # Sunday 1:00 summer time; 2:00 comes twice (00:00 and 01:00 UTC)
    after = datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert next_best_moment(
        after, contact=contact, shop=SHOP, time_zone="Europe/Berlin"
    ) == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
