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


def rows_generate(
    model: Any,
    count: int,
    *,
    varying: Mapping[str, str],
    start: int = 0,
    batch: int = 200_000,
    progress: Any = None,
    **fixed: Any,
) -> int:
    """Insert ``count`` rows of ``model`` in set-based statements (PostgreSQL's
    ``generate_series``, ``batch`` rows each): no Python object per row, so a million rows take
    seconds of the server's time and no memory here. Every concrete column gets the value an
    instance built with ``fixed`` would save (its defaults, ``auto_now_add`` too), except the
    ``varying`` ones: an SQL expression of ``g`` each, the row's number from ``start``
    (``"'person' || g || '@bench.example'"``). ``progress(done)`` after each statement."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    known = {f.name for f in fields} | {f.attname for f in fields}
    unknown = set(varying) - known
    if unknown:
        raise LookupError(f"{model.__name__} has no column {sorted(unknown)}")
    instance = model(**fixed)
    columns, values, params = [], [], []
    for field in fields:
        columns.append(connection.ops.quote_name(field.column))
        expression = varying.get(field.name, varying.get(field.attname))
        if expression is not None:
            values.append(expression)
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(instance, add=True), connection))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "  # noqa: S608 - the model's
        f"SELECT {', '.join(values)} FROM generate_series(%s, %s) AS g"
    )
    done = 0
    with connection.cursor() as cursor:
        for first in range(start, start + count, batch):
            last = min(first + batch, start + count) - 1
            cursor.execute(sql, [*params, first, last])
            done += last - first + 1
            if progress is not None:
                progress(done)
    return done
