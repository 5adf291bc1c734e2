"""A check module run in a process of its own on a fresh, migrated SQLite database (the
embedded default): the environment's PostgreSQL, broker and settings left out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def sqlite_check(module: str, tmp_path: Path) -> Any:
    """Migrate a SQLite database under ``tmp_path``, run ``python -m module`` against it and
    return the JSON object its last line prints."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["MAUTOMATION_VAR_DIR"] = str(tmp_path / "var")
    cli = [sys.executable, "-m", "saleor_mautomation.cli"]
    migrate = subprocess.run(
        [*cli, "migrate", "-v0"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    done = subprocess.run(
        [sys.executable, "-m", module],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
