"""What failed alone, tried again or given up by hand (the Dashboard's failures).

A delivery, a journey run, a message or a catalogue event (its commerce triggers) that kept
failing is marked ``failed`` with its error (``flows.drain``, ``journeys.failures``, the sender,
``flows.catalogue_events``). Retrying one puts it back where its
domain picks it up and, after the commit, wakes the worker that does (the drain, the sender;
runs are woken by the scheduler within ``JOURNEYS_WAKE_INTERVAL``). Discarding one gives it up
for good; it leaves the list of failures and the counts.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import assert_never

from django.db import transaction

from saleor_mautomation.flows.catalogue_events import (
    catalogue_event_discard,
    catalogue_event_retry,
)
from saleor_mautomation.flows.send import send_soon
from saleor_mautomation.flows.tasks import drain_nudge
from saleor_mautomation.intake.failures import delivery_discard, delivery_retry
from saleor_mautomation.journeys.failures import failed_run, run_discard, run_retry
from saleor_mautomation.messages.failures import message_discard, message_retry


class Kind(StrEnum):
    DELIVERY = "delivery"
    RUN = "run"
    MESSAGE = "message"
    CATALOGUE_EVENT = "catalogue_event"


def failure_retry(*, kind: Kind, installation_id: int, item_id: int, now: datetime) -> None:
    """Try the installation's failed item again (refused with a ``PermanentError`` saying why
    when it is not failed, not this shop's, or may not be tried again)."""
    with transaction.atomic():
        match kind:
            case Kind.DELIVERY:
                delivery_retry(installation_id=installation_id, delivery_id=item_id)
                transaction.on_commit(drain_nudge)
            case Kind.RUN:
                run_retry(run=failed_run(installation_id=installation_id, run_id=item_id), now=now)
            case Kind.MESSAGE:
                message_retry(installation_id=installation_id, message_id=item_id, now=now)
                transaction.on_commit(send_soon)
            case Kind.CATALOGUE_EVENT:
                # the scheduler's sweep (journeys-commerce-triggers) takes it next
                catalogue_event_retry(installation_id=installation_id, event_id=item_id)
            case _:
                assert_never(kind)


def failure_discard(*, kind: Kind, installation_id: int, item_id: int, now: datetime) -> None:
    """Give the installation's failed item up: it is not tried again."""
    with transaction.atomic():
        match kind:
            case Kind.DELIVERY:
                delivery_discard(installation_id=installation_id, delivery_id=item_id, now=now)
            case Kind.RUN:
                run_discard(
                    run=failed_run(installation_id=installation_id, run_id=item_id), now=now
                )
            case Kind.MESSAGE:
                message_discard(installation_id=installation_id, message_id=item_id)
            case Kind.CATALOGUE_EVENT:
                catalogue_event_discard(installation_id=installation_id, event_id=item_id, now=now)
            case _:
                assert_never(kind)
