"""The Celery application; tasks live in each domain's ``tasks.py``."""

import os

from celery import Celery
from celery.signals import beat_init, worker_init, worker_ready

from saleor_mautomation.core import fs_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")
# filesystem:// (the embedded default) writes each message whole before a worker can see it.
fs_broker.install()

app = Celery("saleor_mautomation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "saleor_mautomation.flows",
        "saleor_mautomation.contacts",
        "saleor_mautomation.backfill",
        "saleor_mautomation.imports",
        "saleor_mautomation.segments",
        "saleor_mautomation.predictions",
        "saleor_mautomation.messages",
        "saleor_mautomation.journeys",
    ]
)


@worker_init.connect
def _worker_yields_to_the_web(**kwargs: object) -> None:
    """Lower the worker's CPU priority before its pool starts (the pool inherits it): where
    web and worker share cores, Saleor's deliveries and the storefront's calls are answered
    first and the worker works through what they stored with the CPU left over. It changes
    nothing on a machine of its own. ``WORKER_NICE=0`` keeps the normal priority."""
    from django.conf import settings

    if settings.WORKER_NICE:
        os.nice(settings.WORKER_NICE)


@worker_ready.connect
@beat_init.connect
def _webhooks_in_line(**kwargs: object) -> None:
    """Bring the installations' webhooks in line with this version's manifest once per process
    (in the background, failures logged): an installation made before an upgrade that added
    webhooks gets them without a reinstall (``WEBHOOKS_SYNC_AT_START=0`` turns it off)."""
    from saleor_mautomation.saleor.webhook_sync import webhooks_align_at_start

    webhooks_align_at_start()
