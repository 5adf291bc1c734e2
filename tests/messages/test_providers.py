"""Each installation's own email provider: its SMTP server, its throttle, its secrets kept
encrypted, and no sending into private networks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from saleor_mautomation.core.http import AddressNotAllowed
from saleor_mautomation.messages.models import EmailProvider, Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.providers import ProviderInvalid, email_provider_update
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import Mailbox, free_port

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def own_server():
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box, port
    controller.stop()


@pytest.fixture
def shop(db):
    installation = make_shop("own-smtp")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def queue(shop, n):
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    for i in range(n):
        contact = make_contact(shop, email=f"p{i}@example.com", email_consent="granted")
        message_enqueue(contact=contact, template=welcome, dedupe_key=f"k{i}", now=T)


def test_mail_goes_through_the_installations_own_server_at_its_pace(shop, mailbox, own_server):
    # given: the shop's own SMTP server, at most 4 messages a second
    box, port = own_server
    email_provider_update(
        installation_id=shop.pk,
        kind="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        smtp_username="",
        smtp_password="s3cret-pass",
        max_per_second=4,
        allow_private=True,
    )
    queue(shop, 3)
    pauses: list[float] = []
    moment = [1_000.0]

    def sleep(seconds: float) -> None:
        pauses.append(seconds)
        moment[0] += seconds

    # when
    counts = messages_send_due(
        now=T,
        app_url="https://app.example",
        default_from="s@x.example",
        allow_private=True,
        sleep=sleep,
        clock=lambda: moment[0],
    )

    # then
    assert counts == {"sent": 3}
    assert len(box.received) == 3
    assert mailbox.received == []  # not the deployment's default server
    assert pauses == [0.25, 0.25]


def test_secrets_are_encrypted_at_rest_and_kept_when_not_resent(shop):
    email_provider_update(
        installation_id=shop.pk,
        kind="esp",
        esp="postmark",
        esp_settings={"server_token": "pm-secret-token"},
        allow_private=False,
    )
    email_provider_update(installation_id=shop.pk, kind="esp", esp="postmark", allow_private=False)

    with connection.cursor() as cursor:
        cursor.execute("SELECT esp_settings FROM mautomation_emailprovider")
        (stored,) = cursor.fetchone()
    assert "pm-secret-token" not in stored
    assert EmailProvider.objects.get().esp_settings == '{"server_token": "pm-secret-token"}'


def test_private_servers_and_unknown_esps_are_refused(shop):
    with pytest.raises(AddressNotAllowed):
        email_provider_update(
            installation_id=shop.pk,
            kind="smtp",
            smtp_host="127.0.0.1",
            smtp_port=25,
            allow_private=False,
        )
    with pytest.raises(ProviderInvalid):
        email_provider_update(
            installation_id=shop.pk, kind="esp", esp="../../os", allow_private=False
        )
    assert not EmailProvider.objects.exists()


def test_a_provider_that_became_unusable_retries_the_messages_later(shop, own_server):
    _, port = own_server
    email_provider_update(
        installation_id=shop.pk,
        kind="smtp",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security="none",
        allow_private=True,
    )
    queue(shop, 1)

    counts = messages_send_due(now=T, app_url="https://app.example", default_from="s@x.example")

    assert counts == {"queued": 1}
    assert "private address" in Message.objects.get().status_reason
