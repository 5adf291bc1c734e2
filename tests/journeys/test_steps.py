"""What steps do, on PostgreSQL with Saleor and webhook receivers on loopback: voucher codes
(one Saleor voucher per step, a code per run, retried, replayed), profile and metadata
updates, webhook calls (signed, retried), static lists, and conditions decided batch-wise."""

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
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVoucher, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.vouchers import VOUCHER_ATTEMPTS
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.models import StaticList, StaticListMember
from tests.contacts.factories import make_contact, make_event, make_order
from tests.support.samples import graphql_response

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
CHANNELS = {
    "data": {
        "channels": [
            {
                "id": "Q2hhbm5lbDox",
                "slug": "default-channel",
                "currencyCode": "USD",
                "isActive": True,
            },
            {"id": "Q2hhbm5lbDoy", "slug": "channel-pln", "currencyCode": "PLN", "isActive": True},
        ]
    }
}


def sample(name: str) -> Any:
    return graphql_response(name)["response"]


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


@pytest.fixture
def saleor_vouchers(standin):
    """The stand-in answers the voucher operations in the captured shapes."""
    standin.answers["Channels"] = lambda variables: (200, CHANNELS)
    standin.answers["VoucherCreate"] = lambda variables: (200, sample("voucher-create"))
    standin.answers["VoucherListing"] = lambda variables: (200, sample("voucher-channel-listing"))
    standin.answers["VoucherAddCodes"] = lambda variables: (200, sample("voucher-add-codes"))
    return standin


def published(shop, nodes, *, start="a", key="steps", **settings) -> Journey:
    definition = {"entry": {"type": "manual"}, "start": start, "nodes": nodes, **settings}
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=T)
    return journey


def operations(standin, name: str) -> list[dict[str, Any]]:
    found = []
    for request in standin.requests_to("/graphql/"):
        payload = request.json()
        if f" {name}(" in payload["query"] or f" {name} " in payload["query"]:
            found.append(payload.get("variables") or {})
    return found


VOUCHER_JOURNEY = {
    "a": {"type": "wait", "duration": {"days": 1}, "next": "code"},
    "code": {
        "type": "give_voucher",
        "values": {"*": 10, "channel-pln": 12},
        "valid_days": 7,
        "code_prefix": "WB",
        "next": "mail",
    },
    "mail": {"type": "send_email", "template": "abandoned-checkout-3", "next": "end"},
    "end": {"type": "exit"},
}


def test_a_voucher_step_makes_one_voucher_and_a_code_per_run_in_one_call(shop, saleor_vouchers):
    # given: three runs waiting before the voucher step
    journey = published(shop, VOUCHER_JOURNEY)
    people = [make_contact(shop, email_consent="granted") for _ in range(3)]
    for person in people:
        journey_enroll(journey=journey, contact=person, now=T)

    # when: the scheduler wakes them in one batch
    assert runs_wake(now=T + timedelta(days=1), limit=100) == 3

    # then: one voucher (value per channel, "*" for the others), one call adding three codes
    created = operations(saleor_vouchers, "VoucherCreate")
    listing = operations(saleor_vouchers, "VoucherListing")
    added = operations(saleor_vouchers, "VoucherAddCodes")
    assert len(created) == 1
    assert created[0]["input"]["singleUse"] is True
    assert created[0]["input"]["discountValueType"] == "PERCENTAGE"
    assert sorted(
        (c["channelId"], c["discountValue"]) for c in listing[0]["input"]["addChannels"]
    ) == [("Q2hhbm5lbDox", 10.0), ("Q2hhbm5lbDoy", 12.0)]
    assert len(added) == 1
    codes = added[0]["input"]["addCodes"]
    assert len(set(codes)) == 3
    assert all(code.startswith("WB-") for code in codes)
    assert added[0]["input"]["endDate"] == (T + timedelta(days=8)).isoformat()
    # each message carries its run's code
    shown = sorted(m.context["voucher"]["code"] for m in Message.objects.filter(contact__in=people))
    assert shown == sorted(codes)
    # two values (10 and 12): no single value or description to show
    voucher = Message.objects.get(contact=people[0]).context["voucher"]
    assert (voucher["value"], voucher["description"]) == (None, "")
    assert JourneyVoucher.objects.get().saleor_voucher_id == "Vm91Y2hlcjo0"


