"""Workers as separate OS processes against one PostgreSQL database: runs advance exactly once
and messages reach SMTP exactly once, whether two workers overlap or one is killed mid-batch.

Each worker is ``python -c`` running the app's Celery tasks (``runs_wake``, whose sender wake-up
runs inline, ``messages_send``, ``messages_recover``) at a simulated moment; a worker can be
stopped at a chosen SQL statement with its transaction open, then resumed or SIGKILLed.
The data is committed (``transaction=True``) so the workers see it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.services import template_version_create, templates_builtin_ensure
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.journeys.e2e import (
    RECOVER,
    SEND,
    WAKE,
    Pause,
    Worker,
    backend_gone,
    parsed,
    smtp_server,
    worker_environment,
)
from tests.messages.conftest import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # midday: no quiet hours anywhere near
RUNS = 1000
WORKERS_SHOP = "https://workers.example/graphql/"
HELLO: dict[str, Any] = {
    "entry": {"type": "manual"},
    "start": "hello",
    "nodes": {
        "hello": {"type": "send_email", "template": "ping", "next": "end"},
        "end": {"type": "exit"},
    },
}
# A small email: the sender renders a thousand of them.
PING = """<mjml><mj-body><mj-section><mj-column>
<mj-text>Hello {{ contact.email }}, <a href="https://shop.example/new">new in</a>.</mj-text>
<mj-text><a href="{{ links.unsubscribe }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""
# Inside ``runs_wake``'s transaction, once 50 outbox rows of its batch are written.
MID_BATCH = Pause(prefix='INSERT INTO "mautomation_message"', count=50, rows=True)


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def start(smtp, tmp_path) -> Iterator[Any]:
    """Start worker processes (each sets itself up meanwhile); all are stopped at the end."""
    env = worker_environment(smtp[1])
    started: list[Worker] = []

    def start(pause: Pause | None = None) -> Worker:
        log = str(tmp_path / f"worker-{len(started)}.log")
        started.append(Worker(env=env, log=log, pause=pause))
        return started[-1]

    yield start
    for worker in started:
        worker.stop()


def due_runs(count: int, *, wake_at: datetime = T, offset: int = 0) -> list[Contact]:
    """``count`` contacts, each with a run at a send step, due at ``wake_at``."""
    shop = Installation.objects.filter(saleor_api_url=WORKERS_SHOP).first()
    if shop is None:
        shop = make_installation(saleor_api_url=WORKERS_SHOP)
        ping = Template.objects.create(installation=shop, key="ping", name="Ping")
        template_version_create(
            template=ping, language="en", subject="Ping", preheader="", mjml_source=PING, now=T
        )
        journey = Journey.objects.create(installation=shop, key="hello", name="Hello", draft=HELLO)
        journey_publish(journey=journey, now=T)
    journey = Journey.objects.select_related("current_version").get(installation=shop)
    contacts = Contact.objects.bulk_create(
        Contact(installation=shop, email=f"person{n:04}@example.com", email_consent="granted")
        for n in range(offset, offset + count)
    )
    JourneyRun.objects.bulk_create(
        JourneyRun(
            installation=shop,
            journey=journey,
            version=journey.current_version,
            contact=contact,
            node="hello",
            node_entered_at=T - timedelta(hours=1),
            wake_at=wake_at,
            entered_at=T - timedelta(hours=1),
        )
        for contact in contacts
    )
    return contacts


def lockable_runs() -> int:
    """Waiting runs no worker holds (what a worker claiming now could take)."""
    with transaction.atomic():
        return len(
            JourneyRun.objects.select_for_update(skip_locked=True)
            .filter(status=JourneyRun.Status.WAITING)
            .values_list("pk", flat=True)
        )


def received(box: Mailbox) -> Counter[str]:
    """How often each address got an email."""
    return Counter(address for _, recipients, _ in box.received for address in recipients)


def assert_each_run_once(contacts: list[Contact], box: Mailbox) -> None:
    """Every run advanced once (one send logged, exited), one outbox row per run, sent, and
    exactly one email per contact at the SMTP server, each with its row's Message-ID."""
    runs = JourneyRun.objects.all()
    assert runs.count() == len(contacts)
    assert set(runs.values_list("status", "exit_reason")) == {("exited", "end")}
    sends = RunStep.objects.filter(kind="sent").values("run").annotate(n=Count("pk"))
    assert sorted({row["n"] for row in sends}) == [1]
    assert len(sends) == len(contacts)
    assert Message.objects.count() == len(contacts)
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    assert received(box) == Counter(contact.email for contact in contacts)
    ids = [str(parsed(raw)["Message-ID"]) for _, _, raw in box.received]
    assert sorted(ids) == sorted(Message.objects.values_list("message_id", flat=True))


# -- waking runs --------------------------------------------------------------------------------


def test_two_workers_started_together_advance_each_run_once(start, smtp):
    # given
    box, _ = smtp
    first, second = start(), start()
    contacts = due_runs(RUNS)
    first.ready()
    second.ready()

    # when: both wake runs (and send what they queued) from the same moment
    first.run([WAKE], now=T)
    second.run([WAKE], now=T)
    woken = [first.done()[WAKE], second.done()[WAKE]]

    # then: between them they advanced every run, none twice
    assert sum(woken) == RUNS
    assert_each_run_once(contacts, box)


