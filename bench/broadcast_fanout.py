"""A broadcast's snapshot and fan-out for ``BENCH_SCALE`` x 1,000,000 recipients, no sending.

Fills a throwaway (durable) PostgreSQL with the contacts, all members of one segment, and a
broadcast journey (one email, the default ``welcome-1``) due now. Then, each in a process of
its own so its peak RSS is its own:

- the snapshot: the scheduler's ``entries_due`` task (``journeys.tasks``), which takes the
  segment's members in keyset pages and creates their runs (and entered steps) in bulk;
- the fan-out: ``BENCH_WORKERS`` (2) processes each running the bulk queue's
  ``broadcast_runs_wake`` task (``flows.tasks``: due broadcast runs claimed with SKIP LOCKED
  in batches, each batch one unit of work; a simple send's batch written in bulk by
  ``journeys.fanout_sends``), which queues one outbox message per recipient. Nobody sends:
  the outbox is left queued (``bench/broadcast.py`` sends).

Prints progress, then the figures: runs/s of the snapshot, messages queued/s of the fan-out,
the CPU the fan-out took per recipient (the workers' own, and their PostgreSQL backends': what
it leaves of the cores to the senders), each process's peak RSS (it should stay flat as the
scale grows: run two scales), the counts checked (runs, messages, duplicates: must be 0) and
the load average before and after (the machine is shared). The last line is one JSON object.
``BENCH_FANOUT=0`` measures the snapshot only.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
FAN_OUT = os.environ.get("BENCH_FANOUT", "1") != "0"  # "0": the snapshot only
API_URL = "https://shop.bench.example/graphql/"

CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       'US', 'Austin', 'Europe/Berlin', '', '{}', true, 'granted', now(), now(), 0, 'prospect',
       '[]', '{}', '', '{}', '[]', 0, 0, 0, 0, '', 'unknown', 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

MEMBERS_SQL = """
INSERT INTO mautomation_membership (installation_id, segment_id, contact_id, entered_at,
    exited_at, entry_pending)
SELECT installation_id, %(segment)s, id, now(), NULL, false
FROM mautomation_contact WHERE installation_id = %(installation)s
"""


def log(message: str) -> None:
    print(f"[broadcast-fanout] {message}", flush=True)


def _setup_django() -> None:
    import django

    django.setup()


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _ready(_: int) -> float:
    """Set Django up in a pool process before the clock starts; its RSS then."""
    _setup_django()
    from django.db import connection

    connection.ensure_connection()
    time.sleep(0.5)  # every process of the pool gets one
    return _peak_rss_mb()


def _snapshot(_: int) -> tuple[int, float, float]:
    from django.db import connection

    from saleor_mautomation.journeys.tasks import entries_due

    started = time.perf_counter()
    runs = entries_due()
    elapsed = time.perf_counter() - started
    connection.close()
    return runs, elapsed, _peak_rss_mb()


def _cpu_s(pid: int | None = None) -> float:
    """CPU seconds (user and system) of this process, or of another by its pid (its
    PostgreSQL backend: readable here, the server runs on this machine)."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _fan_out(_: int) -> tuple[int, float, float, float]:
    from django.db import connection

    from saleor_mautomation.flows.tasks import broadcast_runs_wake

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    app, database = _cpu_s(), _cpu_s(backend)
    woken = broadcast_runs_wake()
    app, database = _cpu_s() - app, _cpu_s(backend) - database
    connection.close()
    return woken, _peak_rss_mb(), app, database


