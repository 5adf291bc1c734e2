"""Journeys' periodic work: derived triggers (``journeys.triggers``), due runs, date and
broadcast entries, webhook steps' calls, and give-voucher steps' codes."""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app, shared_task
from django.conf import settings
from kombu.exceptions import KombuError

from saleor_mautomation.core import clock
from saleor_mautomation.journeys.actions import webhook_call
from saleor_mautomation.journeys.date_entries import calendar_entries_sweep
from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.vouchers import BUSY_RETRY, voucher_codes_create
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


@shared_task(name="saleor_mautomation.journeys.tasks.entries_due")
def entries_due() -> int:
    """Broadcasts whose time came, date entries (birthdays, anniversaries, days before or
    after any date of the profile or a custom attribute) and recurring entries whose hour came
    in the contacts' zones, and those a missed sweep left (``journeys.date_entries``)."""
    now = clock.now()
    started = broadcasts_due(now=now)
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE
    ).values_list("id", flat=True):
        started += calendar_entries_sweep(installation_id=installation_id, now=now)
    if started:  # their first steps at once, in the coordinator's wake-ups
        _scheduler_wake(bulk=False)
        _scheduler_wake(bulk=True)
    return started


@shared_task(name="saleor_mautomation.journeys.tasks.webhook_calls", bind=True)
def webhook_calls(self: Any, step_ids: list[int]) -> None:
    """Make the webhook steps' calls; those to retry come back later as their own task."""
    for step_id in step_ids:
        retry = webhook_call(step_id, now=clock.now())
        if retry is not None:
            webhook_calls.apply_async(([step_id],), countdown=retry.total_seconds())


def _scheduler_wake(*, bulk: bool) -> None:
    """Run the scheduler's own wake-up task now (named in the beat schedule: it belongs to
    the coordinator, a layer above, so it is found by name and never imported)."""
    entry = "journeys-broadcast-wake" if bulk else "journeys-wake"
    name = str(settings.CELERY_BEAT_SCHEDULE[entry]["task"])
    try:
        current_app.tasks[name].delay()
    except (KeyError, KombuError, OSError) as exc:
        logger.warning("Could not wake the runs (%s): the scheduler's next wake-up will", exc)


@shared_task(name="saleor_mautomation.journeys.tasks.voucher_codes")
def voucher_codes_task(version_id: int, node_id: str, run_ids: list[int], bulk: bool) -> int:
    """Make the codes of runs parked at a give-voucher step (queued after the runner's commit;
    Saleor is called outside any transaction), then run the scheduler's wake-up at once for
    the runs it made due, so they go on in its unit of work."""
    made = voucher_codes_create(
        version_id=version_id, node_id=node_id, run_ids=run_ids, now=clock.now()
    )
    if made.busy:
        voucher_codes_task.apply_async(
            (version_id, node_id, run_ids, bulk),
            queue="bulk" if bulk else "journeys",
            countdown=BUSY_RETRY,
        )
    elif made.woken:
        _scheduler_wake(bulk=bulk)
    return made.woken
