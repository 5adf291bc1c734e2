"""What the journey editor's pickers list for this shop: event types seen and static lists."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.segments.models import StaticList, StaticListMember
from tests.contacts.factories import T0, make_contact, make_event, make_shop
from tests.graphql.test_contacts import ask

EVENT_TYPES = "{ eventTypes { type count lastSeenAt properties } }"


def test_event_types_with_their_count_last_moment_and_property_keys(client, standin_installation):
    # given
    ada = make_contact(standin_installation)
    make_event(ada, "checkout.abandoned", T0, properties={"checkout_id": "c1", "total": 12})
    make_event(
        ada,
        "checkout.abandoned",
        T0 + timedelta(days=2),
        properties={"checkout_id": "c2", "channel": "de", "bad key": 1, "lines": [{"sku": "x"}]},
    )
    make_event(ada, "order.placed", T0 + timedelta(days=1), properties={})
    other = make_contact(make_shop("other"))
    make_event(other, "theirs.only", T0, properties={"secret": 1})
    make_event(other, "order.placed", T0, properties={"their_key": 1})

    # when
    body = ask(client, standin_installation, EVENT_TYPES)

    # then
    assert body == {
        "data": {
            "eventTypes": [
                {
                    "type": "checkout.abandoned",
                    "count": 2,
                    "lastSeenAt": "2025-01-03T00:00:00+00:00",
                    "properties": ["channel", "checkout_id", "lines", "total"],
                },
                {
                    "type": "order.placed",
                    "count": 1,
                    "lastSeenAt": "2025-01-02T00:00:00+00:00",
                    "properties": [],
                },
            ]
        }
    }


def test_event_types_are_one_aggregate_query_without_their_properties(client, standin_installation):
    # given
    ada = make_contact(standin_installation)
    for n, type_ in enumerate(["a.one", "b.two", "c.three"]):
        make_event(ada, type_, T0 + timedelta(hours=n))

    # when
    with CaptureQueriesContext(connection) as queries:
        body = ask(client, standin_installation, "{ eventTypes { type count } }")

    # then
    assert [t["type"] for t in body["data"]["eventTypes"]] == ["a.one", "b.two", "c.three"]
    event_queries = [q["sql"] for q in queries.captured_queries if "mautomation_event" in q["sql"]]
    assert len(event_queries) == 1
    assert "GROUP BY" in event_queries[0]


def test_static_lists_with_their_member_counts(client, standin_installation):
    # given
    vip = StaticList.objects.create(installation=standin_installation, key="vip-club", name="VIP")
    StaticList.objects.create(installation=standin_installation, key="empty", name="Alpha")
    for contact in (make_contact(standin_installation), make_contact(standin_installation)):
        StaticListMember.objects.create(static_list=vip, contact=contact, added_at=T0)
    StaticList.objects.create(installation=make_shop("other"), key="theirs", name="Theirs")

    # when
    body = ask(client, standin_installation, "{ staticLists { key name memberCount } }")

    # then
    assert body == {
        "data": {
            "staticLists": [
                {"key": "empty", "name": "Alpha", "memberCount": 0},
                {"key": "vip-club", "name": "VIP", "memberCount": 2},
            ]
        }
    }
