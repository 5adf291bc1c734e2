"""End-to-end harnesses for journeys on PostgreSQL (no tests here).

``Shop`` drives one installation the way production does: Saleor registers the app and posts
signed deliveries, storefronts call the app's GraphQL API, the dashboard installs presets, and
the scheduler's periodic tasks (``CELERY_BEAT_SCHEDULE``) run at simulated moments, handing
messages to a loopback SMTP server. ``Worker`` is one worker as a separate OS process against the
test's database, which can be paused at a chosen SQL statement (its transaction left open) and
then resumed or killed.
"""

from __future__ import annotations

import email
import importlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from celery.schedules import crontab
from django.conf import settings
from django.db import connection
from django.test import TestCase

from saleor_mautomation.demo.graphql_answers import answer_roots, root_names
from saleor_mautomation.messages.models import Message
from saleor_mautomation.project.celery import app as celery_app
from saleor_mautomation.saleor.models import Installation
from tests.messages.conftest import Mailbox, free_port
from tests.support import deliveries as d
from tests.support.deliveries import Minted
from tests.support.keys import SigningKey, customer_claims, dashboard_claims
from tests.support.saleor_vouchers import Channel, SaleorVouchers
from tests.support.standin import CHANNEL, Answer, Recorded, StandInSaleor

APP_TOKEN = "app-token-1"
REPOSITORY = Path(__file__).resolve().parents[2]

# -- the SMTP peer ------------------------------------------------------------------------------


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real aiosmtpd server on a free loopback port (reachable from other processes too)."""
    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class Email:
    """One message as the SMTP server received it, parsed, with the outbox row it came from."""

    envelope_to: list[str]
    mime: EmailMessage
    message: Message

    @property
    def to(self) -> str:
        return str(self.mime["To"])

    @property
    def subject(self) -> str:
        return str(self.mime["Subject"])

    @property
    def date(self) -> datetime:
        return parsedate_to_datetime(str(self.mime["Date"]))

    @property
    def template(self) -> str:
        version = self.message.template_version
        assert version is not None
        return version.template.key

    @property
    def text(self) -> str:
        part = self.mime.get_body(preferencelist=("plain",))
        assert isinstance(part, EmailMessage)
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.mime.get_body(preferencelist=("html",))
        assert isinstance(part, EmailMessage)
        return str(part.get_content())

    @property
    def parts(self) -> list[str]:
        return [part.get_content_type() for part in self.mime.walk()]


def parsed(raw: bytes) -> EmailMessage:
    mime = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(mime, EmailMessage)
    return mime


# -- a stand-in Saleor for the calls journeys make --------------------------------------------

ROOTS = {"channel", "updatePrivateMetadata"}


@dataclass
class ShopStandIn(StandInSaleor):
    """The stand-in Saleor, also answering what journeys ask of Saleor: vouchers through the
    model of Saleor's discount module (``tests/support/saleor_vouchers.py``: its refusals and
    its checkout's rules), customers' private metadata in the captured shape
    (``update-private-metadata.json``), kept in ``private_metadata``."""

    private_metadata: dict[str, dict[str, str]] = field(default_factory=dict)
    discounts: SaleorVouchers = field(
        default_factory=lambda: SaleorVouchers(
            channels=[Channel(id=str(CHANNEL["id"]), slug=str(CHANNEL["slug"]), currency="USD")]
        )
    )

    def __post_init__(self) -> None:
        self.discounts.install(self)

    @property
    def codes(self) -> list[str]:
        """The voucher codes Saleor holds, in the order they were made."""
        return list(self.discounts.codes)

    def _root(self, name: str, arguments: dict[str, Any]) -> Any:
        given = arguments.get("input")
        if name == "updatePrivateMetadata":
            stored = self.private_metadata.setdefault(str(arguments.get("id")), {})
            stored.update({item["key"]: item["value"] for item in given or []})
            item = {
                "__typename": "User",
                "id": arguments.get("id"),
                "privateMetadata": [{"key": k, "value": v} for k, v in stored.items()],
            }
            return {"item": item, "errors": []}
        return CHANNEL

    def _graphql(self, request: Recorded) -> Answer:
        payload = request.json()
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.valid_tokens or not set(root_names(payload)) <= ROOTS:
            return super()._graphql(request)
        return 200, {"data": answer_roots(payload, self._root)}


# -- the scheduler ------------------------------------------------------------------------------

DRAIN = "saleor_mautomation.flows.tasks.deliveries_drain"
TRIGGERS = "saleor_mautomation.flows.tasks.triggers_sweep_all"
WAKE = "saleor_mautomation.flows.tasks.runs_wake"
SEND = "saleor_mautomation.flows.tasks.messages_send"
RECOVER = "saleor_mautomation.flows.tasks.messages_recover"


def periodic_tasks() -> list[tuple[str, Any]]:
    """Every task of the beat schedule with its schedule, in the order one tick runs them:
    intake first, then the derived triggers, then anything else (sweeps, date entries,
    broadcasts), then waking runs and sending last, so what a tick queues goes out in that
    tick (the beat sends every 10 s)."""
    beat: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    scheduled = [(str(entry["task"]), entry["schedule"]) for entry in beat.values()]
    order = {DRAIN: -2, TRIGGERS: -1, RECOVER: 1, WAKE: 2, SEND: 3}
    return sorted(scheduled, key=lambda item: order.get(item[0], 0))


def fires_between(schedule: Any, after: datetime, until: datetime) -> bool:
    """Whether the beat fires an entry in ``(after, until]``: an interval (seconds) at every
    tick, a crontab (nightly sweeps) only when one of its moments (UTC) passed."""
    if not isinstance(schedule, crontab):
        return True
    cron: Any = schedule  # its parsed fields: sets of months, days, hours, minutes
    day = after.astimezone(UTC).date()
    while day <= until.astimezone(UTC).date():
        if (
            day.month in cron.month_of_year
            and day.day in cron.day_of_month
            and day.isoweekday() % 7 in cron.day_of_week
        ):
            for hour in cron.hour:
                for minute in cron.minute:
                    moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    if after < moment <= until:
                        return True
        day += timedelta(days=1)
    return False


def task(name: str) -> Any:
    """A task by its registered name (the app's task modules imported first, as a worker's
    autodiscovery does)."""
    if name not in celery_app.tasks:
        celery_app.loader.import_default_modules()
    if name not in celery_app.tasks:  # the app's task names are their module and function
        importlib.import_module(name.rsplit(".", 1)[0])
    return celery_app.tasks[name]


@contextmanager
def eager_celery() -> Iterator[None]:
    """Tasks queued by tasks (a sweep per installation, the sender's wake-up, a voucher step's
    codes) run inline, with their errors raised: a worker that picks them up at once. What a
    task leaves for after its commit runs at the end, as it would after a worker's commit (the
    test's own transaction never commits)."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager, conf.task_eager_propagates = True, True
    try:
        with TestCase.captureOnCommitCallbacks(execute=True):
            yield
    finally:
        conf.task_always_eager, conf.task_eager_propagates = saved


