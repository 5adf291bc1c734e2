"""After an uninstall nothing is sent and nothing waits (issue 14, finding 6): APP_DELETED
ends the shop's waiting runs (reason ``uninstalled``) and cancels its queued messages, and
its credentials are deleted once the grace period has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.installations import credentials_sweep
from saleor_mautomation.flows.send import messages_send
from saleor_mautomation.intake.services import delivery_receive
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import EmailProvider, Message, SmsProvider
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.support.samples import SAMPLE_API_URL, jwks_sample, webhook_sample

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TWO_SENDS = {
    "entry": {"type": "manual"},
    "start": "hello",
    "nodes": {
        "hello": {"type": "send_email", "template": "welcome-1", "next": "pause"},
        "pause": {"type": "wait", "duration": {"days": 2}, "next": "nudge"},
        "nudge": {"type": "send_email", "template": "welcome-2", "next": "end"},
        "end": {"type": "exit"},
    },
}


@pytest.fixture
def shop(db, time_machine):
    """The installation the captured APP_DELETED was sent to (app 8), a journey running."""
    time_machine.move_to(T, tick=False)
    installation = make_installation(
        saleor_api_url=SAMPLE_API_URL, jwks=jwks_sample(), app_id="QXBwOjg="
    )
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    journey = Journey.objects.create(
        installation=installation, key="two", name="two", draft=TWO_SENDS
    )
    journey_publish(journey=journey, now=T)
    return installation


def app_deleted():
    sample = webhook_sample("APP_DELETED")
    delivery_receive(
        saleor_api_url=SAMPLE_API_URL,
        event=sample["headers"]["Saleor-Event"],
        signature=sample["headers"]["Saleor-Signature"],
        body=sample["raw_body"].encode(),
        on_stored=lambda: None,
    )
    return deliveries_drain(batch_size=10, max_batches=1, max_attempts=3)


def test_app_deleted_exits_waiting_runs_and_cancels_queued_messages(shop):
    # given: a run waiting two days for its second send, its first message still queued
    ada = make_contact(shop, email_consent="granted")
    run = journey_enroll(journey=Journey.objects.get(key="two"), contact=ada, now=T)
    assert run is not None
    queued = Message.objects.get(contact=ada)
    assert queued.status == "queued"

    # when
    result = app_deleted()

    # then: the run ended, its message cancelled, and both said in the run's log
    assert result.processed == 1
    run.refresh_from_db()
    assert (run.status, run.exit_reason, run.exited_at, run.wake_at) == (
        "exited",
        "uninstalled",
        T,
        None,
    )
    queued.refresh_from_db()
    assert (queued.status, queued.status_reason) == ("cancelled", "the shop uninstalled the app")
    steps = list(RunStep.objects.filter(run=run).order_by("pk").values_list("node", "kind"))
    assert steps == [
        ("hello", "entered"),
        ("hello", "passed"),
        ("hello", "cancelled"),
        ("pause", "exited"),
    ]
    assert RunStep.objects.get(run=run, kind="exited").detail == {"reason": "uninstalled"}

    # and: the sender finds nothing to send, then or later
    assert messages_send() == {}
    assert not Message.objects.filter(status__in=["queued", "deferred", "sent"]).exists()


def test_a_message_claimed_as_the_shop_uninstalls_is_cancelled_not_sent(shop):
    # given: queued, then the installation uninstalled by another path (no cancel ran)
    ada = make_contact(shop, email_consent="granted")
    journey_enroll(journey=Journey.objects.get(key="two"), contact=ada, now=T)
    Installation.objects.filter(pk=shop.pk).update(status=Installation.Status.UNINSTALLED)

    # when
    counts = messages_send()

    # then
    assert counts == {"cancelled": 1}
    message = Message.objects.get(contact=ada)
    assert (message.status, message.status_reason) == ("cancelled", "the shop uninstalled the app")
    assert RunStep.objects.filter(run__contact=ada, node="hello", kind="cancelled").count() == 1


def uninstalled(days_ago, *, name):
    installation = make_installation(
        saleor_api_url=f"https://{name}.example/graphql/",
        auth_token=f"{name}-token",
        jwks={"keys": [{"kid": "1"}]},
        status=Installation.Status.UNINSTALLED,
        uninstalled_at=T - timedelta(days=days_ago),
    )
    EmailProvider.objects.create(
        installation=installation, kind="smtp", smtp_host="smtp.example", smtp_password="secret"
    )
    SmsProvider.objects.create(installation=installation, account_sid="AC1", auth_token="twilio")
    return installation


def test_credentials_are_deleted_after_the_grace_period(db):
    # given: a shop uninstalled 8 days ago, one 6 days ago, one active (grace 7 days)
    old = uninstalled(8, name="old")
    recent = uninstalled(6, name="recent")
    active = make_installation(saleor_api_url="https://active.example/graphql/")

    # when
    deleted = credentials_sweep(now=T, grace=timedelta(days=7))

    # then: only the old one's: the Saleor token, the JWKS and the provider secrets
    assert deleted == [old.pk]
    old.refresh_from_db()
    assert (old.auth_token, old.jwks, old.credentials_deleted_at) == ("", {}, T)
    provider = EmailProvider.objects.get(installation=old)
    assert (provider.smtp_host, provider.smtp_password, provider.esp_settings) == (
        "smtp.example",
        "",
        "",
    )
    assert SmsProvider.objects.get(installation=old).auth_token == ""
    recent.refresh_from_db()
    assert (recent.auth_token, recent.credentials_deleted_at) == ("recent-token", None)
    assert EmailProvider.objects.get(installation=recent).smtp_password == "secret"
    active.refresh_from_db()
    assert active.auth_token == "app-token-1"

    # and: a second sweep deletes nothing more
    assert credentials_sweep(now=T + timedelta(hours=1), grace=timedelta(days=7)) == []


def test_a_waiting_run_of_another_shop_is_left_alone(shop):
    # given: another shop's waiting run
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    templates_builtin_ensure(installation_id=other.pk, now=T)
    journey = Journey.objects.create(installation=other, key="two", name="two", draft=TWO_SENDS)
    journey_publish(journey=journey, now=T)
    bob = make_contact(other, email_consent="granted")
    run = journey_enroll(journey=journey, contact=bob, now=T)
    assert run is not None

    # when
    app_deleted()

    # then
    run.refresh_from_db()
    assert run.status == JourneyRun.Status.WAITING
    assert Message.objects.get(contact=bob).status == "queued"
