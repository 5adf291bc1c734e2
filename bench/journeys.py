"""Journey scheduler throughput, and the latency from a delivery to the SMTP server.

Part 1: a durable PostgreSQL with ``BENCH_RUNS`` (100,000) contacts, each with a run due at
a wait step followed by a send and another wait (a typical abandoned-checkout middle): two
worker processes (``BENCH_WORKERS``) call the scheduler (``runs_wake``, batches claimed with
SKIP LOCKED) until no run is due. Steps are the nodes runs passed (the wait and the send),
as logged; messages are the outbox rows queued.

Part 2: an abandoned-checkout-style journey entered by ``order.placed`` (first step: a send)
and a loopback SMTP server (aiosmtpd). For each of ``BENCH_DELIVERIES`` signed ORDER_CREATED
deliveries: POST it to the webhook endpoint, drain (the nudged intake task: the event enrols
the contact and queues the message in the same unit of work), send what is due (the woken
sender), and time until the SMTP server has the message. Broker hops are left out (the tasks
are called in-process, back to back, as an idle worker picks them up).

Prints progress, then one JSON line. Targets (2 cores): >= 2,000 steps/s; p95 < 1 s.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
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

RUNS = int(os.environ.get("BENCH_RUNS", "100000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", "200"))
API_URL = "https://shop.bench.example/graphql/"

CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       'US', 'Austin', '', '', '{}', true, 'granted', now(), now(), 0, 'prospect', '[]', '{}',
       '', '{}', '[]', 0, 0, 0, 0, '', 'unknown', 'unknown', '{}'
FROM generate_series(1, %(n)s) AS g
"""

RUNS_SQL = """
INSERT INTO mautomation_journeyrun (
    installation_id, journey_id, version_id, contact_id, entry_key, status, node,
    node_entered_at, wake_at, holdout, exit_reason, context, entered_at)
SELECT c.installation_id, %(journey)s, %(version)s, c.id, '', 'waiting', 'pause',
       now() - interval '2 days', now() - interval '1 day', false, '', '{}',
       now() - interval '2 days'
FROM mautomation_contact c WHERE c.installation_id = %(installation)s
"""

MIDDLE = {
    "entry": {"type": "manual"},
    "start": "pause",
    "nodes": {
        "pause": {"type": "wait", "duration": {"days": 1}, "next": "mail"},
        "mail": {"type": "send_email", "template": "abandoned-checkout-2", "next": "later"},
        "later": {"type": "wait", "duration": {"days": 2}, "next": "end"},
        "end": {"type": "exit"},
    },
}


def log(message: str) -> None:
    print(f"[journeys] {message}", flush=True)


def _setup_django() -> None:
    import django

    django.setup()


def _ready(_: int) -> None:
    """Set Django up in a pool process before the clock starts."""
    _setup_django()
    from django.db import connection

    connection.ensure_connection()
    time.sleep(0.5)  # every process of the pool gets one


def _worker(limit: int) -> int:
    from django.db import connection

    from saleor_mautomation.core import clock
    from saleor_mautomation.journeys.runner import runs_wake

    woken = 0
    while True:
        batch = runs_wake(now=clock.now(), limit=limit)
        woken += batch
        if batch == 0:
            break
    connection.close()
    return woken


def throughput(installation_id: int) -> dict[str, Any]:
    from django.db import connection
    from django.utils import timezone

    from saleor_mautomation.journeys.models import Journey, RunStep
    from saleor_mautomation.journeys.services import journey_publish
    from saleor_mautomation.messages.models import Message

    journey = Journey.objects.create(
        installation_id=installation_id, key="middle", name="Middle", draft=MIDDLE
    )
    version = journey_publish(journey=journey, now=timezone.now())
    log(f"filling {RUNS} contacts with a due run each ...")
    with connection.cursor() as cursor:
        cursor.execute(CONTACTS_SQL, {"installation": installation_id, "n": RUNS})
        cursor.execute(
            RUNS_SQL,
            {"installation": installation_id, "journey": journey.pk, "version": version.pk},
        )
        cursor.execute("ANALYZE")
    connection.close()
    log(f"waking them with {WORKERS} worker processes, batches of {BATCH} ...")
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        pool.map(_ready, range(WORKERS), chunksize=1)
        started = time.perf_counter()
        woken = sum(pool.map(_worker, [BATCH] * WORKERS, chunksize=1))
        elapsed = time.perf_counter() - started
    steps = RunStep.objects.filter(run__journey=journey, kind="passed").count()
    messages = Message.objects.filter(dedupe_key__startswith="journey-run:").count()
    log(f"{woken} runs, {steps} steps, {messages} messages in {elapsed:.1f}s")
    return {
        "runs": woken,
        "steps": steps,
        "messages_queued": messages,
        "seconds": round(elapsed, 2),
        "steps_per_s": round(steps / elapsed),
        "runs_per_s": round(woken / elapsed),
    }


