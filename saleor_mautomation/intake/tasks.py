from __future__ import annotations

from functools import cache

from celery import shared_task
from django.conf import settings

from saleor_mautomation.intake import services

RETRY_DELAY = 30


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
    if delay > 0:
        deliveries_drain.apply_async(countdown=delay)
    else:
        deliveries_drain.apply_async()


@cache
def _nudger() -> services.DrainNudger:
    return services.DrainNudger(_send, settings.INTAKE_NUDGE_WINDOW)


def drain_nudge() -> None:
    """Called after a new delivery commits: wake a drain (debounced per process)."""
    _nudger().nudge()
