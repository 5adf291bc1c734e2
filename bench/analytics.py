"""Analytics at scale: the overview's and a journey's report times, and what the daily tallies
cost on the hot path.

Fills a throwaway durable PostgreSQL with one big shop (``BENCH_SCALE`` x 10,000,000 events
and 1,000,000 messages over the last year, 200,000 contacts) and nine shops a tenth of its
size beside it, all with set-based SQL: events of a shop's mix (views, carts, checkouts, human
and machine email opens, clicks, orders), messages with their origin (five journeys with
versions, send nodes and splits, one of them a broadcast, a transactional template; email, SMS
and push) and funnel moments at realistic rates, journey runs (holdouts, split branches, goals
reached with revenue in EUR or USD), orders credited to messages (``OrderAttribution``) and
daily list growth. The daily tallies are then derived with set-based SQL equal to
``analytics.rollups``' recompute: checked against it for every shop of at most 20,000
messages (else the last small one), and against ``tallies_rebuild`` (squares included) on the
last shop when it is that small; a mismatch stops the bench.

Then, on the big shop, p50 and p95 of ``BENCH_CALLS`` (20) calls after one warm-up of
``analytics_overview`` and ``journey_report`` (its busiest journey) for the last 30 and 365
days with the previous period, directly and (last) through ``/graphql/`` with a Dashboard
token; and the rollup cost per event: ``message_reached`` (opened) on messages not opened
yet, each in its own transaction as the tracking view runs it, against the same UPDATE without
the tally, and ``tallies_add`` of one tally and of a batch of 1,000.

Prints progress, then one JSON line. Targets (2 cores): each report < 200 ms (p95), the
rollup < 0.2 ms per event.
"""

from __future__ import annotations

import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools"), str(ROOT / "bench")]

from analytics_fill import Size, fill, log, tallies_fill  # noqa: E402
from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
EVENTS = int(10_000_000 * SCALE)
MESSAGES = int(1_000_000 * SCALE)
CONTACTS = max(1000, int(200_000 * SCALE))
RUNS = MESSAGES // 2
SHOPS = [1.0] + [0.1] * 9  # the big shop, and nine a tenth of its size
CALLS = int(os.environ.get("BENCH_CALLS", "20"))
REACHED = int(os.environ.get("BENCH_REACHED", "5000"))
BATCH = 1000
CHECK_REBUILD_MAX = 20_000  # messages of the checked shop up to which tallies_rebuild runs too
NOW = datetime.now(UTC).replace(microsecond=0)


def _stored_rows(installation_id: int) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    from saleor_mautomation.analytics.rollups import DERIVED_EXCEPT
    from saleor_mautomation.events.models import DailyTally

    key = [
        "day",
        "metric",
        "journey_id",
        "version_id",
        "node",
        "template_id",
        "broadcast",
        "channel",
        "split_node",
        "split_branch",
        "holdout",
        "currency",
    ]
    rows = (
        DailyTally.objects.filter(installation_id=installation_id)
        .exclude(metric__in=DERIVED_EXCEPT)
        .values_list(*key, "count", "amount", "amount_sq")
    )
    return {tuple(row[:12]): tuple(row[12:]) for row in rows}


