"""Segment counts against hand-written SQL, and incremental re-evaluation, with 1,000,000
contacts and 10,000,000 events.

Fills a throwaway (durable) PostgreSQL with ``BENCH_SCALE`` x 1,000,000 contacts (profiles
with gender, birthday, country), 10 events each on average over the last year (views,
category views, cart, email opens and clicks, orders) and the order records behind the order
events (``BENCH_DATABASE_URL``: a database to use instead, filled on the first run and reused
by the next ones, whose bench segments are removed first), then:

- counts each reference segment as the app does (``members_count``: the compiled condition,
  driven by the most selective condition's rows where ``driving.py`` chooses so) and through
  a query written by hand for the same condition (``HAND``: what someone who knows the schema
  would write, e.g. "no order in 90 days but opened an email in 30" starts from the opened
  events in the window and anti-joins the orders), both checked to select the same number,
  timed alternately (median of ``BENCH_REPEAT`` warm runs each), and prints both, their ratio,
  and both plans (``EXPLAIN ANALYZE``) for the worst ratio (``BENCH_EXPLAIN=all``: for every
  segment);
- builds three of them (first full evaluation, membership rows and entry events
  written);
- times one contact's incremental re-evaluation (``memberships_refresh`` for a contact whose
  profile changed and who viewed a product and opened an email: the three built), for random
  contacts, each in its own transaction as the drain runs it.

Prints progress, then one JSON line. Targets (2 cores): every compiled count within 1.3x of
its hand-written query, incremental median < 1 ms.
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
from datetime import datetime, timedelta
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
SHOP = "https://shop.bench.example/graphql/"


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

# Counted and compared; those in ``INCREMENTAL`` are also built and kept current.
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
    "viewed_product": {
        "type": "event",
        "event_type": "product.viewed",
        "window": {"last_days": 30},
        "where": [{"property": "product_id", "op": "eq", "value": "UHJvZHVjdDo3"}],
    },
    "no_cart": {
        "type": "not",
        "condition": {"type": "event", "event_type": "cart.added", "window": {"last_days": 30}},
    },
    "lapsed_but_reading": {
        "type": "and",
        "conditions": [
            {"type": "not", "condition": {"type": "order", "window": {"last_days": 90}}},
            {"type": "email", "action": "opened", "window": {"last_days": 30}},
        ],
    },
}

INCREMENTAL = ("profile", "event_count", "lapsed_but_reading")

# The same conditions written by hand (parameters: ``installation``, ``now`` and the window
# starts ``since_<days>``; birthdays bounds ``born_after``/``born_by``). Events and orders
# carry their installation, so a condition on them alone needs no contact row.
HAND: dict[str, str] = {
    "profile": """
        SELECT count(*) FROM mautomation_contact
        WHERE installation_id = %(installation)s AND lower(gender) = 'female'
          AND birthday > %(born_after)s AND birthday <= %(born_by)s
          AND lower(country) IN ('de', 'at', 'ch')""",
    "event_count": """
        SELECT count(*) FROM (
            SELECT contact_id FROM mautomation_event
            WHERE installation_id = %(installation)s AND type = 'product.viewed'
              AND occurred_at >= %(since_7)s AND contact_id IS NOT NULL
            GROUP BY contact_id HAVING count(*) >= 3) AS viewers""",
    "viewed_product": """
        SELECT count(DISTINCT contact_id) FROM mautomation_event
        WHERE installation_id = %(installation)s AND type = 'product.viewed'
          AND occurred_at >= %(since_30)s
          AND properties -> 'product_id' = '"UHJvZHVjdDo3"'::jsonb""",
    "no_cart": """
        SELECT count(*) FROM mautomation_contact c
        WHERE c.installation_id = %(installation)s AND NOT EXISTS (
            SELECT 1 FROM mautomation_event e
            WHERE e.contact_id = c.id AND e.installation_id = %(installation)s
              AND e.type = 'cart.added' AND e.occurred_at >= %(since_30)s)""",
    "lapsed_but_reading": """
        SELECT count(*) FROM (
            SELECT DISTINCT e.contact_id FROM mautomation_event e
            WHERE e.installation_id = %(installation)s AND e.type = 'email.opened'
              AND e.occurred_at >= %(since_30)s AND e.contact_id IS NOT NULL
              AND NOT (e.properties ? 'machine' AND e.properties -> 'machine' = 'true'::jsonb)
        ) AS readers
        WHERE NOT EXISTS (
            SELECT 1 FROM mautomation_orderrecord o
            WHERE o.contact_id = readers.contact_id AND o.installation_id = %(installation)s
              AND o.placed_at >= %(since_90)s
              AND o.status NOT IN ('CANCELED', 'DRAFT', 'EXPIRED', 'UNCONFIRMED'))""",
}


def hand_params(installation_id: int, now: datetime) -> dict[str, Any]:
    from saleor_mautomation.segments.compiler import _years_before

    today = now.date()
    return {
        "installation": installation_id,
        "now": now,
        **{f"since_{days}": now - timedelta(days=days) for days in (7, 30, 90)},
        "born_by": _years_before(today, 30),
        "born_after": _years_before(today, 51),
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


def timed(run: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    began = time.perf_counter()
    result = run(*args, **kwargs)
    return result, (time.perf_counter() - began) * 1000


def _count(segment: Any, now: datetime) -> int:
    from saleor_mautomation.segments.membership import members_count

    return members_count(segment, now=now)


def compare(segments: dict[str, Any], installation_id: int, figures: dict[str, Any]) -> None:
    """Each compiled count beside its hand-written query: results, medians, ratio, plans."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from saleor_mautomation.core import clock

    plans: dict[str, tuple[str, str, dict[str, Any]]] = {}
    ratios: dict[str, float] = {}
    for name, segment in segments.items():
        now = clock.now()
        params = hand_params(installation_id, now)
        with CaptureQueriesContext(connection) as captured:
            compiled_count = _count(segment, now)
        compiled_sql = captured.captured_queries[-1]["sql"]
        compiled_ms: list[float] = []
        hand_ms: list[float] = []
        hand_count = None
        with connection.cursor() as cursor:
            for _ in range(REPEAT + 1):  # the first of each warms the cache, not counted
                count, ms = timed(_count, segment, now)
                assert count == compiled_count
                compiled_ms.append(ms)
                _, ms = timed(cursor.execute, HAND[name], params)
                (hand_count,) = cursor.fetchone()
                hand_ms.append(ms)
        if hand_count != compiled_count:
            raise SystemExit(f"{name}: compiled {compiled_count:,} but by hand {hand_count:,}")
        compiled, hand = statistics.median(compiled_ms[1:]), statistics.median(hand_ms[1:])
        ratios[name] = compiled / hand
        plans[name] = (compiled_sql, HAND[name], params)
        figures[f"members_{name}"] = compiled_count
        figures[f"count_{name}_ms"] = round(compiled, 1)
        figures[f"hand_{name}_ms"] = round(hand, 1)
        figures[f"ratio_{name}"] = round(ratios[name], 2)
        log(f"{name}: {compiled_count:,} members")
        log(f"  compiled  {compiled:7.1f} ms  {' '.join(compiled_sql.split())}")
        log(f"  by hand   {hand:7.1f} ms  {' '.join(HAND[name].split())}")
        log(f"  ratio     {ratios[name]:.2f}  (load {loadavg()})")
    worst = max(ratios, key=ratios.__getitem__)
    figures["worst"] = worst
    shown = list(plans) if os.environ.get("BENCH_EXPLAIN") == "all" else [worst]
    with connection.cursor() as cursor:
        for name in shown:
            compiled_sql, hand_sql, params = plans[name]
            for label, sql, values in (
                ("compiled", compiled_sql, None),
                ("by hand", hand_sql, params),
            ):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", values)
                plan = "\n".join(f"    {line}" for (line,) in cursor.fetchall())
                log(f"plan of {name} ({label}):\n{plan}")


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def prepare_database(url: str, var: str) -> None:
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


