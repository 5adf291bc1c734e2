"""A segment's members per day (``Segment.trend``): counted at each UTC day's end from the
membership rows, in two grouped queries for any number of segments."""

from datetime import UTC, datetime

import pytest
import time_machine

from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.selectors import member_trends
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_segments import WOMEN, gid

NOW = datetime(2025, 1, 11, 12, 0, tzinfo=UTC)
TREND = """query Trend($id: ID!) { segment(id: $id) { trend(days: 5) { day members } } }"""
LIST = """query { segments { key trend { day members } } }"""


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def stay(shop, segment, entered, exited=None):
    Membership.objects.create(
        installation=shop,
        segment=segment,
        contact=make_contact(shop),
        entered_at=at(entered),
        exited_at=at(exited) if exited else None,
    )


@pytest.fixture
def women(shop):
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=NOW)
    stay(shop, segment, "2024-09-23T08:00")  # a member all along
    stay(shop, segment, "2025-01-08T10:00", "2025-01-10T08:00")
    stay(shop, segment, "2025-01-11T09:00")  # today, before now
    stay(shop, segment, "2024-12-01T00:00", "2024-12-15T00:00")  # gone at the 14th's end
    stay(shop, segment, "2025-01-05T00:00", "2025-01-07T00:00")  # gone at the 7th's end
    stay(shop, segment, "2025-01-07T10:00", "2025-01-07T11:00")  # never there at a day's end
    other = segment_create(installation_id=shop.pk, name="Others", definition=WOMEN, now=NOW)
    stay(shop, other, "2025-01-09T10:00")
    return segment


def test_the_trend_counts_members_at_each_days_end(client, shop, women):
    # when
    with time_machine.travel(NOW, tick=False):
        body = ask(client, shop, TREND, id=gid("Segment", women.pk))

    # then
    assert body["data"]["segment"]["trend"] == [
        {"day": "2025-01-07", "members": 1},
        {"day": "2025-01-08", "members": 2},
        {"day": "2025-01-09", "members": 2},
        {"day": "2025-01-10", "members": 1},
        {"day": "2025-01-11", "members": 2},
    ]


def test_the_list_reads_thirty_days_for_every_segment(client, shop, women):
    # given: another shop's members of its own segment
    theirs = make_shop("other")
    their_segment = segment_create(
        installation_id=theirs.pk, name="Theirs", definition=WOMEN, now=NOW
    )
    stay(theirs, their_segment, "2025-01-10T10:00")

    # when
    with time_machine.travel(NOW, tick=False):
        rows = ask(client, shop, LIST)["data"]["segments"]

    # then
    trends = {row["key"]: [point["members"] for point in row["trend"]] for row in rows}
    assert trends == {
        "others": [0] * 27 + [1, 1, 1],
        "women": [2, 2] + [1] * 21 + [2, 2, 1, 2, 2, 1, 2],
    }
    assert rows[1]["trend"][0] == {"day": "2024-12-13", "members": 2}
    assert rows[1]["trend"][-1] == {"day": "2025-01-11", "members": 2}


def test_two_queries_whatever_the_days_and_segments(shop, women, django_assert_num_queries):
    others = women.installation.segment_set.get(key="others")

    with django_assert_num_queries(2):
        trends = member_trends(
            installation_id=shop.pk, segment_ids=[women.pk, others.pk], days=366, now=NOW
        )

    assert len(trends[women.pk]) == 366
    assert trends[women.pk][-5:] == [1, 2, 2, 1, 2]
    assert trends[others.pk][-5:] == [0, 0, 1, 1, 1]


def test_another_shops_trend_reads_none_of_its_rows(shop, women):
    assert member_trends(
        installation_id=make_shop("other").pk, segment_ids=[women.pk], days=3, now=NOW
    ) == {women.pk: [0, 0, 0]}
