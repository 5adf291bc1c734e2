"""The bulk sender as a separate OS process against PostgreSQL, sending a campaign to Postmark
in batch calls (ADR 0049) and killed while it waits for the answer to its second call: the
call's messages reached Postmark and stay in doubt (``unknown``, never sent again), the rest of
the batch goes out after recovery, and no address is given to Postmark twice.

Postmark is the loopback stand-in of ``tests/messages/esp_standins.py`` in this process; it
keeps the second call and never answers it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

from saleor_mautomation.messages.models import Message, MessageAttempt
from saleor_mautomation.messages.providers import email_provider_update
from tests.flows.test_send_bulk import SEND_BULK, T, broadcast_messages, wait_for
from tests.journeys.e2e import RECOVER, Worker, worker_environment
from tests.messages.conftest import free_port
from tests.messages.esp_standins import StandInPostmark, serve

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postmark() -> Iterator[StandInPostmark]:
    esp = StandInPostmark()
    stop = serve(esp)
    yield esp
    stop()


def test_a_bulk_sender_killed_waiting_for_a_batch_call_sends_nothing_twice(postmark, tmp_path):
    # given: twelve broadcast messages to the shop's Postmark, chunks of 5, 5 and 2 (a call
    # each); Postmark answers the first call and keeps the second without an answer
    messages = broadcast_messages(12)
    email_provider_update(
        installation_id=messages[0].installation_id,
        kind="esp",
        esp="postmark",
        esp_settings={"server_token": "pm-token", "api_url": postmark.url},
        allow_private=True,
    )
    env = {**worker_environment(free_port()), "SEND_BULK_CHUNK": "5", "EMAIL_CONNECTIONS": "1"}
    doomed = Worker(env=env, log=str(tmp_path / "doomed.log"))
    later = Worker(env=env, log=str(tmp_path / "later.log"))
    try:
        postmark.hold_at = 2
        doomed.run([SEND_BULK], now=T)
        wait_for(lambda: len(postmark.requests) == 2)
        doomed.kill()
        first, second, third = messages[:5], messages[5:10], messages[10:]
        assert {m.status for m in Message.objects.filter(pk__in=[m.pk for m in first])} == {"sent"}

        # when: the recovery and a sender ten minutes later
        later.run([RECOVER, SEND_BULK], now=T + timedelta(minutes=11))
        results = later.done()
    finally:
        doomed.stop()
        later.stop()

    # then: the call in hand left all five in doubt; the last chunk went in a call of its own;
    # every address reached Postmark once
    assert results == {RECOVER: 7, SEND_BULK: {"sent": 2}}
    statuses = dict(Message.objects.values_list("pk", "status"))
    assert [statuses[m.pk] for m in messages] == ["sent"] * 5 + ["unknown"] * 5 + ["sent"] * 2
    assert [r.path for r in postmark.requests] == ["/email/batch"] * 3
    assert [len(r.body) for r in postmark.requests] == [5, 5, 2]
    calls = Counter(m["To"] for r in postmark.requests for m in r.body)
    assert max(calls.values()) == 1
    assert sorted(calls) == sorted(m.to_address for m in messages)
    assert MessageAttempt.objects.filter(message__in=second, outcome="unknown").count() == 5
    assert MessageAttempt.objects.filter(message__in=third, outcome="sent").count() == 2
