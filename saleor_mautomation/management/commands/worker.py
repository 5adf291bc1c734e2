from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saleor_mautomation.management import processes


class Command(BaseCommand):
    help = "Run a Celery worker for the app's queues (production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)

    def handle(self, *args: Any, **options: Any) -> None:
        command = processes.worker(options["concurrency"])
        os.execv(command[0], command)  # noqa: S606 - replaces this process with the worker
