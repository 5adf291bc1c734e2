"""Text conditions on the embedded default (SQLite): the same answers as on PostgreSQL for
ASCII case (``COLLATE NOCASE`` there instead of ``LOWER``), an unknown text the empty text;
like SQLite's ``LOWER`` before, non-ASCII letters are compared as written."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_text_conditions_count_the_same_on_sqlite(tmp_path: Path) -> None:
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
        [sys.executable, "-m", "tests.support.sqlite_text_check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {
        "vendor": "sqlite",
        "counts": {
            "country eq de": 2,
            "country ne DE": 2,
            "country in fr, De": 3,
            "country not_in fr": 3,
            "email eq ada@shop.TEST": 1,
            "email is_set": 3,
            "email is_not_set": 1,
            "email contains SHOP": 3,
            "email starts_with A": 1,
            "gender eq Female": 1,
            "city eq BERLIN": 2,
            "city eq Zürich": 1,
        },
    }
