"""A worker killed (SIGKILL) while it adds cards to a batch adds nobody twice: its claimed runs,
its cards and the batch it opened roll back together; the next worker adds each contact once.

The workers are ``tests/journeys/e2e.py``'s (``python -c`` running the app's Celery tasks at a
simulated moment, stopped at a chosen SQL statement with the transaction open). The data is
committed (``transaction=True``) so the workers see it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.services import journey_enroll
from saleor_mautomation.postal.models import PostalBatch, PostalItem
from tests.contacts.factories import make_shop
from tests.journeys.e2e import Pause, Worker, backend_gone, smtp_server, worker_environment
from tests.postal.conftest import T, addressed, postal_journey

pytestmark = pytest.mark.django_db(transaction=True)

CONTACTS = 40
WAKE = "saleor_mautomation.flows.tasks.runs_wake"
# Inside runs_wake's transaction, once its batch's cards are written (one statement, on a
# cursor of its own that the worker's hook does not see) and the batch's count is raised.
AFTER_THE_CARDS = Pause(prefix='UPDATE "mautomation_postalbatch"', contains=("items_count",))


@pytest.fixture
def start(tmp_path) -> Iterator[Any]:
    with smtp_server() as (_, port):
        env = worker_environment(port)
        started: list[Worker] = []

        def start(pause: Pause | None = None) -> Worker:
            log = str(tmp_path / f"worker-{len(started)}.log")
            started.append(Worker(env=env, log=log, pause=pause))
            return started[-1]

        yield start
        for worker in started:
            worker.stop()


def test_a_worker_killed_mid_batch_adds_nobody_twice(start):
    # given: 40 consenting contacts with an address, each waiting an hour before the card
    shop = make_shop("linden")
    journey = postal_journey(shop, first={"type": "wait", "duration": {"hours": 1}})
    contacts = [addressed(shop, n) for n in range(CONTACTS)]
    for contact in contacts:
        journey_enroll(journey=journey, contact=contact, now=T - timedelta(hours=2))
    doomed, other = start(pause=AFTER_THE_CARDS), start()

    # when: the first worker stops once its 40 cards are written, in its open transaction
    doomed.run([WAKE], now=T)
    backend = doomed.paused()

    # then: the other finds every run claimed (nothing due for it), nothing is committed
    other.run([WAKE], now=T)
    assert other.done()[WAKE] == 0
    assert PostalItem.objects.count() == 0

    # when: the first is killed (SIGKILL) mid-batch, and the other wakes the runs again
    doomed.kill()
    backend_gone(backend)
    assert (PostalItem.objects.count(), PostalBatch.objects.count()) == (0, 0)
    other.run([WAKE], now=T + timedelta(minutes=1))
    assert other.done()[WAKE] == CONTACTS

    # then: each contact's card once, in one batch that counts 40
    per_contact = Counter(PostalItem.objects.values_list("contact_id", flat=True))
    assert per_contact == Counter({c.pk: 1 for c in contacts})
    assert set(PostalItem.objects.values_list("status", flat=True)) == {"added"}
    assert list(PostalBatch.objects.values_list("items_count", "status")) == [(CONTACTS, "open")]
    assert set(JourneyRun.objects.values_list("status", flat=True)) == {"exited"}

    # when: woken once more (a retry after the fact)
    other.run([WAKE], now=T + timedelta(minutes=2))
    other.done()

    # then: nothing more
    assert PostalItem.objects.count() == CONTACTS
