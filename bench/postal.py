"""Postal step and print batch: cards added per second, and the batch's CSV streamed.

``BENCH_SCALE`` x 20,000 consenting contacts with an address wait before a journey's postal
step (one batch, no cap reached); the scheduler's ``runs_wake`` batches (``flows.tasks``'
size) are run until every run has passed the step: cards/s, and the CPU each card took, of
this process and of its PostgreSQL backend (read from ``/proc``: the database is local),
which the machine's load barely changes (cards/s on two cores shared with others does).
Then the batch is downloaded as its CSV is (``postal.selectors.batch_csv``, pages of 2,000):
rows/s, the CSV's size and the most memory the stream held at once (tracemalloc's peak while
it is read, against the size of the whole file). Runs ``BENCH_RUNS`` times (default 3) on a
throwaway PostgreSQL and prints one JSON line: the medians with the load average.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _support import bench_database, django_ready, loadavg, median, peak_rss_mb

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(100, int(20_000 * SCALE))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WAKE_BATCH = 500
TICKS = os.sysconf("SC_CLK_TCK")


def backend_cpu() -> float | None:
    """Seconds of CPU this connection's PostgreSQL backend has used (None if not local)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def main() -> None:
    with bench_database("postal") as (url, var, _given):
        django_ready(url, var)
        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.journeys.models import Journey, JourneyRun
        from saleor_mautomation.journeys.runner import runs_wake
        from saleor_mautomation.journeys.services import journey_enroll, journey_publish
        from saleor_mautomation.postal.models import PostalBatch
        from saleor_mautomation.postal.selectors import batch_csv
        from saleor_mautomation.saleor.models import Installation

        adds, rows_rate, peaks, sizes = [], [], [], []
        app_cpu: list[float] = []
        db_cpu: list[float] = []
        for run in range(RUNS):
            start = datetime(2026, 6, 15, 6, 0, tzinfo=UTC)
            shop = Installation.objects.create(
                saleor_api_url=f"https://postal-{run}.example/graphql/",
                app_id="QXBwOjE=",
                auth_token="token",
                installed_at=start,
                shop_name="Linden",
            )
            contacts = Contact.objects.bulk_create(
                Contact(
                    installation=shop,
                    email=f"p{n}@example.com",
                    first_name=f"Person{n}",
                    language_code="de" if n % 2 else "en",
                    postal_consent="granted",
                    postal_address={
                        "first_name": f"Person{n}",
                        "last_name": "Example",
                        "street_address_1": f"Torstraße {n}",
                        "postal_code": "10119",
                        "city": "BERLIN",
                        "country": "DE",
                    },
                )
                for n in range(CONTACTS)
            )
            journey = Journey.objects.create(
                installation=shop,
                key="cards",
                name="Cards",
                draft={
                    "entry": {"type": "manual"},
                    "start": "pause",
                    "nodes": {
                        "pause": {"type": "wait", "duration": {"hours": 1}, "next": "card"},
                        "card": {
                            "type": "send_postal",
                            "template": "win-back-card",
                            "max_per_batch": 100_000,
                            "cutoff_hour": 23,
                            "next": "end",
                        },
                        "end": {"type": "exit"},
                    },
                },
            )
            journey_publish(journey=journey, now=start)
            for contact in contacts:
                journey_enroll(
                    journey=journey,
                    contact=contact,
                    now=start,
                    context={"voucher": {"code": f"WB-{contact.pk}"}},
                )
            now = start + timedelta(hours=2)
            db_before, cpu_before = backend_cpu(), time.process_time()
            began = time.perf_counter()
            while runs_wake(now=now, limit=WAKE_BATCH):
                pass
            adds.append(CONTACTS / (time.perf_counter() - began))
            app_cpu.append((time.process_time() - cpu_before) * 1000 / CONTACTS)
            db_after = backend_cpu()
            if db_before is not None and db_after is not None:
                db_cpu.append((db_after - db_before) * 1000 / CONTACTS)
            assert JourneyRun.objects.filter(journey=journey, status="exited").count() == CONTACTS
            batch = PostalBatch.objects.get(installation=shop)
            assert batch.items_count == CONTACTS
            tracemalloc.start()
            began = time.perf_counter()
            size = sum(len(chunk.encode()) for chunk in batch_csv(batch))
            rows_rate.append(CONTACTS / (time.perf_counter() - began))
            peaks.append(tracemalloc.get_traced_memory()[1] / 1e6)
            tracemalloc.stop()
            sizes.append(size / 1e6)
            print(
                f"[postal] run {run + 1}: {adds[-1]:.0f} cards/s"
                f" (CPU per card: app {app_cpu[-1]:.2f} ms, database"
                f" {db_cpu[-1] if db_cpu else float('nan'):.2f} ms),"
                f" CSV {rows_rate[-1]:.0f} rows/s,"
                f" {sizes[-1]:.1f} MB, peak {peaks[-1]:.1f} MB, load {loadavg()}",
                flush=True,
            )
    print(
        json.dumps(
            {
                "benchmark": "postal",
                "contacts": CONTACTS,
                "runs": RUNS,
                "cards_per_s": round(median(adds), 1),
                "app_cpu_ms_per_card": round(median(app_cpu), 3),
                "db_cpu_ms_per_card": round(median(db_cpu), 3) if db_cpu else None,
                "csv_rows_per_s": round(median(rows_rate), 1),
                "csv_mb": round(median(sizes), 2),
                "csv_stream_peak_mb": round(median(peaks), 2),
                "peak_rss_mb": peak_rss_mb(),
                "loadavg": loadavg(),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