# -- one shop, driven from outside --------------------------------------------------------------

TRACK = """mutation Track($events: [TrackEventInput!]!) {
  trackEvents(events: $events) { accepted } }"""
PRESET = """mutation Install($key: String!) {
  installJourneyPreset(key: $key, asDraft: false) { journey { key status } } }"""


@dataclass
class Shop:
    """One Saleor shop with the app installed, at a simulated moment (``now``)."""

    client: Any
    key: SigningKey
    standin: ShopStandIn
    mailbox: Mailbox
    move_to: Callable[[datetime], None]
    now: datetime
    installation: Installation | None = None
    seen: int = 0  # emails of the mailbox already returned by ``tick``
    ticked: datetime | None = None  # the previous tick
    schedule: list[tuple[str, Any]] = field(default_factory=periodic_tasks)

    @property
    def shop(self) -> Installation:
        assert self.installation is not None, "register() first"
        return self.installation

    def at(self, moment: datetime) -> None:
        assert moment >= self.now, f"time runs forward: {moment} < {self.now}"
        self.now = moment
        self.move_to(moment)

    def register(self) -> Installation:
        """Saleor's token exchange (``POST /api/register``), as ``appInstall`` makes it."""
        response = self.client.post(
            "/api/register",
            data=json.dumps({"auth_token": APP_TOKEN}),
            content_type="application/json",
            headers={"Saleor-Api-Url": self.standin.api_url},
        )
        assert response.status_code == 200, response.content
        self.installation = Installation.objects.get(saleor_api_url=self.standin.api_url)
        return self.installation

    def dashboard(self, query: str, **variables: Any) -> dict[str, Any]:
        claims = dashboard_claims(api_url=self.shop.saleor_api_url, app_id=self.shop.app_id)
        response = self.client.post(
            "/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            headers={
                "Saleor-Api-Url": self.shop.saleor_api_url,
                "Authorization-Bearer": self.key.mint_token(claims),
            },
        )
        assert response.status_code == 200, response.content
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body

    def install(self, preset: str) -> None:
        """The admin installs a preset from the dashboard."""
        body = self.dashboard(PRESET, key=preset)
        assert body["data"]["installJourneyPreset"]["journey"] == {
            "key": preset,
            "status": "active",
        }

    def post(self, minted: Minted, key: SigningKey | None = None) -> Any:
        """Saleor posts a signed delivery; it is sent at its ``issuedAt``."""
        issued = datetime.fromisoformat(json.loads(minted.body)["issuedAt"])
        if issued > self.now:
            self.at(issued)
        return self.client.post(
            "/api/webhooks/saleor",
            data=minted.body,
            content_type="application/json",
            headers={
                "Saleor-Event": minted.event.lower(),
                "Saleor-Api-Url": self.shop.saleor_api_url,
                "Saleor-Signature": (key or self.key).sign_webhook(minted.body),
            },
        )

    def deliver(self, *minted: Minted) -> None:
        """Deliveries stored (200), then drained by the task their commit nudges."""
        for delivery in minted:
            response = self.post(delivery)
            assert response.status_code == 200, response.content
            assert response.json() == {"status": "stored"}
        with eager_celery():
            task(DRAIN)()

    def track(self, *, user_id: str, email: str, events: list[dict[str, Any]]) -> int:
        """A signed-in customer's storefront sends behaviour events to the app's API."""
        token = self.key.mint_token(
            customer_claims(
                api_url=self.shop.saleor_api_url,
                user_id=user_id,
                email=email,
                now=int(self.now.timestamp()),
            )
        )
        response = self.client.post(
            "/graphql/",
            data=json.dumps({"query": TRACK, "variables": {"events": events}}),
            content_type="application/json",
            headers={
                "Saleor-Api-Url": self.shop.saleor_api_url,
                "Authorization": f"Bearer {token}",
            },
            REMOTE_ADDR="203.0.113.9",
        )
        assert response.status_code == 200, response.content
        accepted: int = response.json()["data"]["trackEvents"]["accepted"]
        return accepted

    def tick(self, moment: datetime) -> list[Email]:
        """The scheduler fires every periodic task at ``moment``; the emails that arrived."""
        self.at(moment)
        previous = self.ticked or moment - timedelta(seconds=10)
        with eager_celery():
            for name, schedule in self.schedule:
                if fires_between(schedule, previous, moment):
                    task(name)()
        self.ticked = moment
        return self.inbox()

    def inbox(self) -> list[Email]:
        """Emails received since the last call, with their outbox rows."""
        fresh = self.mailbox.received[self.seen :]
        self.seen += len(fresh)
        mails = []
        for _sender, recipients, raw in fresh:
            mime = parsed(raw)
            message = Message.objects.select_related("template_version__template").get(
                message_id=str(mime["Message-ID"])
            )
            mails.append(Email(envelope_to=recipients, mime=mime, message=message))
        return mails


