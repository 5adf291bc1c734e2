"""The scheduled and queued work that spans domains, each step in the coordinator's order.

- the drain (intake -> unit of work), nudged after a delivery is stored and swept periodically;
- due journey runs, woken batch by batch, each batch one unit of work;
- derived triggers (abandonment, lapse, thresholds), each page one unit of work;
- segment rebuilds followed by the journey entries they left pending (``Membership.
  entry_pending``: the rows carry the work from the first step to the second, so a worker
  dying in between loses no entry; the periodic sweep feeds whatever was left);
- the nightly chain: the contacts' figures, then the segments that read them (a Celery chain
  per installation, not two clock times an hour apart);
- identity merges completed outside a unit of work;
- broadcasts' test shares: the winner chosen once the test waited, then sent to the rest.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

from celery import chain, shared_task
from django.conf import settings
from django.db import transaction

from saleor_mautomation.contacts.attribute_requests import attribute_requests_prune
from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.contacts.send_times import shop_send_time_refresh
from saleor_mautomation.contacts.sweeps import email_engagement_sweep, lifecycle_sweep, rfm_sweep
from saleor_mautomation.core import clock
from saleor_mautomation.flows import drain
from saleor_mautomation.flows.broadcast_tests import broadcast_tests_decide
from saleor_mautomation.flows.catalogue_events import catalogue_events_sweep  # noqa: F401
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.flows.handoff import handoff
from saleor_mautomation.flows.installations import installations_sweep  # noqa: F401
from saleor_mautomation.flows.merges import merges_complete
from saleor_mautomation.flows.recommendations import (  # noqa: F401 (tasks)
    recommendations_rebuild_all,
    recommendations_refresh_all,
)
from saleor_mautomation.flows.send import messages_send, messages_send_bulk  # noqa: F401 (tasks)
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.intake.retention import deliveries_retention_sweep
from saleor_mautomation.intake.services import DrainNudger
from saleor_mautomation.journeys.attribute_thresholds import attribute_thresholds_cross
from saleor_mautomation.journeys.entries import segment_entries_feed
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.triggers import triggers_sweep
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild, segments_rebuild
from saleor_mautomation.segments.models import Segment

logger = logging.getLogger(__name__)

RETRY_DELAY = 30
WAKE_BATCH = 500
FEED_BATCH = 2_000


def _active_installations() -> list[int]:
    return list(
        Installation.objects.filter(status=Installation.Status.ACTIVE).values_list("id", flat=True)
    )


# -- intake ---------------------------------------------------------------------------------------


@shared_task(name="saleor_mautomation.flows.tasks.deliveries_drain")
def deliveries_drain() -> int:
    """Process stored deliveries; several may run at once (SKIP LOCKED keeps them apart)."""
    result = drain.deliveries_drain(
        batch_size=settings.INTAKE_BATCH_SIZE,
        max_batches=50,
        max_attempts=settings.INTAKE_MAX_ATTEMPTS,
    )
    if result.retried:
        deliveries_drain.apply_async(countdown=RETRY_DELAY)
    return result.total


def _send(delay: float) -> None:
    """The delivery is already stored: a broker outage must neither turn its 200 into a 500
    nor hold the answer (``handoff``: short timeouts, then no tries for a back-off window).
    The scheduler's sweep drains whatever a lost nudge left behind."""
    handoff(deliveries_drain, countdown=delay if delay > 0 else None)


@cache
def _nudger() -> DrainNudger:
    return DrainNudger(_send, settings.INTAKE_NUDGE_WINDOW)


def drain_nudge() -> None:
    """Called after a new delivery commits: wake a drain (debounced per process)."""
    _nudger().nudge()


# -- journeys -------------------------------------------------------------------------------------


def _wake_all(*, broadcast: bool) -> int:
    """Due runs batch by batch, each batch claimed, advanced and finished (what the steps
    changed re-evaluates segments, which may enter further journeys) in one transaction; the
    unit wakes the sender after each commit that queued a message."""
    woken = 0
    while True:
        now = clock.now()
        with transaction.atomic(), unit_of_work(now=now):
            batch = runs_wake(now=now, limit=WAKE_BATCH, broadcast=broadcast)
        woken += batch
        if batch < WAKE_BATCH:
            return woken