def installation_filled() -> tuple[int, int]:
    """The bench installation and its first contact id: filled now, or by an earlier run
    (then without the segments that run made: their memberships and events go with them)."""
    from django.db import connection

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.core import clock
    from saleor_mautomation.events.models import Event
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.models import Segment

    # Its id only: the token was encrypted with an earlier run's key.
    found = Installation.objects.filter(saleor_api_url=SHOP).values_list("pk", flat=True).first()
    if found is not None:
        contacts = Contact.objects.filter(installation_id=found)
        if contacts.count() != CONTACTS:
            raise SystemExit("BENCH_DATABASE_URL holds another scale's data: use a new database")
        Segment.objects.filter(installation_id=found, key__in=REFERENCE).delete()
        Event.objects.filter(installation_id=found, type__startswith="segment.").delete()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        log(f"reusing {CONTACTS:,} contacts and {EVENTS:,} events")
        return found, contacts.order_by("pk").values_list("pk", flat=True)[0]
    installation = Installation.objects.create(
        saleor_api_url=SHOP,
        app_id="QXBwOjE=",
        auth_token="bench",
        installed_at=clock.now(),
    )
    log(f"filling {CONTACTS:,} contacts and {EVENTS:,} events ...")
    started = time.perf_counter()
    first_id = fill(installation.pk)
    log(f"filled in {time.perf_counter() - started:.0f}s")
    return installation.pk, first_id


