"""The outbox over real SMTP (aiosmtpd on loopback): headers, parts, at-most-once, bounces."""

from __future__ import annotations

import base64
import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest

from saleor_mautomation.messages.models import Message, MessageAttempt, Suppression, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.rendering import SUBJECTS
from saleor_mautomation.messages.sending import messages_claim, messages_recover, messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_storefront import SUBSCRIBE, call

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"


@pytest.fixture
def shop(db):
    installation = make_shop("mailing")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def subscriber(shop, **fields):
    fields.setdefault("email_consent", "granted")
    fields.setdefault("time_zone", "Europe/Berlin")
    return make_contact(shop, first_name="Ada", **fields)


def template(shop, key="welcome-1"):
    return Template.objects.get(installation=shop, key=key)


def send(now=T):
    return messages_send_due(now=now, app_url=APP, default_from="Shop <shop@mailing.example>")


def gid(template: Template) -> str:
    return base64.b64encode(f"Template:{template.pk}".encode()).decode()


def enqueue(**arguments) -> Message:
    message = message_enqueue(**arguments)
    assert message is not None
    return message


def subject_of(template, language):
    """The version's subject rendered for Ada, the way the sender renders it."""
    version = template.versions.get(language=language)
    context = {"contact": {"first_name": "Ada"}, "shop": {"name": "Mailing"}}
    return " ".join(SUBJECTS.from_string(version.subject).render(context).split())


