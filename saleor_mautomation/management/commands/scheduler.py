from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from saleor_mautomation.management import processes


class Command(BaseCommand):
    help = "Run the scheduler (Celery beat): periodic sweeps. Run exactly one."

    def handle(self, *args: Any, **options: Any) -> None:
        command = processes.scheduler(settings.CELERY_BEAT_SCHEDULE_FILENAME)
        os.execv(command[0], command)  # noqa: S606 - replaces this process with the scheduler