@shared_task(name="saleor_mautomation.flows.tasks.runs_wake")
def runs_wake_task() -> int:
    """Advance every due run (each batch claimed with SKIP LOCKED: workers share the work)."""
    return _wake_all(broadcast=False)


@shared_task(name="saleor_mautomation.flows.tasks.broadcast_runs_wake")
def broadcast_runs_wake() -> int:
    """The same for broadcast runs, on the bulk queue."""
    return _wake_all(broadcast=True)


@shared_task(name="saleor_mautomation.flows.tasks.broadcast_tests_decide")
def broadcast_tests_decide_task() -> int:
    """Choose the winners of broadcasts' test shares that waited long enough and enrol the
    rest with them (claimed with SKIP LOCKED: workers share it, nobody enters twice); the
    scheduler's broadcast wake-up sends their first steps."""
    return broadcast_tests_decide(now=clock.now())


@shared_task(name="saleor_mautomation.flows.tasks.triggers_sweep_all")
def triggers_sweep_all() -> None:
    """One task per active installation: a large shop's sweep never delays a small one's."""
    for installation_id in _active_installations():
        triggers_sweep_task.delay(installation_id)


@shared_task(name="saleor_mautomation.flows.tasks.triggers_sweep")
def triggers_sweep_task(installation_id: int) -> dict[str, int]:
    """Sweep one installation (idempotent: a run repeated or overlapping records nothing twice),
    each page of events one unit of work. Spend thresholds come from the installation's
    ``ContactsConfig.spend_thresholds``, the abandonment windows from the installation."""
    windows = (
        Installation.objects.filter(pk=installation_id, status=Installation.Status.ACTIVE)
        .values_list(
            "checkout_abandoned_after_minutes",
            "browse_window_hours",
            "browse_abandoned_after_minutes",
        )
        .first()
    )
    if windows is None:
        return {}
    checkout_minutes, browse_hours, browse_minutes = windows
    config = contacts_config(installation_id)
    now = clock.now()
    counts = triggers_sweep(
        installation_id=installation_id,
        now=now,
        config=config,
        spend_thresholds=config.spend_thresholds or {},
        checkout_quiet_for=timedelta(minutes=checkout_minutes),
        browse_window=timedelta(hours=browse_hours),
        browse_quiet_for=timedelta(minutes=browse_minutes),
        unit=lambda: unit_of_work(now=now),
    )
    # Numeric custom attributes past the lines the shop's journeys watch (up, down, re-armed).
    crossed = attribute_thresholds_cross(
        installation_id=installation_id, now=now, unit=lambda: unit_of_work(now=now)
    )
    if counts.total or crossed:
        logger.info(
            "Triggers of installation %s: %s, %s crossings", installation_id, counts, crossed
        )
    return {
        "checkout_abandoned": counts.checkout_abandoned,
        "browse_abandoned": counts.browse_abandoned,
        "customer_lapsed": counts.customer_lapsed,
        "spend_threshold_crossed": counts.spend_threshold_crossed,
        "attribute_threshold_crossed": crossed,
    }


# -- segments, then the journeys they enter -------------------------------------------------


def _entries_feed(segment_id: int | None = None) -> int:
    fed = 0
    while True:
        batch = segment_entries_feed(now=clock.now(), segment_id=segment_id, limit=FEED_BATCH)
        fed += batch
        if batch < FEED_BATCH:
            return fed


@shared_task(name="saleor_mautomation.flows.tasks.segment_rebuild")
def segment_rebuild_task(segment_id: int) -> dict[str, int]:
    """Rebuild one segment (after a save), then enter its new members in its journeys."""
    segment = Segment.objects.filter(pk=segment_id, status=Segment.Status.ACTIVE).first()
    if segment is None:
        return {"entered": 0, "exited": 0, "fed": 0}
    outcome = segment_rebuild(segment=segment, now=clock.now())
    return {"entered": outcome.entered, "exited": outcome.exited, "fed": _entries_feed(segment_id)}


