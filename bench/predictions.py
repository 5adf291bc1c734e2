"""The nightly predictions over 1,000,000 contacts and about 10,000,000 orders.

Fills a throwaway (durable) PostgreSQL with ``BENCH_SCALE`` x 1,000,000 Saleor customers whose
orders follow known BG/NBD parameters (r 1.2, alpha 45 days, a 0.6, b 8: about ten orders each
over up to three years) with Gamma-Gamma order values (p 6, q 4, gamma 15: 30 on average; one
customer in five buys in EUR, the others in USD), drawn with a seeded numpy Generator, then runs
``predictions_refresh`` as the nightly task does, twice (the first night inserts every
prediction, the next updates them), each in a process of its own whose peak RSS is its own.

Prints progress, the fitted parameters beside the true ones, then one JSON line. Targets
(2 cores): a night under 10 minutes, peak RSS under 2 GB.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(1000, int(1_000_000 * SCALE))
SHOP = "https://shop.bench.example/graphql/"
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
TRUE_BGNBD = {"r": 1.2, "alpha": 45.0, "a": 0.6, "b": 8.0}
TRUE_GG = {"p": 6.0, "q": 4.0, "gamma": 15.0}
CHUNK = 500_000


def log(message: str) -> None:
    print(f"[predictions] {message}", flush=True)


CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       'DE', 'City', '', '', '{}', true, 'granted', now(), now(), 0, 'prospect', '[]', '{}', '',
       '{}', '[]', 0, 0, 0, 0, '', 'unknown', 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

ORDERS_SQL = """
INSERT INTO mautomation_orderrecord (
    installation_id, saleor_id, number, contact_id, email, saleor_user_id, status, is_paid,
    channel_slug, currency, total_gross, total_net, total_refunded, lines, checkout_saleor_id,
    voucher_code, placed_at, source_updated_at)
SELECT %(installation)s, 'T3JkZXI6' || n, n::text, c, '', '', 'FULFILLED', true,
       'default-channel', cur, v, v, 0, '[]', '', '', at, at
FROM unnest(%(n)s::bigint[], %(contact)s::bigint[], %(currency)s::text[], %(value)s::numeric[],
            %(at)s::timestamptz[]) AS o(n, c, cur, v, at)
