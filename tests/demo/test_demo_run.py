"""``mautomation demo`` as a newcomer runs it: the embedded default (SQLite, the filesystem
broker), the demo Saleor, the mail catcher and the simulator, for a bounded time.

The app is installed into the demo shop through its real registration and imports the shop
from the demo Saleor; the simulator's signed deliveries go through the real intake; journeys
run and their mails reach the catcher over SMTP and the mail page. A second run finds it all
and installs nothing again.
"""

from __future__ import annotations

import email
import email.policy
import html
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

CUSTOMERS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float = 240, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(1)
    raise AssertionError(f"gave up waiting for {what or check.__name__}")


class Demo:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.var = tmp / "var"
        self.port, self.saleor_port, self.smtp_port = free_port(), free_port(), free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        }
        self.env.update(
            {
                "MAUTOMATION_VAR_DIR": str(self.var),
                "PORT": str(self.port),
                "DEMO_SALEOR_PORT": str(self.saleor_port),
                "DEMO_SMTP_PORT": str(self.smtp_port),
                "DEMO_CUSTOMERS": str(CUSTOMERS),
                "DEMO_SIMULATOR_INTERVAL": "0.3",
                # the scheduler's sweeps every few seconds, so the bounded run sees them
                "INTAKE_SWEEP_INTERVAL": "1",
                "JOURNEYS_WAKE_INTERVAL": "2",
                "MESSAGES_SEND_INTERVAL": "2",
                "TRIGGERS_SWEEP_INTERVAL": "5",
            }
        )
        self.app = f"http://localhost:{self.port}"
        self.saleor = f"http://localhost:{self.saleor_port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = tmp / "demo.log"

    def start(self) -> None:
        self.output = self.log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "saleor_mautomation.cli", "demo", "--duration", "600"],
            env=self.env,
            cwd=self.tmp,
            stdout=self.output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> int:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGTERM)
        code = self.proc.wait(timeout=60)
        self.output.close()
        return code

    def printed(self) -> str:
        return self.log.read_text(errors="replace")

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        database = self.var / "mautomation.sqlite3"
        if not database.exists():
            return []
        try:
            with sqlite3.connect(database, timeout=10) as conn:
                return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []

    def count(self, sql: str) -> int:
        rows = self.rows(sql)
        return int(rows[0][0]) if rows else 0


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    running = Demo(tmp_path_factory.mktemp("demo"))
    running.start()
    try:
        yield running
    finally:
        if running.proc is not None and running.proc.poll() is None:
            running.stop()


def test_the_demo_installs_itself_and_the_shop_lives(demo: Demo) -> None:
    # the app is installed into the demo shop and says where to look
    wait_for(lambda: "The demo is running" in demo.printed(), what="the welcome")
    printed = demo.printed()
    assert f"{demo.saleor}/dashboard/" in printed
    assert f"{demo.app}/demo/mail/" in printed
    assert f"{demo.app}/graphql/" in printed
    password = (demo.var / "demo" / "sign-in-password").read_text().strip()
    assert f"password {password}" in printed
    assert demo.rows("SELECT saleor_api_url FROM mautomation_installation") == [
        (f"http://localhost:{demo.saleor_port}/graphql/",)
    ]

    # the backfill imported the demo shop's customers and their order history
    wait_for(
        lambda: demo.count("SELECT count(*) FROM mautomation_contact") >= CUSTOMERS,
        what="the customers",
    )
    wait_for(
        lambda: demo.count("SELECT count(*) FROM mautomation_orderrecord") > CUSTOMERS // 2,
        what="the orders",
    )

    # the simulator's signed deliveries went through the intake and were processed
    def simulated() -> set[str]:
        events = {
            event
            for (event,) in demo.rows(
                "SELECT DISTINCT event FROM mautomation_delivery WHERE status = 'processed'"
            )
        }
        wanted = {
            "CUSTOMER_CREATED",
            "CHECKOUT_CREATED",
            "ORDER_CREATED",
            "ORDER_FULFILLED",
            # the catalogue's, once the app's full sync has read it
            "PRODUCT_VARIANT_STOCK_UPDATED",
            "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
        }
        return events if wanted <= events else set()

    wait_for(simulated, what="processed deliveries of each kind")
    assert demo.count("SELECT count(*) FROM mautomation_delivery WHERE status = 'rejected'") == 0
    # none of the catalogue's named what the app's catalogue lacks
    assert (
        demo.count(
            "SELECT count(*) FROM mautomation_delivery WHERE event LIKE 'PRODUCT%' "
            "AND status IN ('ignored', 'failed')"
        )
        == 0
    )

    # journeys ran, and their mail reached the catcher over SMTP and the mail page
    wait_for(lambda: demo.count("SELECT count(*) FROM mautomation_journeyrun"), what="runs")
    mail_dir = demo.var / "demo" / "mail"
    wait_for(lambda: list(mail_dir.glob("*.eml")), what="caught mail")
    caught = email.message_from_bytes(
        next(mail_dir.glob("*.eml")).read_bytes(), policy=email.policy.default
    )
    with httpx.Client(base_url=demo.app, timeout=30) as client:
        signed_in = client.post("/demo/sign-in", data={"password": password, "next": "/demo/mail/"})
        assert signed_in.status_code == 302, signed_in.text
        assert signed_in.headers["Location"] == "/demo/mail/"
        page = client.get(f"/demo/mail/?q={caught['To'].addresses[0].addr_spec}")
        assert page.status_code == 200
        assert html.escape(str(caught["Subject"])) in page.text
    # the stand-in Dashboard asks for the demo sign-in
    dashboard = httpx.get(f"{demo.saleor}/dashboard/", timeout=30)
    assert dashboard.status_code == 200
    assert 'type="password"' in dashboard.text


def test_a_second_run_finds_everything_and_installs_nothing_again(demo: Demo) -> None:
    installed = demo.rows("SELECT id, saleor_api_url FROM mautomation_installation")
    backfills = demo.count("SELECT count(*) FROM mautomation_backfillrun")
    assert demo.stop() == 0
    demo.log.write_text("")

    demo.start()
    wait_for(lambda: "The demo is running" in demo.printed(), what="the second welcome")

    assert demo.rows("SELECT id, saleor_api_url FROM mautomation_installation") == installed
    assert demo.count("SELECT count(*) FROM mautomation_backfillrun") == backfills
