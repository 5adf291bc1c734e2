"""The command lines of the app's processes, shared by ``serve``, ``worker`` and ``scheduler``."""

from __future__ import annotations

import sys

QUEUES = "intake,default,journeys,sending,bulk,backfill"


def web(port: int, workers: int, host: str = "127.0.0.1", threads: int = 2) -> list[str]:
    """Granian serving the WSGI app (docs/adr: it beat gunicorn on the ingest benchmark)."""
    return [
        *(sys.executable, "-m", "granian", "--interface", "wsgi"),
        "saleor_mautomation.project.wsgi:application",
        *("--host", host, "--port", str(port), "--workers", str(workers)),
        *("--blocking-threads", str(threads), "--no-ws"),
    ]


def worker(concurrency: int, loglevel: str = "INFO") -> list[str]:
    return [
        *(sys.executable, "-m", "celery", "-A", "saleor_mautomation.project", "worker"),
        *("--queues", QUEUES, "--concurrency", str(concurrency), "--loglevel", loglevel),
        *("--without-gossip", "--without-mingle"),
    ]


def scheduler(schedule_file: str, loglevel: str = "INFO") -> list[str]:
    return [
        *(sys.executable, "-m", "celery", "-A", "saleor_mautomation.project", "beat"),
        *("--loglevel", loglevel, "--schedule", schedule_file),
    ]
