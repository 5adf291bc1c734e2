"""Broadcasts at scale: the snapshot streamed in keyset pages (more members than a page, a
test share chosen exactly as ``share_sample`` chooses it), and a broadcast paused, resumed
and cancelled mid-way through the real scheduler and sender: exact counts, nobody twice."""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.models import DailyTally
from saleor_mautomation.journeys.broadcasts import (
    HELD_UNTIL,
    NotABroadcast,
    broadcast_cancel,
    broadcast_pause,
    broadcast_resume,
    broadcasts_progress,
)
from saleor_mautomation.journeys.engine import in_holdout
from saleor_mautomation.journeys.entries import (
    SNAPSHOT_PAGE,
    _ShareBorder,
    broadcasts_due,
    share_sample,
)
from saleor_mautomation.journeys.fanout import broadcast_runs_insert
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun, RunStep
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_publish, runs_create
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop

T0 = datetime(2026, 11, 1, tzinfo=UTC)
SEND = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
APP = "https://marketing.example"
WOMEN = {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}


def one_mail(segment_id: int, **entry: Any) -> dict[str, Any]:
    return {
        "entry": {
            "type": "broadcast",
            "segment_id": segment_id,
            "send_at": SEND.isoformat(),
            **entry,
        },
        "start": "mail",
        "nodes": {
            "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
            "end": {"type": "exit"},
        },
    }


def published(shop, definition: dict[str, Any], key: str = "sale") -> Journey:
    journey = Journey.objects.create(installation=shop, key=key, name=key, draft=definition)
    journey_publish(journey=journey, now=T0)
    journey.refresh_from_db()
    return journey


def subscribers(shop, size: int) -> tuple[int, list[Contact]]:
    contacts = [
        make_contact(shop, email_consent="granted", gender="f", language_code="en")
        for _ in range(size)
    ]
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)
    segment_rebuild(segment=segment, now=T0)
    return segment.pk, contacts


def many_members(shop, size: int) -> tuple[int, list[int]]:
    """``size`` members of a segment, inserted in bulk (no rebuild: a page's worth and more)."""
    segment = segment_create(installation_id=shop.pk, name="Many", definition=WOMEN, now=T0)
    Membership.objects.filter(segment=segment).delete()
    contacts = Contact.objects.bulk_create(
        [
            Contact(installation=shop, email=f"m{n}@example.com", time_zone="Europe/Berlin")
            for n in range(size)
        ]
    )
    Membership.objects.bulk_create(
        [Membership(installation=shop, segment=segment, contact=c, entered_at=T0) for c in contacts]
    )
    return segment.pk, [c.pk for c in contacts]


def wake(now: datetime, limit: int = 1000) -> int:
    return runs_wake(now=now, limit=limit, broadcast=True)


def send(now: datetime, limit: int = 1000) -> dict[str, int]:
    return messages_send_due(
        now=now, app_url=APP, default_from="Shop <shop@sale.example>", limit=limit
    )


def recipients() -> list[str]:
    return sorted(address for email in mail.outbox for address in email.to)


# -- the snapshot -----------------------------------------------------------------------------


