"""What steps do, on PostgreSQL with Saleor and webhook receivers on loopback: profile and
metadata updates, webhook calls (signed, retried), static lists, and conditions decided
batch-wise (voucher codes: ``test_vouchers``)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import writeback_items
from saleor_mautomation.journeys.actions import webhook_call
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.models import StaticList, StaticListMember
from tests.contacts.factories import make_contact, make_event, make_order

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


def published(shop, nodes, *, start="a", key="steps", **settings) -> Journey:
    definition = {"entry": {"type": "manual"}, "start": start, "nodes": nodes, **settings}
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=T)
    return journey


def test_a_profile_step_sets_fields_preferences_and_saleor_metadata(shop):
    journey = published(
        shop,
        {
            "a": {
                "type": "update_profile",
                "fields": {"gender": "female", "preferences.newsletter": "false"},
                "metadata": {"loyalty.tier": "gold"},
                "next": "end",
            },
            "end": {"type": "exit"},
        },
    )
    ada = make_contact(shop, saleor_user_id="VXNlcjox", preferences={"offers": True})

    journey_enroll(journey=journey, contact=ada, now=T)

    ada.refresh_from_db()
    assert ada.gender == "female"
    assert ada.preferences == {"offers": True, "newsletter": False}
    assert ada.writeback_extra == {"loyalty.tier": "gold"}
    assert ada.writeback_due_at is not None  # written back with the figures
    assert writeback_items(ada)["loyalty.tier"] == "gold"


class Receiver:
    """A webhook receiver on loopback: answers with the queued statuses, records bodies."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    running = Receiver()
    yield running
    running.server.shutdown()


def test_a_webhook_step_posts_after_commit_signed_and_retries_a_failing_receiver(
    shop, receiver, django_capture_on_commit_callbacks
):
    journey = published(
        shop,
        {"a": {"type": "webhook", "url": receiver.url, "next": "end"}, "end": {"type": "exit"}},
    )
    journey.trigger_secret = "s3cret"
    journey.save()
    ada = make_contact(shop, first_name="Ada")

    with django_capture_on_commit_callbacks() as callbacks:
        run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    assert len(callbacks) == 1  # the call is queued for after the commit
    assert receiver.received == []
    step = RunStep.objects.get(run=run, kind="webhook")

    receiver.statuses = [503]
    retry = webhook_call(step.pk, now=T)
    step.refresh_from_db()
    assert retry == timedelta(seconds=30)
    assert (step.detail["status"], step.detail["attempts"]) == ("queued", 1)

    assert webhook_call(step.pk, now=T + timedelta(seconds=30)) is None
    step.refresh_from_db()
    assert (step.detail["status"], step.detail["http_status"]) == ("delivered", 200)
    assert webhook_call(step.pk, now=T + timedelta(minutes=1)) is None  # done: no third call
    assert len(receiver.received) == 2
    headers, body = receiver.received[1]
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Mautomation-Signature"] == f"sha256={expected}"
    assert headers["Idempotency-Key"] == f"run-step-{step.pk}"
    payload = json.loads(body)
    assert (payload["journey"], payload["contact"]["first_name"]) == ("steps", "Ada")


def test_a_webhook_to_a_plain_http_address_is_refused_in_production(shop, settings, receiver):
    journey = published(
        shop,
        {"a": {"type": "webhook", "url": receiver.url, "next": "end"}, "end": {"type": "exit"}},
    )
    run = journey_enroll(journey=journey, contact=make_contact(shop), now=T)
    settings.SALEOR_ALLOW_LOOPBACK = False

    step = RunStep.objects.get(run=run, kind="webhook")
    assert webhook_call(step.pk, now=T) is None

    step.refresh_from_db()
    assert step.detail["status"] == "failed"
    assert "https" in step.detail["error"]
    assert receiver.received == []


def test_list_steps_put_contacts_on_lists_and_take_them_off(shop):
    ada = make_contact(shop)
    prospects = StaticList.objects.create(installation=shop, key="prospects", name="Prospects")
    StaticListMember.objects.create(static_list=prospects, contact=ada, added_at=T)
    journey = published(
        shop,
        {
            "a": {"type": "list_add", "list": "vip-club", "next": "b"},
            "b": {"type": "list_remove", "list": "prospects", "next": "end"},
            "end": {"type": "exit"},
        },
    )

    journey_enroll(journey=journey, contact=ada, now=T)
    journey_enroll(
        journey=published(
            shop,
            {"a": {"type": "list_add", "list": "vip-club", "next": "end"}, "end": {"type": "exit"}},
            key="again",
        ),
        contact=ada,
        now=T,
    )

    club = StaticList.objects.get(installation=shop, key="vip-club")
    assert list(club.members.values_list("contact_id", flat=True)) == [ada.pk]
    assert not prospects.members.exists()


def test_conditions_are_decided_for_a_whole_batch(shop):
    journey = published(
        shop,
        {
            "a": {"type": "wait", "duration": {"days": 1}, "next": "ordered"},
            "ordered": {
                "type": "condition",
                "condition": {"type": "order"},
                "yes": "thanks",
                "no": "nudge",
            },
            "thanks": {"type": "send_email", "template": "post-purchase-thanks", "next": "end"},
            "nudge": {"type": "send_email", "template": "welcome-2", "next": "end"},
            "end": {"type": "exit"},
        },
    )
    buyers = [make_contact(shop, email_consent="granted") for _ in range(3)]
    others = [make_contact(shop, email_consent="granted") for _ in range(4)]
    for person in buyers + others:
        journey_enroll(journey=journey, contact=person, now=T)
    for buyer in buyers:
        make_order(buyer, placed_at=T + timedelta(hours=2))

    assert runs_wake(now=T + timedelta(days=1), limit=100) == 7

    def template_of(person: Contact) -> str:
        return Message.objects.get(contact=person).template_version.template.key  # type: ignore[union-attr]

    assert {template_of(p) for p in buyers} == {"post-purchase-thanks"}
    assert {template_of(p) for p in others} == {"welcome-2"}


def test_waiting_for_an_event_honours_its_property_filter(shop):
    journey = published(
        shop,
        {
            "a": {
                "type": "wait_for_event",
                "event_type": "product.viewed",
                "where": [{"property": "category", "op": "eq", "value": "shoes"}],
                "timeout": {"days": 2},
                "on_event": "shoes",
                "on_timeout": "end",
            },
            "shoes": {"type": "send_email", "template": "browse-abandonment", "next": "end"},
            "end": {"type": "exit"},
        },
    )
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None

    make_event(
        ada, "product.viewed", occurred_at=T + timedelta(hours=1), properties={"category": "hats"}
    )
    runs_wake(now=T + timedelta(hours=2), limit=10)  # not due: nothing happens
    JourneyRun.objects.filter(pk=run.pk).update(wake_at=T + timedelta(hours=2))
    runs_wake(now=T + timedelta(hours=2), limit=10)
    run.refresh_from_db()
    assert run.node == "a"  # hats are not shoes

    make_event(
        ada, "product.viewed", occurred_at=T + timedelta(hours=3), properties={"category": "shoes"}
    )
    JourneyRun.objects.filter(pk=run.pk).update(wake_at=T + timedelta(hours=3))
    runs_wake(now=T + timedelta(hours=3), limit=10)

    run.refresh_from_db()
    assert run.status == "exited"
    assert Message.objects.filter(contact=ada).count() == 1
