"""Attribute thresholds over a large shop: what a changed contact costs, and the minute's sweep.

Fills a throwaway PostgreSQL with ``BENCH_SCALE`` x 1,000,000 contacts (default 0.1: 100,000)
whose ``loyalty_points`` run from 0 to 1999 (seeded), then times (ADR 0050):

- ``publish``: installing the loyalty milestone preset (one line at 1000 points), which records
  the baseline of the line (who is already above) and records no crossing;
- ``per_changed_contact``: ``BENCH_WRITES`` (200) single contacts' points set across the line:
  for half, the crossing step alone (``attribute_crossings_on_changes``, reading the sides and
  recording the crossing) with its statements; for the other half the endpoints' whole unit
  of work (``contact_attributes_set``, the crossing, the journey's run and its first mail
  queued), median and p95 per contact;
- ``batch_of_100``: one unit of work changing 100 contacts (a drained batch of deliveries);
- ``sweep_steady``: the safety-net sweep with nothing changed since its watermark;
- ``sweep_after_1pct``: the sweep after 1% of the contacts' points changed outside a unit (an
  import's or a backfill page's writes), which reads only those.

Each sweep figure is the median of ``BENCH_REPEAT`` (3) runs; prints one JSON line with the
statements and the load average beside each figure. The sweep before (ADR 0041, every contact
with the attribute per line and minute) took 1.4 s per line at this size, under load 15-19.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from _support import bench_database, copy_rows, django_ready, loadavg, median, percentile

SCALE = float(os.environ.get("BENCH_SCALE", "0.1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
WRITES = int(os.environ.get("BENCH_WRITES", "200"))
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def log(message: str) -> None:
    print(f"[attribute_thresholds] {message}", flush=True)


def counted(function: Any) -> tuple[float, int, Any]:
    """Milliseconds, statements sent and the result of ``function()``."""
    from django.db import connection

    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = function()
        elapsed = (time.perf_counter() - started) * 1000
    return round(elapsed, 3), statements, result


def fill(installation_id: int) -> None:
    from saleor_mautomation.contacts.models import Contact

    rng = random.Random(7)

    def rows() -> Any:
        for n in range(CONTACTS):
            yield {
                "installation_id": installation_id,
                "email": f"c{n}@bench.example",
                "email_consent": "granted",
                "metadata": {"loyalty_points": str(rng.randrange(2000)), "tier": "silver"},
            }

    started = time.perf_counter()
    copy_rows(Contact, rows())
    log(f"{CONTACTS} contacts in {time.perf_counter() - started:.1f} s")


def across(points: str) -> str:
    """A value on the other side of 1000."""
    return str(1999 - int(points)) if int(points) != 1000 else "10"


def main() -> None:
    with bench_database("thresholds") as (url, var, _given):
        django_ready(url, var)
        from django.db import connection, transaction
        from django.utils import timezone

        from saleor_mautomation.contacts.attributes import contact_attributes_set
        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.events.changes import ATTRIBUTES
        from saleor_mautomation.flows.unit import unit_of_work
        from saleor_mautomation.journeys import attribute_thresholds as at
        from saleor_mautomation.journeys.models import ThresholdSide
        from saleor_mautomation.journeys.presets import journey_preset_install
        from saleor_mautomation.messages.services import templates_builtin_ensure
        from saleor_mautomation.saleor.models import Installation

        installation = Installation.objects.create(
            saleor_api_url="https://shop.bench.example/graphql/",
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=timezone.now(),
        )
        shop = installation.pk
        fill(shop)
        # Written an hour ago: a steady shop's rows, older than any sweep's watermark.
        Contact.objects.filter(installation_id=shop).update(
            updated_at=timezone.now() - timedelta(hours=1)
        )
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        templates_builtin_ensure(installation_id=shop, now=NOW)
        figures: dict[str, Any] = {"benchmark": "attribute_thresholds", "contacts": CONTACTS}

        ms, statements, _ = counted(
            lambda: journey_preset_install(installation_id=shop, key="loyalty-milestone", now=NOW)
        )
        above = ThresholdSide.objects.filter(above=True).count()
        figures["publish"] = {
            "ms": ms,
            "statements": statements,
            "above_at_baseline": above,
            "load": loadavg(),
        }
        log(f"publish with the baseline: {ms} ms, {above} above, nobody entered")

        # One contact per unit of work, as the endpoints write.
        ids = list(
            Contact.objects.filter(installation_id=shop)
            .order_by("?")
            .values_list("pk", flat=True)[:WRITES]
        )
        step: list[tuple[float, int]] = []
        whole: list[float] = []
        crossed = 0
        half = len(ids) // 2
        for contact_id in ids[:half]:
            # The crossing step alone, on a contact whose points were just written.
            metadata = Contact.objects.get(pk=contact_id).metadata
            value = across(metadata["loyalty_points"])
            with transaction.atomic():
                Contact.objects.filter(pk=contact_id).update(
                    metadata={**metadata, "loyalty_points": value}
                )
                ms, statements, n = counted(
                    lambda cid=contact_id: at.attribute_crossings_on_changes(
                        changes={cid: {ATTRIBUTES}}, now=NOW
                    )
                )
            crossed += n
            step.append((ms, statements))
        for contact_id in ids[half:]:
            # The endpoints' whole unit: the write, its crossing, the journey entered.
            contact = Contact.objects.get(pk=contact_id)
            value = across(contact.metadata["loyalty_points"])
            started = time.perf_counter()
            with transaction.atomic(), unit_of_work(now=NOW):
                contact_attributes_set(
                    contact=contact, attributes={"loyalty_points": value}, now=NOW
                )
            whole.append((time.perf_counter() - started) * 1000)
        figures["per_changed_contact"] = {
            "writes": len(ids),
            "crossings_of_the_step_alone": crossed,
            "crossing_step_ms_median": round(median([s[0] for s in step]), 3),
            "crossing_step_ms_p95": round(percentile([s[0] for s in step], 0.95), 3),
            "crossing_step_statements": max(s[1] for s in step),
            "whole_unit_ms_median": round(median(whole), 3),
            "whole_unit_ms_p95": round(percentile(whole, 0.95), 3),
            "load": loadavg(),
        }
        log(f"per changed contact: {figures['per_changed_contact']}")

        batch = list(
            Contact.objects.filter(installation_id=shop)
            .order_by("-pk")
            .values_list("pk", flat=True)[:100]
        )
        with transaction.atomic(), unit_of_work(now=NOW):
            for contact in Contact.objects.filter(pk__in=batch):
                contact_attributes_set(
                    contact=contact,
                    attributes={"loyalty_points": across(contact.metadata["loyalty_points"])},
                    now=NOW,
                )
            ms, statements, n = counted(
                lambda: at.attribute_crossings_on_changes(
                    changes={c: {ATTRIBUTES} for c in batch}, now=NOW
                )
            )
        figures["batch_of_100"] = {
            "crossing_step_ms": ms,
            "statements": statements,
            "crossings": n,
            "load": loadavg(),
        }
        log(f"a unit changing 100 contacts: {figures['batch_of_100']}")

        # The sweep: first brings its watermark past the writes above, then steady.
        at.attribute_thresholds_cross(installation_id=shop, now=NOW)
        steady = [
            counted(lambda: at.attribute_thresholds_cross(installation_id=shop, now=NOW))
            for _ in range(REPEAT)
        ]
        assert all(s[2] == 0 for s in steady)
        figures["sweep_steady"] = {
            "ms_median": median([s[0] for s in steady]),
            "statements": steady[0][1],
            "load": loadavg(),
        }
        log(f"steady sweep: {figures['sweep_steady']}")

        runs: list[tuple[float, int, Any]] = []
        changed = 0
        for round_ in range(REPEAT):
            # 1% of the contacts changed outside a unit (an import, a backfill page).
            rows = list(
                Contact.objects.filter(installation_id=shop)
                .order_by("pk")
                .values_list("pk", "metadata")[round_::100]
            )
            for pk, metadata in rows:
                Contact.objects.filter(pk=pk).update(
                    metadata={**metadata, "loyalty_points": across(metadata["loyalty_points"])},
                    updated_at=timezone.now(),
                )
            changed = len(rows)
            later = NOW + timedelta(minutes=round_ + 1)
            runs.append(
                counted(
                    lambda at_=later: at.attribute_thresholds_cross(installation_id=shop, now=at_)
                )
            )
        figures["sweep_after_1pct"] = {
            "changed": changed,
            "ms_median": median([r[0] for r in runs]),
            "ms_per_changed_contact": round(median([r[0] for r in runs]) / changed, 4),
            "statements": runs[0][1],
            "recorded": [r[2] for r in runs],
            "load": loadavg(),
        }
        log(f"sweep after 1% changed: {figures['sweep_after_1pct']}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
