"""The unit of work: one place orders what a change sets off in the other domains.

Every entry point (a drained batch, a storefront or Dashboard call, a tracked open or click,
an ESP or SMS webhook, a preference page, a trigger, a scheduled task) wraps its writes in
``unit_of_work``. While it is open, the lower layers only note what they changed
(``events.changes``): events wait to be written in one INSERT, order figures wait to be
recomputed once per contact, and follow-up work (a queued message, an erasure) is noted. On a
clean exit the unit finishes in this order, inside the caller's transaction:

1. write the events;
2. refresh the contacts' order figures (once per contact);
3. complete identity merges (runs, messages and lists follow the surviving contact) and
   requested erasures (before anything reads the person again);
3a. credit the contacts' new orders to the message that earned them (``analytics``), which
   records an ``order.attributed`` event;
3b. record the crossings of the lines on the custom attributes the unit changed
   (``journeys.attribute_thresholds``);
4. re-evaluate the segments the changes can affect, once;
5. feed the journeys (waiting runs advance, new events and segment entries enrol), each run
   isolated: a failing run is marked failed and the others go on;
6. what the journeys changed (a profile update, a list) goes round again, at most
   ``MAX_ROUNDS`` times;

and after the commit it wakes the sender if a message was queued. The order is written out
here, once, not implied by the closing order of nested ``with`` blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from django.db import connection, transaction

from saleor_mautomation.analytics.attribution import attributions_on_changes
from saleor_mautomation.contacts.figures import engagement_deferred, engagement_flush
from saleor_mautomation.events.changes import (
    CONTACT_MERGED,
    ERASURE_REQUESTED,
    MESSAGE_QUEUED,
    Changes,
    changes_collect,
    work_collect,
)
from saleor_mautomation.events.services import events_batched, events_flush
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.flows.merges import merges_complete
from saleor_mautomation.flows.send import send_soon
from saleor_mautomation.journeys.attribute_thresholds import attribute_crossings_on_changes
from saleor_mautomation.journeys.services import journeys_on_changes
from saleor_mautomation.segments.membership import memberships_refresh

logger = logging.getLogger(__name__)

MAX_ROUNDS = 4  # journeys changing what enters further journeys: a bound, never a cycle


@dataclass
class Unit:
    """What a unit of work collected so far: the contacts' changes and the follow-up work."""

    now: datetime
    changes: Changes
    work: set[str]


_current: ContextVar[Unit | None] = ContextVar("unit_of_work", default=None)


def _take(changes: Changes) -> Changes:
    """The changes noted since the last take (the collection goes on, emptied)."""
    taken = {contact_id: set(facts) for contact_id, facts in changes.items() if facts}
    changes.clear()
    return taken


def _merge(into: Changes, more: Changes) -> Changes:
    for contact_id, facts in more.items():
        into.setdefault(contact_id, set()).update(facts)
    return into


def unit_finish(unit: Unit) -> None:
    """Steps 1-6 of the module's docstring, in the caller's transaction."""
    for _ in range(MAX_ROUNDS):
        events_flush()
        engagement_flush(now=unit.now)
        if CONTACT_MERGED in unit.work:
            unit.work.discard(CONTACT_MERGED)
            merges_complete(now=unit.now)
        if ERASURE_REQUESTED in unit.work:
            unit.work.discard(ERASURE_REQUESTED)
            erasures_run(now=unit.now)
            events_flush()
        if attributions_on_changes(changes=unit.changes, now=unit.now):
            events_flush()
        if attribute_crossings_on_changes(changes=unit.changes, now=unit.now):
            events_flush()
        changes = _take(unit.changes)
        if not changes:
            return
        memberships_refresh(changes=changes, now=unit.now)
        events_flush()  # the segment entries and exits the refresh recorded
        journeys_on_changes(changes=_merge(changes, _take(unit.changes)), now=unit.now)
    if unit.changes:
        logger.warning(
            "Unit of work stopped after %s rounds with %s contacts still changing: "
            "journeys that keep entering each other?",
            MAX_ROUNDS,
            len(unit.changes),
        )


def _after_commit(unit: Unit) -> None:
    if MESSAGE_QUEUED in unit.work:
        transaction.on_commit(send_soon)


@contextmanager
def unit_of_work(*, now: datetime, batched: bool = False) -> Iterator[Unit]:
    """Collect what the block changes, then finish the unit (steps 1-6) in one transaction:
    the caller's if one is open (a failure then spoils the caller's transaction, which the
    caller isolates, as ``flows.drain`` does), else a transaction of its own.

    ``batched`` (inside the caller's transaction only) also holds the events back for one
    INSERT and the order figures for one refresh per contact, at the finish. A unit opened
    inside another joins it: the outer unit finishes both.
    """
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    with ExitStack() as stack:
        unit = Unit(
            now=now,
            work=stack.enter_context(work_collect()),
            changes=stack.enter_context(changes_collect()),
        )
        if batched:
            assert connection.in_atomic_block, "a batched unit of work needs a transaction"
            stack.enter_context(events_batched())
            stack.enter_context(engagement_deferred(now=lambda: now))
        stack.callback(_current.reset, _current.set(unit))
        yield unit
        with transaction.atomic(savepoint=False):
            unit_finish(unit)
            _after_commit(unit)
