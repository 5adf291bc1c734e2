from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from saleor_mautomation.management import processes


class Command(BaseCommand):
    help = (
        "Run the web server alone (granian on BIND:PORT): production, where web, workers and "
        "the scheduler are separate processes (the container image's default command)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4, help="blocking threads per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        command = processes.web(
            options["port"], options["workers"], host=settings.BIND, threads=options["threads"]
        )
        os.execv(command[0], command)  # noqa: S606 - replaces this process with the server
