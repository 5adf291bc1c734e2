"""The date, series and threshold presets end to end on PostgreSQL, driven like production
(``tests/journeys/e2e.py``): Saleor's signed deliveries carry the custom attributes, another
system sets them through the trigger endpoint, the scheduler's periodic tasks run at simulated
moments and the mails arrive at the loopback SMTP server."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_publish
from tests.journeys.e2e import day
from tests.journeys.test_e2e_presets import EMAIL, USER, assert_marketing, outline
from tests.support import deliveries as d

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)
PRIVATE = [
    {"key": "marketing_consent", "value": "granted"},
    {"key": "time_zone", "value": "Europe/Berlin"},
]


def customer(event: str, days: float, **metadata: str) -> d.Minted:
    """Ada's customer delivery with these public metadata keys (her custom attributes)."""
    return d.customer(
        event,
        user_id=USER,
        email=EMAIL,
        day=days,
        firstName="Ada",
        metadata=[{"key": key, "value": value} for key, value in metadata.items()],
        privateMetadata=PRIVATE,
    )


# -- a yearly reminder before a custom date -------------------------------------------------------


def test_the_check_up_reminder_mails_14_days_before_the_date_yearly_and_catches_up_once(shop):
    # given: Ada's check-up is due on 1 February (a custom attribute in Saleor's metadata)
    shop.install("check-up-reminder")
    shop.deliver(customer("CUSTOMER_CREATED", 0, check_up_due="2026-02-01"))
    due = datetime(2026, 1, 18, 9, 0, tzinfo=BERLIN)

    # when / then: 14 days before, at nine where she lives, once
    assert shop.tick(day(0)) == []
    assert shop.tick(due - MINUTE) == []
    mails = shop.tick(due)
    assert outline(mails) == [
        ("check-up-reminder", EMAIL, due, "Ada, your yearly check-up is coming up")
    ]
    assert_marketing(mails[0])
    assert "Your check-up is due on 2026-02-01." in mails[0].text
    assert shop.tick(due + timedelta(hours=8)) == []
    assert shop.tick(due + timedelta(days=1)) == []

    # a year later the worker is down on the day; two days later it catches up, once
    late = datetime(2027, 1, 20, 8, 0, tzinfo=UTC)
    mails = shop.tick(late)
    assert outline(mails) == [
        ("check-up-reminder", EMAIL, late, "Ada, your yearly check-up is coming up")
    ]
    assert "Your check-up is due on 2027-02-01." in mails[0].text
    assert shop.tick(late + timedelta(hours=1)) == []
    assert shop.tick(late + timedelta(days=2)) == []


# -- a monthly series on the 31st -------------------------------------------------------------


def test_a_monthly_tips_series_from_the_31st_mails_on_each_months_last_day_numbered(shop):
    # given: the preset, its start moved by the admin to 31 January; Ada has consented
    shop.install("monthly-tips")
    journey = Journey.objects.get(key="monthly-tips")
    assert journey.draft["entry"]["start"] == "2026-02-01"  # installed on 10 January
    journey.draft = {**journey.draft, "entry": {**journey.draft["entry"], "start": "2026-01-31"}}
    journey.save()
    journey_publish(journey=journey, now=shop.now)
    shop.deliver(customer("CUSTOMER_CREATED", 0))
    assert shop.tick(day(1)) == []

    # when / then: at ten in Berlin on 31 January, 28 February and 31 March (summer time)
    moments = [
        datetime(2026, 1, 31, 10, tzinfo=BERLIN),
        datetime(2026, 2, 28, 10, tzinfo=BERLIN),
        datetime(2026, 3, 31, 10, tzinfo=BERLIN),
    ]
    for n, moment in enumerate(moments, start=1):
        assert shop.tick(moment - MINUTE) == []
        mails = shop.tick(moment)
        assert outline(mails) == [
            ("monthly-tips", EMAIL, moment, f"Tip of the month #{n} from Linden")
        ]
        assert_marketing(mails[0])
        assert f"TIP #{n}" in mails[0].text
        assert shop.tick(moment + timedelta(hours=3)) == []
    assert moments[2].astimezone(UTC).hour == 8


# -- a loyalty-points milestone ------------------------------------------------------------------


def points_feed(shop: Any) -> None:
    """The point-of-sale system's trigger (a journey that only takes its attributes)."""
    journey = Journey.objects.create(
        installation=shop.shop,
        key="points-feed",
        name="Points feed",
        trigger_secret="pos-s3cret",
        draft={
            "entry": {"type": "trigger", "key": "points"},
            "reentry": {"mode": "every_time"},
            "start": "end",
            "nodes": {"end": {"type": "exit"}},
        },
    )
    journey_publish(journey=journey, now=shop.now)


def pos_sends(shop: Any, days: float, points: int) -> None:
    shop.at(day(days))
    response = shop.client.post(
        "/api/triggers/points",
        data=json.dumps({"email": EMAIL, "attributes": {"loyalty_points": points}}),
        content_type="application/json",
        headers={"Authorization": "Bearer pos-s3cret"},
    )
    assert (response.status_code, response.json()) == (202, {"started": 1})


def test_the_loyalty_milestone_mails_once_per_crossing_up_from_saleor_and_the_trigger_api(shop):
    # given
    shop.install("loyalty-milestone")
    points_feed(shop)
    shop.deliver(customer("CUSTOMER_CREATED", 0, loyalty_points="400"))
    assert shop.tick(day(0)) == []

    # when: staff set 1040 points in Saleor (a signed CUSTOMER_METADATA_UPDATED)
    shop.deliver(customer("CUSTOMER_METADATA_UPDATED", 1, loyalty_points="1040"))

    # then
    mails = shop.tick(day(1))
    assert outline(mails) == [
        ("loyalty-milestone", EMAIL, day(1), "Ada, you have reached 1000 points!")
    ]
    assert_marketing(mails[0])
    assert "You now have 1040 points with Linden." in mails[0].text

    # still above: nothing; down through the point-of-sale system: nothing (the preset is up)
    shop.deliver(customer("CUSTOMER_METADATA_UPDATED", 2, loyalty_points="1100"))
    assert shop.tick(day(2)) == []
    pos_sends(shop, 3, 900)
    assert shop.tick(day(3)) == []

    # up again, re-armed by the drop
    pos_sends(shop, 4, 1200)
    mails = shop.tick(day(4))
    assert outline(mails) == [
        ("loyalty-milestone", EMAIL, day(4), "Ada, you have reached 1000 points!")
    ]
    assert "You now have 1200 points with Linden." in mails[0].text
    assert shop.tick(day(5)) == []
    assert list(
        Event.objects.filter(type="attribute.threshold_crossed")
        .order_by("pk")
        .values_list("properties__direction", "properties__value")
    ) == [("up", 1040), ("down", 900), ("up", 1200)]
