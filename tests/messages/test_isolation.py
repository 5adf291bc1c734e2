"""One message's failure is its own: the rest of the batch, across shops, goes out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded

from saleor_mautomation.messages.models import (
    EmailProvider,
    Message,
    MessageAttempt,
    Template,
    TemplateVersion,
)
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import (
    MAX_ATTEMPTS,
    messages_claim,
    messages_recover,
    messages_send_due,
)
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"


def shop_with_templates(name):
    installation = make_shop(name)
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def subscriber(shop, email, **fields):
    return make_contact(
        shop,
        email=email,
        first_name=fields.pop("first_name", "Ada"),
        email_consent="granted",
        time_zone="Europe/Berlin",
        **fields,
    )


def poisoned(shop, body):
    """The shop's welcome template with a newer version whose HTML raises for Poppy only:
    the example context of the editor's preview never reaches the branch."""
    template = Template.objects.get(installation=shop, key="welcome-1")
    TemplateVersion.objects.create(
        template=template,
        language="en",
        number=99,
        subject="Welcome {{ contact.first_name }}",
        mjml="<mjml></mjml>",
        html=f"<p>Hi{{% if contact.first_name == 'Poppy' %}}{body}{{% endif %}}</p>",
        text="Hi",
        created_at=T,
    )
    return template


def queue(contact, key, template=None):
    template = template or Template.objects.get(
        installation_id=contact.installation_id, key="welcome-1"
    )
    message = message_enqueue(contact=contact, template=template, dedupe_key=key, now=T)
    assert message is not None
    return message


def send(now=T, **arguments):
    return messages_send_due(now=now, app_url=APP, default_from="shop@mailing.example", **arguments)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{{ 'abc'.index('z') }}", "ValueError: substring not found"),
        ("{{ 1 // 0 }}", "ZeroDivisionError: integer division or modulo by zero"),
        ("{% for i in range(10 ** 9) %}{% endfor %}", "OverflowError: Range too big."),
        (
            "{% macro again() %}{{ again() }}{% endmacro %}{{ again() }}",
            "RecursionError: maximum recursion depth exceeded",
        ),
    ],
)
def test_a_template_that_raises_for_one_recipient_fails_that_message_alone(
    db, mailbox, body, error
):
    # given: three shops' messages in one batch, one recipient's template raises
    first, second, third = (shop_with_templates(name) for name in ("first", "second", "third"))
    ada = queue(subscriber(first, "ada@first.example"), "a")
    poppy = queue(
        subscriber(second, "poppy@second.example", first_name="Poppy"),
        "p",
        poisoned(second, body),
    )
    bea = queue(subscriber(second, "bea@second.example", first_name="Bea"), "b")
    cem = queue(subscriber(third, "cem@third.example"), "c")

    # when
    counts = send()

    # then
    assert counts == {"sent": 3, "failed": 1}
    assert sorted(rcpt for _, (rcpt,), _ in mailbox.received) == [
        "ada@first.example",
        "bea@second.example",
        "cem@third.example",
    ]
    poppy.refresh_from_db()
    assert poppy.status == "failed"
    assert poppy.status_reason.startswith(error)
    assert poppy.sent_at is None
    (attempt,) = MessageAttempt.objects.filter(message=poppy)
    assert (attempt.outcome, attempt.finished_at) == ("failed", T)
    assert attempt.detail == poppy.status_reason
    assert sorted(Message.objects.values_list("pk", "status")) == sorted(
        [(ada.pk, "sent"), (poppy.pk, "failed"), (bea.pk, "sent"), (cem.pk, "sent")]
    )
    assert not Message.objects.filter(status="sending").exists()


def test_an_address_that_is_no_address_fails_that_message_alone(db, mailbox):
    # given: a contact whose stored email cannot be written into a header
    first, second = shop_with_templates("first"), shop_with_templates("second")
    broken = queue(subscriber(first, "ada@first.example\nBcc: all@first.example"), "x")
    fine = queue(subscriber(second, "bea@second.example"), "y")

    # when
    counts = send()

    # then
    assert counts == {"sent": 1, "failed": 1}
    assert [rcpt for _, rcpt, _ in mailbox.received] == [["bea@second.example"]]
    broken.refresh_from_db()
    fine.refresh_from_db()
    assert (broken.status, broken.status_reason) == (
        "failed",
        "An address must not contain line breaks",
    )
    assert fine.status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_sent_message_whose_details_the_database_refuses_stays_sent_once(mailbox):
    # given: a subject that renders a NUL character, which PostgreSQL cannot store
    first, second = shop_with_templates("first"), shop_with_templates("second")
    template = Template.objects.get(installation=first, key="welcome-1")
    template.versions.filter(language="en").update(subject='Hi{{ "\\x00" }}')
    nul = queue(subscriber(first, "ada@first.example"), "n")
    fine = queue(subscriber(second, "bea@second.example"), "f")

    # when
    counts = send()
    again = send(T + timedelta(days=1))

    # then: the batch went on; the one the provider took is sent, without its subject
    assert (counts, again) == ({"sent": 2}, {})
    nul.refresh_from_db()
    fine.refresh_from_db()
    assert (nul.status, nul.sent_at, nul.subject) == ("sent", T, "")
    assert nul.status_reason.startswith("sent; the database refused its details: ")
    assert fine.status == "sent"
    assert sorted(rcpt for _, (rcpt,), _ in mailbox.received) == [
        "ada@first.example",
        "bea@second.example",
    ]
    assert MessageAttempt.objects.get(message=nul).outcome == "sent"
    assert not Message.objects.filter(status="sending").exists()


