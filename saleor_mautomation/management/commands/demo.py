"""``mautomation demo`` (``make demo``): the app installed into a simulated shop, on this machine.

Besides the app's web, worker and scheduler (as ``serve``), this process runs the demo Saleor
(its API, JWKS, a stand-in Dashboard with a demo sign-in, storefront pages), the mail catcher the
app sends to over SMTP, and the simulator that keeps the shop alive through the app's real
intake. The first run installs the app into the demo shop the way Saleor does (the app imports
the shop's customers and orders from the demo Saleor); later runs find everything under
``var/`` and start in seconds.
"""

from __future__ import annotations

import os
import random
import socket
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

import httpx
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saleor_mautomation.demo import config
from saleor_mautomation.management import processes


def demo_environment(environ: Mapping[str, str], port: int) -> dict[str, str]:
    """The environment of the demo's processes: demo mode on, the app on ``port`` (its links
    too), the demo Saleor the one Saleor allowed (on loopback), mail to the catcher. What the
    caller set explicitly is kept."""
    env = dict(environ)
    env["DEMO_MODE"] = "1"
    env["PORT"] = str(port)
    saleor_port = env.get("DEMO_SALEOR_PORT", str(settings.DEMO_SALEOR_PORT))
    smtp_port = env.get("DEMO_SMTP_PORT", str(settings.DEMO_SMTP_PORT))
    env.setdefault("SALEOR_ALLOW_LOOPBACK", "1")
    env.setdefault("ALLOWED_SALEOR_URLS", f"http://localhost:{saleor_port}/graphql/")
    env.setdefault("EMAIL_URL", f"smtp://127.0.0.1:{smtp_port}")
    # The demo shop answers at once: the backfill need not leave room for a shop's traffic.
    env.setdefault("BACKFILL_MIN_PAGE_INTERVAL", "0")
    return env


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Run the app installed into a simulated Saleor shop (demo mode, this machine only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--web-workers", type=int, default=1)
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument(
            "--duration", type=float, default=0, help="stop after this many seconds (0: never)"
        )
        parser.add_argument("--no-simulator", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            # Settings are read once per process: start again with the demo's environment.
            argv = [sys.executable, "-m", "saleor_mautomation.cli", *sys.argv[1:]]
            os.execve(sys.executable, argv, demo_environment(os.environ, options["port"]))  # noqa: S606
        from saleor_mautomation.demo.install import ensure_installed
        from saleor_mautomation.demo.mail import start_catcher
        from saleor_mautomation.demo.saleor_server import make_server
        from saleor_mautomation.demo.shop import load_shop
        from saleor_mautomation.demo.simulator import Simulator

        ports = {
            "the app": options["port"],
            "the demo Saleor": settings.DEMO_SALEOR_PORT,
            "the mail catcher": settings.DEMO_SMTP_PORT,
        }
        taken = [f"{name} ({port})" for name, port in ports.items() if not _port_free(port)]
        if taken:
            raise CommandError(
                f"Port in use: {', '.join(taken)}. Stop what listens there, or set PORT, "
                "DEMO_SALEOR_PORT or DEMO_SMTP_PORT."
            )
        call_command("migrate", interactive=False, verbosity=0)
        started = time.monotonic()
        shop = load_shop()
        stop_catcher = start_catcher(
            host="127.0.0.1", port=settings.DEMO_SMTP_PORT, directory=config.demo_dir() / "mail"
        )
        app_url = f"http://localhost:{options['port']}"
        saleor = make_server(
            host="127.0.0.1", port=settings.DEMO_SALEOR_PORT, shop=shop, app_url=app_url
        )
        threading.Thread(target=saleor.serve_forever, name="demo-saleor", daemon=True).start()
        stopping = threading.Event()

        def bring_up() -> None:
            """Once the app answers: install it into the demo shop, then start the shop's life."""
            while not stopping.is_set():
                try:
                    if httpx.get(f"{app_url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
            else:
                return
            ensure_installed(app_url)
            self.stdout.write(self._welcome(app_url, time.monotonic() - started))
            if not options["no_simulator"]:
                Simulator(app_url, shop, random.Random()).run(stopping)  # noqa: S311

        threading.Thread(target=bring_up, name="demo-bring-up", daemon=True).start()
        commands = {
            "web": processes.web(options["port"], options["web_workers"], host=settings.BIND),
            "worker": processes.worker(options["concurrency"], root_warned=True),
            "scheduler": processes.scheduler(settings.CELERY_BEAT_SCHEDULE_FILENAME),
        }
        if processes.running_as_root():
            self.stdout.write(processes.ROOT_NOTE)
        deadline = started + options["duration"] if options["duration"] else None
        try:
            processes.supervise(
                commands,
                write=self.stderr.write,
                until=lambda: deadline is not None and time.monotonic() >= deadline,
                before_stop=stopping.set,
            )
        finally:
            stopping.set()
            saleor.shutdown()
            saleor.server_close()
            stop_catcher()

    @staticmethod
    def _welcome(app_url: str, seconds: float) -> str:
        dashboard = f"{config.saleor_origin()}/dashboard/"
        return "\n".join(
            [
                "",
                f"The demo is running (ready in {seconds:.0f} s). Open:",
                f"  The app in a stand-in Saleor Dashboard: {dashboard}",
                f"    sign in as {config.STAFF_EMAIL}, password {config.sign_in_password()}",
                f"  Mail the app sent:                      {app_url}/demo/mail/",
                f"  GraphQL explorer:                       {app_url}/graphql/",
                f"  Manifest:                               {app_url}/api/manifest",
                "A simulator keeps the shop busy (sign-ups, browsing, checkouts, orders). "
                "Ctrl+C stops everything; the next run continues where this one stopped.",
                "",
            ]
        )