class Sink:
    """A loopback SMTP server noting when each message arrived (by its recipient)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.arrived: dict[str, float] = {}
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                for rcpt in envelope.rcpt_tos:
                    sink.arrived[rcpt] = time.perf_counter()
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()


def latency(installation_id: int) -> dict[str, Any]:
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.flows.tasks import deliveries_drain
    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.journeys.services import journey_publish
    from saleor_mautomation.messages.models import Message, SendingRules
    from saleor_mautomation.messages.tasks import messages_send
    from tests.support import deliveries as d
    from tests.support.keys import signing_key

    sink = Sink()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]  # the in-process client
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    SendingRules.objects.update_or_create(
        installation_id=installation_id,
        defaults={"cap_count": 100, "quiet_start_hour": None, "quiet_end_hour": None},
    )
    definition = {
        "entry": {"type": "event", "event_type": "order.placed", "entry_key": "order_id"},
        "reentry": {"mode": "every_time"},
        "start": "thanks",
        "nodes": {
            "thanks": {"type": "send_email", "template": "post-purchase-thanks", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = Journey.objects.create(
        installation_id=installation_id, key="thanks", name="Thanks", draft=definition
    )
    journey_publish(journey=journey, now=timezone.now())
    # The first part's messages are not this part's: out of the sender's way.
    Message.objects.filter(status=Message.Status.QUEUED).update(status=Message.Status.SUPPRESSED)
    # Subscribed customers (marketing mail needs consent), as after a backfill.
    Contact.objects.bulk_create(
        Contact(
            installation_id=installation_id,
            email=f"latency{n}@bench.example",
            saleor_user_id=f"VXNlcjpsYXQ{n}",
            email_consent="granted",
        )
        for n in range(DELIVERIES)
    )
    key = signing_key(0)
    client = Client()
    timings = []
    log(f"timing {DELIVERIES} ORDER_CREATED deliveries to the SMTP server ...")
    for n in range(DELIVERIES):
        email = f"latency{n}@bench.example"
        minted = d.order(
            "ORDER_CREATED",
            order_id=f"T3JkZXI6bGF0{n}",
            number=str(900_000 + n),
            user_id=f"VXNlcjpsYXQ{n}",
            email=email,
            placed=0,
            day=0,
            total="30.00",
        )
        began = time.perf_counter()
        response = d.post(client, key, API_URL, minted)
        assert response.status_code == 200, response.content
        posted = time.perf_counter()
        deliveries_drain()  # the nudged intake task, as an idle worker runs it
        drained = time.perf_counter()
        messages_send()  # the sender the drain woke
        if os.environ.get("BENCH_VERBOSE"):
            log(
                f"post {posted - began:.3f}s drain {drained - posted:.3f}s send "
                f"{time.perf_counter() - drained:.3f}s"
            )
        arrived = sink.arrived.get(email)
        if arrived is None:
            raise SystemExit(f"delivery {n} produced no mail: {Message.objects.last()}")
        timings.append((arrived - began) * 1000)
    sink.controller.stop()
    timings.sort()
    return {
        "deliveries": DELIVERIES,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95)], 1),
        "max_ms": round(timings[-1], 1),
    }


def main() -> None:
    with (
        tempfile.TemporaryDirectory(prefix="bench-journeys-") as var,
        postgres(durable=True) as url,
    ):
        _create_database(url)
        os.environ.update(
            {
                "DATABASE_URL": url,
                "MAUTOMATION_VAR_DIR": var,
                "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
                "SALEOR_ALLOW_LOOPBACK": "1",
            }
        )
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
        _setup_django()
        from django.utils import timezone

        from saleor_mautomation.messages.services import templates_builtin_ensure
        from saleor_mautomation.saleor.models import Installation
        from tests.support.keys import signing_key

        installation = Installation.objects.create(
            saleor_api_url=API_URL,
            app_id="QXBwOjE=",
            auth_token="bench",
            installed_at=timezone.now(),
            jwks={"keys": [signing_key(0).public_jwk]},
            jwks_fetched_at=timezone.now(),
        )
        templates_builtin_ensure(installation_id=installation.pk, now=timezone.now())
        figures: dict[str, Any] = {"benchmark": "journeys", "workers": WORKERS, "batch": BATCH}
        figures["scheduler"] = throughput(installation.pk)
        figures["latency"] = latency(installation.pk)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
