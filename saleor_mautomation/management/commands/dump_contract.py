"""``mautomation dump_contract``: write what the dashboard extension builds against
(``saleor_mautomation.graphql.contract``) into ``dashboard_extension/``; ``make schema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saleor_mautomation.graphql.contract import contract_files

EXTENSION = Path(__file__).resolve().parents[3] / "dashboard_extension"


class Command(BaseCommand):
    help = "Write schema.graphql and the journey fixtures of dashboard_extension/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, default=EXTENSION, help="The extension's folder.")

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        for name, text in contract_files().items():
            path = out / name
            path.parent.mkdir(parents=True, exist_ok=True)
            changed = not path.is_file() or path.read_text(encoding="utf-8") != text
            if changed:
                path.write_text(text, encoding="utf-8")
            self.stdout.write(f"{'wrote' if changed else 'unchanged'} {path}")
