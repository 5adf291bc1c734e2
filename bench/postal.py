"""Postal step and print batch: cards added per second, and the batch's CSV streamed.

``BENCH_SCALE`` x 20,000 consenting contacts with an address wait before a journey's postal
step (one batch, no cap reached); the scheduler's ``runs_wake`` batches (``flows.tasks``'
size) are run until every run has passed the step: cards/s. Then the batch is downloaded as
its CSV is (``postal.selectors.batch_csv``, pages of 2,000): rows/s, the CSV's size and the
most memory the stream held at once (tracemalloc's peak while it is read, against the size
of the whole file). Runs ``BENCH_RUNS`` times (default 3) on a throwaway PostgreSQL and
prints one JSON line: the medians with the load average.
"""

from __future__ import annotations

import json
import os
import time
import tracemalloc
from datetime import UTC, datetime, timedelta

from _support import bench_database, django_ready, loadavg, median, peak_rss_mb

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(100, int(20_000 * SCALE))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
WAKE_BATCH = 500


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
            began = time.perf_counter()
            while runs_wake(now=now, limit=WAKE_BATCH):
                pass
            adds.append(CONTACTS / (time.perf_counter() - began))
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
                f"[postal] run {run + 1}: {adds[-1]:.0f} cards/s, CSV {rows_rate[-1]:.0f} rows/s,"
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