def tallies_check(shops: list[dict[str, Any]]) -> dict[str, Any]:
    """The SQL's tallies equal ``tallies_recompute`` (every shop of at most
    ``CHECK_REBUILD_MAX`` messages, else the last one); and, for a last shop that small,
    ``tallies_rebuild`` writes the same rows, squares included. A difference stops the bench."""
    from saleor_mautomation.analytics.rollups import (
        tallies_rebuild,
        tallies_recompute,
        tallies_stored,
    )

    checked = [s for s in shops if s["messages"] <= CHECK_REBUILD_MAX] or [shops[-1]]
    result: dict[str, Any] = {"shops": [], "keys": 0}
    for shop in checked:
        installation_id = shop["installation"].pk
        began = time.perf_counter()
        expected = tallies_recompute(installation_id)
        seconds = time.perf_counter() - began
        stored = tallies_stored(installation_id)
        if stored != expected:
            missing = [k for k in expected if k not in stored][:3]
            extra = [k for k in stored if k not in expected][:3]
            wrong = [(k, stored[k], v) for k, v in expected.items() if stored.get(k, v) != v][:3]
            raise SystemExit(
                f"shop {installation_id}: the SQL's tallies differ from tallies_recompute: "
                f"{len(stored)} stored, {len(expected)} recomputed; missing {missing}, "
                f"extra {extra}, different {wrong}"
            )
        result["shops"].append(installation_id)
        result["keys"] += len(expected)
        result["recompute_s_per_10k_messages"] = round(seconds / shop["messages"] * 10_000, 2)
    log(f"tallies equal tallies_recompute: shops {result['shops']}, {result['keys']:,} keys")
    small = checked[-1]
    if small["messages"] <= CHECK_REBUILD_MAX:
        installation_id = small["installation"].pk
        before = _stored_rows(installation_id)
        began = time.perf_counter()
        added = tallies_rebuild(installation_id=installation_id)
        seconds = time.perf_counter() - began
        after = _stored_rows(installation_id)
        if before != after:
            differing = [(k, v, after.get(k)) for k, v in before.items() if after.get(k) != v]
            raise SystemExit(
                f"shop {installation_id}: tallies_rebuild wrote other rows than the SQL: "
                f"{differing[:3]}"
            )
        result["rebuild_equal"] = True
        result["rebuild_s_per_10k_messages"] = round(seconds / small["messages"] * 10_000, 2)
        log(
            f"tallies_rebuild of shop {installation_id} wrote the same {len(after):,} rows "
            f"({added:,} tallies, {seconds:.1f}s for {small['messages']:,} messages)"
        )
    return result


# -- timings ------------------------------------------------------------------------------------


def _percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    p95 = ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]  # nearest rank
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def _timed(call: Callable[[], object]) -> dict[str, float]:
    call()  # warm-up, not counted
    timings = []
    for _ in range(CALLS):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return _percentiles(timings)


