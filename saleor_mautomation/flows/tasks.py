"""Celery tasks that span domains: each calls the coordinator, which orders the work."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings

from saleor_mautomation.core import clock
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.intake.retention import deliveries_retention_sweep

# -- data protection -----------------------------------------------------------------------------


@shared_task(name="saleor_mautomation.flows.tasks.erasures_sweep")
def erasures_sweep() -> int:
    """Complete open erasure requests: those no unit of work completed (a process died, a
    delivery naming the person was still waiting to be drained)."""
    return erasures_run(now=clock.now())


@shared_task(name="saleor_mautomation.flows.tasks.deliveries_retention_sweep")
def deliveries_retention_sweep_task() -> int:
    """Daily: raw webhook bodies are kept ``DELIVERY_RETENTION_DAYS`` (intake.retention)."""
    swept = deliveries_retention_sweep(now=clock.now(), days=settings.DELIVERY_RETENTION_DAYS)
    return swept.deleted + swept.blanked
