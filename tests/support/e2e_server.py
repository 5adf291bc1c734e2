"""The app served for the browser tests (``dashboard_extension/e2e/``), with a stand-in Saleor and
a stand-in Dashboard, until it is stopped.

Run from the repository root: ``.venv/bin/python -m tests.support.e2e_server``. It starts

- the stand-in Saleor (``tests/support/standin.py``) on a loopback port: the JWKS of the tests'
  signing key, the app-id answer for the registration, empty pages for the registration's backfill
  and one channel; for the app's pages in the browser (CORS, the Dashboard's token) also
  ``channels`` and the captured products with their variants and categories, searched and
  looked up by id (``tests/support/e2e_catalogue.py``);
- the app as a newcomer runs it, ``mautomation serve`` (web, worker and scheduler) on the embedded
  default (SQLite and the filesystem broker) under a fresh temporary ``MAUTOMATION_VAR_DIR``, so a
  run leaves nothing behind and needs no database server; ``DASHBOARD_DIST`` names the build the
  browser tests run against, ``E2E_APP_LOG`` where its output goes (else beside the database);
- the stand-in Dashboard on another loopback port, so on another origin than the app: it serves
  the host page the demo's Dashboard serves too (``saleor_mautomation/demo/dashboard/``: the page
  that frames the app as the Saleor Dashboard does, its configuration inlined)
  at ``/dashboard/extensions/app/<appId>/<deep path>`` and at ``/dashboard/customers/<id>`` (the
  customer page with the app's widget), the Dashboard mounted at ``/dashboard`` as on Saleor
  Cloud; and, for the harness, ``/__e2e/...``: a freshly minted token (valid, expired or signed
  by an unknown key), the configuration (with the app's manifest), and seeding by Saleor's own
  signed deliveries.

The app is installed the real way: Saleor's token exchange (``POST /api/register``), then
``updateAppSettings(dashboardOrigins:)`` with a Dashboard token names the stand-in Dashboard's
origin as the one that may frame the app. One JSON line on stdout then tells the URLs and a
token; it serves until SIGTERM, SIGINT or the end of stdin (the harness that started it is gone).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from aiosmtpd.controller import Controller

from saleor_mautomation.demo.dashboard_host import host_asset, host_page
from saleor_mautomation.demo.graphql_answers import answer_roots, root_names
from tests.messages.conftest import Mailbox
from tests.support import deliveries
from tests.support.dns_standin import DnsStandin
from tests.support.e2e_backfill import backfill_answers
from tests.support.e2e_catalogue import ROOTS as CATALOGUE_ROOTS
from tests.support.e2e_catalogue import catalogue_answer
from tests.support.e2e_catalogue import sync_answers as catalogue_sync_answers
from tests.support.e2e_operations_seed import DNS_ZONE
from tests.support.keys import SigningKey, dashboard_claims, signing_key
from tests.support.standin import (
    CHANNEL,
    Answer,
    Recorded,
    StandInSaleor,
    serve,
)

ROOT = Path(__file__).resolve().parents[2]
APP_TOKEN = "app-token-1"
TOKEN_LIFETIME = 3600


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def empty_page(root: str) -> Callable[[dict[str, Any]], tuple[int, Any]]:
    page = {"totalCount": 0, "pageInfo": {"hasNextPage": False, "endCursor": None}, "edges": []}
    return lambda variables: (200, {"data": {root: page}})


class ShopStandIn(StandInSaleor):
    """A shop with no customers, orders or checkouts yet, one channel and the captured products.

    It also answers the calls the app's pages make to Saleor's API from the browser, with the
    Dashboard's token (Saleor accepts a Dashboard app token it issued): ``channels`` and
    ``products`` in the captured shapes, cut to what the document selects."""

    def __init__(self, key: SigningKey) -> None:
        super().__init__(keys=[key], valid_tokens={APP_TOKEN})
        self.answers.update(
            {
                "Customers": empty_page("customers"),
                "Orders": empty_page("orders"),
                "Checkouts": empty_page("checkouts"),
                "Channels": lambda variables: (200, {"data": {"channels": [CHANNEL]}}),
                **catalogue_sync_answers(),
            }
        )

    def _dashboard_token(self, token: str) -> bool:
        try:
            claims = jwt.decode(
                token,
                self.keys[0].private.public_key(),
                algorithms=["RS256"],
                issuer=self.api_url,
            )
        except jwt.InvalidTokenError:
            return False
        return bool(claims.get("type") == "thirdparty" and claims.get("app") == self.app_id)

    def _graphql(self, request: Recorded) -> Answer:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token or not self._dashboard_token(token):
            return super()._graphql(request)
        payload = request.json()
        sources: dict[str, Any] = {"channels": [CHANNEL], "channel": CHANNEL}
        unknown = [n for n in root_names(payload) if n not in sources and n not in CATALOGUE_ROOTS]
        if unknown:
            return 200, {"data": None, "errors": [{"message": f"The stand-in has no {unknown[0]}"}]}
        return 200, {
            "data": answer_roots(
                payload,
                lambda name, arguments: (
                    sources[name] if name in sources else catalogue_answer(name, arguments)
                ),
            )
        }


class App:
    """``mautomation serve`` in a process group of its own."""

    def __init__(self, *, var_dir: Path, dist: Path, log: Path, email_url: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(
            {
                "MAUTOMATION_VAR_DIR": str(var_dir),
                "APP_URL": self.url,
                "DASHBOARD_DIST": str(dist),
                "SALEOR_ALLOW_LOOPBACK": "1",
                "INTAKE_SWEEP_INTERVAL": "1",
                "EMAIL_URL": email_url,
            }
        )
        self.env = env
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("wb")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "saleor_mautomation.cli", "serve"),
                *("--port", str(self.port), "--web-workers", "1", "--concurrency", "1"),
            ],
            env=env,
            cwd=var_dir.parent,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"mautomation serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"mautomation serve was not ready within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class Shop:
    """The installation: its Saleor, its key, tokens for its Dashboard users, its deliveries."""

    def __init__(self, app: App, standin: StandInSaleor, key: SigningKey) -> None:
        self.app = app
        self.standin = standin
        self.key = key
        self.client = httpx.Client(timeout=30)

    def token(self, kind: str = "valid") -> str:
        """A Dashboard token for this installation; ``expired`` ran out a minute ago,
        ``foreign`` is signed by a key its Saleor does not publish."""
        now = int(time.time())
        claims = dashboard_claims(
            api_url=self.standin.api_url, app_id=self.standin.app_id, exp=now + TOKEN_LIFETIME
        )
        if kind == "expired":
            claims.update(iat=now - TOKEN_LIFETIME, exp=now - 60)
            return self.key.mint_token(claims)
        if kind == "foreign":
            return signing_key(1).mint_token(claims)
        if kind != "valid":
            raise ValueError(f"Unknown token kind {kind!r}")
        return self.key.mint_token(claims)

    def register(self) -> None:
        response = self.client.post(
            f"{self.app.url}/api/register",
            json={"auth_token": APP_TOKEN},
            headers={"Saleor-Api-Url": self.standin.api_url},
        )
        if response.status_code != 200:
            raise RuntimeError(f"Registration failed: {response.status_code} {response.text}")

    def dashboard(self, query: str, **variables: Any) -> dict[str, Any]:
        response = self.client.post(
            f"{self.app.url}/graphql/",
            json={"query": query, "variables": variables},
            headers={
                "Saleor-Api-Url": self.standin.api_url,
                "Authorization-Bearer": self.token(),
            },
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise RuntimeError(f"GraphQL failed: {response.status_code} {body}")
        return body

    def deliver(self, minted: deliveries.Minted) -> None:
        """Saleor posts a signed delivery; the app stores it (the worker processes it)."""
        response = self.client.post(
            f"{self.app.url}/api/webhooks/saleor",
            content=minted.body,
            headers={
                "Content-Type": "application/json",
                "Saleor-Event": minted.event.lower(),
                "Saleor-Api-Url": self.standin.api_url,
                "Saleor-Signature": self.key.sign_webhook(minted.body),
            },
        )
        if response.status_code != 200:
            raise RuntimeError(f"Delivery refused: {response.status_code} {response.text}")

    def seed_customer(self, given: dict[str, Any]) -> dict[str, Any]:
        """CUSTOMER_CREATED for ``userId`` and ``email`` (and optional ``firstName``,
        ``lastName``), issued now."""
        minted = deliveries.customer(
            "CUSTOMER_CREATED",
            user_id=str(given["userId"]),
            email=str(given["email"]),
            day=_days_since_t0(),
            **{k: given[k] for k in ("firstName", "lastName") if k in given},
        )
        self.deliver(minted)
        return {"event": minted.event}

    def seed_order(self, given: dict[str, Any]) -> dict[str, Any]:
        """ORDER_CREATED of ``userId``/``email`` (``orderId``, ``number``, ``total``,
        ``currency`` optional), placed and issued now."""
        now = _days_since_t0()
        minted = deliveries.order(
            "ORDER_CREATED",
            order_id=str(given.get("orderId", f"T3JkZXI6{int(time.time() * 1000)}")),
            number=str(given.get("number", "1")),
            user_id=str(given["userId"]) if given.get("userId") else None,
            email=str(given["email"]),
            placed=now,
            day=now,
            total=str(given.get("total", "43.98")),
            currency=str(given.get("currency", "USD")),
        )
        self.deliver(minted)
        return {"event": minted.event}

    def _run_seed(self, module: str, *args: str) -> dict[str, Any]:
        """``python -m tests.support.<module> <args>`` in the app's environment, writing through
        the app's own code into its database; the JSON of its last output line."""
        done = subprocess.run(
            [sys.executable, "-m", f"tests.support.{module}", *args],
            env=self.app.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"Seeding with {module} failed: {done.stderr[-2000:]}")
        result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return result

    def seed_analytics(self, given: dict[str, Any]) -> dict[str, Any]:
        """The analytics test's history (``e2e_analytics_seed``); its journeys' ids and
        periods."""
        return self._run_seed("e2e_analytics_seed")

    def seed_contacts(self, given: dict[str, Any]) -> dict[str, Any]:
        """The contacts test's people (``e2e_contacts_seed``), their names and emails carrying
        ``stamp``; their ids, emails and names."""
        return self._run_seed("e2e_contacts_seed", str(given.get("stamp", "seed")))

    def seed_send_time(self, given: dict[str, Any]) -> dict[str, Any]:
        """The send-time test's two people (``e2e_send_time_seed``), named with ``stamp``."""
        return self._run_seed("e2e_send_time_seed", str(given.get("stamp", "seed")))

    def seed_channel_preference(self, given: dict[str, Any]) -> dict[str, Any]:
        """The channel-preference test's contact (``e2e_channel_preference_seed``)."""
        return self._run_seed("e2e_channel_preference_seed", str(given.get("stamp", "seed")))

    def seed_operations(self, given: dict[str, Any]) -> dict[str, Any]:
        """The operations test's failed delivery and message (``e2e_operations_seed``); their
        ids and errors."""
        return self._run_seed("e2e_operations_seed", str(given.get("stamp", "seed")))

    def seed_broadcasts(self, given: dict[str, Any]) -> dict[str, Any]:
        """The broadcasts test's segment, people and template (``e2e_broadcasts_seed``), named
        with ``stamp``; their ids, names and the figures the broadcast must reach."""
        return self._run_seed("e2e_broadcasts_seed", str(given.get("stamp", "seed")))

    def seed_segments(self, given: dict[str, Any]) -> dict[str, Any]:
        """The segments test's people and segment (``e2e_segments_seed``), their emails carrying
        ``stamp``; the segment's id, name and key, and the people's ids. With ``bulk``
        (bench/dashboard.mjs), that many contacts and a segment over them instead."""
        stamp = str(given.get("stamp", "seed"))
        return self._run_seed("e2e_segments_seed", stamp, str(int(given.get("bulk", 0))))

    def seed_programmes(self, given: dict[str, Any]) -> dict[str, Any]:
        """The surveys and draws test's answers and entries (``e2e_programmes_seed``) for the
        survey ``survey`` and the draw ``draw`` (their keys); the entrants' ids and emails."""
        stamp = str(given.get("stamp", "seed"))
        keys = (str(given["survey"]), str(given["draw"]))
        return self._run_seed("e2e_programmes_seed", stamp, *keys)

    def seed_postal(self, given: dict[str, Any]) -> dict[str, Any]:
        """A postal step's open batch of three cards (``e2e_postal_seed``); the journey's name
        and the cards' names."""
        return self._run_seed("e2e_postal_seed", str(given.get("stamp", "seed")))

    def seed_predictions(self, given: dict[str, Any]) -> dict[str, Any]:
        """The rule builder's predictions (``e2e_predictions_seed``): ``phase`` "gate" runs the
        nightly refresh below its gate, "fitted" writes a fitted night's rows; the fits."""
        return self._run_seed("e2e_predictions_seed", str(given["stamp"]), str(given["phase"]))

    def seed_recommendations(self, given: dict[str, Any]) -> dict[str, Any]:
        """A contact with recommendations (``e2e_recommendations_seed``): its id, the products."""
        return self._run_seed("e2e_recommendations_seed", str(given["stamp"]))

    def seed_backfill(self, given: dict[str, Any]) -> dict[str, Any]:
        """From now on the stand-in Saleor answers the backfill with pages of ``customers`` and
        ``orders`` (and the captured checkouts), each page ``delay`` seconds late; the counts."""
        answers, counts = backfill_answers(
            customer_count=int(given.get("customers", 12)),
            order_count=int(given.get("orders", 7)),
            delay=float(given.get("delay", 1.0)),
        )
        self.standin.answers.update(answers)
        return counts