def test_a_voucher_description_is_given_when_the_value_is_the_same_everywhere(
    shop, saleor_vouchers
):
    nodes = json.loads(json.dumps(VOUCHER_JOURNEY))
    nodes["code"]["values"] = {"*": 10}
    journey = published(shop, nodes)
    ada = make_contact(shop, email_consent="granted")
    journey_enroll(journey=journey, contact=ada, now=T)

    runs_wake(now=T + timedelta(days=1), limit=10)

    voucher = Message.objects.get(contact=ada).context["voucher"]
    assert (voucher["description"], voucher["value"], voucher["type"]) == (
        "-10%",
        "10",
        "percentage",
    )
    assert voucher["valid_until"] == (T + timedelta(days=8)).isoformat()


def test_later_runs_add_codes_to_the_same_voucher(shop, saleor_vouchers):
    journey = published(shop, VOUCHER_JOURNEY)
    first, second = (make_contact(shop, email_consent="granted") for _ in range(2))
    journey_enroll(journey=journey, contact=first, now=T)
    runs_wake(now=T + timedelta(days=1), limit=10)
    journey_enroll(journey=journey, contact=second, now=T + timedelta(days=1))

    runs_wake(now=T + timedelta(days=2), limit=10)

    assert len(operations(saleor_vouchers, "VoucherCreate")) == 1
    assert len(operations(saleor_vouchers, "VoucherAddCodes")) == 2


def test_codes_saleor_already_has_from_a_crashed_attempt_are_not_added_twice(shop, saleor_vouchers):
    journey = published(shop, VOUCHER_JOURNEY)
    ada, bea = (make_contact(shop, email_consent="granted") for _ in range(2))
    for person in (ada, bea):
        journey_enroll(journey=journey, contact=person, now=T)
    calls: list[list[str]] = []

    def add_codes(variables):
        codes = variables["input"]["addCodes"]
        calls.append(codes)
        if len(calls) == 1:  # the first code got in before a crash: Saleor refuses it now
            duplicate = json.loads(json.dumps(sample("voucher-add-codes-duplicate")))
            duplicate["data"]["voucherUpdate"]["errors"][0]["voucherCodes"] = [codes[0]]
            return 200, duplicate
        return 200, sample("voucher-add-codes")

    saleor_vouchers.answers["VoucherAddCodes"] = add_codes

    runs_wake(now=T + timedelta(days=1), limit=10)

    assert len(calls) == 2
    assert calls[1] == calls[0][1:]
    assert Message.objects.filter(contact__in=[ada, bea]).count() == 2


def test_saleor_down_defers_the_run_then_it_goes_on_without_a_code(shop, saleor_vouchers):
    journey = published(shop, VOUCHER_JOURNEY)
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=journey, contact=ada, now=T)
    assert run is not None
    saleor_vouchers.answers["Channels"] = lambda variables: (503, {"error": "down"})

    moment = T + timedelta(days=1)
    for attempt in range(1, VOUCHER_ATTEMPTS):
        runs_wake(now=moment, limit=10)
        run.refresh_from_db()
        # the run stays before the voucher step, to be tried again; nothing sent yet
        assert (run.node, run.wake_at) == ("a", moment + timedelta(minutes=10))
        assert not Message.objects.filter(contact=ada).exists()
        assert RunStep.objects.filter(run=run, kind="voucher_failed").count() == attempt
        moment = moment + timedelta(minutes=10)

    runs_wake(now=moment, limit=10)

    run.refresh_from_db()
    message = Message.objects.get(contact=ada)
    assert run.status == "exited"
    assert "voucher" not in message.context
    assert "error" in RunStep.objects.get(run=run, kind="give_voucher").detail


def test_a_held_out_run_gets_no_code(shop, saleor_vouchers):
    journey = published(shop, VOUCHER_JOURNEY, holdout_percent=50)
    people = [make_contact(shop, email_consent="granted") for _ in range(12)]
    runs = [journey_enroll(journey=journey, contact=p, now=T) for p in people]
    held = [r for r in runs if r is not None and r.holdout]
    assert held  # with 12 runs at 50%, some are held out (deterministic per run id)

    runs_wake(now=T + timedelta(days=1), limit=100)

    codes = operations(saleor_vouchers, "VoucherAddCodes")[0]["input"]["addCodes"]
    assert len(codes) == len(runs) - len(held)
    assert not Message.objects.filter(contact__in=[r.contact for r in held]).exists()


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
