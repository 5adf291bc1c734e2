from __future__ import annotations

import logging
from functools import cache

from celery import shared_task
from django.conf import settings
from kombu.exceptions import KombuError

from saleor_mautomation.intake import services

RETRY_DELAY = 30
logger = logging.getLogger(__name__)


@shared_task(name="saleor_mautomation.intake.tasks.deliveries_drain")
def deliveries_drain() -> int:
    """Process stored deliveries; several may run at once (SKIP LOCKED keeps them apart)."""
    result = services.deliveries_drain(
        batch_size=settings.INTAKE_BATCH_SIZE,
        max_batches=50,
        max_attempts=settings.INTAKE_MAX_ATTEMPTS,
    )
    if result.retried:
        deliveries_drain.apply_async(countdown=RETRY_DELAY)
    return result.total


def _send(delay: float) -> None:
    """The delivery is already stored: a broker outage must not turn its 200 into a 500.
    The scheduler's sweep drains whatever a lost nudge left behind."""
    try:
        if delay > 0:
            deliveries_drain.apply_async(countdown=delay, retry=False)
        else:
            deliveries_drain.apply_async(retry=False)
    except (KombuError, OSError) as exc:
        logger.warning("Could not wake the drain (%s); the sweep will pick it up", exc)


@cache
def _nudger() -> services.DrainNudger:
    return services.DrainNudger(_send, settings.INTAKE_NUDGE_WINDOW)


def drain_nudge() -> None:
    """Called after a new delivery commits: wake a drain (debounced per process)."""
    _nudger().nudge()
