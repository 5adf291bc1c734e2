"""``mautomation doctor``: checks this deployment and says what to fix, one line per check
(``OK``, ``WARN`` or ``FAIL`` and the fix); exit code 1 when any check fails. ``--json``
prints the checks as a JSON object instead (``checks``: check, status, message, fix)."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saleor_mautomation.messages.dns_check import SelectorInvalid, selectors_checked
from saleor_mautomation.ops.doctor import doctor_lines
from saleor_mautomation.ops.report import Status


class Command(BaseCommand):
    help = "Check the settings, database, broker, email and each installation; say what to fix."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the checks as JSON")
        parser.add_argument(
            "--dkim-selector",
            action="append",
            default=[],
            metavar="SELECTOR",
            help="a DKIM selector to look up for each sender domain (repeatable; default: the"
            " ESP's known ones)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # The checks' own chatter (each HTTP request, kombu's defaults) is not their result.
        for name in ("httpx", "kombu", "saleor_mautomation.saleor.client"):
            logging.getLogger(name).setLevel(logging.ERROR)
        try:
            selectors = selectors_checked(options["dkim_selector"], None)
        except SelectorInvalid as exc:
            raise CommandError(exc.message) from exc
        lines = doctor_lines(dkim_selectors=selectors)
        failed = sum(line.status is Status.FAIL for line in lines)
        warned = sum(line.status is Status.WARN for line in lines)
        if options["json"]:
            body = {
                "ok": not failed,
                "failed": failed,
                "warnings": warned,
                "checks": [line.as_json() for line in lines],
            }
            self.stdout.write(json.dumps(body, indent=2))
        else:
            for line in lines:
                self.stdout.write(line.text(), style_func=str)
            self.stdout.write(f"{len(lines)} checks: {failed} failed, {warned} warnings")
        if failed:
            raise SystemExit(1)