def test_a_message_the_server_keeps_deferring_fails_after_max_attempts(db, mailbox):
    # given
    shop = shop_with_templates("first")
    mailbox.refuse["busy@first.example"] = "451 4.7.1 Try again later"
    message = queue(subscriber(shop, "busy@first.example"), "busy")

    # when: every retry comes due and is refused again
    now, outcomes = T, []
    for _ in range(MAX_ATTEMPTS):
        outcomes.append(send(now))
        message.refresh_from_db()
        now = message.send_after

    # then
    assert outcomes == [{"queued": 1}] * (MAX_ATTEMPTS - 1) + [{"failed": 1}]
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert message.status_reason == "451 4.7.1 Try again later"
    assert send(now + timedelta(days=1)) == {}
    assert MessageAttempt.objects.filter(message=message).count() == MAX_ATTEMPTS


def test_a_transactional_message_that_kills_its_worker_every_time_ends_failed(db, mailbox):
    # given: a confirmation (retried when a send is lost) whose worker dies mid-send each time
    shop = shop_with_templates("first")
    confirm = Template.objects.get(installation=shop, key="double-opt-in")
    message = queue(subscriber(shop, "new@first.example"), "doi", confirm)
    now = T
    for _ in range(MAX_ATTEMPTS):
        assert messages_claim(now=now, limit=10) == [message.pk]
        MessageAttempt.objects.create(message=message, started_at=now, outcome="started")
        now += timedelta(minutes=11)

        # when
        recovered = messages_recover(now=now)

        # then
        assert recovered == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", MAX_ATTEMPTS)
    assert message.status_reason == (
        f"worker lost during the send; claimed {MAX_ATTEMPTS} times, never finished"
    )
    assert messages_claim(now=now, limit=10) == []
    assert set(MessageAttempt.objects.values_list("outcome", flat=True)) == {"unknown"}
    assert mailbox.received == []


def test_a_message_claimed_again_and_again_but_never_started_ends_failed(db):
    # given: claimed by workers that died before starting it, MAX_ATTEMPTS times
    shop = shop_with_templates("first")
    message = queue(subscriber(shop, "ada@first.example"), "w")
    now = T
    for _ in range(MAX_ATTEMPTS - 1):
        messages_claim(now=now, limit=10)
        now += timedelta(minutes=11)
        assert messages_recover(now=now) == 1
        message.refresh_from_db()
        assert message.status == "queued"
    messages_claim(now=now, limit=10)

    # when
    recovered = messages_recover(now=now + timedelta(minutes=11))

    # then
    assert recovered == 1
    message.refresh_from_db()
    assert (message.status, message.status_reason) == (
        "failed",
        f"claimed {MAX_ATTEMPTS} times, never finished",
    )


def test_a_batch_stopped_by_an_unnamed_fault_hands_back_what_it_had_not_started(db, mailbox):
    # given: a throttled provider, and a worker stopped (Celery's soft time limit) during
    # its first pause, before the second of three messages is handed over
    shop = shop_with_templates("first")
    EmailProvider.objects.create(installation=shop, max_per_second=10)
    first, second, third = (
        queue(subscriber(shop, f"{name}@first.example"), name) for name in ("ada", "bea", "cem")
    )

    def stopped(seconds):
        raise SoftTimeLimitExceeded()

    # when (the pace's clock stands still: the second message's moment is 0.1 s ahead of it
    # however slowly the machine runs, so the sender pauses before it)
    with pytest.raises(SoftTimeLimitExceeded):
        send(sleep=stopped, clock=lambda: 1_000_000.0)

    # then: the first went; the one in hand is a lost send; the last is queued again now,
    # its claim not counted
    for message in (first, second, third):
        message.refresh_from_db()
    assert [rcpt for _, rcpt, _ in mailbox.received] == [["ada@first.example"]]
    assert (first.status, second.status, third.status) == ("sent", "sending", "queued")
    assert (third.attempts, third.send_after) == (0, T)
    assert not MessageAttempt.objects.filter(message=third).exists()
    assert messages_recover(now=T + timedelta(minutes=11)) == 1
    second.refresh_from_db()
    assert second.status == "unknown"
