"""Cost of one event's profile update with 1,000,000 contacts in PostgreSQL.

Fills a throwaway (durable) PostgreSQL with ``BENCH_SCALE`` x 1,000,000 contacts, a third of
them buyers with orders, then ingests order deliveries for random existing contacts exactly as
the intake handler does (contact look-up, order upsert, engagement refresh, event), in batches
of ``BENCH_BATCH`` per transaction as the drain runs them, and times each one. Prints progress,
then one JSON line: median and p95 per update, and the commit per batch. Target: median < 5 ms.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
UPDATES = int(os.environ.get("BENCH_UPDATES", "2000"))
BATCH = int(os.environ.get("BENCH_BATCH", "50"))


def log(message: str) -> None:
    print(f"[profile_update] {message}", flush=True)


FILL_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       'US', 'Austin', '', '', '{}', true, 'unknown', now(), now(), 0, 'prospect', '[]', '{}',
       '', '{}', '[]', 0, 0, 0, 0, '', 'unknown', 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

ORDERS_SQL = """
INSERT INTO mautomation_orderrecord (
    installation_id, saleor_id, number, contact_id, email, saleor_user_id, status, is_paid,
    channel_slug, currency, total_gross, total_net, total_refunded, lines, checkout_saleor_id,
    voucher_code, placed_at, source_updated_at)
SELECT c.installation_id, 'T3JkZXI6' || c.id || '-' || k, (c.id * 10 + k)::text, c.id, c.email,
       c.saleor_user_id, 'FULFILLED', true, 'default-channel', 'USD', 40, 40, 0, '[]', '', '',
       now() - (k * 30 || ' days')::interval, now() - (k * 30 || ' days')::interval
FROM mautomation_contact c CROSS JOIN generate_series(1, 2) AS k
WHERE MOD(c.id, 3) = 0
"""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as var, postgres(durable=True) as url:
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
        import django

        django.setup()
        from django.db import connection, transaction
        from django.utils import timezone

        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.intake import ingest
        from saleor_mautomation.saleor import payloads
        from saleor_mautomation.saleor.models import Installation
        from tests.support.samples import webhook_sample

        installation = Installation.objects.create(
            saleor_api_url="https://shop.bench.example/graphql/",
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=timezone.now(),
        )
        log(f"filling {CONTACTS} contacts and orders for a third of them ...")
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FILL_SQL, {"installation": installation.pk, "n": CONTACTS})
            cursor.execute(ORDERS_SQL)
            cursor.execute("ANALYZE")
        log(f"filled in {time.perf_counter() - started:.1f}s")

        template = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])
        ids = list(Contact.objects.values_list("id", flat=True))
        rng = random.Random(7)
        timings = []
        log(f"timing {UPDATES} order deliveries for random existing contacts ...")
        commits = []
        for start in range(0, UPDATES, BATCH):
            # As the drain runs deliveries: a batch per transaction, each update timed alone,
            # the batch's commit timed apart and shared by its updates.
            with transaction.atomic():
                for n in range(start, min(start + BATCH, UPDATES)):
                    contact_id = rng.choice(ids)
                    template["order"]["id"] = f"T3JkZXI6bmV3{n}"
                    template["order"]["number"] = str(10_000_000 + n)
                    template["order"]["userEmail"] = f"c{contact_id}@bench.example"
                    template["order"]["user"] = None
                    order = payloads.Order.model_validate(template["order"])
                    began = time.perf_counter()
                    ingest.ingest_order(
                        installation_id=installation.pk,
                        order=order,
                        type="order.placed",
                        occurred_at=order.created,
                        source="bench",
                    )
                    timings.append((time.perf_counter() - began) * 1000)
                committing = time.perf_counter()
            commits.append((time.perf_counter() - committing) * 1000)
        timings.sort()
        figures = {
            "benchmark": "profile_update",
            "contacts": CONTACTS,
            "updates": UPDATES,
            "median_ms": round(statistics.median(timings), 3),
            "p95_ms": round(timings[int(len(timings) * 0.95)], 3),
            "max_ms": round(timings[-1], 3),
            "batch": BATCH,
            "commit_ms_per_batch": round(statistics.median(commits), 3),
        }
        connection.close()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
