"""Webhook intake under load: verified, stored deliveries per second, p99 latency, lag, losses.

Starts a durable PostgreSQL (fsync on), Redis as the broker when installed, the app under
granian (as ``mautomation serve`` runs it) and a Celery worker; pre-signs unique ORDER_CREATED
deliveries with a key whose JWKS the installation holds, and posts them from a separate
process (``loadgen.py``). Prints progress, then one JSON line of figures, among them the CPU
each kind of process used per delivery while posting. ``BENCH_SCALE`` scales the number of
deliveries; ``BENCH_WORKER_CONCURRENCY=0`` measures intake alone; ``WORKER_NICE=0`` runs the
worker at the web's priority.

Targets (2 cores): >= 1,000 deliveries/s accepted, p99 < 50 ms, none lost.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

from saleor_mautomation.management import processes  # noqa: E402
from tests.support.keys import signing_key  # noqa: E402
from tests.support.samples import webhook_sample  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
DELIVERIES = max(200, int(20_000 * SCALE))
# The worker's CPU priority as deployed (WORKER_NICE, 10 unless set): on one shared machine
# the web tier (Saleor waits for its answers) wins the cores and processing catches up later.
WORKER_NICE = os.environ.get("WORKER_NICE", "10")
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "2"))
# BENCH_ANALYZE=0 measures a database without statistics (a fresh one, before autovacuum).
ANALYZE = os.environ.get("BENCH_ANALYZE", "1") == "1"
WARMUP = 300
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "16"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
WORKER_CONCURRENCY = int(os.environ.get("BENCH_WORKER_CONCURRENCY", "1"))
API_URL = "https://shop.bench.example/graphql/"


def log(message: str) -> None:
    print(f"[ingest] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_broker() -> Iterator[str | None]:
    server = shutil.which("redis-server")
    if server is None:
        log("redis-server not installed: using the filesystem broker")
        yield None
        return
    port = free_port()
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    time.sleep(0.3)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait()


def _sign_chunk(start: int, count: int) -> list[tuple[dict[str, str], bytes]]:
    key = signing_key(0)
    template = json.loads(webhook_sample("ORDER_CREATED")["raw_body"])
    out = []
    for n in range(start, start + count):
        template["order"]["number"] = str(n)
        template["order"]["id"] = f"T3JkZXI6{n:032d}"
        # A shop's orders come from many customers: four orders per customer here.
        template["order"]["userEmail"] = f"customer{n // 4}@bench.example"
        template["order"]["user"] = None
        body = json.dumps(template).encode()
        headers = {
            "Saleor-Event": "order_created",
            "Saleor-Domain": "shop.bench.example",
            "Saleor-Api-Url": API_URL,
            "Saleor-Signature": key.sign_webhook(body),
        }
        out.append((headers, body))
    return out


def sign_all(count: int) -> list[tuple[dict[str, str], bytes]]:
    workers = os.cpu_count() or 2
    chunk = (count + workers - 1) // workers
    with ProcessPoolExecutor(workers) as pool:
        parts = pool.map(
            _sign_chunk,
            range(0, count, chunk),
            [min(chunk, count - s) for s in range(0, count, chunk)],
        )
        return [item for part in parts for item in part]


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "saleor_mautomation.cli", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_http(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the web server did not start")


def sql(env: dict[str, str], query: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(env["DATABASE_URL"]) as conn:
        cursor = conn.execute(query)
        return cursor.fetchall() if cursor.description else []


TICK = os.sysconf("SC_CLK_TCK")


def cpu_by_role() -> dict[str, float]:
    """CPU seconds used so far by each kind of process on the machine (from /proc)."""
    totals: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
        if comm.startswith("postgres") or cmdline.startswith("postgres:"):
            role = "postgres"
        elif "granian" in cmdline:
            role = "web"
        elif "celery" in cmdline and " worker" in cmdline:
            role = "worker"
        elif "redis-server" in comm:
            role = "redis"
        else:
            continue
        totals[role] = totals.get(role, 0.0) + seconds
    return totals


def main() -> None:
    with ExitStack() as stack:
        var = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-ingest-")))
        log("starting PostgreSQL (durable) ...")
        db_url = stack.enter_context(postgres(durable=True))
        _create_database(db_url)
        broker = stack.enter_context(redis_broker())
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "MAUTOMATION_VAR_DIR": str(var),
            "APP_URL": f"http://127.0.0.1:{port}",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "INTAKE_SWEEP_INTERVAL": "2",
            "WORKER_NICE": WORKER_NICE,
        }
        if broker:
            env["CELERY_BROKER_URL"] = broker
        manage(env, "migrate", "--verbosity", "0")
        jwks = json.dumps({"keys": [signing_key(0).public_jwk]})
        manage(
            env,
            "shell",
            "-c",
            (
                "from saleor_mautomation.saleor.models import Installation;"
                "from saleor_mautomation.segments.builtin import segments_builtin_ensure;"
                "from django.utils import timezone; import json;"
                f"i = Installation.objects.create(saleor_api_url={API_URL!r}, app_id='QXBwOjE=',"
                f"auth_token='bench', jwks=json.loads({jwks!r}), jwks_fetched_at=timezone.now(),"
                "installed_at=timezone.now());"
                # as installed: the built-in segments are evaluated for every drained contact
                "segments_builtin_ensure(installation_id=i.pk, now=timezone.now())"
            ),
        )

        log(f"signing {WARMUP} + {DELIVERIES} unique deliveries ...")
        deliveries = sign_all(WARMUP + DELIVERIES)
        warmup, source, target = var / "warmup.pickle", var / "deliveries.pickle", var / "out.json"
        warmup.write_bytes(pickle.dumps(deliveries[:WARMUP]))
        source.write_bytes(pickle.dumps(deliveries[WARMUP:]))

        log(f"starting granian ({WEB_WORKERS} workers) and a Celery worker ...")
        commands = [
            processes.web(port, WEB_WORKERS, host="127.0.0.1", threads=WEB_THREADS),
            processes.worker(WORKER_CONCURRENCY, loglevel="WARNING")
            if WORKER_CONCURRENCY
            else ["sleep", "3600"],
            processes.scheduler(str(var / "beat"), loglevel="WARNING"),
        ]
        for command in commands:
            proc = subprocess.Popen(command, env=env, cwd=var)
            stack.callback(stop, proc)
        wait_http(port)
        time.sleep(2)

        def post(pickled: Path) -> None:
            subprocess.run(
                [
                    sys.executable,
                    str(ROOT / "bench" / "loadgen.py"),
                    "127.0.0.1",
                    str(port),
                    str(CONCURRENCY),
                    str(pickled),
                    str(target),
                ],
                check=True,
            )

        log(f"warming up with {WARMUP} deliveries (not timed) ...")
        post(warmup)
        time.sleep(3)
        if ANALYZE:
            # What autovacuum does within a minute of a live shop's first rows: without
            # statistics the planner may find a contact by walking the installation's contacts
            # instead of the unique email index, which costs more with every new customer.
            sql(env, "ANALYZE")
        log(f"posting {DELIVERIES} from a separate process with {CONCURRENCY} connections ...")
        cpu_before = cpu_by_role()
        post(source)
        cpu_after = cpu_by_role()
        sent_done = time.monotonic()
        done_when_posted = (
            sql(env, "SELECT count(*) FROM mautomation_delivery WHERE status = 'processed'")[0][0]
            - WARMUP
        )
        results = json.loads(target.read_text())
        accepted = results["statuses"].get("200", 0)
        log(f"answers: {results['statuses']} in {results['wall_s']:.2f}s")

        log("waiting for the workers to process every stored delivery ...")
        deadline = sent_done + (600 if WORKER_CONCURRENCY else 0)
        pending = -1
        while time.monotonic() < deadline:
            pending = sql(
                env, "SELECT count(*) FROM mautomation_delivery WHERE status = 'pending'"
            )[0][0]
            if pending == 0:
                break
            time.sleep(0.2)
        lag = time.monotonic() - sent_done
        rows = dict(sql(env, "SELECT status, count(*) FROM mautomation_delivery GROUP BY status"))
        stored = sum(rows.values()) - WARMUP
        latencies = results["latencies_ms"]

        def pct(p: float) -> float:
            return round(latencies[min(len(latencies) - 1, int(len(latencies) * p))], 2)

        # Where the two cores went while posting, in ms per accepted delivery (by role).
        cpu_ms = {
            role: round((cpu_after[role] - cpu_before.get(role, 0.0)) * 1000 / max(accepted, 1), 3)
            for role in cpu_after
        }
        cpu_ms["loadgen"] = round(results["cpu_s"] * 1000 / max(accepted, 1), 3)
        figures = {
            "benchmark": "ingest",
            "deliveries": DELIVERIES,
            "concurrency": CONCURRENCY,
            "server": "granian",
            "web_workers": WEB_WORKERS,
            "web_threads": WEB_THREADS,
            "broker": "redis" if broker else "filesystem",
            "worker_nice": int(WORKER_NICE),
            "analyzed_after_warmup": ANALYZE,
            "accepted": accepted,
            "accepted_per_s": round(accepted / results["wall_s"], 1),
            "p50_ms": pct(0.50),
            "p99_ms": pct(0.99),
            "max_ms": round(latencies[-1], 2) if latencies else None,
            "rows_stored": stored,
            "lost": accepted - stored,
            "processed": rows.get("processed", 0),
            "still_pending": pending,
            "processing_lag_s": round(lag, 2),
            # How much the worker did while the web was busy, and its rate alone afterwards.
            "processed_while_posting": done_when_posted if WORKER_CONCURRENCY else None,
            "drain_per_s_after": round((stored - done_when_posted) / lag, 1)
            if WORKER_CONCURRENCY and lag
            else None,
            "cpu_ms_per_delivery_while_posting": cpu_ms,
        }
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    main()
