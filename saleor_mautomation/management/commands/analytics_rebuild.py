"""``mautomation analytics_rebuild``: derive the reports' daily tallies afresh from the
messages, runs and order attributions (after upgrading from a version without them, or to
repair); list growth, which cannot be derived, is kept as it was tallied."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saleor_mautomation.analytics.rollups import tallies_rebuild
from saleor_mautomation.saleor.models import Installation


class Command(BaseCommand):
    help = "Rebuild the analytics tallies of every installation (or of --installation)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--installation", type=int, help="One installation's id.")

    def handle(self, *args: Any, **options: Any) -> None:
        installations = Installation.objects.order_by("pk")
        if options["installation"] is not None:
            installations = installations.filter(pk=options["installation"])
        for installation in installations.only("pk", "saleor_api_url"):
            added = tallies_rebuild(installation_id=installation.pk)
            self.stdout.write(f"{installation.saleor_api_url}: {added} tallies")