def fill() -> int:
    from django.db import connection
    from django.utils import timezone

    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.journeys.services import journey_publish
    from saleor_mautomation.messages.services import templates_builtin_ensure
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.services import segment_create

    now = timezone.now()
    installation = Installation.objects.create(
        saleor_api_url=API_URL, app_id="QXBwOjE=", auth_token="bench", installed_at=now
    )
    templates_builtin_ensure(installation_id=installation.pk, now=now)
    segment = segment_create(
        installation_id=installation.pk,
        name="Americans",
        definition={"root": {"type": "profile", "field": "country", "op": "eq", "value": "US"}},
        now=now,
    )
    log(f"filling {CONTACTS} contacts, all members of the segment ...")
    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SQL, {"installation": installation.pk, "n": CONTACTS})
        cursor.execute(MEMBERS_SQL, {"installation": installation.pk, "segment": segment.pk})
        cursor.execute("ANALYZE")
    definition = {
        "entry": {"type": "broadcast", "segment_id": segment.pk, "send_at": now.isoformat()},
        "start": "mail",
        "nodes": {
            "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = Journey.objects.create(
        installation=installation, key="sale", name="Sale", draft=definition
    )
    journey_publish(journey=journey, now=now)
    connection.close()
    return journey.pk


def measure(journey_id: int) -> dict[str, Any]:
    from django.db import connection
    from django.db.models import Count

    from saleor_mautomation.journeys.models import JourneyRun
    from saleor_mautomation.messages.models import Message

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        baseline = pool.map(_ready, [0])[0]
        log("snapshot (entries_due) ...")
        runs, snapshot_s, snapshot_rss = pool.map(_snapshot, [0])[0]
    log(f"{runs} runs in {snapshot_s:.1f}s, peak RSS {snapshot_rss} MB (at start {baseline})")
    snapshot = {
        "runs": runs,
        "seconds": round(snapshot_s, 2),
        "runs_per_s": round(runs / snapshot_s),
        "rss_start_mb": baseline,
        "peak_rss_mb": snapshot_rss,
    }
    figures: dict[str, Any] = {
        "benchmark": "broadcast_fanout",
        "scale": SCALE,
        "recipients": CONTACTS,
        "snapshot": snapshot,
    }
    if not FAN_OUT:
        return {**figures, "loadavg": Path("/proc/loadavg").read_text().split()[:3]}
    with context.Pool(WORKERS) as pool:
        ready = pool.map(_ready, range(WORKERS), chunksize=1)
        loadavg = Path("/proc/loadavg").read_text().split()[:3]
        log(f"fan-out (broadcast_runs_wake) in {WORKERS} processes (load {loadavg}) ...")
        started = time.perf_counter()
        done = pool.map(_fan_out, range(WORKERS), chunksize=1)
        fan_out_s = time.perf_counter() - started
    woken = sum(n for n, *_ in done)
    app_cpu, database_cpu = sum(d[2] for d in done), sum(d[3] for d in done)
    messages = Message.objects.filter(journey_id=journey_id).count()
    duplicates = (
        Message.objects.filter(journey_id=journey_id)
        .values("contact_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    waiting = JourneyRun.objects.filter(journey_id=journey_id, status="waiting").count()
    connection.close()
    log(f"{woken} runs woken, {messages} messages queued in {fan_out_s:.1f}s")
    return {
        **figures,
        "fan_out": {
            "workers": WORKERS,
            "runs_woken": woken,
            "messages_queued": messages,
            "seconds": round(fan_out_s, 2),
            "messages_per_s": round(messages / fan_out_s),
            "rss_start_mb": ready,
            "peak_rss_mb": [d[1] for d in done],
            "cpu_s": {"workers": round(app_cpu, 1), "postgres": round(database_cpu, 1)},
            "cpu_us_per_recipient": {
                "workers": round(app_cpu / max(messages, 1) * 1e6),
                "postgres": round(database_cpu / max(messages, 1) * 1e6),
            },
        },
        "duplicates": duplicates,
        "missing": CONTACTS - messages,
        "runs_still_waiting": waiting,
        "loadavg_before_fan_out": loadavg,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-fanout-") as var,
        postgres(durable=True) as url,
    ):
        _create_database(url)
        os.environ.update(
            {
                "DATABASE_URL": url,
                "MAUTOMATION_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
            }
        )
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
        _setup_django()
        journey_id = fill()
        figures = measure(journey_id)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
