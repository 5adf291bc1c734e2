"""The per-minute sweeps of date entries and attribute thresholds over a large shop.

Fills a throwaway PostgreSQL with ``BENCH_SCALE`` x 1,000,000 contacts (default scale 0.1) in
24 time zones, each with a birthday, a custom date ``check_up_due`` in the next year and
``loyalty_points`` from 0 to 1999 (seeded), installs the check-up reminder and loyalty milestone
presets, then times what the scheduler runs every minute:

- ``calendar_entries_sweep`` at 09:00 UTC (a due moment in a dozen zones): the first sweep of
  the day, which enters that day's reminders (the first steps run too: messages queued), then
  the same sweep again (nothing new: the steady state of every other minute);
- ``attribute_thresholds_cross``: the first sweep (the preset's publication already recorded who
  is over 1000, so it records nothing), a sweep with nothing changed, then one after 1% of the
  contacts' points changed (``bench/attribute_thresholds.py`` has the per-change figures).

Each timing is the median of ``BENCH_REPEAT`` (3) runs where the run changes nothing; prints one
JSON line with the statement counts and the load average beside each figure. No target is set by
the issue; the figures say what a minute's sweep costs.
"""

from __future__ import annotations

import json
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from _support import bench_database, copy_rows, django_ready, loadavg, median

SCALE = float(os.environ.get("BENCH_SCALE", "0.1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
REPEAT = int(os.environ.get("BENCH_REPEAT", "3"))
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Lisbon",
    "Europe/Athens",
    "Europe/Moscow",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Bangkok",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Honolulu",
    "America/Anchorage",
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "America/Sao_Paulo",
    "Atlantic/Azores",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Karachi",
]


def log(message: str) -> None:
    print(f"[calendar_entries] {message}", flush=True)


def timed(function: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return round(time.perf_counter() - started, 3), result


def counted(function: Any) -> tuple[float, int, Any]:
    """Seconds, statements sent and the result of ``function()``."""
    from django.db import connection

    statements = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        seconds, result = timed(function)
    return seconds, statements, result


def fill(installation_id: int) -> None:
    from saleor_mautomation.contacts.models import Contact

    rng = random.Random(7)
    first = date(2026, 6, 1)

    def rows() -> Any:
        for n in range(CONTACTS):
            due = first + timedelta(days=rng.randrange(365))
            yield {
                "installation_id": installation_id,
                "email": f"c{n}@bench.example",
                "time_zone": ZONES[n % len(ZONES)],
                "birthday": date(1960 + rng.randrange(45), 1, 1)
                + timedelta(days=rng.randrange(365)),
                "email_consent": "granted",
                "metadata": {
                    "check_up_due": due.isoformat(),
                    "loyalty_points": str(rng.randrange(2000)),
                },
            }

    started = time.perf_counter()
    copy_rows(Contact, rows())
    log(f"{CONTACTS} contacts in {time.perf_counter() - started:.1f} s")


def main() -> None:
    with bench_database("calendar") as (url, var, _given):
        django_ready(url, var)
        from django.db import connection
        from django.utils import timezone

        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.journeys.attribute_thresholds import attribute_thresholds_cross
        from saleor_mautomation.journeys.date_entries import calendar_entries_sweep
        from saleor_mautomation.journeys.presets import journey_preset_install
        from saleor_mautomation.saleor.models import Installation

        installation = Installation.objects.create(
            saleor_api_url="https://shop.bench.example/graphql/",
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=timezone.now(),
        )
        shop = installation.pk
        fill(shop)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for key in ("check-up-reminder", "loyalty-milestone"):
            journey_preset_install(installation_id=shop, key=key, now=NOW - timedelta(days=30))

        figures: dict[str, Any] = {"benchmark": "calendar_entries", "contacts": CONTACTS}
        seconds, queries, entered = counted(
            lambda: calendar_entries_sweep(installation_id=shop, now=NOW)
        )
        figures["dates_first_sweep"] = {
            "seconds": seconds,
            "statements": queries,
            "entered": entered,
            "load": loadavg(),
        }
        log(f"first date sweep: {entered} entered in {seconds} s, {queries} statements")
        steady = [
            counted(lambda: calendar_entries_sweep(installation_id=shop, now=NOW))
            for _ in range(REPEAT)
        ]
        assert all(s[2] == 0 for s in steady)
        figures["dates_steady_sweep"] = {
            "median_seconds": median([s[0] for s in steady]),
            "statements": steady[0][1],
            "load": loadavg(),
        }
        log(f"steady date sweep: {figures['dates_steady_sweep']}")

        seconds, queries, recorded = counted(
            lambda: attribute_thresholds_cross(installation_id=shop, now=NOW)
        )
        figures["thresholds_first_sweep"] = {
            "seconds": seconds,
            "statements": queries,
            "recorded": recorded,
            "load": loadavg(),
        }
        log(f"first threshold sweep: {recorded} recorded in {seconds} s")
        steady = [
            counted(lambda: attribute_thresholds_cross(installation_id=shop, now=NOW))
            for _ in range(REPEAT)
        ]
        assert all(s[2] == 0 for s in steady)
        figures["thresholds_steady_sweep"] = {
            "median_seconds": median([s[0] for s in steady]),
            "statements": steady[0][1],
            "load": loadavg(),
        }
        log(f"steady threshold sweep: {figures['thresholds_steady_sweep']}")
        changed = 0
        for contact in Contact.objects.filter(installation_id=shop).order_by("pk")[::100]:
            points = int(contact.metadata["loyalty_points"])
            contact.metadata = {**contact.metadata, "loyalty_points": str(1999 - points)}
            contact.save(update_fields=["metadata"])
            changed += 1
        later = NOW + timedelta(minutes=1)
        seconds, queries, recorded = counted(
            lambda: attribute_thresholds_cross(installation_id=shop, now=later)
        )
        figures["thresholds_after_1pct_changed"] = {
            "changed": changed,
            "seconds": seconds,
            "statements": queries,
            "recorded": recorded,
            "load": loadavg(),
        }
        log(f"threshold sweep after {changed} changes: {recorded} recorded in {seconds} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