# -- worker processes ---------------------------------------------------------------------------

# Run by ``python -c``: set Django up like a worker (tasks imported, tasks they queue run
# inline), then take commands on stdin, one JSON line each: ``{"tasks": [...], "now": ISO}``
# runs those tasks at that simulated moment and reports ``{"done": results}``; ``{"exit": 1}``
# ends. An optional pause at an SQL statement reports ``{"paused": <database backend pid>}``
# and waits for "resume" on stdin, the worker's transaction open there.
WORKER = r"""
import json, sys
from datetime import datetime

import django

pause = json.loads(sys.argv[1])
django.setup()

import time_machine
from django.db import connection

from saleor_mautomation.project.celery import app

app.loader.import_default_modules()
app.conf.task_always_eager = True
app.conf.task_eager_propagates = True
seen = {"count": 0, "paused": False}


def say(**fields):
    print(json.dumps(fields), flush=True)


def wait_for_resume():
    seen["paused"] = True
    say(paused=connection.connection.info.backend_pid, count=seen["count"])
    assert sys.stdin.readline().strip() == "resume"


def hook(execute, sql, params, many, context):
    matches = (
        pause is not None
        and not seen["paused"]
        and sql.lstrip().startswith(pause["prefix"])
        and all(part in sql for part in pause["contains"])
    )
    if matches and pause["when"] == "before" and seen["count"] + 1 >= pause["count"]:
        wait_for_resume()
    result = execute(sql, params, many, context)
    if matches:
        seen["count"] += max(context["cursor"].rowcount, 0) if pause["rows"] else 1
        if pause["when"] == "after" and seen["count"] >= pause["count"]:
            wait_for_resume()
    return result


say(ready=True)
traveller = None
while command := json.loads(sys.stdin.readline() or "{}"):
    if "exit" in command:
        break
    if traveller is not None:
        traveller.stop()
    traveller = time_machine.travel(datetime.fromisoformat(command["now"]), tick=True)
    traveller.start()
    results = {}
    with connection.execute_wrapper(hook):
        for name in command["tasks"]:
            results[name] = app.tasks[name]()
    say(done=results)
"""


