"""Saving segments and keeping memberships current: per event, in bulk, with time."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import writeback_items
from saleor_mautomation.core import clock
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_record
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid, SegmentInUse
from saleor_mautomation.segments.membership import (
    _enter,
    segment_rebuild,
    segments_rebuild,
)
from saleor_mautomation.segments.models import Membership, Segment, SegmentRevision
from saleor_mautomation.segments.services import (
    segment_archive,
    segment_create,
    segment_update,
)
from tests.contacts.factories import make_contact, make_shop, profile_save

T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
_keys = itertools.count()


def viewed(times=1, days=None):
    root = {"type": "event", "event_type": "product.viewed", "count": {"op": "gte", "value": times}}
    if days:
        root["window"] = {"last_days": days}
    return {"version": 1, "root": root}


def create(shop, name, definition):
    return segment_create(installation_id=shop.pk, name=name, definition=definition, now=T)


def track(contact, type="product.viewed", at=None, key=None):
    """An event recorded inside a unit of work, as the drain and the storefront API do."""
    with unit_of_work(now=at or T):
        event_record(
            installation_id=contact.installation_id,
            contact_id=contact.pk,
            type=type,
            occurred_at=at or T,
            source="test",
            dedupe_key=key or f"{type}:{next(_keys)}",
        )


def open_members(segment):
    return set(
        Membership.objects.filter(segment=segment, exited_at=None).values_list(
            "contact__first_name", flat=True
        )
    )


def segment_events(contact):
    return list(
        Event.objects.filter(contact=contact, type__startswith="segment.")
        .order_by("pk")
        .values_list("type", "properties__segment")
    )


@pytest.fixture
def shop(db):
    return make_shop("segments")


def test_an_event_moves_its_contact_in_at_once_and_records_the_entry(shop):
    # given
    browsers = create(shop, "Browsers", viewed(times=2))
    ann = make_contact(shop, first_name="ann")
    make_contact(shop, first_name="bob")

    # when: one view is not enough, the second is
    track(ann)
    assert open_members(browsers) == set()
    track(ann)

    # then
    assert open_members(browsers) == {"ann"}
    assert segment_events(ann) == [("segment.entered", "browsers")]
    membership = Membership.objects.get(segment=browsers)
    assert membership.entered_at == T
    ann.refresh_from_db()
    assert ann.segments == ["browsers"]


def test_an_unrelated_event_does_not_evaluate_the_segment(shop, django_assert_num_queries):
    # given
    create(shop, "Browsers", viewed())
    ann = make_contact(shop, first_name="ann")

    # when / then: the insert, the contact's installation, the segments, then the journeys'
    # three look-ups (waiting runs, the contact, running journeys): no evaluation
    with django_assert_num_queries(6):
        track(ann, type="search")


def test_entry_exit_and_history_follow_time(shop):
    # given: "viewed in the last 7 days"
    recent = create(shop, "Recent browsers", viewed(days=7))
    ann = make_contact(shop, first_name="ann")
    track(ann)
    assert open_members(recent) == {"ann"}

    # when: eight days later the sweep of time-dependent segments runs
    with time_machine.travel(T + timedelta(days=8), tick=False):
        outcome = segments_rebuild(
            installation_id=shop.pk, now=clock.now(), time_dependent_only=True
        )

    # then
    assert (outcome.entered, outcome.exited) == (0, 1)
    assert open_members(recent) == set()
    stay = Membership.objects.get(segment=recent)
    assert (stay.entered_at, stay.exited_at) == (T, T + timedelta(days=8))
    assert segment_events(ann) == [
        ("segment.entered", "recent-browsers"),
        ("segment.exited", "recent-browsers"),
    ]

    # and coming back opens a second stay
    track(ann, at=T + timedelta(days=9))
    assert Membership.objects.filter(segment=recent).count() == 2
    assert open_members(recent) == {"ann"}


def test_the_sweep_leaves_segments_that_do_not_change_with_time(shop):
    # given: a profile segment whose membership is stale on purpose
    women = create(
        shop, "Women", {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}
    )
    make_contact(shop, first_name="ann", gender="f")

    # when
    swept = segments_rebuild(installation_id=shop.pk, now=T, time_dependent_only=True)
    rebuilt = segments_rebuild(installation_id=shop.pk, now=T)

    # then
    assert (swept.entered, rebuilt.entered) == (0, 1)
    assert open_members(women) == {"ann"}


def test_a_first_build_marks_its_entries_initial(shop):
    # given
    make_contact(shop, first_name="ann", gender="f")
    women = create(
        shop, "Women", {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}
    )

    # when
    segment_rebuild(segment=women, now=T)

    # then
    event = Event.objects.get(type="segment.entered")
    assert event.properties == {"segment_id": women.pk, "segment": "women", "initial": True}


def test_a_segment_of_a_segment_follows_in_the_same_refresh(shop):
    # given
    browsers = create(shop, "Browsers", viewed())
    women = create(
        shop,
        "Women browsing",
        {
            "root": {
                "type": "and",
                "conditions": [
                    {"type": "segment", "segment_id": browsers.pk},
                    {"type": "profile", "field": "gender", "op": "eq", "value": "f"},
                ],
            }
        },
    )
    assert (browsers.depth, women.depth) == (0, 1)
    ann = make_contact(shop, first_name="ann", gender="f")
    make_contact(shop, first_name="bob", gender="m")

    # when
    track(ann)

    # then
    assert open_members(women) == {"ann"}
    ann.refresh_from_db()
    assert ann.segments == ["browsers", "women-browsing"]


def test_a_profile_change_re_evaluates_profile_segments(shop):
    # given
    women = create(
        shop, "Women", {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}
    )
    ann = make_contact(shop, first_name="ann", gender="f")
    segment_rebuild(segment=women, now=T)

    # when
    with unit_of_work(now=T):
        ann.gender = "m"
        profile_save(ann)

    # then
    assert open_members(women) == set()


def test_a_merge_re_evaluates_everything_for_the_surviving_contact(shop):
    # given: the anonymous visitor's views become the customer's
    browsers = create(shop, "Browsers", viewed(times=2))
    known = make_contact(shop, first_name="ann")
    visitor = make_contact(shop, first_name="visitor", email=None)
    track(known)
    track(visitor)

    # when
    from saleor_mautomation.contacts.services import contact_merge

    with unit_of_work(now=T):
        contact_merge(into=known, other=visitor)

    # then
    assert open_members(browsers) == {"ann"}


def test_a_second_entry_of_the_same_contact_is_a_no_op(shop):
    # given
    browsers = create(shop, "Browsers", viewed())
    ann = make_contact(shop, first_name="ann")

    # when: two evaluations race
    first = _enter(browsers, [ann.pk], now=T, initial=False)
    second = _enter(browsers, [ann.pk], now=T + timedelta(seconds=1), initial=False)

    # then
    assert (first, second) == ([ann.pk], [])
    assert Membership.objects.count() == 1
    assert Event.objects.filter(type="segment.entered").count() == 1


def test_update_keeps_revisions_and_refuses_cycles_and_unknown_references(shop):
    # given
    a = create(shop, "A", viewed())
    b = create(shop, "B", {"root": {"type": "segment", "segment_id": a.pk}})

    # when: a valid change
    changed = segment_update(segment=a, definition=viewed(times=2), name="A2", now=T)

    # then
    assert changed is True
    a.refresh_from_db()
    assert (a.name, a.revision) == ("A2", 2)
    assert list(SegmentRevision.objects.filter(segment=a).values_list("revision", "name")) == [
        (1, "A"),
        (2, "A2"),
    ]

    # a cycle is refused and nothing changes
    with pytest.raises(DefinitionInvalid) as cycle:
        segment_update(
            segment=a, definition={"root": {"type": "segment", "segment_id": b.pk}}, now=T
        )
    assert cycle.value.errors[0].message == "segments refer to each other in a cycle"
    # an unknown segment too (an id past every row: the sequences run on across tests)
    missing = Segment.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000
    with pytest.raises(DefinitionInvalid) as unknown:
        segment_update(
            segment=a, definition={"root": {"type": "segment", "segment_id": missing}}, now=T
        )
    assert unknown.value.errors[0].message == f"segment {missing} does not exist or is archived"
    a.refresh_from_db()
    assert a.revision == 2


def test_archiving_is_refused_while_referenced_and_then_closes_memberships_quietly(shop):
    # given
    browsers = create(shop, "Browsers", viewed())
    user = create(shop, "User", {"root": {"type": "segment", "segment_id": browsers.pk}})
    ann = make_contact(shop, first_name="ann")
    track(ann)
    entries = Event.objects.filter(type="segment.entered").count()

    # when / then
    with pytest.raises(SegmentInUse, match="User"):
        segment_archive(segment=browsers, now=T)
    segment_archive(segment=user, now=T)
    segment_archive(segment=browsers, now=T)

    assert open_members(browsers) == set()
    assert Event.objects.filter(type="segment.exited").count() == 0
    assert Event.objects.filter(type="segment.entered").count() == entries
    ann.refresh_from_db()
    assert ann.segments == []
    # an archived segment is no longer evaluated
    track(ann)
    assert Membership.objects.filter(exited_at=None).count() == 0


def test_the_write_back_carries_the_segment_keys(shop):
    # given
    segments_builtin_ensure(installation_id=shop.pk, now=T)
    ann = make_contact(shop, first_name="ann", saleor_user_id="VXNlcjox")
    Contact.objects.filter(pk=ann.pk).update(rfm_recency=5, rfm_frequency=4, rfm_monetary=2)

    # when
    segments_rebuild(installation_id=shop.pk, now=T)

    # then
    ann.refresh_from_db()
    assert ann.segments == ["champions", "loyal", "stage-prospect"]
    assert ann.writeback_due_at == T
    assert writeback_items(ann)["mautomation.segments"] == "champions,loyal,stage-prospect"


def test_builtin_segments_are_created_once(shop):
    first = segments_builtin_ensure(installation_id=shop.pk, now=T)
    second = segments_builtin_ensure(installation_id=shop.pk, now=T)
    assert (len(first), second) == (13, [])
    assert Segment.objects.filter(installation=shop, is_builtin=True).count() == 13


def test_another_installations_contacts_are_never_members(shop):
    # given
    browsers = create(shop, "Browsers", viewed())
    other = make_shop("other")
    stranger = make_contact(other, first_name="stranger")

    # when
    track(stranger)
    segment_rebuild(segment=browsers, now=T)

    # then
    assert open_members(browsers) == set()
