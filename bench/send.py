"""Complete MIME messages built per second on one core, and the rate handed to SMTP.

Renders the default welcome template for ``BENCH_MESSAGES`` recipients and builds each
complete message the way the sender does (``sending.build_mail``, ``mime.mime_bytes``: headers
including RFC 8058 List-Unsubscribe, a deterministic Message-ID, quoted-printable text and
HTML parts, then the bytes), timing the build alone and render + build. Then, to the minimal
SMTP sink of ``bench/broadcast.py`` in a process of its own (it counts recipients, nothing
else), ``BENCH_SMTP`` prebuilt messages over one connection with ``smtplib`` (the hand-over
limit), and as many through the app's own sender (``providers.EmailSender.hand_over``:
render, tracked links, MIME, the installation's SMTP backend over one kept-open connection;
an installation on a throwaway SQLite database). The sink's count is checked. Prints
progress, then one JSON line.
Target: >= 1,000 messages built per second per core (Django's EmailMessage takes about 3 ms
for a 25 KB mail here).
"""

from __future__ import annotations

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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT)]

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
MESSAGES = max(200, int(int(os.environ.get("BENCH_MESSAGES", "5000")) * SCALE))
SMTP_MESSAGES = max(100, int(int(os.environ.get("BENCH_SMTP", "1000")) * SCALE))


def log(message: str) -> None:
    print(f"[send] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sink(port: int, out: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "broadcast.py"), "--sink", str(port), out]
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    raise SystemExit("the sink did not start")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-send-") as var:
        port = free_port()
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
                "MAUTOMATION_VAR_DIR": var,
                "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
                "EMAIL_URL": f"smtp://127.0.0.1:{port}",
                "SALEOR_ALLOW_LOOPBACK": "1",
            }
        )
        subprocess.run(
            [sys.executable, "-m", "saleor_mautomation.cli", "migrate", "-v", "0"], check=True
        )
        run(port, f"{var}/sink.json")


def run(port: int, out: str) -> None:
    import django

    django.setup()

    from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT, default_templates
    from saleor_mautomation.messages.mime import mime_bytes
    from saleor_mautomation.messages.models import Message
    from saleor_mautomation.messages.rendering import compile_version, render
    from saleor_mautomation.messages.sending import build_mail

    default = next(t for t in default_templates() if t.key == "welcome-1" and t.language == "en")
    compiled = compile_version(
        mjml_source=default.mjml, subject=default.subject, preheader=default.preheader
    )
    now = datetime(2026, 6, 15, 12, tzinfo=UTC)
    contexts = []
    for n in range(100):
        context = copy.deepcopy(EXAMPLE_CONTEXT)
        context["contact"]["first_name"] = f"Person {n}"
        contexts.append(context)
    rendered = [render(compiled, context) for context in contexts]
    messages = [
        Message(
            pk=n + 1,
            installation_id=1,
            dedupe_key=f"b:{n}",
            kind="marketing",
            to_address=f"person{n}@example.com",
        )
        for n in range(100)
    ]

    def build(n: int) -> bytes:
        r = rendered[n % 100]
        return mime_bytes(
            build_mail(
                message=messages[n % 100],
                sender="Shop <shop@example.com>",
                reply_to="",
                subject=r.subject,
                html=r.html,
                text=r.text,
                unsubscribe_url=f"https://app.example/u/token{n}",
                list_id="Shop <i1.app.example>",
                message_id=f"<m{n}.abc@app.example>",
                now=now,
            )
        )

    size = len(build(0))
    log(f"building {MESSAGES} messages of {size:,} bytes ...")
    started = time.perf_counter()
    for n in range(MESSAGES):
        build(n)
    built = MESSAGES / (time.perf_counter() - started)

    started = time.perf_counter()
    for n in range(MESSAGES):
        render(compiled, contexts[n % 100])
        build(n)
    rendered_and_built = MESSAGES / (time.perf_counter() - started)

    process = sink(port, out)
    log(f"handing {SMTP_MESSAGES} prebuilt messages to the sink over one connection ...")
    payloads = [build(n) for n in range(100)]
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(SMTP_MESSAGES):
            smtp.sendmail("shop@example.com", [f"person{n}@example.com"], payloads[n % 100])
    handed = SMTP_MESSAGES / (time.perf_counter() - started)

    log(f"handing {SMTP_MESSAGES} messages through the app's sender ...")
    app_sender = app_sender_rate(compiled, contexts)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    counts = json.loads(Path(out).read_text())["counts"]
    assert sum(counts.values()) == 2 * SMTP_MESSAGES, counts
    print(
        json.dumps(
            {
                "benchmark": "send",
                "message_bytes": size,
                "built_per_s": round(built),
                "rendered_and_built_per_s": round(rendered_and_built),
                "smtp_per_s": round(handed),
                "app_sender_per_s": round(app_sender),
                "load": Path("/proc/loadavg").read_text().split()[:3],
                "cores": 1,
            }
        ),
        flush=True,
    )


def app_sender_rate(compiled: Any, contexts: list[dict[str, Any]]) -> float:
    """Messages per second through ``EmailSender.hand_over`` on one kept-open connection."""
    from saleor_mautomation.core import clock
    from saleor_mautomation.messages.models import Message, Template, TemplateVersion
    from saleor_mautomation.messages.providers import EmailSender, provider_for
    from saleor_mautomation.saleor.models import Installation

    now = clock.now()
    shop = Installation.objects.create(
        saleor_api_url="https://shop.bench.example/graphql/",
        app_id="QXBwOjE=",
        auth_token="bench",
        installed_at=now,
        shop_name="Bench",
    )
    template = Template.objects.create(installation=shop, key="welcome-1", name="Welcome")
    version = TemplateVersion.objects.create(
        template=template,
        language="en",
        number=1,
        subject=compiled.subject,
        preheader=compiled.preheader,
        mjml="<mjml></mjml>",
        html=compiled.html,
        text=compiled.text,
        created_at=now,
    )
    sender = EmailSender(
        provider_for(shop.pk, allow_private=True),
        installation_id=shop.pk,
        app_url="https://app.example",
        default_from="Shop <shop@example.com>",
        per_connection=SMTP_MESSAGES,
    )
    messages = [
        Message(
            pk=n + 1,
            installation_id=shop.pk,
            dedupe_key=f"a:{n}",
            kind="marketing",
            to_address=f"app{n}@example.com",
            template_version=version,
        )
        for n in range(SMTP_MESSAGES)
    ]
    started = time.perf_counter()
    for n, message in enumerate(messages):
        sender.hand_over(message, contexts[n % 100], now)
    sender.close()
    return SMTP_MESSAGES / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
