"""The ``mautomation`` console script: the project's manage.py."""

from __future__ import annotations

import os
import sys

# Commands the docs spell with a hyphen, as Django names them.
ALIASES = {"sync-webhooks": "sync_webhooks"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1])
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
