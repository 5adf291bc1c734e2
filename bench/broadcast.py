"""A broadcast to ``BENCH_SCALE`` x 1,000,000 consenting contacts through the real processes.

Fills a throwaway (durable) PostgreSQL with the contacts, a segment of those who consent and a
broadcast journey (one email, the default ``welcome-1``) due now; starts a Redis, a fast SMTP
sink in its own process (``--sink``: a minimal loopback server that only counts recipients,
not aiosmtpd's; ``BENCH_SINK_DELAY_MS`` delays its answer to each message like a relay across
a network), the app's scheduler and ``BENCH_SENDERS`` workers on the ``bulk`` and
``sending`` queues (``mautomation scheduler``, ``mautomation worker --queues bulk,sending
--concurrency 1``). The
scheduler snapshots the segment, the workers wake the runs and hand the messages over. Then,
in this process, a bare hand-written loop renders the same template and sends it over one
SMTP connection to the same sink: the limit the app is compared with.

Prints progress, then the figures: emails/s handed over (the sink's count over the time from
its first to its last message), the time from the processes' start to the last message, the
sink's received count, duplicates and missing (both must be 0), the peak RSS of each process,
the workers' CPU milliseconds per email (a figure a busy machine does not inflate),
the bare loop's emails/s and the ratio; the last line is one JSON object. Targets (issue 19,
2 cores): at least 60% of the bare loop and 600 emails/s, every worker under 300 MB.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import signal
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tools")]

from _support import rows_generate  # noqa: E402
from pgserver import _create_database, postgres  # type: ignore[import-not-found]  # noqa: E402

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
CONTACTS = max(500, int(1_000_000 * SCALE))
SENDERS = int(os.environ.get("BENCH_SENDERS", "2"))
BARE = min(CONTACTS, int(os.environ.get("BENCH_BARE", "5000")))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "3600"))
# Seconds between progress reads: each counts the outbox by status, a scan of every message
# that at a million would take a share of the cores from the senders if done every 2 s.
POLL = float(os.environ.get("BENCH_POLL", str(max(2.0, 20 * SCALE))))
# Milliseconds the sink waits before it answers a message's data (0: at once, as on loopback;
# a relay across a network answers a few to tens of milliseconds later).
DELAY = float(os.environ.get("BENCH_SINK_DELAY_MS", "0")) / 1000
# The campaign senders' parallel connections (the app's EMAIL_CONNECTIONS; the pool).
CONNECTIONS = os.environ.get("EMAIL_CONNECTIONS", "4")
DOMAIN = "bench.example"


def log(message: str) -> None:
    print(f"[broadcast] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- the sink -----------------------------------------------------------------------------------


class _Session(asyncio.Protocol):
    """Just enough SMTP for smtplib: EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT; nothing kept
    but each recipient's count and the moments of the first and last message."""

    def __init__(self, sink: _Sink) -> None:
        self.sink, self.buffer, self.data = sink, b"", False
        self.rcpts: list[str] = []

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, chunk: bytes) -> None:
        self.buffer += chunk
        while True:
            if self.data:
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    return
                self.buffer, self.data = self.buffer[end + 5 :], False
                self.sink.accept(self.rcpts)
                self.rcpts = []
                if DELAY:  # a relay farther away than loopback: the answer comes later
                    asyncio.get_running_loop().call_later(
                        DELAY, self.transport.write, b"250 OK\r\n"
                    )
                else:
                    self.transport.write(b"250 OK\r\n")
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                return
            line, self.buffer = self.buffer[:end], self.buffer[end + 2 :]
            self.command(line)

    def command(self, line: bytes) -> None:
        verb = line[:4].upper()
        if verb == b"EHLO":
            self.transport.write(b"250-sink\r\n250 8BITMIME\r\n")
        elif verb == b"RCPT":
            self.rcpts.append(line.split(b":", 1)[1].strip().strip(b"<>").decode())
            self.transport.write(b"250 OK\r\n")
        elif verb == b"DATA":
            self.data = True
            self.transport.write(b"354 go on\r\n")
        elif verb == b"QUIT":
            self.transport.write(b"221 bye\r\n")
            self.transport.close()
        else:  # HELO, MAIL, RSET, NOOP
            self.transport.write(b"250 OK\r\n")


