"""The installations' upkeep, hourly: shop names Saleor did not give at registration are
read again, and an uninstalled shop's credentials are deleted once the grace period passed.

Within ``UNINSTALL_CREDENTIALS_GRACE`` of an APP_DELETED nothing is deleted (an uninstall by
mistake, re-installed at once, finds its provider settings as they were); after it, the Saleor
token and the email and SMS provider secrets go. A re-install at any time brings a new token
(``installation_register``); its data is re-attached within ``UNINSTALL_GRACE``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.messages.services import provider_secrets_delete
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import (
    installation_credentials_delete,
    installations_shop_refresh,
)

logger = logging.getLogger(__name__)


def credentials_sweep(*, now: datetime, grace: timedelta) -> list[int]:
    """Delete the credentials of every installation uninstalled more than ``grace`` ago (one
    transaction each; the row's update decides, so a re-install meanwhile keeps its own)."""
    before = now - grace
    due = Installation.objects.filter(
        status=Installation.Status.UNINSTALLED,
        uninstalled_at__lte=before,
        credentials_deleted_at__isnull=True,
    ).values_list("pk", flat=True)
    deleted = []
    for installation_id in list(due):
        with transaction.atomic():
            if installation_credentials_delete(
                installation_id=installation_id, uninstalled_before=before, now=now
            ):
                provider_secrets_delete(installation_id=installation_id)
                deleted.append(installation_id)
    return deleted


@shared_task(name="saleor_mautomation.flows.tasks.installations_sweep")
def installations_sweep() -> dict[str, int]:
    """Each installation calls its own Saleor: one shop's slow API delays only this sweep."""
    read = installations_shop_refresh()
    deleted = credentials_sweep(now=clock.now(), grace=settings.UNINSTALL_CREDENTIALS_GRACE)
    return {"shop_names_read": read, "credentials_deleted": len(deleted)}
