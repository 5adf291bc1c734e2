"""The step log says what became of each message a run queued (issue 14, finding 6): the
sender's outcome, not ``sent`` for a message the rules held back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.flows.send import messages_recover_task, messages_send
from saleor_mautomation.journeys.models import Journey, RunStep
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message, MessageAttempt
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ONE_SEND = {
    "entry": {"type": "manual"},
    "start": "hello",
    "nodes": {
        "hello": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "end": {"type": "exit"},
    },
}


@pytest.fixture
def shop(db, mailbox, time_machine):
    time_machine.move_to(T, tick=False)
    installation = make_shop("steps")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    journey = Journey.objects.create(
        installation=installation, key="one", name="one", draft=ONE_SEND
    )
    journey_publish(journey=journey, now=T)
    return installation


def send_step(contact):
    return RunStep.objects.get(run__contact=contact, node="hello", kind__in=STEP_KINDS)


STEP_KINDS = ("queued", "sent", "suppressed", "deferred", "failed", "unknown")


def test_a_queued_message_is_logged_queued_until_the_sender_decides(shop):
    # given
    ada = make_contact(shop, email_consent="granted")

    # when
    journey_enroll(journey=Journey.objects.get(key="one"), contact=ada, now=T)

    # then
    step = send_step(ada)
    message = Message.objects.get(contact=ada)
    assert (step.kind, step.detail) == (
        "queued",
        {"template": "welcome-1", "message_id": message.pk},
    )


def test_a_message_without_consent_is_logged_suppressed_with_the_reason(shop, mailbox):
    # given: a contact who never consented to marketing email
    ada = make_contact(shop, email_consent="unknown")
    journey_enroll(journey=Journey.objects.get(key="one"), contact=ada, now=T)

    # when
    messages_send()

    # then
    message = Message.objects.get(contact=ada)
    assert message.status == "suppressed"
    step = send_step(ada)
    assert (step.kind, step.detail) == (
        "suppressed",
        {
            "template": "welcome-1",
            "message_id": message.pk,
            "reason": "no marketing consent (unknown)",
        },
    )
    assert mailbox.received == []


def test_a_sent_message_is_logged_sent(shop, mailbox):
    ada = make_contact(shop, email_consent="granted")
    journey_enroll(journey=Journey.objects.get(key="one"), contact=ada, now=T)

    messages_send()

    message = Message.objects.get(contact=ada)
    step = send_step(ada)
    assert (message.status, step.kind) == ("sent", "sent")
    assert step.detail == {"template": "welcome-1", "message_id": message.pk}
    assert len(mailbox.received) == 1


def test_quiet_hours_log_deferred_until_then_sent(shop, mailbox, time_machine):
    # given: 22:00 in the contact's zone, quiet from 21 to 8 (the default rules)
    night = T.replace(hour=22)
    time_machine.move_to(night, tick=False)
    ada = make_contact(shop, email_consent="granted", time_zone="UTC")
    journey_enroll(journey=Journey.objects.get(key="one"), contact=ada, now=night)

    # when
    messages_send()

    # then
    message = Message.objects.get(contact=ada)
    step = send_step(ada)
    morning = (T + timedelta(days=1)).replace(hour=8)
    assert (step.kind, step.detail) == (
        "deferred",
        {
            "template": "welcome-1",
            "message_id": message.pk,
            "reason": "quiet hours",
            "until": morning.isoformat(),
        },
    )

    # when: the morning comes
    time_machine.move_to(morning, tick=False)
    messages_send()

    # then
    step.refresh_from_db()
    assert (step.kind, step.detail) == ("sent", {"template": "welcome-1", "message_id": message.pk})
    assert len(mailbox.received) == 1


def test_a_frequency_cap_logs_deferred_with_the_cap(shop, mailbox):
    # given: one marketing email sent to the contact an hour ago (cap: 1 per 16 h)
    ada = make_contact(shop, email_consent="granted")
    journey = Journey.objects.get(key="one")
    journey_enroll(journey=journey, contact=ada, now=T)
    messages_send()
    other = Journey.objects.create(installation=shop, key="two", name="two", draft=ONE_SEND)
    journey_publish(journey=other, now=T)

    # when
    journey_enroll(journey=other, contact=ada, now=T)
    messages_send()

    # then
    step = RunStep.objects.get(run__journey=other, node="hello", kind__in=STEP_KINDS)
    assert step.kind == "deferred"
    assert step.detail["reason"] == "frequency cap: 1 per 16 h"
    assert step.detail["until"] == (T + timedelta(hours=16)).isoformat()


def test_a_send_whose_worker_died_is_logged_with_what_recovery_made_of_it(
    shop, mailbox, time_machine
):
    # given: a marketing message claimed by a sender that started the hand-over and died
    ada = make_contact(shop, email_consent="granted")
    journey_enroll(journey=Journey.objects.get(key="one"), contact=ada, now=T)
    message = Message.objects.get(contact=ada)
    Message.objects.filter(pk=message.pk).update(status="sending", claimed_at=T, attempts=1)
    MessageAttempt.objects.create(message=message, started_at=T)

    # when: the recovery task runs once the claim is stale
    time_machine.move_to(T + timedelta(minutes=11), tick=False)
    assert messages_recover_task() == 1

    # then: the message is unknown (it may have gone out; a marketing one is never sent again)
    # and the run's step says so, with the reason
    message.refresh_from_db()
    step = send_step(ada)
    assert (message.status, step.kind) == ("unknown", "unknown")
    assert step.detail == {
        "template": "welcome-1",
        "message_id": message.pk,
        "reason": "worker lost during the send",
    }
    assert mailbox.received == []


def send_step_any(contact):
    return RunStep.objects.get(
        run__contact=contact, node="hello", kind__in=(*STEP_KINDS, "unknown")
    )