class _Sink:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.first = self.last = 0.0  # the broadcast's messages (the bare loop's come after)

    def accept(self, rcpts: list[str]) -> None:
        if any(rcpt.endswith(DOMAIN) for rcpt in rcpts):
            now = time.time()
            self.first = self.first or now
            self.last = now
        self.counts.update(rcpts)


def sink_main(port: int, out: str) -> None:
    sink = _Sink()

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        stop = loop.create_future()
        loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
        server = await loop.create_server(lambda: _Session(sink), "127.0.0.1", port)
        async with server:
            await stop
        Path(out).write_text(
            json.dumps({"counts": sink.counts, "first": sink.first, "last": sink.last})
        )

    asyncio.run(serve())


# -- the processes ------------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float:
    """The high-water mark of a process's resident memory (VmHWM)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time a process has used so far (a figure the machine's load does
    not inflate, unlike a rate)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split() if (task / "children").exists() else []
        for child in children:
            found.append(int(child))
            found.extend(descendants(int(child)))
    return found


def wait_for_port(port: int) -> None:
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


def setup(now: Any) -> int:
    """The shop, its contacts, the segment and the broadcast journey due now."""
    from django.db import connection

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.journeys.models import Journey
    from saleor_mautomation.journeys.services import journey_publish
    from saleor_mautomation.messages.models import SendingRules
    from saleor_mautomation.messages.services import templates_builtin_ensure
    from saleor_mautomation.saleor.models import Installation
    from saleor_mautomation.segments.models import Membership, Segment
    from saleor_mautomation.segments.services import segment_create

    shop = Installation.objects.create(
        saleor_api_url="https://shop.bench.example/graphql/",
        app_id="QXBwOjE=",
        auth_token="bench",
        installed_at=now,
        shop_name="Bench",
    )
    templates_builtin_ensure(installation_id=shop.pk, now=now)
    # No quiet hours: the bench runs at any hour of the day.
    SendingRules.objects.update_or_create(
        installation=shop, defaults={"quiet_start_hour": None, "quiet_end_hour": None}
    )
    segment = segment_create(
        installation_id=shop.pk,
        name="Consenting",
        definition={"version": 1, "root": {"type": "consent", "status": ["granted"]}},
        now=now,
    )
    # Set-based (seconds for a million, no row in this process's memory): the contacts, then
    # the memberships and contact segment keys segment_rebuild would give them (its entry
    # events, which nothing of a broadcast reads, are left out), then fresh statistics.
    rows_generate(
        Contact,
        CONTACTS,
        varying={"email": f"'person' || g || '@{DOMAIN}'", "first_name": "'Person ' || g"},
        progress=lambda done: log(f"  {done:,} contacts"),
        installation=shop,
        email_consent="granted",
        language_code="en",
        time_zone="Europe/Berlin",
        segments=[segment.key],
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Membership._meta.db_table} "  # noqa: S608 - the model's own table
            "(installation_id, segment_id, contact_id, entered_at, exited_at, entry_pending) "
            f"SELECT installation_id, %s, id, %s, NULL, false FROM {Contact._meta.db_table} "
            "WHERE installation_id = %s",
            [segment.pk, now, shop.pk],
        )
        cursor.execute(f"ANALYZE {Contact._meta.db_table}")
        cursor.execute(f"ANALYZE {Membership._meta.db_table}")
    Segment.objects.filter(pk=segment.pk).update(evaluated_at=now)
    journey = Journey.objects.create(
        installation=shop,
        key="bench",
        name="Bench broadcast",
        draft={
            "entry": {
                "type": "broadcast",
                "segment_id": segment.pk,
                "send_at": (now - timedelta(minutes=1)).isoformat(),
            },
            "start": "mail",
            "nodes": {
                "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=now)
    return int(shop.pk)


def bare_loop(installation_id: int, port: int) -> float:
    """Render the same template and send it over one connection: emails/s."""
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.core import clock
    from saleor_mautomation.messages.context import recipient_context
    from saleor_mautomation.messages.mime import mime_bytes
    from saleor_mautomation.messages.models import Message, Template
    from saleor_mautomation.messages.providers import build_mail
    from saleor_mautomation.messages.rendering import Compiled, render
    from saleor_mautomation.messages.services import template_current

    template = Template.objects.get(installation_id=installation_id, key="welcome-1")
    version = template_current(template, "en")
    assert version is not None
    compiled = Compiled(version.subject, version.preheader, version.html, version.text)
    contact = Contact.objects.filter(installation_id=installation_id).first()
    assert contact is not None
    context = recipient_context(contact=contact, app_url="https://app.bench.example")
    now = clock.now()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(BARE):
            recipient = copy.copy(context)
            recipient["contact"] = {**context["contact"], "first_name": f"Person {n}"}
            rendered = render(compiled, recipient)
            to = f"bare{n}@bare.example"
            mail = build_mail(
                message=Message(
                    pk=n + 1,
                    installation_id=1,
                    dedupe_key=f"b:{n}",
                    kind="marketing",
                    to_address=to,
                ),
                sender="Bench <shop@bench.example>",
                reply_to="",
                subject=rendered.subject,
                html=rendered.html,
                text=rendered.text,
                unsubscribe_url=context["links"]["unsubscribe"],
                list_id="Bench <i1.app.bench.example>",
                message_id=f"<m{n}.bench@app.bench.example>",
                now=now,
            )
            smtp.sendmail("shop@bench.example", [to], mime_bytes(mail))
    return BARE / (time.perf_counter() - started)


def run(
    processes: dict[str, subprocess.Popen[bytes]], env: dict[str, str], var: str, shop: int
) -> tuple[float, float, float, dict[str, float], dict[int, float]]:
    """Start the processes, wait for the broadcast to be sent, stop them, then the bare loop:
    its emails/s and CPU ms per email, when the processes started, peak RSS per process, the
    workers' CPU seconds."""
    from django.db import connection
    from django.db.models import Count

    from saleor_mautomation.messages.models import Message

    redis_port = int(env["CELERY_BROKER_URL"].rsplit(":", 1)[1].split("/")[0])
    sink_port = int(env["EMAIL_URL"].rsplit(":", 1)[1])
    out = str(Path(var) / "sink.json")
    logs = Path(var)
    processes["redis"] = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    processes["sink"] = subprocess.Popen(
        [sys.executable, __file__, "--sink", str(sink_port), out], env=env
    )
    wait_for_port(redis_port)
    wait_for_port(sink_port)
    cli = [sys.executable, "-m", "saleor_mautomation.cli"]
    log(f"starting the scheduler and {SENDERS} bulk workers ...")
    started = time.time()
    for n in range(SENDERS):
        processes[f"worker{n}"] = subprocess.Popen(
            [
                *cli,
                "worker",
                "--queues",
                "bulk,sending",
                "--concurrency",
                "1",
                "--hostname",
                f"b{n}@%h",
            ],
            env=env,
            stdout=(logs / f"worker{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
    processes["scheduler"] = subprocess.Popen(
        [*cli, "scheduler"],
        env=env,
        stdout=(logs / "scheduler.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    peaks: dict[str, float] = {}
    cpu: dict[int, float] = {}  # each worker process's CPU seconds, last seen
    done = 0
    while time.time() - started < TIMEOUT:
        time.sleep(POLL)
        for name, process in processes.items():
            for pid in [process.pid, *descendants(process.pid)]:
                key = name if pid == process.pid else f"{name}.child"
                peaks[key] = max(peaks.get(key, 0.0), peak_rss_mb(pid))
                if name.startswith("worker"):
                    cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
        statuses = dict(Message.objects.values_list("status").annotate(n=Count("pk")))
        done = sum(n for status, n in statuses.items() if status not in {"queued", "sending"})
        log(f"{time.time() - started:5.0f}s {statuses}")
        if done >= CONTACTS:
            break
    for name in ("scheduler", *(f"worker{n}" for n in range(SENDERS))):
        processes[name].send_signal(signal.SIGTERM)
    for name in ("scheduler", *(f"worker{n}" for n in range(SENDERS))):
        try:
            processes[name].wait(timeout=30)
        except subprocess.TimeoutExpired:
            processes[name].kill()
    log(f"bare loop: {BARE:,} messages over one connection ...")
    cpu_before = time.process_time()
    bare = bare_loop(shop, sink_port)
    bare_cpu = (time.process_time() - cpu_before) * 1000 / BARE
    connection.close()
    processes["sink"].send_signal(signal.SIGTERM)
    processes["sink"].wait(timeout=60)
    processes["redis"].terminate()
    processes["redis"].wait(timeout=30)
    return bare, bare_cpu, started, peaks, cpu


def main() -> None:
    # Stopped (SIGTERM): the with blocks' exits still stop PostgreSQL and remove its files.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with (
        tempfile.TemporaryDirectory(prefix="bench-broadcast-") as var,
        postgres(durable=True) as url,
    ):
        _create_database(url)
        redis_port, sink_port = free_port(), free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MAUTOMATION_VAR_DIR": var,
            "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
            "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_port}/0",
            "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
            "SALEOR_ALLOW_LOOPBACK": "1",
            "JOURNEYS_ENTRIES_INTERVAL": "2",
            "JOURNEYS_WAKE_INTERVAL": "2",
            "MESSAGES_SEND_INTERVAL": "2",
            "EMAIL_CONNECTIONS": CONNECTIONS,
        }
        os.environ.update(env)
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
        import django

        django.setup()
        from django.db import connection

        from saleor_mautomation.core import clock

        log(f"filling {CONTACTS:,} consenting contacts ...")
        seeding = time.perf_counter()
        installation_id = setup(clock.now())
        seed_s = time.perf_counter() - seeding
        log(f"filled in {seed_s:.1f}s")
        connection.close()
        out = str(Path(var) / "sink.json")
        processes: dict[str, subprocess.Popen[bytes]] = {}
        try:
            bare, bare_cpu, started, peaks, cpu = run(processes, env, var, installation_id)
        finally:  # an interrupted run leaves no process behind
            for process in processes.values():
                if process.poll() is None:
                    process.kill()
        result = json.loads(Path(out).read_text())
    counts = Counter({k: v for k, v in result["counts"].items() if k.endswith(DOMAIN)})
    expected = {f"person{n}@{DOMAIN}" for n in range(CONTACTS)}
    received = sum(counts.values())
    duplicates = sum(c - 1 for c in counts.values() if c > 1)
    missing = len(expected - set(counts))
    figures = {
        "benchmark": "broadcast",
        "contacts": CONTACTS,
        "senders": SENDERS,
        "connections": int(CONNECTIONS),
        "sink_delay_ms": DELAY * 1000,
        "received": received,
        "duplicates": duplicates,
        "missing": missing,
        "peak_rss_mb": {k: round(v) for k, v in sorted(peaks.items())},
        "bare_per_s": round(bare),
        # The bare loop's CPU per message (render, MIME, smtplib; this process only).
        "bare_cpu_ms_per_email": round(bare_cpu, 2),
        "seed_s": round(seed_s, 1),
        # The workers' CPU per message (fan-out and sending together), whatever the load.
        "worker_cpu_ms_per_email": round(sum(cpu.values()) * 1000 / max(CONTACTS, 1), 2),
        "load": Path("/proc/loadavg").read_text().split()[:3],
    }
    first, last = result["first"], result["last"]
    rate = round(received / (last - first)) if last > first else 0
    figures["emails_per_s"] = rate
    figures["time_to_last_s"] = round(last - started, 1)
    figures["ratio"] = round(rate / bare, 2) if bare else 0
    for key, value in figures.items():
        log(f"{key}: {value}")
    print(json.dumps(figures), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--sink"]:
        sink_main(int(sys.argv[2]), sys.argv[3])
    else:
        main()
