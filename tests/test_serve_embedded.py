"""``mautomation serve`` on the embedded default: SQLite, the filesystem broker, three processes.

The one test that runs the app as a newcomer does: a real web server, worker and scheduler
sharing files under a fresh ``var/``, installed by the stand-in Saleor and fed a signed
delivery, which the worker must process through the cross-process broker.
"""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time

import httpx
import pytest

from saleor_mautomation.management import processes
from tests.support.samples import webhook_sample


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError("gave up waiting")


def processes_of_session(session: int) -> list[tuple[str, int]]:
    """(command line, nice value) of every process in a session, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmd:
                fields = stat.read().rsplit(")", 1)[1].split()
                command = cmd.read().replace(b"\0", b" ").decode()
        except OSError:
            continue
        # after the command name: state, ppid, pgrp, session, ..., priority, nice
        if int(fields[3]) == session:
            found.append((command, int(fields[16])))
    return found


@pytest.fixture
def embedded_app(tmp_path, tmp_path_factory):
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        {
            "MAUTOMATION_VAR_DIR": str(tmp_path / "var"),
            "APP_URL": f"http://127.0.0.1:{port}",
            "SALEOR_ALLOW_LOOPBACK": "1",
            "INTAKE_SWEEP_INTERVAL": "1",
        }
    )
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    output = log.open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "saleor_mautomation.cli",
            "serve",
            "--port",
            str(port),
            "--web-workers",
            "1",
            "--concurrency",
            "1",
        ],
        env=env,
        cwd=tmp_path,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return httpx.get(f"{base}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_for(ready)
        yield base, tmp_path / "var" / "mautomation.sqlite3", proc.pid, log
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        output.close()


def test_install_and_process_a_delivery_on_the_embedded_default(embedded_app, standin, key):
    base, database, session, log = embedded_app

    # when: Saleor installs the app, then sends a signed delivery
    registered = httpx.post(
        f"{base}/api/register",
        json={"auth_token": "app-token-1"},
        headers={"Saleor-Api-Url": standin.api_url},
        timeout=30,
    )
    body = webhook_sample("ORDER_CREATED")["raw_body"].encode()
    delivered = httpx.post(
        f"{base}/api/webhooks/saleor",
        content=body,
        timeout=30,
        headers={
            "Content-Type": "application/json",
            "Saleor-Event": "order_created",
            "Saleor-Api-Url": standin.api_url,
            "Saleor-Signature": key.sign_webhook(body),
        },
    )

    # then: stored at once, processed by the worker in another process
    assert registered.status_code == 200, registered.text
    assert delivered.json() == {"status": "stored"}

    def processed():
        with sqlite3.connect(database) as conn:
            rows = conn.execute("SELECT event, status FROM mautomation_delivery").fetchall()
        return rows if rows and rows[0][1] != "pending" else None

    assert wait_for(processed) == [("ORDER_CREATED", "processed")]
    # rows written by raw SQL are stored in the ORM's own format (comparable as text)
    with sqlite3.connect(database) as conn:
        stamps = conn.execute(
            "SELECT received_at, issued_at FROM mautomation_delivery UNION ALL "
            "SELECT occurred_at, recorded_at FROM mautomation_event"
        ).fetchall()
    assert stamps
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?", s) for row in stamps for s in row
    )
    # the worker yields the CPU to the web (WORKER_NICE, 10 by default), the web does not
    niceness = processes_of_session(session)
    assert {nice for command, nice in niceness if "celery" in command and " worker" in command} == {
        10
    }
    assert {nice for command, nice in niceness if "granian" in command} == {0}
    manifest = httpx.get(f"{base}/api/manifest", timeout=10).json()
    assert manifest["tokenTargetUrl"] == f"{base}/api/register"
    assert manifest["appUrl"] == f"{base}/dashboard/"
    # it listens on loopback only (BIND), and the periodic tasks that ran each second (the
    # drain's sweep) and the delivery's tasks left no line each in the log
    printed = log.read_text(errors="replace")
    assert f"127.0.0.1:{base.rsplit(':', 1)[1]}" in printed
    assert "0.0.0.0" not in printed
    assert "Sending due task" not in printed
    assert " succeeded in " not in printed
    assert "] received" not in printed
    # as root (CI, a container's default), one line says it is for development, not Celery's
    # multi-line warning at every worker start
    assert "superuser privileges" not in printed
    assert (processes.ROOT_NOTE in printed) == (os.geteuid() == 0)
    # everything the app writes is under var/, nothing in the working directory beside it
    assert sorted(path.name for path in database.parent.parent.iterdir()) == ["var"]
