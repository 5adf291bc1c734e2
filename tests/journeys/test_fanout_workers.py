"""A broadcast's bulk fan-out in worker processes against one PostgreSQL database: a worker
killed in the middle of its batch (its messages written, its steps and runs not yet) loses
nobody and queues nobody twice; the batch is retried whole, and each recipient gets one email.

The workers are ``tests/journeys/e2e.py``'s (``python -c`` running the app's Celery tasks at
a simulated moment, stopped at a chosen SQL statement with the transaction open, then
SIGKILLed). The data is committed (``transaction=True``) so the workers see it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db.models import Count

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.services import template_version_create
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.conftest import make_installation
from tests.journeys.e2e import Pause, Worker, backend_gone, smtp_server, worker_environment
from tests.messages.conftest import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # midday: no quiet hours anywhere near
RECIPIENTS = 1200  # the fan-out's batches are 500 (``flows.tasks.WAKE_BATCH``)
FAN_OUT = "saleor_mautomation.flows.tasks.broadcast_runs_wake"
SEND_BULK = "saleor_mautomation.flows.tasks.messages_send_bulk"
PING = """<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello {{ contact.email }}, <a href="{{ links.unsubscribe }}">unsubscribe</a>.</mj-text>
</mj-column></mj-section></mj-body></mjml>"""
# Inside the fan-out's transaction, once its batch's messages are written (one statement),
# before its steps and runs.
AFTER_THE_MESSAGES = Pause(prefix='INSERT INTO "mautomation_message"', contains=("unnest",))


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def start(smtp, tmp_path) -> Iterator[Any]:
    env = worker_environment(smtp[1])
    started: list[Worker] = []

    def start(pause: Pause | None = None) -> Worker:
        log = str(tmp_path / f"worker-{len(started)}.log")
        started.append(Worker(env=env, log=log, pause=pause))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def broadcast_snapshot() -> list[str]:
    """A broadcast of one email to ``RECIPIENTS`` consenting contacts, its snapshot taken
    (runs waiting at the send, due at ``T``); their addresses."""
    shop = make_installation(saleor_api_url="https://fanout-workers.example/graphql/")
    ping = Template.objects.create(installation=shop, key="ping", name="Ping")
    template_version_create(
        template=ping, language="en", subject="Ping", preheader="", mjml_source=PING, now=T
    )
    segment = segment_create(
        installation_id=shop.pk,
        name="All",
        definition={"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}},
        now=T,
    )
    contacts = Contact.objects.bulk_create(
        Contact(installation=shop, email=f"r{n:04}@example.com", email_consent="granted")
        for n in range(RECIPIENTS)
    )
    Membership.objects.bulk_create(
        Membership(installation=shop, segment=segment, contact=c, entered_at=T) for c in contacts
    )
    definition = {
        "entry": {"type": "broadcast", "segment_id": segment.pk, "send_at": T.isoformat()},
        "start": "ping",
        "nodes": {
            "ping": {"type": "send_email", "template": "ping", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = Journey.objects.create(installation=shop, key="ping", name="Ping", draft=definition)
    journey_publish(journey=journey, now=T - timedelta(days=1))
    assert broadcasts_due(now=T) == RECIPIENTS
    return [str(c.email) for c in contacts]


def test_a_fan_out_worker_killed_mid_batch_loses_nobody_and_queues_nobody_twice(start, smtp):
    # given: the snapshot; one worker that stops once its first batch's messages are written
    box, _ = smtp
    doomed, other = start(pause=AFTER_THE_MESSAGES), start()
    addresses = broadcast_snapshot()

    # when: it stops there (500 messages written in its open transaction), and another
    # worker fans out meanwhile
    doomed.run([FAN_OUT], now=T)
    backend = doomed.paused()
    other.run([FAN_OUT], now=T)

    # then: the other took the 700 runs the first does not hold, and skipped its 500
    assert other.done()[FAN_OUT] == RECIPIENTS - 500
    assert JourneyRun.objects.filter(status="waiting").count() == 500
    assert Message.objects.count() == RECIPIENTS - 500

    # when: the first is killed (SIGKILL) mid-batch
    doomed.kill()
    backend_gone(backend)

    # then: its batch was rolled back whole: its runs wait at the send, nothing written
    waiting = JourneyRun.objects.filter(status="waiting")
    assert waiting.count() == 500
    assert set(waiting.values_list("node", flat=True)) == {"ping"}
    assert not Message.objects.filter(contact__journeyrun__in=waiting).exists()
    assert not RunStep.objects.filter(run__in=waiting).exclude(kind="entered").exists()

    # when: the other fans out again, then sends
    other.run([FAN_OUT, SEND_BULK], now=T + timedelta(minutes=1))
    other.done()

    # then: every run exited once with one message, each logged once; every recipient got
    # one email
    runs = JourneyRun.objects.all()
    assert runs.count() == RECIPIENTS
    assert set(runs.values_list("status", "exit_reason")) == {("exited", "end")}
    assert Message.objects.count() == RECIPIENTS
    per_run = RunStep.objects.values("run").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(per_run) == {5}  # entered, passed, the send, passed the exit, exited
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    received = Counter(address for _, recipients, _ in box.received for address in recipients)
    assert received == Counter(addresses)