def worker_environment(smtp_port: int) -> dict[str, str]:
    """The test process's settings for a child process: the same (test) database, keys,
    ``var/`` directory and SMTP peer."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "MAUTOMATION_VAR_DIR": str(settings.VAR_DIR),
        "SECRET_KEY": settings.SECRET_KEY,
        "ENCRYPTION_KEY": ",".join(settings.ENCRYPTION_KEYS),
        "APP_URL": settings.APP_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SALEOR_ALLOW_LOOPBACK": "1",
        "LOG_LEVEL": "WARNING",
    }


@dataclass(frozen=True)
class Pause:
    """Stop the worker at its ``count``-th statement starting with ``prefix`` (and containing
    each of ``contains``), before or after running it; ``rows`` counts the rows it wrote."""

    prefix: str
    count: int = 1
    when: str = "after"
    contains: tuple[str, ...] = ()
    rows: bool = False


class Worker:
    """One worker process; started at once, it runs what ``run`` tells it."""

    def __init__(self, *, env: dict[str, str], log: str, pause: Pause | None = None) -> None:
        self.log_path = log
        self._log = open(log, "wb")  # noqa: SIM115 - closed in stop()
        argument = None if pause is None else {**asdict(pause), "contains": list(pause.contains)}
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, json.dumps(argument)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            cwd=REPOSITORY,
        )
        self._lines: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._ready = False
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(b"{"):
                self._lines.put(json.loads(line))
        self._lines.put(None)

    def _say(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{line}\n".encode())
        self.process.stdin.flush()

    def _expect(self, kind: str, timeout: float = 180) -> Any:
        line = self._lines.get(timeout=timeout)
        if line is None or kind not in line:
            self.process.wait(timeout=10)
            with open(self.log_path, encoding="utf-8", errors="replace") as log:
                raise AssertionError(f"worker said {line!r}, not {kind!r}:\n{log.read()[-4000:]}")
        return line[kind]

    def ready(self) -> None:
        """Wait until Django is set up (so that two workers can start a step together)."""
        if not self._ready:
            self._expect("ready")
            self._ready = True

    def run(self, tasks: list[str], *, now: datetime) -> None:
        """Start running ``tasks`` at the simulated moment ``now`` (returns at once)."""
        self.ready()
        self._say(json.dumps({"tasks": tasks, "now": now.isoformat()}))

    def done(self) -> dict[str, Any]:
        """The results of the tasks ``run`` started, once they are done."""
        results: dict[str, Any] = self._expect("done")
        return results

    def paused(self) -> int:
        """Wait for the pause; the pid of the worker's database backend."""
        pid: int = self._expect("paused")
        return pid

    def resume(self) -> None:
        self._say("resume")

    def kill(self) -> None:
        """SIGKILL: no handler, no cleanup, no rollback by the process itself."""
        self.process.kill()
        self.process.wait(timeout=10)
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                self._say(json.dumps({"exit": 1}))
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait(timeout=10)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self._log.close()


def backend_gone(pid: int, timeout: float = 30) -> None:
    """Wait until PostgreSQL has ended a dead client's backend (so its transaction is rolled
    back and its row locks are released)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
            row = cursor.fetchone()
            if row is not None and row[0] == 0:
                return
            assert time.monotonic() < deadline, f"backend {pid} still there"
            time.sleep(0.02)


def day(days: float) -> datetime:
    """The moment ``days`` after 2026-01-10 09:00 UTC (10:00 in Berlin, Ada's zone): the
    same arithmetic as the deliveries' ``issuedAt``."""
    return d.T0 + timedelta(days=days)
