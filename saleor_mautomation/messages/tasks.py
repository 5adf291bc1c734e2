"""The messages' own periodic work (the sending tasks are the coordinator's, ``flows.send``)."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from saleor_mautomation.core import clock
from saleor_mautomation.messages.short_links import short_links_purge


@shared_task(name="saleor_mautomation.messages.tasks.short_links_purge")
def short_links_purge_task() -> int:
    """Nightly: texts' short links older than ``SMS_SHORT_LINK_DAYS`` are deleted."""
    return short_links_purge(now=clock.now(), max_age=timedelta(days=settings.SMS_SHORT_LINK_DAYS))