@shared_task(name="saleor_mautomation.flows.tasks.segments_rebuild")
def segments_rebuild_task(
    installation_id: int, time_dependent_only: bool = False
) -> dict[str, int]:
    """Rebuild an installation's segments (those referred to first), then feed the entries to
    the journeys (after the nightly figures, after a backfill, on the periodic sweep). One
    queued for an installation deleted since does nothing."""
    if not Installation.objects.filter(pk=installation_id).exists():
        logger.warning("Segments of installation %s not rebuilt: it is gone", installation_id)
        return {"entered": 0, "exited": 0, "fed": 0}
    segments_builtin_ensure(installation_id=installation_id, now=clock.now())
    outcome = segments_rebuild(
        installation_id=installation_id, now=clock.now(), time_dependent_only=time_dependent_only
    )
    fed = _entries_feed()
    logger.info(
        "Segments of installation %s rebuilt: %s entered, %s exited; %s entries fed",
        installation_id,
        outcome.entered,
        outcome.exited,
        fed,
    )
    return {"entered": outcome.entered, "exited": outcome.exited, "fed": fed}


@shared_task(name="saleor_mautomation.flows.tasks.segments_sweep")
def segments_sweep() -> None:
    """Windows slide, people age, birthdays come: segments that change with time alone.
    Also the safety net of the two-step tasks: entries a dead worker left pending, merges
    completed outside a unit of work."""
    _entries_feed()
    while merges_complete(now=clock.now()):
        pass
    # A segment saved while the broker was down was never built: build it now.
    for segment_id in Segment.objects.filter(
        status=Segment.Status.ACTIVE, evaluated_at__isnull=True
    ).values_list("pk", flat=True):
        segment_rebuild_task.delay(segment_id)
    for installation_id in _active_installations():
        segments_rebuild_task.delay(installation_id, time_dependent_only=True)


# -- nightly --------------------------------------------------------------------------------------


@shared_task(name="saleor_mautomation.flows.tasks.contacts_sweep")
def contacts_sweep(installation_id: int) -> None:
    """RFM quintiles, time-driven lifecycle stages, 30/90-day email counts and the send-time
    profiles (those whose window slid, then the shop's)."""
    config = contacts_config(installation_id)
    now = clock.now()
    lifecycle_sweep(installation_id=installation_id, config=config, now=now)
    rfm_sweep(installation_id=installation_id, now=now)
    email_engagement_sweep(installation_id=installation_id, now=now)
    shop_send_time_refresh(installation_id=installation_id, now=now)


@shared_task(name="saleor_mautomation.flows.tasks.nightly")
def nightly() -> None:
    """Per active installation, a chain: the contacts' figures, then every segment (which
    reads them), then the journey entries; each step starts when the one before finished."""
    for installation_id in _active_installations():
        chain(
            contacts_sweep.si(installation_id),
            segments_rebuild_task.si(installation_id),
        ).delay()


# -- data protection -----------------------------------------------------------------------------


@shared_task(name="saleor_mautomation.flows.tasks.erasures_sweep")
def erasures_sweep() -> int:
    """Complete open erasure requests: those no unit of work completed (a process died, a
    delivery naming the person was still waiting to be drained)."""
    return erasures_run(now=clock.now())


@shared_task(name="saleor_mautomation.flows.tasks.deliveries_retention_sweep")
def deliveries_retention_sweep_task() -> int:
    """Daily: raw webhook bodies are kept ``DELIVERY_RETENTION_DAYS`` (intake.retention); the
    attributes endpoint's idempotency keys a week (contacts.attribute_requests)."""
    swept = deliveries_retention_sweep(now=clock.now(), days=settings.DELIVERY_RETENTION_DAYS)
    return swept.deleted + swept.blanked + attribute_requests_prune(now=clock.now())
