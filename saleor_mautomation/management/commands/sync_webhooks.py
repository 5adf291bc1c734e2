"""``mautomation sync-webhooks`` (or ``sync_webhooks``): each installation's webhooks in Saleor
brought in line with this version's manifest (``saleor.webhook_sync``).

Saleor creates a manifest's webhooks at install time only; after an upgrade that adds or
changes webhooks, or a new ``APP_URL``, this creates the missing ones, updates those that
differ and lists the app's webhooks the manifest no longer has (deleted with ``--prune``).
``--dry-run`` prints the plan and changes nothing. An installation that fails is reported and
the others go on; the exit code is 1 when any failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.webhook_sync import Outcome, SyncReport, webhooks_sync

_DONE = {"create": "created", "update": "updated", "delete": "deleted", "extra": "extra"}
_PLANNED = {"create": "would create", "update": "would update", "delete": "would delete"}


def installations_chosen(chosen: str | None) -> QuerySet[Installation]:
    """The active installations, or the one ``chosen`` names by id or Saleor API URL."""
    installations = Installation.objects.filter(status=Installation.Status.ACTIVE).order_by("id")
    if not chosen:
        return installations
    if chosen.isdigit():
        return installations.filter(pk=int(chosen))
    return installations.filter(saleor_api_url=chosen)


def outcome_line(outcome: Outcome, *, dry_run: bool) -> str:
    if outcome.action == "extra":
        note = "not in the manifest (--prune deletes it)"
        return f"  {'extra':<12} {outcome.name}: {note}"
    verb = (_PLANNED if dry_run else _DONE)[outcome.action]
    line = f"  {verb:<12} {outcome.name}"
    if outcome.fields:
        line += f" ({', '.join(outcome.fields)})"
    if outcome.error:
        line = f"  {'FAILED':<12} {outcome.action} {outcome.name}: {outcome.error}"
    return line


def report_lines(report: SyncReport) -> list[str]:
    head = f"{report.saleor_api_url} (installation {report.installation_id})"
    if report.plan is not None:
        head += f": {report.plan.summary()}"
    lines = [head]
    lines += [outcome_line(o, dry_run=report.dry_run) for o in report.outcomes]
    if report.error:
        lines.append(f"  FAILED       {report.error}")
    elif report.plan is not None and not report.outcomes:
        lines.append("  nothing to do")
    return lines


class Command(BaseCommand):
    help = "Bring each installation's webhooks in Saleor in line with the app's manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--installation",
            metavar="ID_OR_SALEOR_API_URL",
            help="only this installation (default: every active one)",
        )
        parser.add_argument("--dry-run", action="store_true", help="print the plan, change nothing")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete the app's webhooks that the manifest no longer has",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        installations = list(installations_chosen(options["installation"]))
        if not installations:
            raise CommandError(
                f"No active installation {options['installation']}"
                if options["installation"]
                else "No active installation"
            )
        failed = []
        for installation in installations:
            report = webhooks_sync(installation, dry_run=options["dry_run"], prune=options["prune"])
            for line in report_lines(report):
                self.stdout.write(line)
            if not report.ok:
                failed.append(installation.saleor_api_url)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(installations)} installations failed: {', '.join(failed)}"
            )
