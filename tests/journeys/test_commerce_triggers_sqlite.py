"""Commerce triggers on the embedded default (SQLite), which the demo runs on: the contacts
interested in a product are found from their events' JSON there too."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_back_in_stock_moment_reaches_viewers_carters_and_checkouts_on_sqlite(tmp_path: Path):
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
        [sys.executable, "-m", "tests.support.sqlite_commerce_check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "vendor": "sqlite",
        "recorded": 3,
        "triggered": {"viewer": "viewed", "carter": "carted", "checkout": "carted"},
    }
