"""``core.sql.model_select``: model instances from one prepared statement, as the ORM loads them
(the backfill's ``contacts_prefetched`` reads a page's contacts with it), on PostgreSQL."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.sql import model_select
from tests.contacts.factories import make_contact, make_shop

T0 = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def shop(db):
    if connection.vendor != "postgresql":
        pytest.skip("bound arrays: PostgreSQL only")
    return make_shop("shop")


def _values(contact: Contact) -> dict[str, object]:
    return {f.attname: getattr(contact, f.attname) for f in Contact._meta.concrete_fields}


def test_every_column_is_what_the_orm_reads_and_the_instance_saves_as_a_stored_row(shop):
    full = make_contact(
        shop,
        saleor_user_id="VXNlcjox",
        email="full@example.com",
        first_name="Ada",
        metadata={"tier": "gold", "n": [1, 2]},
        favourite_categories=["Q2F0ZWdvcnk6MQ=="],
        orders_count=3,
        last_order_at=T0,
    )
    bare = make_contact(shop, email="bare@example.com")
    make_contact(shop, email="other@example.com")
    make_contact(make_shop("elsewhere"), email="full@example.com")

    found = model_select(
        Contact,
        "installation_id = %s AND email = ANY(%s::varchar[])",
        [shop.pk, ["bare@example.com", "full@example.com"]],
        suffix="ORDER BY id",
    )

    assert [c.pk for c in found] == [full.pk, bare.pk]
    for contact in found:
        assert _values(contact) == _values(Contact.objects.get(pk=contact.pk))
    assert found[0].metadata == {"tier": "gold", "n": [1, 2]}
    assert found[0].last_order_at == T0
    assert found[0].last_order_at.utcoffset() == timedelta(0)
    assert found[0].installation == shop
    assert (found[0]._state.adding, found[0]._state.db) == (False, "default")

    found[0].first_name = "Grace"
    with CaptureQueriesContext(connection) as queries:
        found[0].save(update_fields=["first_name"])
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert Contact.objects.get(pk=full.pk).first_name == "Grace"
    assert Contact.objects.get(pk=full.pk).metadata == {"tier": "gold", "n": [1, 2]}


def test_nothing_found_is_an_empty_list(shop):
    contact = make_contact(shop, email="a@example.com")

    with transaction.atomic():
        found = model_select(Contact, "id = ANY(%s::bigint[])", [[contact.pk]], suffix="FOR UPDATE")
        none = model_select(Contact, "id = ANY(%s::bigint[])", [[contact.pk + 1000]])

    assert [c.email for c in found] == ["a@example.com"]
    assert none == []


def test_empty_json_values_are_new_objects_of_each_instance(shop):
    # given: two contacts whose JSON columns are empty but for one object and one array
    make_contact(shop, email="a@example.com", metadata={"tier": "gold"}, segments=["vip"])
    make_contact(shop, email="b@example.com")

    # when
    first, second = model_select(Contact, "installation_id = %s", [shop.pk], suffix="ORDER BY id")

    # then
    assert (first.metadata, first.segments) == ({"tier": "gold"}, ["vip"])
    assert (second.metadata, second.segments, second.preferences) == ({}, [], {})
    assert second.metadata is not second.preferences
    second.metadata["tier"] = "silver"
    second.segments.append("new")
    (again,) = model_select(Contact, "email = %s", ["b@example.com"])
    assert (again.metadata, again.segments, again.preferences) == ({}, [], {})
