"""A broadcast to a stand-in Postmark in its own process: batch calls against one call per
message (ADR 0049).

Fills a throwaway PostgreSQL with ``BENCH_MESSAGES`` (x ``BENCH_SCALE``) consenting contacts
per mode and queues a broadcast email (the default ``welcome-1``) to each; the shop's email
provider is Postmark with its API URL at the stand-in of ``tests/messages/esp_standins.py``,
run as a process of its own that answers each call ``BENCH_ESP_DELAY_MS`` late (a real API is
tens of milliseconds away) and counts calls and recipients. Then, in this process, the app's
bulk sender task (``flows.send.messages_send_bulk``: claims of ``SEND_BULK_BATCH``, chunks of
``SEND_BULK_CHUNK``, ``EMAIL_CONNECTIONS`` parallel connections) sends the first half with
``EMAIL_ESP_BATCH`` on and the second half with it off. Prints, per mode, messages/s, the calls
made, messages per call, this process's CPU milliseconds per message, duplicates and missing
(both must be 0), with the load average; the last line is one JSON object.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import _support

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
MESSAGES = max(100, int(int(os.environ.get("BENCH_MESSAGES", "5000")) * SCALE))
DELAY_MS = os.environ.get("BENCH_ESP_DELAY_MS", "30")
MODES = {"batch": True, "one per call": False}


def log(message: str) -> None:
    print(f"[esp_batch] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def standin(port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.messages.esp_standins", "postmark", str(port), DELAY_MS],
        cwd=_support.ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != "ready":
        raise SystemExit("the stand-in did not start")
    return process


def standin_counts(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = process.communicate("", timeout=60)
    counts: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return counts


def queue(shop: Any, mode: str, now: datetime) -> list[str]:
    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.messages.models import Template
    from saleor_mautomation.messages.outbox import Origin, Outgoing, messages_enqueue

    welcome = Template.objects.get(installation=shop, key="welcome-1")
    slug = mode.replace(" ", "-")
    contacts = Contact.objects.bulk_create(
        Contact(
            installation=shop,
            email=f"{slug}{n}@bench.example",
            email_consent="granted",
            time_zone="UTC",
        )
        for n in range(MESSAGES)
    )
    for first in range(0, len(contacts), 1000):
        messages_enqueue(
            [
                Outgoing(c, welcome, f"{slug}:{c.pk}", origin=Origin(broadcast=True))
                for c in contacts[first : first + 1000]
            ],
            now=now,
        )
    return [str(c.email) for c in contacts]


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(shop: Any, mode: str, batch: bool) -> dict[str, Any]:
    from django.conf import settings

    from saleor_mautomation.flows.send import messages_send_bulk
    from saleor_mautomation.messages.providers import email_provider_update

    port = free_port()
    process = standin(port)
    email_provider_update(
        installation_id=shop.pk,
        kind="esp",
        esp="postmark",
        esp_settings={"server_token": "pm-token", "api_url": f"http://127.0.0.1:{port}/"},
        allow_private=True,
    )
    addresses = queue(shop, mode, datetime.now(UTC))
    settings.EMAIL_ESP_BATCH = batch
    log(f"{mode}: {len(addresses)} messages queued; sending (load {_support.loadavg()})")
    started, cpu_before = time.monotonic(), cpu()
    totals = messages_send_bulk()
    elapsed, spent = time.monotonic() - started, cpu() - cpu_before
    load = _support.loadavg()
    counts = standin_counts(process)
    received: dict[str, int] = {}
    for address in counts["recipients"]:
        received[address] = received.get(address, 0) + 1
    result = {
        "mode": mode,
        "messages": len(addresses),
        "outcomes": totals,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(len(addresses) / elapsed, 1),
        "calls": counts["requests"],
        "messages_per_call": round(len(addresses) / max(counts["requests"], 1), 1),
        "cpu_ms_per_message": round(spent * 1000 / len(addresses), 3),
        "duplicates": sum(n - 1 for n in received.values() if n > 1),
        "missing": len(set(addresses) - set(received)),
        "load": load,
    }
    log(json.dumps(result))
    return result


def main() -> None:
    with _support.bench_database("esp") as (url, var, _):
        os.environ.setdefault("SEND_BULK_CHUNK", "500")
        os.environ.setdefault("SEND_BULK_BATCH", "500")
        os.environ.setdefault("EMAIL_CONNECTIONS", "4")
        os.environ["SALEOR_ALLOW_LOOPBACK"] = "1"
        _support.django_ready(url, var)
        from saleor_mautomation.messages.models import SendingRules
        from saleor_mautomation.messages.services import templates_builtin_ensure
        from saleor_mautomation.saleor.models import Installation

        now = datetime.now(UTC)
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
        log(
            f"stand-in delay {DELAY_MS} ms, SEND_BULK_CHUNK {os.environ['SEND_BULK_CHUNK']}, "
            f"EMAIL_CONNECTIONS {os.environ['EMAIL_CONNECTIONS']}"
        )
        results = [run(shop, mode, batch) for mode, batch in MODES.items()]
        print(json.dumps({"delay_ms": float(DELAY_MS), "results": results}), flush=True)


if __name__ == "__main__":
    main()
