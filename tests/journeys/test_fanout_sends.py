"""A broadcast's bulk fan-out (``journeys.fanout_sends``) against the runner's step path.

Each case builds one shop's broadcast and its snapshot, fans it out through the step path
(``runs_advance``, what ``runs_wake`` did for every broadcast before), observes everything
written, sends it, observes again; then rolls all of that back and does the same through the
bulk path (``runs_wake(broadcast=True)``). The run ids are the same both times, so each run's
holdout, branch and subject variant are too: the runs, steps, messages, tallies and progress
figures must be equal, and so must what the sender then decides for each message (consent,
suppression, the frequency cap, quiet hours, the best hour) and sends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from saleor_mautomation.contacts.models import Contact, PushSubscription
from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.journeys.broadcasts import broadcasts_progress
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.fanout_sends import simple_send
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.origins import FORCED_BRANCHES
from saleor_mautomation.journeys.runner import runs_advance, runs_wake, version_definition
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.enqueue_bulk import Sends, messages_enqueue_bulk
from saleor_mautomation.messages.models import Message, Suppression, Template
from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure, templates_channel_ensure
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_event, make_order, make_shop

SEND_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
NOW = SEND_AT + timedelta(minutes=5)
APP = "https://marketing.example"
EVERYONE = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}}

# The recipients, each kind three times: what the sender then decides differs per kind.
PEOPLE: list[dict[str, Any]] = [
    {"language_code": "en"},
    {"language_code": "de-DE"},  # the German version
    {"time_zone": "America/Los_Angeles"},  # 00:05 there: quiet hours, deferred
    # a node sending at the best hour waits for Tuesday 18:00 Berlin (contacts.send_time)
    {"send_time_weights": {"42": 6}, "send_time_clicks": 3},
    {"email_consent": "withdrawn"},  # suppressed: no consent
    {"email": None},  # no address: the step fails
    {"suppressed": True},  # a suppressed address
    {"capped": True},  # an email an hour ago: the frequency cap defers it
    {"goal": True},  # ordered since the snapshot: the run converts (the runner's)
    {"failed_before": True},  # a failed attempt: its retry goes the step path
    {"phone": "+4915112345678", "sms_consent": "granted"},
    {"phone": "+4915112345679", "sms_consent": "withdrawn"},
    {"push": True, "push_consent": "granted"},
]


def mail_node(template: str, **more: Any) -> dict[str, Any]:
    return {"type": "send_email", "template": template, "next": "end", **more}


SHAPES: dict[str, dict[str, Any]] = {
    "one template, holdout, goal, best hour": {
        "holdout_percent": 30,
        "goal": {"event_type": "order.placed"},
        "start": "mail",
        "nodes": {"mail": mail_node("welcome-1", at_best_hour=True), "end": {"type": "exit"}},
    },
    "a/b split, a subject test on one side, half forced": {
        "holdout_percent": 10,
        "start": "ab",
        "nodes": {
            "ab": {
                "type": "split",
                "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
            },
            "a": mail_node("welcome-1"),
            "b": mail_node("welcome-2", subject_variants=["Hello {{ contact.first_name }}", "Hi"]),
            "end": {"type": "exit"},
        },
    },
    "two sends in a row": {
        "start": "first",
        "nodes": {
            "first": {"type": "send_email", "template": "welcome-1", "next": "second"},
            "second": mail_node("welcome-2"),
            "end": {"type": "exit"},
        },
    },
    "sms": {
        "start": "text",
        "nodes": {
            "text": {"type": "send_sms", "template": "abandoned-checkout-sms", "next": "end"},
            "end": {"type": "exit"},
        },
    },
    "push": {
        "start": "push",
        "nodes": {
            "push": {"type": "send_push", "template": "pushed", "next": "end"},
            "end": {"type": "exit"},
        },
    },
    "its template deleted since": {
        "start": "mail",
        "nodes": {"mail": mail_node("welcome-3"), "end": {"type": "exit"}},
    },
    "a wait first (not a simple send)": {
        "start": "pause",
        "nodes": {
            "pause": {"type": "wait", "duration": {"minutes": 1}, "next": "mail"},
            "mail": mail_node("welcome-1"),
            "end": {"type": "exit"},
        },
    },
}


def shop_with_broadcast(shape: str) -> tuple[Installation, Journey]:
    """The shop, its recipients (``PEOPLE`` three times) in a segment, and the broadcast's
    snapshot taken at ``SEND_AT``; the goal orders and a failed attempt come after it."""
    shop = make_shop("fanout")
    templates_builtin_ensure(installation_id=shop.pk, now=SEND_AT)
    templates_channel_ensure(installation_id=shop.pk, channel="sms", now=SEND_AT)
    templates_channel_ensure(installation_id=shop.pk, channel="push", now=SEND_AT)
    push = Template.objects.filter(installation=shop, channel="push").first()
    assert push is not None
    Template.objects.filter(pk=push.pk).update(key="pushed")
    segment = segment_create(installation_id=shop.pk, name="All", definition=EVERYONE, now=SEND_AT)
    Membership.objects.filter(segment=segment).delete()
    people: list[tuple[Contact, dict[str, Any]]] = []
    for n, person in enumerate(PEOPLE * 3):
        fields = {
            key: value
            for key, value in person.items()
            if key not in ("suppressed", "capped", "goal", "failed_before", "push")
        }
        fields.setdefault("email", f"p{n}@example.com")
        fields.setdefault("email_consent", "granted")
        fields.setdefault("time_zone", "Europe/Berlin")
        contact = Contact.objects.create(installation=shop, first_name=f"P{n}", **fields)
        Membership.objects.create(
            installation=shop, segment=segment, contact=contact, entered_at=SEND_AT
        )
        people.append((contact, person))
    definition = {
        "entry": {"type": "broadcast", "segment_id": segment.pk, "send_at": SEND_AT.isoformat()},
        **SHAPES[shape],
    }
    journey = Journey.objects.create(installation=shop, key="sale", name="Sale", draft=definition)
    journey_publish(journey=journey, now=SEND_AT - timedelta(days=1))
    assert broadcasts_due(now=SEND_AT) == len(people)
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    for contact, person in people:
        if person.get("suppressed"):
            Suppression.objects.create(
                installation=shop, address=str(contact.email), reason="bounce", created_at=SEND_AT
            )
        if person.get("capped"):
            Message.objects.create(
                installation=shop,
                contact=contact,
                dedupe_key=f"earlier:{contact.pk}",
                kind="marketing",
                template=welcome,
                to_address=str(contact.email),
                status="sent",
                send_after=SEND_AT - timedelta(hours=1),
                created_at=SEND_AT - timedelta(hours=1),
                sent_at=SEND_AT - timedelta(hours=1),
            )
        if person.get("goal"):
            order = make_order(contact)
            make_event(
                contact,
                "order.placed",
                SEND_AT + timedelta(minutes=1),
                properties={"order_id": order.saleor_id},
            )
        if person.get("failed_before"):
            JourneyRun.objects.filter(contact=contact).update(attempts=1, error="it broke")
        if person.get("push"):
            PushSubscription.objects.create(
                installation=shop,
                contact=contact,
                endpoint=f"https://push.example/{contact.pk}",
                p256dh="key",
                auth="auth",
                created_at=SEND_AT,
            )
    if shape == "its template deleted since":
        Template.objects.filter(installation=shop, key="welcome-3").delete()
    if "forced" in shape:  # half the runs are a test's rest, sent the second branch
        runs = JourneyRun.objects.filter(journey=journey).order_by("pk")
        rest = list(runs.values_list("pk", flat=True))[::2]
        JourneyRun.objects.filter(pk__in=rest).update(
            context={"broadcast": {"version": 1}, FORCED_BRANCHES: {"ab": 1}}
        )
    journey.refresh_from_db()
    return shop, journey


RUN_FIELDS = (
    "pk",
    "contact_id",
    "status",
    "node",
    "node_entered_at",
    "wake_at",
    "exited_at",
    "exit_reason",
    "holdout",
    "context",
    "branches",
    "converted_at",
    "goal_revenue",
    "goal_currency",
    "attempts",
    "error",
)
MESSAGE_SKIPPED = {"id", "message_id"}  # ids: the sequences move on after a rollback


def observed(shop: Installation, journey: Journey) -> dict[str, Any]:
    """Everything the fan-out wrote, ids that differ between two runs replaced by what they
    point at (a step's message by its dedupe key)."""
    keys = dict(Message.objects.filter(installation=shop).values_list("pk", "dedupe_key"))

    def step(run_id: int, node: str, kind: str, at: datetime, detail: dict[str, Any]) -> Any:
        if "message_id" in detail:
            detail = {**detail, "message_id": keys[detail["message_id"]]}
        return (run_id, node, kind, at, detail)

    fields = [f.attname for f in Message._meta.concrete_fields if f.attname not in MESSAGE_SKIPPED]
    (progress,) = broadcasts_progress(installation_id=shop.pk, journeys=[journey], now=NOW)
    return {
        "runs": list(JourneyRun.objects.filter(journey=journey).order_by("pk").values(*RUN_FIELDS)),
        "steps": [
            step(*row)
            for row in RunStep.objects.filter(run__journey=journey)
            .order_by("run_id", "pk")
            .values_list("run_id", "node", "kind", "at", "detail")
        ],
        "messages": list(
            Message.objects.filter(installation=shop).order_by("dedupe_key").values(*fields)
        ),
        "tallies": sorted(
            DailyTally.objects.filter(installation=shop).values_list(
                "day",
                "metric",
                "journey_id",
                "version_id",
                "node",
                "template_id",
                "broadcast",
                "channel",
                "split_node",
                "split_branch",
                "holdout",
                "currency",
                "count",
                "amount",
            )
        ),
        "progress": (
            progress.runs,
            progress.runs_due,
            progress.runs_local_time,
            progress.runs_failed,
            progress.test_rest,
            progress.held,
            progress.messages,
        ),
    }


def stepwise(now: datetime) -> None:
    """The runner's step path for every due broadcast run (``runs_wake`` before the bulk
    path: runs as models, ``runs_advance``)."""
    with transaction.atomic():
        runs = list(
            JourneyRun.objects.select_related("version", "contact")
            .filter(status="waiting", wake_at__lte=now, entry_key__startswith="broadcast:")
            .order_by("wake_at")
        )
        runs_advance(runs, now=now)


def in_bulk(now: datetime) -> None:
    assert runs_wake(now=now, limit=1000, broadcast=True) == len(PEOPLE) * 3


def fanned_out(shop: Installation, journey: Journey, fan_out: Callable[[datetime], None]) -> Any:
    """What the fan-out wrote, then what the sender did with it (a minute later, then after
    the quiet hours and the best hour), then what reached the mailbox."""
    mail.outbox.clear()
    fan_out(NOW)
    written = observed(shop, journey)
    if journey.current_version and "send_email" not in str(journey.current_version.definition):
        return written, None, None
    rounds = []
    for moment in (NOW + timedelta(minutes=1), NOW + timedelta(hours=10)):
        messages_send_due(
            now=moment,
            app_url=APP,
            default_from="Shop <shop@sale.example>",
            limit=1000,
            chunk=10,
            broadcast=True,
        )
        rounds.append(observed(shop, journey)["messages"])
    return written, rounds, sorted((tuple(m.to), m.subject) for m in mail.outbox)


def counted(rows: list[Any], *fields: str) -> dict[tuple[Any, ...], int]:
    return dict(Counter(tuple(row[f] for f in fields) for row in rows))


@pytest.mark.parametrize("shape", list(SHAPES))
def test_the_bulk_fan_out_writes_and_sends_what_the_step_path_does(db, shape):
    # given: a broadcast's snapshot of 39 recipients, due
    shop, journey = shop_with_broadcast(shape)

    # when: the step path fans it out and the sender sends; then, rolled back, the bulk path
    before = transaction.savepoint()
    by_steps = fanned_out(shop, journey, stepwise)
    transaction.savepoint_rollback(before)
    with CaptureQueriesContext(connection) as bulk_queries:
        by_bulk = fanned_out(shop, journey, in_bulk)

    # then: the same runs, steps, messages, tallies and figures; the same decisions, the
    # same emails
    assert by_bulk[0] == by_steps[0]
    assert by_bulk[1:] == by_steps[1:]
    assert {(run["status"], run["attempts"]) for run in by_bulk[0]["runs"]} <= {
        ("exited", 0),
        ("exited", 1),
    }
    bulk_inserts = [
        query
        for query in bulk_queries.captured_queries
        if query["sql"].lstrip().startswith('INSERT INTO "mautomation_message"')
        and "unnest" in query["sql"]
    ]
    assert journey.current_version is not None
    simple = simple_send(version_definition(journey.current_version))
    assert len(bulk_inserts) == (simple and shape != "its template deleted since")


def test_two_sends_in_a_row_in_bulk_exact(db):
    # given: a broadcast of two emails in a row (nothing in it depends on run ids)
    shop, journey = shop_with_broadcast("two sends in a row")

    # when
    written, rounds, emails = fanned_out(shop, journey, in_bulk)

    # then: 39 runs passed both sends; the 3 without an address failed at each; the rest of
    # the 13 kinds x 3 queued twice
    steps = Counter(kind for _, _, kind, _, _ in written["steps"])
    assert steps == {"entered": 39, "passed": 117, "queued": 72, "failed": 6, "exited": 39}
    assert written["progress"][-1] == {"queued": 72}
    # a minute later: the first email went where the rules let it (quiet hours in Los
    # Angeles, the cap of an email an hour ago, no consent, a suppressed address); the
    # second waits for the cap of the first
    mine = [m for m in rounds[0] if m["dedupe_key"].startswith("journey-run:")]
    assert counted(mine, "journey_node", "status", "status_reason") == {
        ("first", "sent", ""): 24,
        ("first", "deferred", "quiet hours"): 3,
        ("first", "deferred", "frequency cap: 1 per 16 h"): 3,
        ("first", "suppressed", "no marketing consent (withdrawn)"): 3,
        ("first", "suppressed", "the address is suppressed (bounce)"): 3,
        ("second", "deferred", "quiet hours"): 3,
        ("second", "deferred", "frequency cap: 1 per 16 h"): 27,
        ("second", "suppressed", "no marketing consent (withdrawn)"): 3,
        ("second", "suppressed", "the address is suppressed (bounce)"): 3,
    }
    assert len(emails) == 24 + 3  # then the quiet hours ended in Los Angeles


def test_a_batch_whose_bulk_write_fails_goes_the_step_path(db):
    # given: the broadcast of two emails in a row; the database refuses the bulk step insert
    shop, journey = shop_with_broadcast("two sends in a row")

    def refuse(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if sql.lstrip().startswith('INSERT INTO "mautomation_runstep"') and "unnest" in sql:
            raise DatabaseError("could not extend file: No space left on device")
        return execute(sql, params, many, context)

    # when
    with connection.execute_wrapper(refuse):
        in_bulk(NOW)

    # then: the bulk write was undone (no message twice) and the step path wrote the batch
    written = observed(shop, journey)
    steps = Counter(kind for _, _, kind, _, _ in written["steps"])
    assert steps == {"entered": 39, "passed": 117, "queued": 72, "failed": 6, "exited": 39}
    assert written["progress"][-1] == {"queued": 72}
    assert Message.objects.filter(installation=shop).count() == 72 + 3  # and the 3 earlier


@pytest.mark.parametrize("channel", ["email", "sms", "push"])
def test_a_bulk_enqueue_queues_the_rows_messages_enqueue_queues(db, channel):
    # given: two shops alike, contacts with and without an address on the channel
    now = SEND_AT
    rows: dict[str, Any] = {}
    for name in ("one", "bulk"):
        shop = make_shop(f"{name}-{channel}")
        templates_builtin_ensure(installation_id=shop.pk, now=now)
        templates_channel_ensure(installation_id=shop.pk, channel=channel, now=now)
        template = Template.objects.filter(installation=shop, channel=channel).order_by("key")[0]
        contacts = [
            Contact.objects.create(
                installation=shop, email="a@example.com", phone="+4915112345678"
            ),
            Contact.objects.create(
                installation=shop,
                email=None,
                language_code="de",
                send_time_weights={"31": 6},
                send_time_clicks=3,
            ),
        ]
        PushSubscription.objects.create(
            installation=shop,
            contact=contacts[0],
            endpoint="https://push.example/1",
            p256dh="k",
            auth="a",
            created_at=now,
        )
        origin = Origin(journey_id=None, node="n", broadcast=True)
        if name == "one":
            ids = messages_enqueue(
                [
                    Outgoing(c, template, f"k{n}", {"x": n}, True, origin, "Subject")
                    for n, c in enumerate(contacts)
                ],
                now=now,
            )
        else:
            ids = messages_enqueue_bulk(
                installation_id=shop.pk,
                groups=[
                    Sends(template=template, origin=origin, subject="Subject", at_best_hour=True)
                ],
                rows=[(f"k{n}", c.pk, f'{{"x": {n}}}', 0) for n, c in enumerate(contacts)],
                now=now,
            )
        fields = [
            f.attname
            for f in Message._meta.concrete_fields
            if f.attname
            not in {"id", "installation_id", "contact_id", "template_version_id", "template_id"}
        ]
        written = list(
            Message.objects.filter(installation=shop).order_by("dedupe_key").values(*fields)
        )
        for row in written:  # a push address names the contact: by its place here
            row["to_address"] = row["to_address"].replace(f"push:{contacts[0].pk}", "push:first")
        rows[name] = ([i is None for i in ids], written)

    # then: the same rows, and None for the same contacts
    assert rows["bulk"] == rows["one"]
    expected_none = {"email": [False, True], "sms": [False, True], "push": [False, True]}
    assert rows["bulk"][0] == expected_none[channel]
