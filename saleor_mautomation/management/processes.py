"""The command lines of the app's processes, shared by ``serve``, ``worker`` and ``scheduler``."""

from __future__ import annotations

import sys

QUEUES = "intake,default"


def web(port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "saleor_mautomation.project.wsgi:application",
        "--bind",
        f"0.0.0.0:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "20",
    ]


def worker(concurrency: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "saleor_mautomation.project",
        "worker",
        "--queues",
        QUEUES,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]


def scheduler(schedule_file: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "saleor_mautomation.project",
        "beat",
        "--loglevel",
        "INFO",
        "--schedule",
        schedule_file,
    ]
