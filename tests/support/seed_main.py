"""The entry point of the browser tests' seed modules (``python -m tests.support.<seed>
<stamp> ...``, run by ``e2e_server.py`` in the app's environment): Django set up for the app's
database, the seed called with the stamp and now, its result printed as one JSON line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_mautomation.project.settings")
    import django

    django.setup()


def seed_main(seed: Callable[..., dict[str, Any]]) -> None:
    """``seed(stamp=argv[1] or "seed", now=now)``, printed as JSON."""
    django_setup()
    stamp = sys.argv[1] if len(sys.argv) > 1 else "seed"
    print(json.dumps(seed(stamp=stamp, now=datetime.now(tz=UTC))), flush=True)
