"""Segment counts and incremental re-evaluation with 1,000,000 contacts and 10,000,000 events.

Fills a throwaway (durable) PostgreSQL with ``BENCH_SCALE`` x 1,000,000 contacts (profiles
with gender, birthday, country), 10 events each on average over the last year (views,
category views, cart, email opens and clicks, orders) and the order records behind the order
events, then:

- counts three reference segments through the compiler (median of ``BENCH_REPEAT`` warm runs):
  a profile-only one (women aged 30-50 in DE/AT/CH), an event count in a window (viewed
  products at least 3 times in the last 7 days), and "did not order in 90 days and opened an
  email in the last 30";
- builds the three (first full evaluation, membership rows and entry events written);
- times one contact's incremental re-evaluation (``memberships_refresh`` for a contact whose
  profile changed and who viewed a product and opened an email: all three segments), for
  random contacts, each in its own transaction as the drain runs it.

Prints progress, then one JSON line. Targets (2 cores): each count < 500 ms, incremental
median < 2 ms.
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
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
EVENTS = CONTACTS * 10
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))
REFRESHES = int(os.environ.get("BENCH_REFRESHES", "1000"))


def log(message: str) -> None:
    print(f"[segments] {message}", flush=True)


CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, birthday, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       (ARRAY['DE', 'AT', 'CH', 'US', 'FR', 'GB', 'PL', 'IT'])[1 + g %% 8], 'City', '',
       (ARRAY['female', 'male', ''])[1 + (g / 8) %% 3],
       CASE WHEN g %% 5 = 0 THEN NULL
            ELSE DATE '1950-01-01' + ((g::bigint * 7919) %% 21000)::int END,
       '{}', true, 'granted', now(), now(), 0, 'prospect', '[]', '{}', '', '{}', '[]', 0, 0, 0, 0,
       '', 'unknown', 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

# Ten events per contact on average over the last year, a type mix of a shop, inserted in time
# order as an append-only log is (a week's events lie together on disk).
EVENTS_SQL = """
INSERT INTO mautomation_event (
    installation_id, contact_id, type, occurred_at, recorded_at, source, properties, dedupe_key)
SELECT %(installation)s, %(first)s + (random() * (%(contacts)s - 1))::bigint,
       CASE WHEN r < 0.50 THEN 'product.viewed' WHEN r < 0.70 THEN 'category.viewed'
            WHEN r < 0.80 THEN 'cart.added' WHEN r < 0.92 THEN 'email.opened'
            WHEN r < 0.95 THEN 'email.clicked' ELSE 'order.placed' END,
       now() - interval '365 days' * (1 - (g + %(offset)s)::float8 / %(total)s)
             - random() * interval '10 minutes', now(), 'bench',
       jsonb_build_object('product_id', 'UHJvZHVjdDo' || (random() * 1000)::int),
       'bench:' || g
FROM (SELECT g, random() AS r FROM generate_series(1, %(n)s) AS g) AS s
"""

ORDERS_SQL = """
INSERT INTO mautomation_orderrecord (
    installation_id, saleor_id, number, contact_id, email, saleor_user_id, status, is_paid,
    channel_slug, currency, total_gross, total_net, total_refunded, lines, checkout_saleor_id,
    voucher_code, placed_at, source_updated_at)
SELECT e.installation_id, 'T3JkZXI6' || e.id, e.id::text, e.contact_id, '', '', 'FULFILLED',
       true, 'default-channel', 'USD', 40, 40, 0,
       jsonb_build_array(jsonb_build_object('product_id', e.properties ->> 'product_id')),
       '', '', e.occurred_at, e.occurred_at
