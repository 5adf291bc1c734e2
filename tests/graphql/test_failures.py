"""Failed deliveries, runs and messages in the Dashboard (PostgreSQL): listed with their error
for their own shop only, retried once the cause is gone (a retried delivery is processed by
the next drain), discarded, and refused when not failed."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine

from saleor_mautomation.contacts.config import contacts_config_clear_cache
from saleor_mautomation.contacts.models import Contact, ContactsConfig
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.send import send_soon
from saleor_mautomation.flows.tasks import drain_nudge
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.retention import ERASED_BODY
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.journeys.failures import RUN_MAX_ATTEMPTS, run_fail
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import (
    MAX_ATTEMPTS,
    STUCK_AFTER,
    messages_claim,
    messages_recover,
)
from tests.contacts.factories import make_contact, make_signed_shop
from tests.graphql.test_contacts import ask
from tests.support.keys import signing_key
from tests.support.samples import webhook_sample

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)

FAILURES = """query F($kind: FailureKind!, $first: Int, $after: String) {
  failures(kind: $kind, first: $first, after: $after) {
    edges { cursor node { id kind error attempts at summary retryable } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
  failureCounts { deliveries runs messages }
}"""
RETRY = """mutation R($kind: FailureKind!, $id: ID!) {
  retryFailure(kind: $kind, id: $id) { retried } }"""
DISCARD = """mutation D($kind: FailureKind!, $id: ID!) {
  discardFailure(kind: $kind, id: $id) { discarded } }"""
WAIT_THEN_SEND: dict[str, Any] = {
    "entry": {"type": "manual"},
    "reentry": {"mode": "every_time"},
    "start": "pause",
    "nodes": {
        "pause": {"type": "wait", "duration": {"days": 1}, "next": "hello"},
        "hello": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "end": {"type": "exit"},
    },
}


def gid(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def shop(name: str):
    return make_signed_shop(name, now=T)


def receive(installation, event: str, payload: dict[str, Any]) -> Delivery:
    body = json.dumps(payload).encode()
    delivery_receive(
        saleor_api_url=installation.saleor_api_url,
        event=event,
        signature=signing_key(0).sign_webhook(body),
        body=body,
        on_stored=lambda: None,
    )
    return Delivery.objects.get(installation=installation, body=body)


def poison_order(installation, number: str) -> Delivery:
    """An order in a currency no column can hold: the drain fails it (DataError)."""
    payload = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])
    order = payload["order"]
    order["id"], order["number"], order["user"] = f"T3JkZXI6{number}", number, None
    order["userEmail"] = f"buyer{number}@example.com"
    for money in (order["total"]["gross"], order["total"]["net"], order["subtotal"]["gross"]):
        money["currency"] = "EURO"
    order["totalCharged"]["currency"] = "EURO"
    return receive(installation, "ORDER_CREATED", payload)


def drain() -> None:
    deliveries_drain(batch_size=10, max_batches=5, max_attempts=3)


def failed_run(installation, contact: Contact | None = None) -> JourneyRun:
    journey = Journey.objects.filter(installation=installation, key="welcome").first()
    if journey is None:
        journey = Journey.objects.create(
            installation=installation,
            key="welcome",
            name="Welcome",
            draft=copy.deepcopy(WAIT_THEN_SEND),
        )
        journey_publish(journey=journey, now=T)
    run = journey_enroll(
        journey=journey,
        contact=contact or make_contact(installation, email="run@example.com"),
        now=T,
    )
    assert run is not None
    for attempt in range(RUN_MAX_ATTEMPTS):
        run = run_fail(run_id=run.pk, error=f"KeyError: 'nowhere' ({attempt})", now=T)
    return run


def failed_message(installation) -> Message:
    """A message whose sends never finished (the worker died each time) until its claims
    ran out: ``messages_recover`` failed it."""
    contact = make_contact(installation, email="reader@example.com", email_consent="granted")
    template = Template.objects.get(installation=installation, key="welcome-1")
    message = message_enqueue(contact=contact, template=template, dedupe_key="m", now=T)
    assert message is not None
    moment = T
    for _ in range(MAX_ATTEMPTS):
        assert messages_claim(now=moment, limit=10) == [message.pk]
        moment += STUCK_AFTER + timedelta(minutes=1)
        messages_recover(now=moment)
    message.refresh_from_db()
    assert message.status == Message.Status.FAILED
    return message


def nodes(body) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body["data"]["failures"]["edges"]]


def test_each_kind_is_listed_with_its_error_for_its_own_shop_only(client, db):
    # given: a failed delivery, run and message in each of two shops
    first, second = shop("first"), shop("second")
    delivery, other_delivery = poison_order(first, "1"), poison_order(second, "2")
    drain()
    delivery.refresh_from_db()
    assert delivery.processed_at is not None
    run, _ = failed_run(first), failed_run(second)
    message, _ = failed_message(first), failed_message(second)
    last_claim = T + (MAX_ATTEMPTS - 1) * (STUCK_AFTER + timedelta(minutes=1))

    # when
    listed = {
        kind: ask(client, first, FAILURES, kind=kind) for kind in ("DELIVERY", "RUN", "MESSAGE")
    }

    # then
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error.startswith("DataError")
    assert nodes(listed["DELIVERY"]) == [
        {
            "id": gid("Delivery", delivery.pk),
            "kind": "DELIVERY",
            "error": delivery.error,
            "attempts": 1,
            "at": delivery.processed_at.isoformat(),
            "summary": "ORDER_CREATED",
            "retryable": True,
        }
    ]
    assert nodes(listed["RUN"]) == [
        {
            "id": gid("JourneyRun", run.pk),
            "kind": "RUN",
            "error": f"KeyError: 'nowhere' ({RUN_MAX_ATTEMPTS - 1})",
            "attempts": RUN_MAX_ATTEMPTS,
            "at": T.isoformat(),
            "summary": "journey welcome, node pause",
            "retryable": True,
        }
    ]
    assert nodes(listed["MESSAGE"]) == [
        {
            "id": gid("Message", message.pk),
            "kind": "MESSAGE",
            "error": f"claimed {MAX_ATTEMPTS} times, never finished",
            "attempts": MAX_ATTEMPTS,
            "at": last_claim.isoformat(),
            "summary": "email template welcome-1",
            "retryable": True,
        }
    ]
    for body in listed.values():
        assert body["data"]["failureCounts"] == {"deliveries": 1, "runs": 1, "messages": 1}
        assert body["data"]["failures"]["totalCount"] == 1
        assert "example.com" not in json.dumps(nodes(body))
    # the other shop's failures are still there, unlisted and untouched
    other_delivery.refresh_from_db()
    assert other_delivery.status == Delivery.Status.FAILED
    assert JourneyRun.objects.filter(status="failed").count() == 2
    assert Message.objects.filter(status="failed").count() == 2


def test_the_list_pages_by_cursor_latest_failure_first(client, db):
    # given: three failed deliveries, failed an hour apart
    installation = shop("first")
    deliveries = [poison_order(installation, str(n)) for n in (1, 2, 3)]
    drain()
    for hours, delivery in enumerate(deliveries):
        Delivery.objects.filter(pk=delivery.pk).update(processed_at=T + timedelta(hours=hours))

    # when
    page = ask(client, installation, FAILURES, kind="DELIVERY", first=2)
    cursor = page["data"]["failures"]["pageInfo"]["endCursor"]
    rest = ask(client, installation, FAILURES, kind="DELIVERY", first=2, after=cursor)
    wrong = ask(client, installation, FAILURES, kind="RUN", after=cursor)

    # then
    ids = [gid("Delivery", d.pk) for d in reversed(deliveries)]
    assert [node["id"] for node in nodes(page)] == ids[:2]
    assert page["data"]["failures"]["pageInfo"]["hasNextPage"] is True
    assert [node["id"] for node in nodes(rest)] == ids[2:]
    assert rest["data"]["failures"]["pageInfo"]["hasNextPage"] is False
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def customer_created(installation, email: str) -> Delivery:
    payload = json.loads(webhook_sample("CUSTOMER_CREATED")["raw_body"])
    payload["user"]["email"] = email
    return receive(installation, "CUSTOMER_CREATED", payload)


def test_a_delivery_retried_once_its_cause_is_gone_is_processed_by_the_next_drain(
    client, db, django_capture_on_commit_callbacks
):
    # given: a customer delivery failed by a defect its handler met (metadata keys stored as
    # a list by hand, which the handler cannot read), then the setting repaired
    installation = shop("first")
    ContactsConfig.objects.create(
        installation=installation, erasure_salt="s", metadata_keys=["birthday"]
    )
    contacts_config_clear_cache()
    delivery = customer_created(installation, "new@example.com")
    drain()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error.startswith("AttributeError")
    error = delivery.error
    ContactsConfig.objects.filter(installation=installation).update(metadata_keys={})
    contacts_config_clear_cache()

    # when
    with django_capture_on_commit_callbacks() as callbacks:
        body = ask(client, installation, RETRY, kind="DELIVERY", id=gid("Delivery", delivery.pk))

    # then: pending again with no attempts, its error kept until processed; the drain woken
    assert body["data"]["retryFailure"] == {"retried": True}
    assert callbacks == [drain_nudge]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error, delivery.processed_at) == (
        Delivery.Status.PENDING,
        0,
        error,
        None,
    )
    assert not Contact.objects.filter(email="new@example.com").exists()

    # when: the drain runs
    drain()

    # then
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (
        Delivery.Status.PROCESSED,
        1,
        "",
    )
    assert Contact.objects.filter(installation=installation, email="new@example.com").exists()
    assert ask(client, installation, FAILURES, kind="DELIVERY")["data"]["failureCounts"] == {
        "deliveries": 0,
        "runs": 0,
        "messages": 0,
    }


def test_a_delivery_whose_body_was_erased_cannot_be_retried(client, db):
    # given
    installation = shop("first")
    delivery = poison_order(installation, "1")
    drain()
    Delivery.objects.filter(pk=delivery.pk).update(body=ERASED_BODY)

    # when
    listed = ask(client, installation, FAILURES, kind="DELIVERY")
    body = ask(client, installation, RETRY, kind="DELIVERY", id=gid("Delivery", delivery.pk))

    # then
    assert nodes(listed)[0]["retryable"] is False
    assert body["data"] == {"retryFailure": None}
    assert body["errors"][0]["extensions"]["code"] == "BODY_ERASED"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)


def test_a_run_retried_waits_at_its_step_with_fresh_attempts(client, db):
    # given
    installation = shop("first")
    run = failed_run(installation)

    # when
    with time_machine.travel(T + timedelta(days=2), tick=False):
        body = ask(client, installation, RETRY, kind="RUN", id=gid("JourneyRun", run.pk))

    # then
    assert body["data"]["retryFailure"] == {"retried": True}
    run.refresh_from_db()
    assert (run.status, run.node, run.attempts, run.error, run.wake_at, run.exited_at) == (
        JourneyRun.Status.WAITING,
        "pause",
        0,
        "",
        T + timedelta(days=2),
        None,
    )
    assert RunStep.objects.filter(run=run, kind="retried").count() == 1


def test_a_run_is_not_retried_while_the_contact_has_another_open_run(client, db):
    # given: the run failed, and the contact entered the journey again since
    installation = shop("first")
    contact = make_contact(installation, email="again@example.com")
    run = failed_run(installation, contact)
    again = journey_enroll(journey=run.journey, contact=contact, now=T + timedelta(days=1))
    assert again is not None

    # when
    body = ask(client, installation, RETRY, kind="RUN", id=gid("JourneyRun", run.pk))

    # then
    assert body["errors"][0]["extensions"]["code"] == "RUN_OPEN"
    run.refresh_from_db()
    assert (run.status, run.attempts) == (JourneyRun.Status.FAILED, RUN_MAX_ATTEMPTS)


def test_a_message_retried_goes_back_to_the_queue_and_wakes_the_sender(
    client, db, django_capture_on_commit_callbacks
):
    # given
    installation = shop("first")
    message = failed_message(installation)
    later = T + timedelta(days=1)

    # when
    with (
        time_machine.travel(later, tick=False),
        django_capture_on_commit_callbacks() as callbacks,
    ):
        body = ask(client, installation, RETRY, kind="MESSAGE", id=gid("Message", message.pk))

    # then: queued and due now, no attempts made, the sender woken; the next claim takes it
    assert body["data"]["retryFailure"] == {"retried": True}
    assert callbacks == [send_soon]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.send_after) == (
        Message.Status.QUEUED,
        0,
        later,
    )
    assert messages_claim(now=later, limit=10) == [message.pk]


def test_a_message_the_provider_may_have_taken_is_not_retried(client, db):
    # given: sent, then reported failed by the provider
    installation = shop("first")
    message = failed_message(installation)
    Message.objects.filter(pk=message.pk).update(sent_at=T, status_reason="ESP: failed")

    # when
    listed = ask(client, installation, FAILURES, kind="MESSAGE")
    body = ask(client, installation, RETRY, kind="MESSAGE", id=gid("Message", message.pk))

    # then
    assert nodes(listed)[0]["retryable"] is False
    assert body["errors"][0]["extensions"]["code"] == "MAY_HAVE_BEEN_SENT"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Message.Status.FAILED, MAX_ATTEMPTS)


def test_discarded_failures_leave_the_list_and_are_not_tried_again(client, db):
    # given
    installation = shop("first")
    delivery = poison_order(installation, "1")
    drain()
    delivery.refresh_from_db()
    error = delivery.error
    run, message = failed_run(installation), failed_message(installation)
    ids = {
        "DELIVERY": gid("Delivery", delivery.pk),
        "RUN": gid("JourneyRun", run.pk),
        "MESSAGE": gid("Message", message.pk),
    }

    # when
    discarded = {
        kind: ask(client, installation, DISCARD, kind=kind, id=pk) for kind, pk in ids.items()
    }
    again = {kind: ask(client, installation, DISCARD, kind=kind, id=pk) for kind, pk in ids.items()}
    retried = {kind: ask(client, installation, RETRY, kind=kind, id=pk) for kind, pk in ids.items()}

    # then
    assert all(b["data"]["discardFailure"] == {"discarded": True} for b in discarded.values())
    for body in (*again.values(), *retried.values()):
        assert body["errors"][0]["extensions"]["code"] == "NOT_FAILED"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (Delivery.Status.IGNORED, f"discarded: {error}")
    run.refresh_from_db()
    assert (run.status, run.exit_reason) == (JourneyRun.Status.EXITED, "discarded")
    message.refresh_from_db()
    assert (message.status, message.status_reason) == (
        Message.Status.FAILED,
        f"discarded: claimed {MAX_ATTEMPTS} times, never finished",
    )
    for kind in ids:
        listed = ask(client, installation, FAILURES, kind=kind)
        assert nodes(listed) == []
        assert listed["data"]["failureCounts"] == {"deliveries": 0, "runs": 0, "messages": 0}
    # nothing goes again
    assert deliveries_drain(batch_size=10, max_batches=5, max_attempts=3).total == 0
    assert messages_claim(now=T + timedelta(days=1), limit=10) == []


def test_what_is_not_failed_or_is_another_shops_is_refused_and_left_alone(client, db):
    # given: a processed delivery here, a failed one in another shop
    first, second = shop("first"), shop("second")
    processed = customer_created(first, "fine@example.com")
    others = poison_order(second, "2")
    drain()
    processed.refresh_from_db()
    assert processed.status == Delivery.Status.PROCESSED

    # when
    not_failed = ask(client, first, RETRY, kind="DELIVERY", id=gid("Delivery", processed.pk))
    not_ours = ask(client, first, RETRY, kind="DELIVERY", id=gid("Delivery", others.pk))
    not_ours_discard = ask(client, first, DISCARD, kind="DELIVERY", id=gid("Delivery", others.pk))
    wrong_kind = ask(client, first, RETRY, kind="RUN", id=gid("Delivery", others.pk))

    # then
    assert not_failed["errors"][0]["extensions"]["code"] == "NOT_FAILED"
    assert not_ours["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not_ours_discard["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert wrong_kind["errors"][0]["extensions"]["code"] == "INVALID_ID"
    others.refresh_from_db()
    assert (others.status, others.attempts) == (Delivery.Status.FAILED, 1)
    processed.refresh_from_db()
    assert (processed.status, processed.attempts) == (Delivery.Status.PROCESSED, 1)
