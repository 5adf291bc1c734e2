"""The channel registry: every declared channel, and an undeclared one is an error, not email."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from saleor_mautomation.contacts.models import PushSubscription
from saleor_mautomation.messages.channels import CHANNELS, UnknownChannel, channel_spec
from saleor_mautomation.messages.models import Message, MessageAttempt, Template
from saleor_mautomation.messages.outbox import address_of, message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_every_channel_of_the_templates_is_declared_once():
    assert sorted(CHANNELS) == ["email", "push", "sms"]
    assert {name: spec.consent_field for name, spec in CHANNELS.items()} == {
        "email": "email_consent",
        "sms": "sms_consent",
        "push": "push_consent",
    }
    assert [name for name, spec in CHANNELS.items() if spec.follows_contact] == ["sms"]
    assert all(channel_spec(name) is spec for name, spec in CHANNELS.items())
    assert all(spec.channel == name for name, spec in CHANNELS.items())


@pytest.mark.parametrize("name", ["postal", "", "EMAIL", "fax"])
def test_an_undeclared_channel_is_refused(name):
    with pytest.raises(UnknownChannel) as raised:
        channel_spec(name)

    assert raised.value.code == "unknown_channel"
    assert raised.value.message == f"No channel {name!r} is declared (one of email, sms, push)"


def test_each_channel_finds_its_own_address_or_none(db):
    # given
    shop = make_shop("channels")
    both = make_contact(shop, email="ada@example.com", phone="+4915112345678")
    bare = make_contact(shop, email="", phone="")
    PushSubscription.objects.create(
        installation=shop,
        contact=both,
        endpoint="https://push.example/1",
        p256dh="key",
        auth="auth",
        created_at=T,
    )

    # when
    addresses = {
        (who, channel): address_of(contact, channel)
        for who, contact in (("both", both), ("bare", bare))
        for channel in ("email", "sms", "push")
    }

    # then
    assert addresses == {
        ("both", "email"): "ada@example.com",
        ("both", "sms"): "+4915112345678",
        ("both", "push"): f"push:{both.pk}",
        ("bare", "email"): None,
        ("bare", "sms"): None,
        ("bare", "push"): None,
    }
    assert [channel_spec(name).unreachable(bare) for name in ("email", "sms", "push")] == [
        "the contact has no email address",
        "the contact has no phone number",
        "the contact has no active push subscription",
    ]
    assert [channel_spec(name).unreachable(both) for name in ("email", "sms", "push")] == [
        "",
        "",
        "",
    ]


def test_a_template_of_an_undeclared_channel_queues_nothing(db):
    # given: a row no form writes (the column has choices, the database does not check them)
    shop = make_shop("channels")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    Template.objects.filter(installation=shop, key="welcome-1").update(channel="postal")
    template = Template.objects.get(installation=shop, key="welcome-1")
    ada = make_contact(shop, email="ada@example.com", email_consent="granted")

    # when
    with pytest.raises(UnknownChannel):
        message_enqueue(contact=ada, template=template, dedupe_key="p", now=T)

    # then
    assert not Message.objects.exists()


def test_a_queued_message_of_an_undeclared_channel_fails_and_is_never_emailed(db, mailbox):
    # given: two queued welcome emails, one of them then rewritten to a channel that is gone
    shop = make_shop("channels")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    template = Template.objects.get(installation=shop, key="welcome-1")
    ada, bea = (
        make_contact(shop, email=f"{name}@example.com", email_consent="granted")
        for name in ("ada", "bea")
    )
    gone = message_enqueue(contact=ada, template=template, dedupe_key="a", now=T)
    kept = message_enqueue(contact=bea, template=template, dedupe_key="b", now=T)
    assert gone is not None
    assert kept is not None
    Message.objects.filter(pk=gone.pk).update(channel="fax")

    # when
    counts = messages_send_due(now=T, app_url="https://m.example", default_from="s@m.example")

    # then
    assert counts == {"failed": 1, "sent": 1}
    assert [rcpt for _, rcpt, _ in mailbox.received] == [["bea@example.com"]]
    gone.refresh_from_db()
    assert (gone.status, gone.status_reason) == (
        "failed",
        "No channel 'fax' is declared (one of email, sms, push)",
    )
    assert MessageAttempt.objects.get(message=gone).outcome == "failed"
