"""Property: keeping memberships current event by event ends where a full recompute ends.

Random definitions (profile, events with counts, windows and properties, email engagement
with machine opens, membership of another segment, under and/or/not) and random sequences of
events and profile changes; after each sequence the memberships maintained incrementally
must equal the members a full (bulk) evaluation selects.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_mautomation.events.services import event_record
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.segments.membership import (
    members_matching,
    segment_rebuild,
    segments_cache_clear,
)
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop, profile_save

T = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
EVENT_TYPES = ["product.viewed", "cart.added", "email.opened"]
GENDERS = ["f", "m", ""]
_serial = itertools.count()

COMPARISONS = st.sampled_from(["gte", "gt", "lt", "lte", "eq", "ne"])
WINDOWS = st.sampled_from([None, 1, 3, 10])


def _event(type: str, op: str, n: int, days: int | None, product: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "event", "event_type": type, "count": {"op": op, "value": n}}
    if days:
        node["window"] = {"last_days": days}
    if product:
        node["where"] = [{"property": "product_id", "op": "eq", "value": product}]
    return node


LEAVES = st.one_of(
    st.builds(
        lambda g: {"type": "profile", "field": "gender", "op": "eq", "value": g or "x"},
        st.sampled_from(GENDERS),
    ),
    st.builds(
        _event,
        st.sampled_from(EVENT_TYPES[:2]),
        COMPARISONS,
        st.integers(0, 3),
        WINDOWS,
        st.sampled_from([None, "P1", "P2"]),
    ),
    st.builds(
        lambda op, n, days: {
            "type": "email",
            "action": "opened",
            "count": {"op": op, "value": n},
            **({"window": {"last_days": days}} if days else {}),
        },
        COMPARISONS,
        st.integers(0, 2),
        WINDOWS,
    ),
    st.just({"type": "segment", "segment_id": "BASE"}),
)

TREES = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.builds(
            lambda cs: {"type": "and", "conditions": cs}, st.lists(children, min_size=1, max_size=3)
        ),
        st.builds(
            lambda cs: {"type": "or", "conditions": cs}, st.lists(children, min_size=1, max_size=3)
        ),
        st.builds(lambda c: {"type": "not", "condition": c}, children),
    ),
    max_leaves=6,
)

EVENTS = st.tuples(
    st.just("event"),
    st.sampled_from(EVENT_TYPES),
    st.sampled_from(["P1", "P2"]),
    st.integers(0, 12),  # days ago
    st.booleans(),  # machine (meaningful for opens)
)
PROFILE_CHANGES = st.tuples(st.just("gender"), st.sampled_from(GENDERS))
ACTIONS = st.lists(st.tuples(st.integers(0, 3), st.one_of(EVENTS, PROFILE_CHANGES)), max_size=14)


def _resolve(node: Any, base_id: int) -> Any:
    if isinstance(node, dict):
        return {k: (base_id if v == "BASE" else _resolve(v, base_id)) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(v, base_id) for v in node]
    return node


def _apply(contact: Any, action: tuple[Any, ...]) -> None:
    with unit_of_work(now=T):
        if action[0] == "gender":
            contact.gender = action[1]
            profile_save(contact)
            return
        _, type, product, days, machine = action
        event_record(
            installation_id=contact.installation_id,
            contact_id=contact.pk,
            type=type,
            occurred_at=T - timedelta(days=days, minutes=1),
            source="test",
            dedupe_key=f"e:{next(_serial)}",
            properties={"product_id": product, **({"machine": True} if machine else {})},
        )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(trees=st.lists(TREES, min_size=1, max_size=3), actions=ACTIONS)
def test_incremental_updates_equal_a_full_recompute(db, trees, actions):
    segments_cache_clear()
    with transaction.atomic():
        # given: contacts, a base segment and the random ones, all built once
        shop = make_shop(f"prop{next(_serial)}")
        contacts = [make_contact(shop, first_name=f"c{i}", gender=GENDERS[i % 3]) for i in range(4)]
        base = segment_create(
            installation_id=shop.pk,
            name="base",
            definition={"root": _event("product.viewed", "gte", 2, None, None)},
            now=T,
        )
        segments = [base] + [
            segment_create(
                installation_id=shop.pk,
                name=f"s{i}",
                definition={"root": _resolve(tree, base.pk)},
                now=T,
            )
            for i, tree in enumerate(trees)
        ]
        for segment in segments:  # by creation order: the base (depth 0) first
            segment_rebuild(segment=segment, now=T)

        # when: the actions arrive one unit of work at a time
        for index, action in actions:
            _apply(contacts[index], action)

        # then
        for segment in segments:
            incremental = set(
                Membership.objects.filter(segment=segment, exited_at=None).values_list(
                    "contact_id", flat=True
                )
            )
            full = set(members_matching(segment, now=T).values_list("pk", flat=True))
            assert incremental == full, segment.definition
        transaction.set_rollback(True)