FROM mautomation_event e WHERE e.type = 'order.placed'
"""

INDEXES = [
    "ALTER TABLE mautomation_event "
    "ADD CONSTRAINT event_dedupe UNIQUE (installation_id, dedupe_key)",
    "CREATE INDEX event_contact_time ON mautomation_event (contact_id, occurred_at)",
    "CREATE INDEX event_type_time ON mautomation_event (installation_id, type, occurred_at) "
    "INCLUDE (contact_id)",
]

REFERENCE: dict[str, dict[str, Any]] = {
    "profile": {
        "type": "and",
        "conditions": [
            {"type": "profile", "field": "gender", "op": "eq", "value": "female"},
            {"type": "age", "op": "between", "value": [30, 50]},
            {"type": "profile", "field": "country", "op": "in", "value": ["DE", "AT", "CH"]},
        ],
    },
    "event_count": {
        "type": "event",
        "event_type": "product.viewed",
        "count": {"op": "gte", "value": 3},
        "window": {"last_days": 7},
    },
    "lapsed_but_reading": {
        "type": "and",
        "conditions": [
            {"type": "not", "condition": {"type": "order", "window": {"last_days": 90}}},
            {"type": "email", "action": "opened", "window": {"last_days": 30}},
        ],
    },
}


def fill(installation_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SQL, {"installation": installation_id, "n": CONTACTS})
        cursor.execute("SELECT min(id) FROM mautomation_contact")
        (first,) = cursor.fetchone()
        # Bulk load: indexes built once afterwards, foreign keys trusted (ids are in range).
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("ALTER TABLE mautomation_event DROP CONSTRAINT event_dedupe")
        cursor.execute("DROP INDEX event_contact_time, event_type_time")
        step = 1_000_000
        for offset in range(0, EVENTS, step):
            cursor.execute(
                EVENTS_SQL.replace("'bench:' || g", f"'bench:' || (g + {offset})"),
                {
                    "installation": installation_id,
                    "first": first,
                    "contacts": CONTACTS,
                    "n": min(step, EVENTS - offset),
                    "offset": offset,
                    "total": EVENTS,
                },
            )
            log(f"  {offset + step:,} events")
        cursor.execute(ORDERS_SQL)
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in INDEXES:
            cursor.execute(statement)
        cursor.execute("SET session_replication_role = DEFAULT")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return int(first)


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-segments-") as var,
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
        import django

        django.setup()
        from django.db import connection, transaction

        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.core import clock
        from saleor_mautomation.events.changes import PROFILE
        from saleor_mautomation.saleor.models import Installation
        from saleor_mautomation.segments.membership import (
            members_matching,
            memberships_refresh,
            segment_rebuild,
        )
        from saleor_mautomation.segments.services import segment_create

        installation = Installation.objects.create(
            saleor_api_url="https://shop.bench.example/graphql/",
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=clock.now(),
        )
        log(f"filling {CONTACTS:,} contacts and {EVENTS:,} events ...")
        started = time.perf_counter()
        first = fill(installation.pk)
        log(f"filled in {time.perf_counter() - started:.0f}s")

        segments = {
            name: segment_create(
                installation_id=installation.pk,
                name=name,
                definition={"version": 1, "root": root},
                now=clock.now(),
            )
            for name, root in REFERENCE.items()
        }
        figures: dict[str, Any] = {
            "benchmark": "segments",
            "contacts": CONTACTS,
            "events": EVENTS,
        }
        for name, segment in segments.items():
            timings = []
            members = 0
            for _ in range(REPEAT + 1):  # the first run warms the cache, not counted
                began = time.perf_counter()
                members = members_matching(segment, now=clock.now()).count()
                timings.append((time.perf_counter() - began) * 1000)
            median = statistics.median(timings[1:])
            figures[f"count_{name}_ms"] = round(median, 1)
            figures[f"members_{name}"] = members
            log(f"count {name}: {members:,} members, median {median:.1f} ms")

        for name, segment in segments.items():
            began = time.perf_counter()
            outcome = segment_rebuild(segment=segment, now=clock.now())
            seconds = time.perf_counter() - began
            figures[f"build_{name}_s"] = round(seconds, 1)
            log(f"first build {name}: {outcome.entered:,} entered in {seconds:.1f}s")

        rng = random.Random(11)
        changes = {PROFILE, "event:product.viewed", "event:email.opened"}
        timings = []
        for _ in range(REFRESHES):
            contact_id = first + rng.randrange(CONTACTS)
            with transaction.atomic():
                began = time.perf_counter()
                memberships_refresh(changes={contact_id: set(changes)}, now=clock.now())
                timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        figures["incremental_median_ms"] = round(statistics.median(timings), 3)
        figures["incremental_p95_ms"] = round(timings[int(len(timings) * 0.95)], 3)
        figures["incremental_segments"] = len(segments)
        log(
            f"incremental: median {figures['incremental_median_ms']} ms, "
            f"p95 {figures['incremental_p95_ms']} ms over {REFRESHES} contacts"
        )
        assert Contact.objects.count() == CONTACTS
        connection.close()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
