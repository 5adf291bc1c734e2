from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saleor_mautomation.management import processes


class Command(BaseCommand):
    help = "Run a Celery worker for the app's queues (production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
        parser.add_argument(
            "--queues",
            default=processes.QUEUES,
            help="comma-separated queues this worker takes (default: all of them)",
        )
        parser.add_argument("--hostname", help="the worker's node name, e.g. bulk@%%h")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        unknown = set(options["queues"].split(",")) - set(processes.QUEUES.split(","))
        if unknown:
            raise CommandError(
                f"Unknown queue {', '.join(sorted(unknown))}: the app's are {processes.QUEUES}"
            )
        command = processes.worker(
            options["concurrency"],
            options["loglevel"],
            queues=options["queues"],
            hostname=options["hostname"],
        )
        os.execv(command[0], command)  # noqa: S606 - replaces this process with the worker
