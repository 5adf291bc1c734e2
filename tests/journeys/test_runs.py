"""Runs on PostgreSQL: enrolment, re-entry, timers woken by the scheduler, goals, holdout,
and the send through the outbox at most once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.contacts.factories import make_contact, make_event, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

WELCOME: dict[str, Any] = {
    "entry": {"type": "manual"},
    "goal": {"event_type": "order.placed"},
    "start": "hello",
    "nodes": {
        "hello": {"type": "send_email", "template": "welcome-1", "next": "pause"},
        "pause": {"type": "wait", "duration": {"days": 2}, "next": "ordered"},
        "ordered": {
            "type": "condition",
            "condition": {"type": "order"},
            "yes": "end",
            "no": "nudge",
        },
        "nudge": {"type": "send_email", "template": "welcome-2", "next": "end"},
        "end": {"type": "exit"},
    },
}


@pytest.fixture
def shop(db):
    installation = make_shop("journeys")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def published(shop, definition, key="welcome"):
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=T)
    return journey


def sent_templates(contact):
    return list(
        Message.objects.filter(contact=contact)
        .order_by("pk")
        .values_list("template_version__template__key", flat=True)
    )


def test_a_run_sends_waits_and_follows_its_condition(shop):
    # given
    journey = published(shop, WELCOME)
    ada = make_contact(shop, first_name="Ada", email_consent="granted")

    # when: enrolled, the first send is queued at once
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    assert sent_templates(ada) == ["welcome-1"]
    run.refresh_from_db()
    assert (run.node, run.wake_at) == ("pause", T + timedelta(days=2))

    # nothing is due a day later; two days later the scheduler wakes it
    assert runs_wake(now=T + timedelta(days=1), limit=100) == 0
    assert runs_wake(now=T + timedelta(days=2), limit=100) == 1

    # then: no order, so the nudge
    run.refresh_from_db()
    assert (run.status, run.exit_reason) == ("exited", "end")
    assert sent_templates(ada) == ["welcome-1", "welcome-2"]
    steps = list(RunStep.objects.filter(run=run).order_by("pk").values_list("node", "kind"))
    assert steps == [
        ("hello", "entered"),
        ("hello", "passed"),
        ("hello", "queued"),
        ("pause", "passed"),
        ("ordered", "passed"),
        ("nudge", "passed"),
        ("nudge", "queued"),
        ("end", "passed"),
        ("end", "exited"),
    ]


def test_the_goal_ends_the_run_before_the_next_send(shop):
    journey = published(shop, WELCOME)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    make_event(ada, "order.placed", T + timedelta(hours=5))

    runs_wake(now=T + timedelta(days=2), limit=100)

    run.refresh_from_db()
    assert (run.status, run.exit_reason) == ("exited", "goal")
    assert sent_templates(ada) == ["welcome-1"]


def test_re_entry_and_one_open_run_per_entry_key(shop):
    journey = published(shop, WELCOME)
    ada = make_contact(shop, email_consent="granted")

    first = journey_enroll(journey=journey, contact=ada, now=T)
    again = journey_enroll(journey=journey, contact=ada, now=T + timedelta(days=30))

    assert first is not None
    assert again is None  # "once" is the default re-entry rule
    every_time = published(shop, {**WELCOME, "reentry": {"mode": "every_time"}}, key="every")
    assert journey_enroll(journey=every_time, contact=ada, now=T, entry_key="c1") is not None
    assert journey_enroll(journey=every_time, contact=ada, now=T, entry_key="c1") is None
    assert journey_enroll(journey=every_time, contact=ada, now=T, entry_key="c2") is not None


def test_holdout_runs_are_walked_but_never_messaged(shop):
    journey = published(shop, {**WELCOME, "holdout_percent": 50})
    contacts = [make_contact(shop, email_consent="granted") for _ in range(40)]

    runs = [journey_enroll(journey=journey, contact=c, now=T) for c in contacts]

    held = [run for run in runs if run is not None and run.holdout]
    assert 0 < len(held) < 40
    for run in held:
        assert sent_templates(run.contact) == []
        assert RunStep.objects.filter(run=run, kind="held_out").count() == 1


def test_a_retried_wake_never_sends_twice(shop):
    # given: the step's send is queued, then the same step is applied again (a replay)
    journey = published(shop, WELCOME)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    JourneyRun.objects.filter(pk=run.pk).update(node="hello", wake_at=T)
    RunStep.objects.filter(run=run, kind="queued").delete()  # as if the log were lost

    # when
    runs_wake(now=T, limit=10)

    # then: the outbox key (run, node, visit) made it the same message
    assert sent_templates(ada) == ["welcome-1"]


def test_publishing_an_invalid_draft_is_refused(shop):
    journey = Journey.objects.create(
        installation=shop, key="bad", name="bad", draft={**WELCOME, "start": "nowhere"}
    )

    with pytest.raises(DefinitionInvalid):
        journey_publish(journey=journey, now=T)

    journey.refresh_from_db()
    assert (journey.status, journey.current_version) == ("draft", None)


def test_running_contacts_stay_on_their_version(shop):
    journey = published(shop, WELCOME)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    journey.draft = {
        **WELCOME,
        "nodes": {**WELCOME["nodes"], "nudge": {**WELCOME["nodes"]["nudge"], "template": "vip"}},
    }
    journey_publish(journey=journey, now=T)

    runs_wake(now=T + timedelta(days=2), limit=10)

    assert run is not None
    assert run.version.number == 1
    assert sent_templates(ada) == ["welcome-1", "welcome-2"]
