"""What the benchmarks share: a throwaway PostgreSQL (or ``BENCH_DATABASE_URL``), Django set up
against it, rows written with COPY, and the machine's figures printed beside each result.

Benchmarks import it as ``_support`` (``bench/`` is on ``sys.path`` when a script in it runs).
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402


@contextlib.contextmanager
def bench_database(prefix: str) -> Iterator[tuple[str, str, bool]]:
    """(database URL, a var directory, whether the database was given): ``BENCH_DATABASE_URL``
    when set (kept, so a bench may fill it once and reuse it), else a durable throwaway
    PostgreSQL started for the run and removed after it."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{prefix}-") as var:
        given = os.environ.get("BENCH_DATABASE_URL")
        if given:
            yield given, var, True
            return
        with postgres(durable=True) as url:
            _create_database(url)
            yield url, var, False


def django_environ(url: str, var: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "MAUTOMATION_VAR_DIR": var,
        "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
        "LOG_LEVEL": "WARNING",
    }


def django_ready(url: str, var: str, *, migrate: bool = True) -> None:
    """Point this process's Django at the database (migrated first, in a process of its own)."""
    os.environ.update(django_environ(url, var))
    if migrate:
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
    import django

    django.setup()


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def peak_rss_mb() -> float:
    """This process's peak resident set (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def copy_rows(model: Any, rows: Iterable[Mapping[str, Any]]) -> int:
    """Write model rows with PostgreSQL's COPY: every concrete column, those a row does not
    give taking the model's default (``pre_save`` as the ORM would: ``auto_now_add`` too)."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    written = 0
    connection.ensure_connection()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for values in rows:
                instance = model(**values)
                copy.write_row(
                    [f.get_db_prep_save(f.pre_save(instance, add=True), connection) for f in fields]
                )
                written += 1
    return written