def reports(shop: dict[str, Any]) -> dict[str, Any]:
    from django.db.models import Count

    from saleor_mautomation.analytics.selectors import (
        Period,
        analytics_overview,
        journey_report,
    )
    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.messages.models import Message

    installation_id = shop["installation"].pk
    busiest = (
        Message.objects.filter(installation_id=installation_id, journey__isnull=False)
        .values("journey_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    journey_id = busiest["journey_id"]
    today = NOW.date()
    figures: dict[str, Any] = {"journey": Journey.objects.get(pk=journey_id).key}
    for days in (30, 365):
        period = Period(today - timedelta(days=days - 1), today)

        def overview(period: Period = period) -> object:
            return analytics_overview(installation_id=installation_id, period=period, compare=True)

        def journey(period: Period = period) -> object:
            found = Journey.objects.select_related("current_version").get(pk=journey_id)
            return journey_report(
                installation_id=installation_id, journey=found, period=period, compare=True
            )

        figures[f"overview_{days}d"] = _timed(overview)
        figures[f"journey_{days}d"] = _timed(journey)
        log(
            f"{days} days: overview {figures[f'overview_{days}d']}, "
            f"journey {figures[f'journey_{days}d']}"
        )
    return figures


OVERVIEW_QUERY = """
query Overview($from: Date!, $to: Date!) {
  analyticsOverview(from: $from, to: $to, compare: true) {
    period { from to } previousPeriod { from to }
    current { ...Figures } previous { ...Figures }
    days { day funnel { ...Funnel } }
    topJourneys { id name funnel { ...Funnel } }
    topTemplates { id name funnel { ...Funnel } }
    complaintLine
  }
}
fragment Funnel on Funnel {
  entered sent delivered opened clicked converted revenue { currency amount }
  unsubscribed bounced complained
}
fragment Figures on AnalyticsOverviewFigures {
  funnel { ...Funnel } recoveredCheckouts recoveredRevenue { currency amount }
  subscribed unsubscribed bounceRate complaintRate
}
"""

JOURNEY_QUERY = """
query Journey($id: ID!, $from: Date!, $to: Date!) {
  journeyAnalytics(journeyId: $id, from: $from, to: $to, compare: true) {
    period { from to } version
    funnel { ...Funnel } previous { ...Funnel }
    days { day funnel { ...Funnel } }
    nodes { node funnel { ...Funnel } }
    versions { number funnel { ...Funnel } }
    channels { channel funnel { ...Funnel } }
    holdout {
      holdoutPercent lift liftLow liftHigh verdict message
      treated { recipients converted rate revenue { currency amount } }
      holdout { recipients converted rate revenue { currency amount } }
      revenuePerRecipient { currency treated holdout difference low high }
    }
    abTests {
      node kind metric winner verdict message
      variants { branch label recipients conversions conversionRate clicks clickRate
                 uplift pValue low high }
    }
  }
}
fragment Funnel on Funnel {
  entered sent delivered opened clicked converted revenue { currency amount }
  unsubscribed bounced complained
}
"""


def graphql(shop: dict[str, Any], journey_key: str) -> dict[str, Any]:
    """The same reports through ``/graphql/`` with a Dashboard token (Django's test client:
    the view, authentication, graphene and JSON, no socket)."""
    import base64

    from django.test import Client

    from tests.support.keys import dashboard_claims, signing_key

    installation = shop["installation"]
    client = Client()
    journey = shop["journeys"][journey_key]
    journey_id = base64.b64encode(f"Journey:{journey.pk}".encode()).decode()
    today = NOW.date()

    def ask(query: str, **variables: object) -> Callable[[], object]:
        def call() -> object:
            claims = dashboard_claims(
                api_url=installation.saleor_api_url, app_id=installation.app_id
            )
            response = client.post(
                "/graphql/",
                data=json.dumps({"query": query, "variables": variables}),
                content_type="application/json",
                headers={
                    "Saleor-Api-Url": installation.saleor_api_url,
                    "Authorization-Bearer": signing_key(0).mint_token(claims),
                },
            )
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise SystemExit(f"/graphql/ answered {response.status_code}: {body}")
            return body

        return call

    figures: dict[str, Any] = {}
    for days in (30, 365):
        start = (today - timedelta(days=days - 1)).isoformat()
        figures[f"overview_{days}d"] = _timed(
            ask(OVERVIEW_QUERY, **{"from": start, "to": str(today)})
        )
        figures[f"journey_{days}d"] = _timed(
            ask(JOURNEY_QUERY, id=journey_id, **{"from": start, "to": str(today)})
        )
        log(
            f"graphql {days} days: overview {figures[f'overview_{days}d']}, "
            f"journey {figures[f'journey_{days}d']}"
        )
    return figures


_UPDATE_ONLY = (
    "UPDATE mautomation_message SET opened_at = %s WHERE id = %s AND opened_at IS NULL "
    "RETURNING installation_id, journey_id, journey_version_id, journey_node, template_id, "
    "broadcast, channel, split_node, split_branch"
)


def rollup_cost(shop: dict[str, Any]) -> dict[str, Any]:
    """What the tallies add on the hot path: a first open recorded with its tally, against
    the same UPDATE alone, each in its own transaction (commit included, as the tracking view
    runs it); and ``tallies_add`` alone, of one tally and of a batch."""
    from django.db import connection, transaction

    from saleor_mautomation.core.sql import sql_rows
    from saleor_mautomation.events.tallies import Tally, tallies_add
    from saleor_mautomation.messages.funnel import message_origin, message_reached
    from saleor_mautomation.messages.models import Message

    installation_id = shop["installation"].pk
    unopened = list(
        Message.objects.filter(
            installation_id=installation_id,
            channel="email",
            opened_at__isnull=True,
            sent_at__isnull=False,
        )
        .order_by("-id")
        .values_list("id", flat=True)[: 2 * REACHED]
    )
    random.Random(16).shuffle(unopened)
    with_tally, without = unopened[:REACHED], unopened[REACHED : 2 * REACHED]
    at = NOW
    adapt = connection.ops.adapt_datetimefield_value
    reached: list[float] = []
    update_only: list[float] = []
    for a, b in zip(with_tally, without, strict=False):
        began = time.perf_counter()
        with transaction.atomic():
            if not message_reached(message_id=a, metric="opened", at=at):
                raise SystemExit(f"message {a} was opened already")
        reached.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        with transaction.atomic():
            sql_rows(_UPDATE_ONLY, [adapt(at), b], prepare=True)
        update_only.append((time.perf_counter() - began) * 1000)
    origins = [
        message_origin(m)
        for m in Message.objects.filter(installation_id=installation_id).order_by("?")[:BATCH]
    ]
    one: list[float] = []
    for i in range(REACHED):
        tally = Tally(installation_id, at.date(), "opened", origins[i % len(origins)])
        with transaction.atomic():
            began = time.perf_counter()
            tallies_add([tally])
            one.append((time.perf_counter() - began) * 1000)
    batches: list[float] = []
    days = [at.date() - timedelta(days=k) for k in range(3)]
    metrics = ["opened", "clicked", "delivered", "sent"]
    rng = random.Random(7)
    for _ in range(10):
        batch = [
            Tally(installation_id, rng.choice(days), rng.choice(metrics), rng.choice(origins))
            for _ in range(BATCH)
        ]
        with transaction.atomic():
            began = time.perf_counter()
            tallies_add(batch)
            batches.append((time.perf_counter() - began) * 1000 / BATCH)
    figures = {
        "events": len(reached),
        "message_reached_ms": _summary(reached),
        "update_alone_ms": _summary(update_only),
        "difference_ms": {
            "p50": round(statistics.median(reached) - statistics.median(update_only), 4),
            "mean": round(statistics.fmean(reached) - statistics.fmean(update_only), 4),
        },
        "tallies_add_one_ms": _summary(one),
        "tallies_add_batch_per_event_ms": _summary(batches),
    }
    log(f"rollup cost: {figures}")
    return figures


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(timings), 4),
        "mean": round(statistics.fmean(timings), 4),
    }


