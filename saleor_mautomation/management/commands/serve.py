from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from saleor_mautomation.management import processes


class Command(BaseCommand):
    help = "Run the web server, a worker and the scheduler in one command (embedded default)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        commands = {
            "web": processes.web(options["port"], options["web_workers"], host=settings.BIND),
            "worker": processes.worker(options["concurrency"], root_warned=True),
            "scheduler": processes.scheduler(settings.CELERY_BEAT_SCHEDULE_FILENAME),
        }
        self.stdout.write(
            f"Serving {settings.APP_URL} (manifest: {settings.APP_URL}/api/manifest); "
            "Ctrl+C stops web, worker and scheduler."
        )
        if processes.running_as_root():
            self.stdout.write(processes.ROOT_NOTE)
        processes.supervise(commands, write=self.stderr.write)