def _days_since_t0() -> float:
    return (datetime.now(tz=UTC) - deliveries.T0).total_seconds() / 86400


def received_mail(mailbox: Mailbox, to: str) -> list[dict[str, Any]]:
    """What the loopback SMTP server accepted for ``to``: envelope, subject, text part."""
    found = []
    for mail_from, rcpt_tos, raw in mailbox.received:
        if to not in rcpt_tos:
            continue
        mime = message_from_bytes(raw, policy=policy.default)
        assert isinstance(mime, EmailMessage)
        text = mime.get_body(preferencelist=("plain",))
        found.append(
            {
                "from": mail_from,
                "to": rcpt_tos,
                "subject": str(mime["Subject"]),
                "text": str(text.get_content()) if isinstance(text, EmailMessage) else "",
            }
        )
    return found


def dashboard_server(shop: Shop, config: dict[str, Any], mailbox: Mailbox) -> ThreadingHTTPServer:
    """The stand-in Dashboard: the host page, and the harness's ``/__e2e/`` calls (with
    ``/__e2e/mail?to=`` the messages the loopback SMTP server received for an address)."""
    seeders = {
        "customer": shop.seed_customer,
        "order": shop.seed_order,
        "analytics": shop.seed_analytics,
        "contacts": shop.seed_contacts,
        "send-time": shop.seed_send_time,
        "channel-preference": shop.seed_channel_preference,
        "segments": shop.seed_segments,
        "operations": shop.seed_operations,
        "broadcasts": shop.seed_broadcasts,
        "backfill": shop.seed_backfill,
        "programmes": shop.seed_programmes,
        "postal": shop.seed_postal,
        "predictions": shop.seed_predictions,
        "recommendations": shop.seed_recommendations,
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, value: Any) -> None:
            self._send(status, json.dumps(value).encode(), "application/json")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/__e2e/config":
                self._json(200, config)
            elif url.path == "/__e2e/token":
                kind = query.get("kind", ["valid"])[0]
                try:
                    self._json(200, {"token": shop.token(kind)})
                except ValueError as exc:
                    self._json(400, {"error": str(exc)})
            elif url.path == "/__e2e/mail":
                self._json(200, received_mail(mailbox, query.get("to", [""])[0]))
            elif url.path.startswith("/host/"):
                asset = host_asset(url.path.removeprefix("/host/"))
                if asset is None:
                    self._json(404, {"error": "not found"})
                else:
                    self._send(200, *asset)
            elif url.path.startswith(("/dashboard/extensions/app/", "/dashboard/customers/")):
                page = host_page({**config, "tokenUrl": "/__e2e/token"})
                self._send(200, page, "text/html; charset=utf-8")
            else:
                self._json(404, {"error": "not found"})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            seeder = seeders.get(url.path.removeprefix("/__e2e/seed/"))
            if not url.path.startswith("/__e2e/seed/") or seeder is None:
                self._json(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            try:
                self._json(200, seeder(json.loads(self.rfile.read(length) or b"{}")))
            except (KeyError, ValueError, RuntimeError) as exc:
                self._json(400, {"error": f"{type(exc).__name__}: {exc}"})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


SET_DASHBOARD_ORIGINS = """
mutation E2EDashboardOrigins($origins: [String!]!) {
  updateAppSettings(input: {dashboardOrigins: $origins}) { settings { dashboardOrigins } }
}
"""


def main() -> None:
    dist = Path(os.environ.get("DASHBOARD_DIST", ROOT / "dashboard_extension" / "dist"))
    if not (dist / "index.html").is_file():
        sys.exit(f"{dist}/index.html is missing: build the dashboard extension first")
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopped.set())

    def watch_stdin() -> None:
        sys.stdin.buffer.read()
        stopped.set()

    threading.Thread(target=watch_stdin, daemon=True).start()

    key = signing_key(0)
    standin = ShopStandIn(key)
    stop_standin = serve(standin, cors=True)
    mailbox = Mailbox()  # the app's email goes to a loopback SMTP server
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    # The sender-domain check asks a loopback DNS server (tests.support.e2e_operations_seed).
    dns = DnsStandin(DNS_ZONE).start()
    os.environ.update(DNS_NAMESERVERS=dns.nameserver, DNS_TIMEOUT="1")
    with tempfile.TemporaryDirectory(prefix="mautomation-e2e-") as tmp:
        log = Path(os.environ.get("E2E_APP_LOG") or Path(tmp) / "app.log")
        app = App(
            var_dir=Path(tmp) / "var",
            dist=dist,
            log=log,
            email_url=f"smtp://127.0.0.1:{smtp.port}",
        )
        try:
            app.wait_ready()
            shop = Shop(app, standin, key)
            shop.register()
            config: dict[str, Any] = {
                "appUrl": f"{app.url}/dashboard/",
                "appOrigin": app.url,
                "saleorApiUrl": standin.api_url,
                "appId": standin.app_id,
                "manifest": shop.client.get(f"{app.url}/api/manifest").json(),
            }
            server = dashboard_server(shop, config, mailbox)
            host_origin = f"http://127.0.0.1:{server.server_address[1]}"
            config["dashboardOrigin"] = host_origin
            shop.dashboard(SET_DASHBOARD_ORIGINS, origins=[host_origin])
            threading.Thread(target=server.serve_forever, daemon=True).start()
            print(json.dumps({**config, "token": shop.token()}), flush=True)
            while not stopped.wait(0.5):
                pass
            server.shutdown()
            server.server_close()
        except Exception:
            sys.stderr.write(log.read_text(errors="replace")[-4000:])
            raise
        finally:
            app.stop()
            stop_standin()
            smtp.stop()
            dns.stop()


if __name__ == "__main__":
    main()
