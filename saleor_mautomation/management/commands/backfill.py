"""``mautomation backfill``: import the shops' existing data now, in this process, with progress.

The same import the install enqueues, run in the foreground (no worker needed): it resumes an
unfinished run from its cursor, or starts over after a finished one. Like the install, the full
import (no ``--resource``) also syncs the catalogue (``catalogue.sync``), here in this process.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from saleor_mautomation.backfill import selectors, services
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.services import Outcome
from saleor_mautomation.catalogue import sync as catalogue_sync
from saleor_mautomation.core import clock
from saleor_mautomation.flows.tasks import segments_rebuild_task
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client

BAR_WIDTH = 30


class ProgressBar:
    """A bar per resource: redrawn in place on a terminal, a line per tenth elsewhere (logs)."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.resource = ""
        self.started = clock.monotonic()
        self.first_done: int | None = None
        self.last_tenth = -1

    def update(self, run: BackfillRun) -> None:
        if run.resource != self.resource:
            self.close()
            self.resource, self.first_done, self.last_tenth = run.resource, None, -1
        if self.first_done is None:
            # A resumed run starts part-way: the rate counts this process's work only.
            self.first_done = run.done
            self.started = clock.monotonic()
        total = max(run.total or 0, run.done)
        share = run.done / total if total else 1.0
        filled = int(BAR_WIDTH * share)
        elapsed = max(clock.monotonic() - self.started, 1e-6)
        rate = (run.done - self.first_done) / elapsed
        line = (
            f"{self.resource:<10} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] "
            f"{run.done:>9,}/{total:<9,} {share:>4.0%} {rate:>8,.0f}/s"
        )
        if run.skipped:
            line += f"  ({run.skipped:,} skipped)"
        # Progress is not an error: no red, whatever Django styles stderr with.
        if self.tty:
            self.stream.write(f"\r{line}", style_func=str, ending="")
        elif int(share * 10) != self.last_tenth:
            self.last_tenth = int(share * 10)
            self.stream.write(line, style_func=str)
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self.first_done is not None:
            self.stream.write("", style_func=str)
        self.first_done = None


class Command(BaseCommand):
    help = "Import the shop's existing customers, orders and open checkouts from Saleor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--installation",
            metavar="SALEOR_API_URL",
            help="only this installation (default: every active one)",
        )
        parser.add_argument(
            "--resource",
            choices=list(BackfillRun.Resource),
            action="append",
            help="only this kind of object (repeatable; default: all, customers first, then "
            "the catalogue's full sync)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        installations = Installation.objects.filter(status=Installation.Status.ACTIVE)
        if options["installation"]:
            installations = installations.filter(saleor_api_url=options["installation"])
        if not installations:
            raise CommandError("No active installation to backfill")
        chosen = set(options["resource"] or BackfillRun.Resource)
        resources = [resource for resource in BackfillRun.Resource if resource in chosen]
        failures = []
        for installation in installations.order_by("id"):
            bar = ProgressBar(self.stderr)
            self.stdout.write(f"Backfill of {installation.saleor_api_url}")
            outcomes = services.backfill_execute(
                installation_id=installation.pk,
                resources=resources,
                fresh=True,
                page_size=settings.BACKFILL_PAGE_SIZE,
                pacer=services.PagePacer(settings.BACKFILL_MIN_PAGE_INTERVAL),
                on_page=bar.update,
            )
            bar.close()
            runs = {
                run.resource: run
                for run in selectors.backfill_status(installation_id=installation.pk)
            }
            for resource in resources:
                outcome, run = outcomes.get(resource), runs.get(resource)
                line = f"  {resource}: {outcome or 'not reached'}"
                if run is not None:
                    line += f", {run.done:,} of {run.total or 0:,} ({run.skipped:,} skipped)"
                    line += f": {run.error}" if run.error else ""
                self.stdout.write(line)
                if outcome is not Outcome.DONE:
                    failures.append(f"{installation.saleor_api_url} {resource}")
            if all(outcomes.get(resource) is Outcome.DONE for resource in resources):
                # Imported in bulk: segments are evaluated in bulk too, then the journeys
                # they enter are fed (the coordinator's task, run here).
                rebuilt = segments_rebuild_task(installation.pk)
                self.stdout.write(
                    f"  segments: {rebuilt['entered']:,} entered, {rebuilt['exited']:,} exited"
                )
            if not options["resource"] and not self._catalogue(installation):
                failures.append(f"{installation.saleor_api_url} catalogue")
        if failures:
            raise CommandError(
                "Not finished (run the command again to resume): " + ", ".join(failures)
            )

    def _catalogue(self, installation: Installation) -> bool:
        """The catalogue's full sync in this process (an unfinished one resumed); whether done."""
        outcome = catalogue_sync.catalogue_sync_execute(
            installation_id=installation.pk,
            client=saleor_client(installation),
            fresh=True,
            page_size=settings.BACKFILL_PAGE_SIZE,
            pacer=services.PagePacer(settings.BACKFILL_MIN_PAGE_INTERVAL),
        )
        line = f"  catalogue: {outcome}"
        latest = catalogue_sync.catalogue_sync_latest(installation_id=installation.pk)
        if latest is not None:
            line += (
                f", {latest.products:,} products, {latest.variants:,} variants "
                f"({latest.skipped:,} skipped, {latest.deleted:,} deleted)"
            )
            line += f": {latest.error}" if latest.error else ""
        self.stdout.write(line)
        return outcome is catalogue_sync.Outcome.DONE