def _counts() -> dict[str, int]:
    from django.db import connection

    tables = [
        "contact",
        "event",
        "message",
        "journeyrun",
        "orderrecord",
        "orderattribution",
        "dailytally",
    ]
    counts = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM mautomation_{table}")  # noqa: S608
            counts[table] = int(cursor.fetchone()[0])
    return counts


def main() -> None:
    load_start = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="bench-analytics-") as var,
        postgres(durable=True) as url,
    ):
        _create_database(url)
        os.environ.update(
            {
                "DATABASE_URL": url,
                "MAUTOMATION_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
                "ALLOWED_HOSTS": "testserver",
                "LOG_LEVEL": "WARNING",
            }
        )
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
        import django

        django.setup()
        from django.db import connection

        log(
            f"filling {len(SHOPS)} shops: the big one {EVENTS:,} events, {MESSAGES:,} messages, "
            f"{RUNS:,} runs, {CONTACTS:,} contacts; the others a tenth ..."
        )
        began = time.perf_counter()
        sizes = [
            Size(
                contacts=max(100, int(CONTACTS * share)),
                messages=max(100, int(MESSAGES * share)),
                runs=max(50, int(RUNS * share)),
                events=max(1000, int(EVENTS * share)),
            )
            for share in SHOPS
        ]
        shops = fill(sizes, NOW)
        fill_seconds = time.perf_counter() - began
        log(f"filled in {fill_seconds:.0f}s")
        figures: dict[str, Any] = {
            "benchmark": "analytics",
            "scale": SCALE,
            "shops": len(SHOPS),
            "fill_s": round(fill_seconds),
        }
        figures["tallies"] = tallies_fill()
        figures["rows"] = _counts()
        big = shops[0]
        figures["big_shop"] = {key: big[key] for key in ("contacts", "messages", "runs", "events")}
        figures["tallies_check"] = tallies_check(shops)
        figures["reports"] = reports(big)
        figures["rollup"] = rollup_cost(big)
        figures["graphql"] = graphql(big, figures["reports"]["journey"])
        connection.close()
    figures["load_average"] = {"start": load_start, "end": os.getloadavg()}
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