def parsed(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_a_marketing_email_arrives_with_its_headers_and_parts(shop, mailbox):
    # given
    ada = subscriber(shop, email="ada@example.com")
    message = enqueue(contact=ada, template=template(shop), dedupe_key="w1:ada", now=T)

    # when
    counts = send()

    # then
    assert counts == {"sent": 1}
    ((sender, recipients, raw),) = mailbox.received
    assert (sender, recipients) == ("shop@mailing.example", ["ada@example.com"])
    mime = parsed(raw)
    assert mime["To"] == "ada@example.com"
    assert mime["Subject"] == subject_of(template(shop), "en")
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = mime["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{APP}/u/")
    assert mime["List-Id"].endswith(f"<i{shop.pk}.marketing.example>")
    message.refresh_from_db()
    assert mime["Message-ID"] == message.message_id
    assert message.message_id.endswith("@marketing.example>")
    assert [part.get_content_type() for part in mime.walk()] == [
        "multipart/alternative",
        "text/plain",
        "text/html",
    ]
    text = mime.get_body(preferencelist=("plain",)).get_content()
    html = mime.get_body(preferencelist=("html",)).get_content()
    assert "Ada" in text
    assert "Ada" in html
    assert unsubscribe[1:-1] in html  # the unsubscribe link is not tracked
    assert f'src="{APP}/t/o/' in html  # the open pixel
    assert f'href="{APP}/t/c/' in html  # shop links go through the click redirect
    assert (message.status, message.sent_at, message.attempts) == ("sent", T, 1)
    assert MessageAttempt.objects.get(message=message).outcome == "sent"


def test_a_cause_is_queued_and_sent_once(shop, mailbox):
    ada = subscriber(shop)
    first = enqueue(contact=ada, template=template(shop), dedupe_key="run:1:step:2", now=T)
    again = enqueue(contact=ada, template=template(shop), dedupe_key="run:1:step:2", now=T)

    send()
    send(T + timedelta(minutes=1))

    assert first == again
    assert len(mailbox.received) == 1


def test_german_contacts_get_the_german_version(shop, mailbox):
    hans = subscriber(shop, language_code="de")
    enqueue(contact=hans, template=template(shop), dedupe_key="w1:hans", now=T)

    send()

    (mime,) = [parsed(raw) for _, _, raw in mailbox.received]
    assert mime["Subject"] == subject_of(template(shop), "de")
    assert mime["Subject"] != subject_of(template(shop), "en")


def test_no_consent_and_suppressed_addresses_get_no_marketing(shop, mailbox):
    # given
    pending = subscriber(shop, email_consent="pending")
    bounced = subscriber(shop, email="gone@example.com")
    Suppression.objects.create(
        installation=shop, address="gone@example.com", reason="bounce", created_at=T
    )
    enqueue(contact=pending, template=template(shop), dedupe_key="a", now=T)
    enqueue(contact=bounced, template=template(shop), dedupe_key="b", now=T)

    # when
    counts = send()

    # then
    assert counts == {"suppressed": 2}
    assert mailbox.received == []
    reasons = sorted(Message.objects.values_list("status_reason", flat=True))
    assert reasons == ["no marketing consent (pending)", "the address is suppressed (bounce)"]


def test_the_double_opt_in_confirmation_is_transactional(shop, mailbox):
    pending = subscriber(shop, email_consent="pending", email="new@example.com")
    enqueue(contact=pending, template=template(shop, "double-opt-in"), dedupe_key="doi:1", now=T)

    assert send() == {"sent": 1}
    mime = parsed(mailbox.received[0][2])
    assert mime["List-Unsubscribe"] is None
    assert f"{APP}/p/" in mime.get_body(preferencelist=("html",)).get_content()


def test_caps_and_quiet_hours_defer_and_the_message_goes_later(shop, mailbox):
    # given: one welcome sent; a second marketing email is capped for 16 hours
    ada = subscriber(shop)
    enqueue(contact=ada, template=template(shop, "welcome-1"), dedupe_key="1", now=T)
    send()
    second = enqueue(contact=ada, template=template(shop, "welcome-2"), dedupe_key="2", now=T)

    # when
    assert send() == {"deferred": 1}
    second.refresh_from_db()

    # then: deferred to T+16h = 04:00 Berlin, which is quiet: deferred again to 08:00 Berlin
    assert second.send_after == T + timedelta(hours=16)
    assert send(T + timedelta(hours=16)) == {"deferred": 1}
    second.refresh_from_db()
    assert second.send_after == datetime(2026, 6, 16, 6, 0, tzinfo=UTC)
    assert send(datetime(2026, 6, 16, 6, 0, tzinfo=UTC)) == {"sent": 1}
    assert len(mailbox.received) == 2


def test_a_refused_recipient_is_a_bounce_and_suppressed(shop, mailbox):
    ada = subscriber(shop, email="nobody@example.com")
    mailbox.refuse["nobody@example.com"] = "550 5.1.1 No such user"
    message = enqueue(contact=ada, template=template(shop), dedupe_key="x", now=T)

    assert send() == {"bounced": 1}

    message.refresh_from_db()
    assert message.status_reason == "550 5.1.1 No such user"
    suppression = Suppression.objects.get(installation=shop)
    assert (suppression.address, suppression.reason) == ("nobody@example.com", "bounce")


def test_a_temporary_refusal_retries_with_backoff(shop, mailbox):
    ada = subscriber(shop, email="busy@example.com")
    mailbox.refuse["busy@example.com"] = "451 4.7.1 Try again later"
    message = enqueue(contact=ada, template=template(shop), dedupe_key="y", now=T)

    assert send() == {"queued": 1}
    message.refresh_from_db()
    assert (message.status, message.send_after) == ("queued", T + timedelta(minutes=2))
    del mailbox.refuse["busy@example.com"]
    assert send(T + timedelta(minutes=2)) == {"sent": 1}
    assert MessageAttempt.objects.filter(message=message).count() == 2


def test_a_send_lost_with_its_worker_is_never_repeated_for_marketing(shop, mailbox):
    # given: claimed (committed as sending), then the worker died
    ada = subscriber(shop)
    marketing = enqueue(contact=ada, template=template(shop), dedupe_key="m", now=T)
    confirm = enqueue(contact=ada, template=template(shop, "double-opt-in"), dedupe_key="c", now=T)
    assert sorted(messages_claim(now=T, limit=10)) == sorted([marketing.pk, confirm.pk])
    for message in (marketing, confirm):  # handed over: the attempt is recorded first
        MessageAttempt.objects.create(message=message, started_at=T, outcome="started")

    # when: the recovery runs later
    recovered = messages_recover(now=T + timedelta(minutes=11))

    # then
    assert recovered == 2
    marketing.refresh_from_db()
    confirm.refresh_from_db()
    assert marketing.status == "unknown"
    assert confirm.status == "queued"
    assert send(T + timedelta(minutes=11)) == {"sent": 1}
    assert len(mailbox.received) == 1


def test_messages_claimed_by_a_lost_worker_but_never_started_go_out_after_recovery(shop, mailbox):
    # given: a worker claimed two messages, handed the first over, and died
    ada, bea = subscriber(shop), subscriber(shop, email="bea@example.com")
    first = enqueue(contact=ada, template=template(shop), dedupe_key="1", now=T)
    second = enqueue(contact=bea, template=template(shop), dedupe_key="2", now=T)
    assert sorted(messages_claim(now=T, limit=10)) == sorted([first.pk, second.pk])
    MessageAttempt.objects.create(message=first, started_at=T, outcome="started")

    # when
    recovered = messages_recover(now=T + timedelta(minutes=11))

    # then: the first may have gone out (never again); the second never left: it goes now
    assert recovered == 2
    assert send(T + timedelta(minutes=11)) == {"sent": 1}
    first.refresh_from_db()
    assert first.status == "unknown"
    assert [rcpt for _, rcpt, _ in mailbox.received] == [["bea@example.com"]]
    assert MessageAttempt.objects.get(message=first).outcome == "unknown"


def test_a_storefront_sign_up_gets_one_confirmation_per_hour(
    client, standin_installation, mailbox, django_capture_on_commit_callbacks
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)

    # when: the form is sent twice
    for _ in range(2):
        response = call(
            client, standin_installation, SUBSCRIBE, {"email": "Neu@Example.com", "anon": None}
        )
        assert response.json() == {"data": {"subscribe": {"status": "PENDING"}}}

    # then: one confirmation queued, transactional, sent with its confirmation link
    (message,) = Message.objects.filter(installation=standin_installation)
    assert (message.kind, message.to_address) == ("transactional", "neu@example.com")
    assert message.dedupe_key.startswith("double-opt-in:")
    assert messages_send_due(
        now=message.send_after, app_url=APP, default_from="shop@mailing.example"
    ) == {"sent": 1}
    html = parsed(mailbox.received[0][2]).get_body(preferencelist=("html",)).get_content()
    assert f"{APP}/p/" in html


TEST_SEND = """mutation T($id: ID!, $to: String!) {
  sendTestEmail(templateId: $id, language: "de", to: $to) { messageId } }"""


def test_an_admin_test_send_uses_the_example_and_the_real_headers(
    client, standin_installation, mailbox
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    vip = template(standin_installation, "vip")

    # when
    body = ask(client, standin_installation, TEST_SEND, id=gid(vip), to="admin@shop.example")
    refused = ask(client, standin_installation, TEST_SEND, id=gid(vip), to="x\nBcc: y@z.example")

    # then
    assert body["data"]["sendTestEmail"]["messageId"].startswith("<m0.")
    ((_, recipients, raw),) = mailbox.received
    assert recipients == ["admin@shop.example"]
    mime = parsed(raw)
    assert mime["Subject"].startswith("[Test] ")
    assert mime["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Ada" in mime.get_body(preferencelist=("html",)).get_content()
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_ADDRESS"
    assert Message.objects.count() == 0  # outside the outbox