"""


def simulate(first_contact: int) -> dict[str, np.ndarray]:
    """Every order of every customer: contact, placed at, currency, value."""
    from saleor_mautomation.predictions.engine import BgNbd, GammaGamma
    from tests.predictions.simulate import bgnbd_customers

    rng = np.random.default_rng(21)
    customers = bgnbd_customers(BgNbd(**TRUE_BGNBD), CONTACTS, rng, T_low=30, T_high=1095)
    repeat = customers.x.astype(np.int64)
    per_contact = repeat + 1
    contact = np.repeat(np.arange(CONTACTS), per_contact)
    # Order k of a contact: 0 at its first order, its last at t_x, the others between.
    starts = np.cumsum(per_contact) - per_contact
    k = np.arange(len(contact)) - starts[contact]
    offset = rng.uniform(0, 1, len(contact)) * customers.t_x[contact]
    offset[k == 0] = 0.0
    last = k == repeat[contact]
    offset[last & (k > 0)] = customers.t_x[contact][last & (k > 0)]
    placed = NOW.timestamp() - (customers.T[contact] - offset) * 86400
    values = GammaGamma(**TRUE_GG)
    nu = rng.gamma(values.q, 1 / values.gamma, CONTACTS)
    value = np.round(rng.gamma(values.p, 1 / nu[contact]), 2) + 0.01
    currency = np.where(contact % 5 == 0, "EUR", "USD")
    return {
        "contact": contact + first_contact,
        "at": placed,
        "currency": currency,
        "value": value,
    }


def fill(installation_id: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SQL, {"installation": installation_id, "n": CONTACTS})
        cursor.execute(
            "SELECT min(id) FROM mautomation_contact WHERE installation_id = %s",
            [installation_id],
        )
        first_contact = int(cursor.fetchone()[0])
    orders = simulate(first_contact)
    total = len(orders["contact"])
    log(f"{CONTACTS:,} contacts; inserting {total:,} orders ...")
    for start in range(0, total, CHUNK):
        part = slice(start, start + CHUNK)
        with connection.cursor() as cursor:
            cursor.execute(
                ORDERS_SQL,
                {
                    "installation": installation_id,
                    "n": list(range(start, min(start + CHUNK, total))),
                    "contact": orders["contact"][part].tolist(),
                    "currency": orders["currency"][part].tolist(),
                    "value": [f"{v:.2f}" for v in orders["value"][part].tolist()],
                    "at": [datetime.fromtimestamp(t, tz=UTC) for t in orders["at"][part].tolist()],
                },
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return total


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


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM): ru_maxrss would count the parent's peak, which
    Linux carries across fork and exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _phases(phases: dict[str, list[float]]) -> None:
    """Time each phase of the refresh (and the peak RSS after it) by wrapping the service's
    own steps in this process."""
    from saleor_mautomation.predictions import services

    def timed(name: str, function: Any) -> Any:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            result = function(*args, **kwargs)
            rss = peak_rss_mb()
            phases.setdefault(name, [0.0, 0.0])
            phases[name][0] += time.perf_counter() - started
            phases[name][1] = max(phases[name][1], rss)
            return result

        return run

    for name in (
        "buyers_of",
        "spenders_of",
        "_scores",
        "_predictions_write",
        "_gamma_gamma_fits",
        "_values_write",
        "_mark_due",
    ):
        setattr(services, name, timed(name, getattr(services, name)))
    engine = services.engine  # this process only: the fit timed too
    engine.bgnbd_fit = timed("bgnbd_fit", engine.bgnbd_fit)


def night(installation_id: int, day: int) -> dict[str, Any]:
    """One nightly refresh in this process (the child): its time, peak RSS and outcome."""
    from saleor_mautomation.predictions.models import PredictionFit
    from saleor_mautomation.predictions.services import predictions_refresh

    phases: dict[str, list[float]] = {}
    _phases(phases)
    started = time.perf_counter()
    refreshed = predictions_refresh(installation_id=installation_id, now=NOW + timedelta(days=day))
    seconds = time.perf_counter() - started
    fits = {
        f"{f.model}{'.' + f.currency if f.currency else ''}": f.params
        for f in PredictionFit.objects.filter(installation_id=installation_id)
    }
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(peak_rss_mb()),
        "status": refreshed.status,
        "buyers": refreshed.buyers,
        "repeat_buyers": refreshed.repeat_buyers,
        "scored": refreshed.scored,
        "valued": refreshed.valued,
        "marked": refreshed.marked,
        "fits": {k: {p: round(v, 4) for p, v in params.items()} for k, params in fits.items()},
        "phases": {k: {"s": round(v[0], 1), "rss_mb": round(v[1])} for k, v in phases.items()},
    }


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--night":
        import django

        django.setup()
        print(json.dumps(night(int(sys.argv[2]), int(sys.argv[3]))), flush=True)
        return
    with (
        tempfile.TemporaryDirectory(prefix="bench-predictions-") as var,
        postgres(durable=True) as url,
    ):
        _create_database(url)
        prepare_database(url, var)
        from saleor_mautomation.contacts.models import Contact
        from saleor_mautomation.core import clock
        from saleor_mautomation.saleor.models import Installation

        installation = Installation.objects.create(
            saleor_api_url=SHOP,
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=clock.now(),
        )
        started = time.perf_counter()
        orders = fill(installation.pk)
        log(f"filled in {time.perf_counter() - started:.0f}s")
        nights = []
        for day in (0, 1):
            # As if the write-back had written the night before's changes since.
            Contact.objects.filter(installation=installation).update(writeback_due_at=None)
            log(f"night {day + 1} (load {load()}) ...")
            child = subprocess.run(
                [sys.executable, __file__, "--night", str(installation.pk), str(day)],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ,
            )
            result = json.loads(child.stdout.strip().splitlines()[-1])
            result["load_after"] = load()
            log(
                f"night {day + 1}: {result['seconds']}s, peak RSS {result['peak_rss_mb']} MB, "
                f"{result['scored']:,} scored, {result['marked']:,} marked"
            )
            nights.append(result)
    log(f"true BG/NBD {TRUE_BGNBD}, fitted {nights[0]['fits'].get('bgnbd')}")
    log(f"true Gamma-Gamma {TRUE_GG}, fitted USD {nights[0]['fits'].get('gamma_gamma.USD')}")
    figures = {
        "scale": SCALE,
        "contacts": CONTACTS,
        "orders": orders,
        "first_night_s": nights[0]["seconds"],
        "next_night_s": nights[1]["seconds"],
        "peak_rss_mb": max(n["peak_rss_mb"] for n in nights),
        "scored": nights[0]["scored"],
        "valued": nights[0]["valued"],
        "marked_first": nights[0]["marked"],
        "marked_next": nights[1]["marked"],
        "fits": nights[0]["fits"],
        "phases": [n["phases"] for n in nights],
        "load": [n["load_after"] for n in nights],
    }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
