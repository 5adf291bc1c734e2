"""The Celery application; tasks live in each domain's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")

app = Celery("saleor_mautomation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(
    [
        "saleor_mautomation.intake",
        "saleor_mautomation.contacts",
        "saleor_mautomation.backfill",
        "saleor_mautomation.segments",
        "saleor_mautomation.messages",
        "saleor_mautomation.journeys",
    ]
)
