"""Journey scheduler throughput, and the latency from a delivery to the SMTP server.

Part 1: a durable PostgreSQL with ``BENCH_RUNS`` (100,000) contacts, each with a run due at
a wait step followed by a send and another wait (a typical abandoned-checkout middle): two
worker processes (``BENCH_WORKERS``) call the scheduler (``runs_wake``, batches claimed with
SKIP LOCKED) until no run is due. Steps are the nodes runs passed (the wait and the send),
as logged; messages are the outbox rows queued.

Part 2: the latency from a signed ORDER_CREATED delivery to the message at a loopback SMTP
server (aiosmtpd), through the app as deployed: granian serving the webhook route, Redis as
the broker (the filesystem broker when redis-server is missing), a Celery worker
(``BENCH_WORKER_CONCURRENCY``, 2) and the beat scheduler as separate processes. Nothing is
called by hand: the delivery is posted over HTTP and the bench waits until the SMTP server
has the message, whatever wakes the intake drain and the sender (the commit's nudges, or the
scheduler's periodic sweep and send, every 2 and ``MESSAGES_SEND_INTERVAL`` seconds). The
journey is entered by ``order.placed`` and its first step is a send. Deliveries go one at a
time, a quarter of a second apart, each timed until its message arrived.

``BENCH_SCALE`` (1) scales both parts: 100,000 runs and 200 deliveries at 1.
Prints progress, then one JSON line. Targets (2 cores): >= 2,000 steps/s; p95 < 1 s.
"""

from __future__ import annotations

import contextlib
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
sys.path[:0] = [str(ROOT), str(ROOT / "tools"), str(ROOT / "bench")]

from ingest import free_port, redis_broker, stop, wait_http  # noqa: E402
from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

from saleor_mautomation.management import processes  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
RUNS = int(os.environ.get("BENCH_RUNS", str(max(1000, int(100_000 * SCALE)))))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BATCH = int(os.environ.get("BENCH_BATCH", "500"))
DELIVERIES = int(os.environ.get("BENCH_DELIVERIES", str(max(20, int(200 * SCALE)))))
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "2"))
PAUSE = 0.25  # seconds between deliveries: each is timed alone
TIMEOUT = 30.0  # seconds a message may take before the bench gives up on it
API_URL = "https://shop.bench.example/graphql/"

CONTACTS_SQL = """
INSERT INTO mautomation_contact (
    installation_id, saleor_user_id, email, first_name, last_name, language_code, country, city,
    time_zone, gender, metadata, is_customer, email_consent, created_at, updated_at,
    orders_count, lifecycle_stage, favourite_categories, prediction_basis, writeback_hash,
    preferences, segments, email_opens_30d, email_opens_90d, email_clicks_30d, email_clicks_90d,
    phone, sms_consent, push_consent, writeback_extra, writeback_refusals)
SELECT %(installation)s, 'VXNlcjo' || g, 'c' || g || '@bench.example', 'First', 'Last', 'EN',
       'US', 'Austin', '', '', '{}', true, 'granted', now(), now(), 0, 'prospect', '[]', '{}',
       '', '{}', '[]', 0, 0, 0, 0, '', 'unknown', 'unknown', '{}', 0
FROM generate_series(1, %(n)s) AS g
"""

RUNS_SQL = """
INSERT INTO mautomation_journeyrun (
    installation_id, journey_id, version_id, contact_id, entry_key, status, node,
    node_entered_at, wake_at, holdout, exit_reason, context, entered_at, attempts, error,
    branches, goal_currency)
SELECT c.installation_id, %(journey)s, %(version)s, c.id, '', 'waiting', 'pause',
       now() - interval '2 days', now() - interval '1 day', false, '', '{}',
       now() - interval '2 days', 0, '', '{}', ''
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


def _latency_setup(installation_id: int) -> None:
    """The journey (entered by ``order.placed``, first step a send) and its subscribed
    customers, as after a backfill; no cap or quiet hours in the way."""
    from django.utils import timezone

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.journeys.services import journey_publish
    from saleor_mautomation.messages.models import Message, SendingRules

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
    Contact.objects.bulk_create(
        Contact(
            installation_id=installation_id,
            email=f"latency{n}@bench.example",
            saleor_user_id=f"VXNlcjpsYXQ{n}",
            email_consent="granted",
        )
        for n in range(DELIVERIES)
    )


def _post(port: int, body: bytes, signature: str) -> int:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(
            "POST",
            "/api/webhooks/saleor",
            body=body,
            headers={
                "Content-Type": "application/json",
                "Saleor-Event": "order_created",
                "Saleor-Api-Url": API_URL,
                "Saleor-Signature": signature,
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def latency(installation_id: int, var: str) -> dict[str, Any]:
    """Delivery to SMTP through the deployed processes (see the module's docstring)."""
    from django.db import connection

    from tests.support import deliveries as d
    from tests.support.keys import signing_key

    _latency_setup(installation_id)
    connection.close()
    sink = Sink()
    port = free_port()
    with contextlib.ExitStack() as stack:
        broker = stack.enter_context(redis_broker())
        env = {
            **os.environ,
            "APP_URL": f"http://127.0.0.1:{port}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "INTAKE_SWEEP_INTERVAL": "2",
        }
        if broker:
            env["CELERY_BROKER_URL"] = broker
        log(
            f"starting granian, a Celery worker (concurrency {WORKER_CONCURRENCY}) and beat, "
            f"broker {'redis' if broker else 'filesystem'} ..."
        )
        for command in (
            processes.web(port, 2, host="127.0.0.1"),
            processes.worker(WORKER_CONCURRENCY, loglevel="WARNING"),
            processes.scheduler(str(Path(var) / "beat"), loglevel="WARNING"),
        ):
            stack.callback(stop, subprocess.Popen(command, env=env, cwd=var))
        wait_http(port)
        time.sleep(3)  # the worker connects to the broker
        key = signing_key(0)
        timings: list[float] = []
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
            body = minted.body
            began = time.perf_counter()
            status = _post(port, body, key.sign_webhook(body))
            if status != 200:
                raise SystemExit(f"delivery {n} answered HTTP {status}")
            while email not in sink.arrived and time.perf_counter() - began < TIMEOUT:
                time.sleep(0.002)
            if email not in sink.arrived:
                raise SystemExit(f"delivery {n}: no message at the SMTP server in {TIMEOUT}s")
            timings.append((sink.arrived[email] - began) * 1000)
            if os.environ.get("BENCH_VERBOSE"):
                log(f"delivery {n}: {timings[-1]:.0f} ms")
            time.sleep(PAUSE)
    sink.controller.stop()
    timings.sort()
    return {
        "deliveries": DELIVERIES,
        "path": "granian -> broker -> worker (drain, sender) -> SMTP, beat running",
        "broker": "redis" if broker else "filesystem",
        "worker_concurrency": WORKER_CONCURRENCY,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))], 1),
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
        figures["latency"] = latency(installation.pk, var)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
