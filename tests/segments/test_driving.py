"""The driving table: which condition's rows a bulk evaluation starts from, and that starting
there selects exactly what the contact-driven query selects (``selected`` checks every case
of test_compiler.py both ways; here the combinations a driver is checked against)."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.segments.definition import definition_parse
from saleor_mautomation.segments.driving import candidates, driven_ids, planner_estimate
from tests.contacts.factories import make_shop
from tests.segments.factories import NOW, people, selected


@pytest.fixture
def shop(db):
    installation = make_shop("segments")
    people(installation)
    other = make_shop("other")  # another installation's look-alikes never count
    people(other)
    return installation


def parse(root: dict[str, Any]) -> Any:
    return definition_parse({"version": 1, "root": root})


VIEWED = {"type": "event", "event_type": "product.viewed"}
OPENED = {"type": "email", "action": "opened"}
ORDERED = {"type": "order"}


def test_candidates_are_the_conditions_every_member_has_a_row_of():
    # given / when / then: the root, or a condition of the root "and", counting at least one
    assert candidates(parse(VIEWED)) == [parse(VIEWED).root]
    both = parse({"type": "and", "conditions": [{"type": "not", "condition": ORDERED}, OPENED]})
    assert [node.type for node in candidates(both)] == ["email"]
    exactly_two = {**VIEWED, "count": {"op": "eq", "value": 2}}
    more_than_one = {**VIEWED, "count": {"op": "gt", "value": 1}}
    assert len(candidates(parse({"type": "and", "conditions": [exactly_two, more_than_one]}))) == 2


@pytest.mark.parametrize(
    "root",
    [
        {**VIEWED, "count": {"op": "eq", "value": 0}},  # none: no row to start from
        {**VIEWED, "count": {"op": "lt", "value": 3}},
        {**VIEWED, "count": {"op": "ne", "value": 1}},
        {"type": "not", "condition": VIEWED},
        {"type": "or", "conditions": [VIEWED, OPENED]},
        # a column of the contact: the contacts are read anyway
        {"type": "and", "conditions": [VIEWED, {"type": "consent", "status": ["granted"]}]},
        {
            "type": "and",
            "conditions": [
                VIEWED,
                {"type": "profile", "field": "gender", "op": "eq", "value": "female"},
            ],
        },
    ],
)
def test_no_candidate_where_members_need_no_row_or_the_contacts_are_read(root):
    assert candidates(parse(root)) == []


def _estimates(rows: dict[str, float], contacts: float) -> Any:
    """Estimates by the type of the rows (the contacts': ``contacts``)."""

    def estimate(queryset: Any) -> float | None:
        if queryset.model is Contact:
            return contacts
        sql = str(queryset.query)
        return next((n for marker, n in rows.items() if marker in sql), None)

    return estimate


def test_the_most_selective_candidate_drives_below_the_share(shop):
    # given: opened emails estimated rarer than views, both under a quarter of the contacts
    definition = parse({"type": "and", "conditions": [VIEWED, OPENED]})
    estimate = _estimates({"product.viewed": 200, "email.opened": 20}, contacts=1000)

    # when
    ids = driven_ids(definition, installation_id=shop.pk, now=NOW, estimate=estimate)

    # then: the query starts from the opened emails and checks the views per contact
    assert ids is not None
    sql = str(ids.query)
    assert sql.index("email.opened") < sql.index("product.viewed")
    assert "mautomation_contact" not in sql
    assert set(ids.values_list("contact_id", flat=True)) == set(
        Contact.objects.filter(installation=shop, first_name="ann").values_list("pk", flat=True)
    )


def test_no_driver_above_the_share_or_without_estimates(shop):
    definition = parse({"type": "and", "conditions": [VIEWED, OPENED]})
    too_many = _estimates({"product.viewed": 300, "email.opened": 251}, contacts=1000)
    unknown = _estimates({}, contacts=1000)

    assert driven_ids(definition, installation_id=shop.pk, now=NOW, estimate=too_many) is None
    assert driven_ids(definition, installation_id=shop.pk, now=NOW, estimate=unknown) is None


def test_planner_estimates_are_read_on_postgresql_only(shop):
    # given
    from django.db import connection

    rows = Contact.objects.filter(installation=shop)

    # when
    estimate = planner_estimate(rows)

    # then: PostgreSQL's planner answers a number of rows; SQLite has none to give
    if connection.vendor == "postgresql":
        assert isinstance(estimate, float)
        assert estimate >= 1
    else:
        assert estimate is None


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (
            {"type": "and", "conditions": [{"type": "not", "condition": ORDERED}, OPENED]},
            set(),  # ann opened, and ordered
        ),
        ({"type": "and", "conditions": [VIEWED, OPENED]}, {"ann"}),
        ({"type": "and", "conditions": [VIEWED, {"type": "not", "condition": OPENED}]}, {"bob"}),
        (
            {
                "type": "and",
                "conditions": [
                    {**VIEWED, "count": {"op": "eq", "value": 1}},
                    {"type": "spend", "currency": "USD", "op": "lt", "value": "150"},
                ],
            },
            {"bob"},
        ),
        (
            {
                "type": "and",
                "conditions": [
                    {**ORDERED, "count": {"op": "gte", "value": 2}},
                    {"type": "or", "conditions": [VIEWED, {"type": "segment", "segment_id": 1}]},
                ],
            },
            {"ann"},
        ),
    ],
)
def test_driven_and_contact_driven_select_the_same(shop, root, expected):
    assert selected(shop, root) == expected