def measure() -> dict[str, Any]:
    from django.db import connection, transaction

    from saleor_mautomation.core import clock
    from saleor_mautomation.events.changes import PROFILE
    from saleor_mautomation.segments.membership import memberships_refresh, segment_rebuild
    from saleor_mautomation.segments.services import segment_create

    installation_id, first = installation_filled()
    segments = {
        name: segment_create(
            installation_id=installation_id,
            name=name,
            definition={"version": 1, "root": root},
            now=clock.now(),
        )
        for name, root in REFERENCE.items()
    }
    figures: dict[str, Any] = {"benchmark": "segments", "contacts": CONTACTS, "events": EVENTS}
    compare(segments, installation_id, figures)
    for name in set(segments) - set(INCREMENTAL):
        segments.pop(name).delete()

    for name, segment in segments.items():
        outcome, ms = timed(segment_rebuild, segment=segment, now=clock.now())
        figures[f"build_{name}_s"] = round(ms / 1000, 1)
        log(f"first build {name}: {outcome.entered:,} entered in {ms / 1000:.1f}s")

    rng = random.Random(11)
    changes = {PROFILE, "event:product.viewed", "event:email.opened"}
    timings = []
    for _ in range(REFRESHES):
        contact_id = first + rng.randrange(CONTACTS)
        with transaction.atomic():
            _, ms = timed(memberships_refresh, changes={contact_id: set(changes)}, now=clock.now())
            timings.append(ms)
    timings.sort()
    figures["incremental_median_ms"] = round(statistics.median(timings), 3)
    figures["incremental_p95_ms"] = round(timings[int(len(timings) * 0.95)], 3)
    figures["incremental_segments"] = len(segments)
    figures["load"] = loadavg()
    log(
        f"incremental: median {figures['incremental_median_ms']} ms, "
        f"p95 {figures['incremental_p95_ms']} ms over {REFRESHES} contacts "
        f"(load {figures['load']})"
    )
    connection.close()
    return figures


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-segments-") as var:
        reuse = os.environ.get("BENCH_DATABASE_URL")
        if reuse:
            prepare_database(reuse, var)
            figures = measure()
        else:
            with postgres(durable=True) as url:
                _create_database(url)
                prepare_database(url, var)
                figures = measure()
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
