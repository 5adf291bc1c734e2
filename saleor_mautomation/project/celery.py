"""The Celery application; tasks live in each domain's ``tasks.py``."""

import os

from celery import Celery
from celery.signals import worker_init

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
