"""Every message a journey sends records where it came from: journey, version, node,
template and version, broadcast, and the A/B variant of the split before it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import bucket
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.origins import split_variant
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message, TemplateVersion
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EXIT = {"type": "exit"}

ORIGIN = (
    "installation_id",
    "channel",
    "template__key",
    "template_version_id",
    "journey_id",
    "journey_version_id",
    "journey_node",
    "broadcast",
    "split_node",
    "split_branch",
)

AB: dict[str, Any] = {
    "entry": {"type": "manual"},
    "start": "ab",
    "nodes": {
        "ab": {
            "type": "split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "send_email", "template": "welcome-1", "next": "after"},
        "b": {"type": "send_email", "template": "welcome-2", "next": "after"},
        "after": {"type": "send_email", "template": "welcome-3", "next": "end"},
        "end": EXIT,
    },
}


@pytest.fixture
def shop(db):
    installation = make_shop("origins")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def published(shop, definition: dict[str, Any], key: str = "origins") -> Journey:
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=T)
    journey.refresh_from_db()
    return journey


def version_of(shop, key: str) -> int:
    return TemplateVersion.objects.get(
        template__installation=shop, template__key=key, language="en"
    ).pk


def test_a_journey_message_records_its_journey_version_node_and_template(shop):
    journey = published(
        shop,
        {
            "entry": {"type": "manual"},
            "start": "hello",
            "nodes": {"hello": {"type": "send_email", "template": "welcome-1", "next": "end"}}
            | {"end": EXIT},
        },
    )
    ada = make_contact(shop, email_consent="granted", language_code="en")

    assert journey_enroll(journey=journey, contact=ada, now=T) is not None

    assert list(Message.objects.filter(contact=ada).values_list(*ORIGIN)) == [
        (
            shop.pk,
            "email",
            "welcome-1",
            version_of(shop, "welcome-1"),
            journey.pk,
            journey.current_version_id,
            "hello",
            False,
            "",
            None,
        )
    ]


def test_a_split_records_each_runs_branch_until_the_branches_meet(shop):
    journey = published(shop, AB)
    contacts = [make_contact(shop, email_consent="granted", language_code="en") for _ in range(12)]

    runs = [journey_enroll(journey=journey, contact=c, now=T) for c in contacts]

    branches = set()
    for run in runs:
        assert run is not None
        branch = 0 if bucket(run.pk, "ab") < 50 else 1
        branches.add(branch)
        rows = Message.objects.filter(contact=run.contact).order_by("pk")
        assert list(
            rows.values_list("journey_node", "template__key", "split_node", "split_branch")
        ) == [
            ("ab"[branch], f"welcome-{branch + 1}", "ab", branch),
            ("after", "welcome-3", "", None),  # both branches lead here: no variant
        ]
    assert branches == {0, 1}


def test_a_broadcasts_messages_are_marked_as_the_broadcasts(shop):
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    ada = make_contact(shop, email_consent="granted", gender="f", language_code="en")
    segment = segment_create(
        installation_id=shop.pk,
        name="Women",
        definition={"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}},
        now=t0,
    )
    segment_rebuild(segment=segment, now=t0)
    journey = published(
        shop,
        {
            "entry": {
                "type": "broadcast",
                "segment_id": segment.pk,
                "send_at": "2026-12-01T09:00:00+01:00",
            },
            "start": "mail",
            "nodes": {
                "mail": {"type": "send_email", "template": "vip", "next": "end"},
                "end": EXIT,
            },
        },
    )

    assert broadcasts_due(now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC)) == 1
    runs_wake(now=datetime(2026, 12, 1, 8, 0, tzinfo=UTC), limit=100, broadcast=True)

    assert list(Message.objects.filter(contact=ada).values_list(*ORIGIN)) == [
        (
            shop.pk,
            "email",
            "vip",
            version_of(shop, "vip"),
            journey.pk,
            journey.current_version_id,
            "mail",
            True,
            "",
            None,
        )
    ]


def test_held_out_runs_make_no_message_and_the_run_records_the_holdout(shop):
    journey = published(shop, {**AB, "holdout_percent": 50})
    contacts = [make_contact(shop, email_consent="granted", language_code="en") for _ in range(20)]

    runs = [journey_enroll(journey=journey, contact=c, now=T) for c in contacts]

    held = [run.contact_id for run in runs if run is not None and run.holdout]
    assert held
    assert list(JourneyRun.objects.filter(contact__in=held).values_list("holdout", flat=True)) == [
        True
    ] * len(held)
    assert not Message.objects.filter(contact__in=held).exists()


def _split(a: str, b: str) -> dict[str, Any]:
    return {"type": "split", "branches": [{"percent": 50, "next": a}, {"percent": 50, "next": b}]}


def _send(next_node: str) -> dict[str, Any]:
    return {"type": "send_email", "template": "welcome-1", "next": next_node}


def definition_of(start: str, nodes: dict[str, Any]) -> d.JourneyDefinition:
    return d.JourneyDefinition.model_validate(
        {"entry": {"type": "manual"}, "start": start, "nodes": {**nodes, "end": EXIT}}
    )


def test_the_variant_is_the_nearest_split_every_walk_passes():
    nested = definition_of(
        "outer",
        {
            "outer": _split("inner", "plain"),
            "inner": _split("x", "y"),
            "x": _send("end"),
            "y": _send("end"),
            "plain": _send("end"),
        },
    )
    assert split_variant(nested, "x") == ("inner", 0)
    assert split_variant(nested, "y") == ("inner", 1)
    assert split_variant(nested, "plain") == ("outer", 1)
    assert split_variant(nested, "end") is None


def test_a_node_reached_around_the_split_has_no_variant():
    around = definition_of(
        "check",
        {
            "check": {"type": "condition", "condition": {"type": "order"}, "yes": "ab", "no": "x"},
            "ab": _split("x", "y"),
            "x": _send("end"),
            "y": _send("end"),
        },
    )
    assert split_variant(around, "x") is None
    assert split_variant(around, "y") == ("ab", 1)