@pytest.mark.parametrize("percent", [5, 10, 25, 50])
@pytest.mark.parametrize("size", [0, 1, 3, 997, 20_000])
def test_the_streamed_share_is_share_samples_choice(size, percent):
    # given: contact ids in pages, as the snapshot reads them
    rng = random.Random(size * 100 + percent)
    ids = sorted(rng.sample(range(1, 10 * size + 2), size))
    pages = [[(c, "") for c in ids[i : i + 300]] for i in range(0, size, 300)]
    border = _ShareBorder(version_id=41, percent=percent)

    # when: a pass to count, a pass to split, then the border bucket
    for page in pages:
        border.count(c for c, _ in page)
    border.settle()
    chosen: list[int] = []
    rest: list[int] = []
    for page in pages:
        share, others = border.split(page)
        chosen += [c for c, _ in share]
        rest += others
    share, others = border.last()
    chosen += [c for c, _ in share]
    rest += others

    # then: the same share and rest as the whole list would give, each contact once
    expected_share, expected_rest = share_sample(ids, version_id=41, percent=percent)
    assert sorted(chosen) == expected_share
    assert sorted(rest) == expected_rest
    assert len(chosen) == -(-size * percent // 100)


def test_a_snapshot_larger_than_a_page_enrols_each_member_once(db):
    # given: more members than two pages, one who left the segment, another shop's contact
    shop = make_shop("many")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    size = 2 * SNAPSHOT_PAGE + 7
    segment_id, ids = many_members(shop, size)
    left = ids[SNAPSHOT_PAGE]  # the first of the second page
    Membership.objects.filter(segment_id=segment_id, contact_id=left).update(exited_at=T0)
    other = make_shop("other")
    stranger = Contact.objects.create(installation=other, email="x@example.com")
    Membership.objects.create(
        installation=shop, segment_id=segment_id, contact=stranger, entered_at=T0
    )
    journey = published(shop, one_mail(segment_id))

    # when: the snapshot is due, twice
    assert broadcasts_due(now=SEND) == size - 1
    assert broadcasts_due(now=SEND + timedelta(minutes=1)) == 0

    # then: one run per current member of this shop, at the send time, each logged entered
    runs = JourneyRun.objects.filter(journey=journey)
    assert sorted(runs.values_list("contact_id", flat=True)) == sorted(set(ids) - {left})
    assert set(runs.values_list("wake_at", "node", "entry_key")) == {
        (SEND, "mail", f"broadcast:{journey.current_version_id}")
    }
    assert journey.runs.filter(steps__kind="entered").count() == size - 1


def test_a_test_share_over_pages_is_the_seeded_share_and_the_rest_waits(db):
    # given: a broadcast with a 10% test share over more members than a page
    shop = make_shop("tested")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, ids = many_members(shop, SNAPSHOT_PAGE + 501)
    definition = one_mail(
        segment_id, test={"split": "ab", "share_percent": 10, "wait_hours": 24, "metric": "click"}
    )
    definition["start"] = "ab"
    definition["nodes"] = {
        "ab": {
            "type": "split",
            "branches": [{"percent": 50, "next": "a"}, {"percent": 50, "next": "b"}],
        },
        "a": {"type": "send_email", "template": "welcome-1", "next": "end"},
        "b": {"type": "send_email", "template": "welcome-2", "next": "end"},
        "end": {"type": "exit"},
    }
    journey = published(shop, definition)
    version_id = journey.current_version_id
    assert version_id is not None

    # when: the snapshot is due
    started = broadcasts_due(now=SEND)

    # then: the share is share_sample's (251 of 2,501), the 2,250 others wait for the winner
    share, rest = share_sample(ids, version_id=version_id, percent=10)
    assert started == len(share) == 251
    assert sorted(JourneyRun.objects.values_list("contact_id", flat=True)) == share
    assert sorted(BroadcastRest.objects.values_list("contact_id", flat=True)) == rest


# -- pause, resume, cancel --------------------------------------------------------------------


def test_a_paused_broadcast_sends_nothing_until_resumed_then_each_recipient_once(db):
    # given: 12 subscribers of a broadcast; 5 runs reached their send, 2 messages went
    shop = make_shop("paused")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, contacts = subscribers(shop, 12)
    journey = published(shop, one_mail(segment_id))
    assert broadcasts_due(now=SEND) == 12
    assert wake(SEND, limit=5) == 5
    assert send(SEND, limit=2) == {"sent": 2}

    # when: it is paused
    assert broadcast_pause(journey=journey) == 3

    # then: its three queued messages are held, its runs wait, the sender and scheduler pass
    assert journey.status == Journey.Status.PAUSED
    later = SEND + timedelta(minutes=5)
    assert wake(later) == 0
    assert send(later) == {}
    assert len(mail.outbox) == 2
    (progress,) = broadcasts_progress(installation_id=shop.pk, journeys=[journey], now=later)
    assert (progress.held, progress.queued, progress.sent, progress.runs_due) == (3, 3, 2, 7)
    assert set(
        Message.objects.filter(status=Message.Status.QUEUED).values_list("send_after", flat=True)
    ) == {HELD_UNTIL}
    with pytest.raises(PermanentError) as paused_again:
        broadcast_pause(journey=journey)
    assert paused_again.value.code == "invalid_status"

    # when: it resumes, and the scheduler and sender run as often as they like
    assert broadcast_resume(journey=journey, now=later) == 3
    assert wake(later) == 7
    assert send(later) == {"sent": 10}
    assert wake(later) == 0
    assert send(later + timedelta(minutes=1)) == {}

    # then: everyone got it once, and nothing is held any more
    assert recipients() == sorted(str(c.email) for c in contacts)
    assert Message.objects.count() == 12
    assert not Message.objects.filter(send_after=HELD_UNTIL).exists()
    with pytest.raises(PermanentError) as resumed_again:
        broadcast_resume(journey=journey, now=later)
    assert resumed_again.value.code == "invalid_status"


def test_a_broadcast_cancelled_mid_way_and_while_paused_sends_nothing_more(db):
    # given: 10 subscribers; 6 runs reached their send, 3 messages went; then it is paused
    shop = make_shop("cancelled")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, _ = subscribers(shop, 10)
    journey = published(shop, one_mail(segment_id))
    assert broadcasts_due(now=SEND) == 10
    assert wake(SEND, limit=6) == 6
    assert send(SEND, limit=3) == {"sent": 3}
    assert broadcast_pause(journey=journey) == 3

    # when: it is cancelled, then the scheduler and sender run
    assert broadcast_cancel(journey=journey) == 3
    later = SEND + timedelta(hours=1)
    assert wake(later) == 0
    assert send(later) == {}

    # then: the 3 sent stay the only ones; the held ones are cancelled, 4 runs never sent
    assert len(mail.outbox) == 3
    assert dict(
        Message.objects.values_list("status").annotate(n=models_count()).values_list("status", "n")
    ) == {"sent": 3, "cancelled": 3}
    assert JourneyRun.objects.filter(node="mail", status=JourneyRun.Status.WAITING).count() == 4
    with pytest.raises(PermanentError) as resumed:
        broadcast_resume(journey=journey, now=later)
    assert resumed.value.code == "invalid_status"


def _bulk_send_stopped_after_the_first_chunk(stop: Any) -> dict[str, int]:
    """The bulk sender's batch, in chunks of 4, with ``stop()`` run as soon as the first
    chunk's outcomes are written (the admin pausing or cancelling while a sender holds the
    rest of the batch)."""
    stopped: list[bool] = []

    def hook(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if (
            not stopped
            and sql.lstrip().startswith('UPDATE "mautomation_message"')
            and ('"sent_at"' in sql)
        ):
            stopped.append(True)
            stop()
        return result

    with connection.execute_wrapper(hook):
        return messages_send_due(
            now=SEND,
            app_url=APP,
            default_from="Shop <shop@sale.example>",
            limit=12,
            chunk=4,
            broadcast=True,
        )


@pytest.mark.parametrize("stop", ["pause", "cancel"])
def test_a_broadcast_stopped_while_a_sender_holds_its_batch_sends_nothing_more(db, stop):
    # given: 12 subscribers whose messages are queued; a bulk sender claims all 12
    shop = make_shop(f"claimed-{stop}")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, contacts = subscribers(shop, 12)
    journey = published(shop, one_mail(segment_id))
    assert broadcasts_due(now=SEND) == 12
    assert wake(SEND) == 12

    # when: it is paused (or cancelled) after the sender handed over its first chunk of 4
    def stopping() -> None:
        if stop == "pause":
            assert broadcast_pause(journey=journey) == 0  # nothing queued: all claimed
        else:
            assert broadcast_cancel(journey=journey) == 0

    counts = _bulk_send_stopped_after_the_first_chunk(stopping)

    # then: the other 8 are not handed over: held for the resume, or cancelled
    assert len(mail.outbox) == 4
    if stop == "cancel":
        assert counts == {"sent": 4, "cancelled": 8}
        assert dict(Message.objects.values_list("status").annotate(n=models_count())) == {
            "sent": 4,
            "cancelled": 8,
        }
        assert send(SEND + timedelta(hours=1)) == {}
        assert len(mail.outbox) == 4
        return
    assert counts == {"sent": 4, "held": 8}
    held = Message.objects.filter(status=Message.Status.QUEUED)
    assert set(held.values_list("send_after", flat=True)) == {HELD_UNTIL}
    assert set(held.values_list("attempts", flat=True)) == {0}
    assert send(SEND + timedelta(minutes=5)) == {}

    # when: it resumes; then each of the 12 got it exactly once
    later = SEND + timedelta(minutes=10)
    assert broadcast_resume(journey=journey, now=later) == 8
    assert send(later) == {"sent": 8}
    assert recipients() == sorted(str(c.email) for c in contacts)


def models_count() -> Any:
    from django.db.models import Count

    return Count("pk")


def test_only_a_broadcast_pauses(db):
    shop = make_shop("journeys")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    journey = published(
        shop,
        {
            "entry": {"type": "event", "event_type": "order_created"},
            "start": "end",
            "nodes": {"end": {"type": "exit"}},
        },
        key="orders",
    )
    with pytest.raises(NotABroadcast):
        broadcast_pause(journey=journey)
    journey.refresh_from_db()
    assert journey.status == Journey.Status.ACTIVE


# -- a pause while a batch is advancing runs ---------------------------------------------------


def _backend_waits_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


@pytest.mark.django_db(transaction=True)
def test_a_pause_waits_for_the_batch_advancing_its_runs_and_holds_its_messages():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite has one writer at a time)")
    # given: 8 subscribers of a broadcast, its snapshot taken
    shop = make_shop("inflight")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    segment_id, _ = subscribers(shop, 8)
    journey = published(shop, one_mail(segment_id))
    assert broadcasts_due(now=SEND) == 8

    # when: a worker advances 5 runs and has not committed yet, and the pause is asked
    advanced, release = threading.Event(), threading.Event()
    woken: list[int] = []

    def worker() -> None:
        try:
            with transaction.atomic():
                woken.append(wake(SEND, limit=5))
                advanced.set()
                release.wait(30)
        finally:
            connection.close()

    pauser_pid: list[int] = []
    held: list[int] = []

    def pauser() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pauser_pid.append(cursor.fetchone()[0])
            held.append(broadcast_pause(journey=Journey.objects.get(pk=journey.pk)))
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    assert advanced.wait(30)
    second = threading.Thread(target=pauser)
    second.start()
    deadline = time.monotonic() + 30
    while not (pauser_pid and _backend_waits_on_a_lock(pauser_pid[0])):
        assert time.monotonic() < deadline, "the pause never waited for the batch"
        time.sleep(0.05)
    assert held == []  # still waiting for the batch
    release.set()
    first.join()
    second.join()

    # then: the pause came after the batch's commit and held its 5 messages; none is due
    assert woken == [5]
    assert held == [5]
    assert Message.objects.filter(send_after=HELD_UNTIL).count() == 5
    assert send(SEND + timedelta(minutes=1)) == {}
    assert wake(SEND + timedelta(minutes=1)) == 0


# -- the page insert --------------------------------------------------------------------------


def test_the_page_insert_makes_the_rows_runs_create_makes(db):
    # given: two copies of a journey with a 30% holdout, and 40 contacts starting at two times
    shop = make_shop("insert")
    templates_builtin_ensure(installation_id=shop.pk, now=T0)
    definition = {**one_mail(0), "entry": {"type": "manual"}, "holdout_percent": 30}
    made, inserted = published(shop, definition, "made"), published(shop, definition, "inserted")
    contacts = [make_contact(shop, email_consent="granted") for _ in range(40)]
    starts = {c.pk: SEND + timedelta(hours=n % 2) for n, c in enumerate(contacts)}
    context = {"broadcast": {"version": 1}}

    # when: one by the ORM, one by the page insert
    runs_create(
        journey=made,
        contacts=contacts,
        now=SEND,
        entry_key="k",
        starts_at=starts,
        context=context,
    )
    assert inserted.current_version is not None
    assert (
        broadcast_runs_insert(
            journey=inserted,
            version=inserted.current_version,
            page=sorted(starts.items()),
            now=SEND,
            entry_key="k",
            context=context,
        )
        == 40
    )

    # then: the same runs (each held out as its id says), steps and entered tallies
    fields = (
        "contact_id",
        "entry_key",
        "status",
        "node",
        "node_entered_at",
        "wake_at",
        "entered_at",
        "context",
        "branches",
        "attempts",
        "exit_reason",
        "error",
        "goal_currency",
    )

    def rows(journey: Journey) -> list[tuple[Any, ...]]:
        return sorted(JourneyRun.objects.filter(journey=journey).values_list(*fields))

    assert rows(inserted) == rows(made)
    for run in JourneyRun.objects.all():
        assert run.holdout == in_holdout(run.pk, 30)
    assert sorted(
        RunStep.objects.filter(run__journey=inserted).values_list("run_id", "node", "kind", "at")
    ) == sorted(
        (pk, "mail", "entered", SEND)
        for pk in JourneyRun.objects.filter(journey=inserted).values_list("pk", flat=True)
    )

    def tallies(journey: Journey) -> dict[tuple[Any, ...], int]:
        return {
            (day, holdout): n
            for day, holdout, n in DailyTally.objects.filter(
                journey_id=journey.pk, metric="entered"
            ).values_list("day", "holdout", "count")
        }

    held = JourneyRun.objects.filter(journey=inserted, holdout=True).count()
    assert tallies(inserted) == {
        (SEND.date(), True): held,
        (SEND.date(), False): 40 - held,
    }
    assert sum(tallies(made).values()) == 40