def test_a_worker_killed_mid_batch_loses_no_run_and_sends_nothing_twice(start, smtp):
    # given: 100 runs due at noon, 200 more at half past
    box, _ = smtp
    doomed, other = start(pause=MID_BATCH), start()
    contacts = [*due_runs(100), *due_runs(200, wake_at=T + timedelta(minutes=30), offset=100)]

    # when: worker A, at noon, stops in the middle of its batch (the 100 runs due then; 50
    # outbox rows written in its open transaction); worker B runs at one o'clock meanwhile
    doomed.run([WAKE], now=T)
    backend = doomed.paused()
    assert lockable_runs() == 200
    other.run([WAKE], now=T + timedelta(hours=1))

    # then: B advanced and sent the 200 runs A does not hold, and skipped A's
    assert other.done()[WAKE] == 200
    assert JourneyRun.objects.filter(status="waiting").count() == 100
    assert len(box.received) == 200

    # when: A is killed (SIGKILL) mid-batch
    doomed.kill()
    backend_gone(backend)

    # then: its batch was rolled back whole: its runs wait, due, with nothing queued for them
    waiting = JourneyRun.objects.filter(status="waiting")
    assert waiting.count() == lockable_runs() == 100
    assert not Message.objects.filter(contact__journeyrun__in=waiting).exists()
    assert not RunStep.objects.filter(run__in=waiting).exists()

    # when: B wakes runs again
    other.run([WAKE], now=T + timedelta(hours=1, minutes=1))

    # then: it advances them, once; every run advanced once, every email arrived once
    assert other.done()[WAKE] == 100
    assert_each_run_once(contacts, box)


# -- sending ------------------------------------------------------------------------------------

MARKETING = 20


def queued_messages() -> tuple[list[Message], Message]:
    """Twenty marketing emails due now, then one transactional (a double opt-in)."""
    shop = make_installation(saleor_api_url="https://sender.example/graphql/")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    confirm = Template.objects.get(installation=shop, key="double-opt-in")
    assert (welcome.kind, confirm.kind) == ("marketing", "transactional")
    marketing = []
    for n in range(MARKETING):
        contact = Contact.objects.create(
            installation=shop, email=f"reader{n:02}@example.com", email_consent="granted"
        )
        message = message_enqueue(contact=contact, template=welcome, dedupe_key=f"m{n}", now=T)
        assert message is not None
        marketing.append(message)
    newcomer = Contact.objects.create(
        installation=shop, email="newcomer@example.com", email_consent="pending"
    )
    transactional = message_enqueue(contact=newcomer, template=confirm, dedupe_key="c", now=T)
    assert transactional is not None
    return marketing, transactional


# Just after the SMTP server accepted the third message, before its status is written.
AFTER_THIRD_ACCEPT = Pause(
    prefix='UPDATE "mautomation_message"', contains=('"sent_at"',), count=3, when="before"
)


def sender_killed_after_the_third_accept(start: Any, box: Mailbox) -> Message:
    """A sender claims every due message, hands three to SMTP, and is SIGKILLed before it
    records the third; the message in doubt."""
    doomed = start(pause=AFTER_THIRD_ACCEPT)
    doomed.run([SEND], now=T)
    doomed.paused()
    assert len(box.received) == 3
    (address,) = box.received[2][1]
    in_doubt = Message.objects.get(to_address=address)
    assert in_doubt.status == "sending"
    doomed.kill()
    return in_doubt


def test_a_sender_killed_after_the_provider_accepted_never_sends_that_message_again(start, smtp):
    # given
    box, _ = smtp
    later = start()
    marketing, transactional = queued_messages()
    in_doubt = sender_killed_after_the_third_accept(start, box)
    assert in_doubt.kind == "marketing"

    # when: another sender runs at once, then the recovery and the sender ten minutes later
    later.run([SEND], now=T + timedelta(minutes=1))
    assert later.done()[SEND] == {}
    assert len(box.received) == 3  # claimed rows are not due for anyone else
    later.run([RECOVER, SEND], now=T + timedelta(minutes=11))
    later.done()

    # then: the message in doubt is unknown and was received once; nothing arrived twice;
    # the transactional one and the marketing ones never handed over went out once
    in_doubt.refresh_from_db()
    assert in_doubt.status == "unknown"
    counts = received(box)
    assert counts[in_doubt.to_address] == 1
    assert max(counts.values()) == 1
    transactional.refresh_from_db()
    assert (transactional.status, counts[transactional.to_address]) == ("sent", 1)
    sent = Message.objects.filter(pk__in=[m.pk for m in marketing], status="sent")
    assert sorted(sent.values_list("pk", flat=True)) == sorted(
        m.pk for m in marketing if m.pk != in_doubt.pk
    )


def test_messages_a_killed_sender_claimed_but_never_handed_over_go_out_after_recovery(start, smtp):
    # given
    box, _ = smtp
    later = start()
    marketing, _ = queued_messages()
    in_doubt = sender_killed_after_the_third_accept(start, box)

    # when
    later.run([RECOVER, SEND], now=T + timedelta(minutes=11))
    later.done()

    # then: every reader got the welcome exactly once (the one in doubt not again)
    counts = received(box)
    assert [counts[m.to_address] for m in marketing] == [1] * MARKETING
    assert Message.objects.get(pk=in_doubt.pk).status == "unknown"
