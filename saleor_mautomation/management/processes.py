"""The command lines of the app's processes, shared by ``serve``, ``worker`` and ``scheduler``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping

QUEUES = "intake,default,journeys,sending,bulk,backfill"


def web(port: int, workers: int, host: str = "127.0.0.1", threads: int = 2) -> list[str]:
    """Granian serving the WSGI app (docs/adr: it beat gunicorn on the ingest benchmark)."""
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi"),
        "saleor_mautomation.project.wsgi:application",
        *("--host", host, "--port", str(port), "--workers", str(workers)),
        *("--blocking-threads", str(threads), "--no-ws"),
    ]


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def worker(
    concurrency: int,
    loglevel: str = "INFO",
    *,
    root_warned: bool = False,
    queues: str = QUEUES,
    hostname: str | None = None,
) -> list[str]:
    """``root_warned``: the caller has said once that running as root is for a development
    machine only, so Celery's own multi-line warning at every start is left out."""
    # -W is read before site-packages are importable: by the message, not Celery's class.
    quiet = ("-W", "ignore:You're running the worker with superuser privileges")
    return [
        sys.executable,
        *(quiet if root_warned and running_as_root() else ()),
        *("-m", "celery", "-A", "saleor_mautomation.project", "worker"),
        *("--queues", queues, "--concurrency", str(concurrency), "--loglevel", loglevel),
        *(("--hostname", hostname) if hostname else ()),
        *("--without-gossip", "--without-mingle"),
    ]


def scheduler(schedule_file: str, loglevel: str = "INFO") -> list[str]:
    return [
        *(sys.executable, "-m", "celery", "-A", "saleor_mautomation.project", "beat"),
        *("--loglevel", loglevel, "--schedule", schedule_file),
    ]


ROOT_NOTE = (
    "Running as root: fine on a development machine; in production run the worker as an "
    "unprivileged user (the container image does)."
)


def supervise(
    commands: Mapping[str, list[str]],
    *,
    env: Mapping[str, str] | None = None,
    write: Callable[[str], None],
    until: Callable[[], bool] = lambda: False,
    before_stop: Callable[[], None] = lambda: None,
) -> None:
    """Run the commands as children until Ctrl+C, SIGTERM, ``until()`` or a child's exit (the
    others are then stopped: a half-running app is worse than a stopped one). ``before_stop``
    runs first (what talks to the children stops before they do)."""
    children = {
        name: subprocess.Popen(command, env=None if env is None else dict(env))  # noqa: S603
        for name, command in commands.items()
    }
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not stopping and not until():
            exited = [name for name, child in children.items() if child.poll() is not None]
            if exited:
                write(f"{', '.join(exited)} exited; stopping the others")
                break
            time.sleep(0.5)
    finally:
        before_stop()
        for child in children.values():
            if child.poll() is None:
                child.terminate()
        for child in children.values():
            try:
                child.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
