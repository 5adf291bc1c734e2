"""compose.yaml, checked without a Docker engine: the services' graph, the queues its workers
take, the settings its .env.example must hold; then every app service's command run as compose
says (its entrypoint and command, its environment from .env.example and compose, the image's
own) against this run's PostgreSQL and a Redis started here, until the web server is ready and
every worker answers a ping, then stopped."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import httpx
import psycopg
import pytest
import yaml
from cryptography.fernet import Fernet
from django.conf import settings

from saleor_mautomation.management import processes
from tests.deploy.test_dockerfile import runtime_env

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
APP_SERVICES = ["migrate", "web", "worker-realtime", "worker-bulk", "worker-backfill", "scheduler"]
WORKERS = {"worker-realtime": "realtime", "worker-bulk": "bulk", "worker-backfill": "backfill"}


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def env_example() -> dict[str, str]:
    found = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            found[name] = value
    return found


def interpolate(value: str, variables: dict[str, str]) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}`` and ``${NAME:?error}``; ``$$`` is a dollar."""

    def one(match: re.Match[str]) -> str:
        name, operator, word = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if operator == ":?":
            raise AssertionError(f"{name} unset: {word}")
        return word or ""

    value = re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", one, value)
    return value.replace("$$", "$")


def queues(service: dict[str, Any]) -> set[str]:
    command = service["command"]
    return set(command[command.index("--queues") + 1].split(","))


def test_every_app_service_waits_for_the_migration_and_healthy_databases():
    # given
    services = compose()["services"]

    # then
    assert sorted(services) == sorted([*APP_SERVICES, "postgres", "redis"])
    for name in APP_SERVICES:
        assert services[name]["build"] == "."
        assert services[name]["env_file"] == ".env"
        waits = services[name]["depends_on"]
        expected = {"postgres": {"condition": "service_healthy"}}
        if name != "migrate":
            expected |= {
                "redis": {"condition": "service_healthy"},
                "migrate": {"condition": "service_completed_successfully"},
            }
        assert waits == expected, name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["command"] == ["migrate", "--noinput"]


def test_postgresql_and_redis_keep_their_data_and_report_their_health():
    # given
    spec = compose()
    services = spec["services"]

    # then
    image, version = services["postgres"]["image"].split(":")
    assert (image, int(version) >= 15) == ("postgres", True)
    assert services["redis"]["image"] == "redis:7"
    assert services["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redis-data:/data"]
    assert sorted(spec["volumes"]) == ["postgres-data", "redis-data"]
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"][1]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_a_worker_per_kind_of_work_takes_every_queue_once_and_one_scheduler():
    # given
    services = compose()["services"]
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}

    # when
    taken = {name: queues(services[name]) for name in WORKERS}

    # then
    assert taken == {
        "worker-realtime": {"intake", "journeys", "sending", "default"},
        "worker-bulk": {"bulk"},
        "worker-backfill": {"backfill"},
    }
    everything = set().union(*taken.values())
    assert sum(len(kind) for kind in taken.values()) == len(everything)
    assert everything == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert everything == set(processes.QUEUES.split(","))
    schedulers = [
        name
        for name, service in services.items()
        if "scheduler" in service.get("command", []) or "beat" in service.get("entrypoint", [])
    ]
    assert schedulers == ["scheduler"]
    assert services["scheduler"]["deploy"] == {"replicas": 1}
    for name, kind in WORKERS.items():
        assert services[name]["healthcheck"]["test"][1].endswith(f"--destination {kind}@$$HOSTNAME")


def test_env_example_has_a_placeholder_for_every_secret_and_every_variable_compose_reads():
    # given
    example = env_example()
    text = (ROOT / "compose.yaml").read_text()

    # then: what compose interpolates, and what production refuses to start without
    for name in set(re.findall(r"\$\{(\w+)", text)) - {"MAUTOMATION_IMAGE"}:
        assert example.get(name), name
    assert example["MAUTOMATION_ENV"] == "production"
    for name in ("SECRET_KEY", "ENCRYPTION_KEY", "POSTGRES_PASSWORD", "METRICS_TOKEN"):
        assert example[name].startswith("change-me-"), name
    assert "change-me-smtp-password" in example["EMAIL_URL"]
    # DATABASE_URL and CELERY_BROKER_URL come from compose's environment
    app = compose()["services"]["web"]["environment"]
    assert sorted(app) == ["CELERY_BROKER_URL", "DATABASE_URL", "REDIS_URL"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (tools/system-packages.sh installs it)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def database_url():
    """A database of its own on this run's PostgreSQL (tools/pgserver.py), dropped after."""
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith(("postgres://", "postgresql://")):
        pytest.skip("compose runs PostgreSQL: run under tools/pgserver.py")
    name = f"compose_{uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(base, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def service_env(service: dict[str, Any], outside: dict[str, str]) -> dict[str, str]:
    """The image's environment, then .env.example's with its placeholders filled, then compose's
    (interpolated), then what differs outside Docker (addresses and paths)."""
    example = env_example()
    filled = {
        name: (
            Fernet.generate_key().decode()
            if name == "ENCRYPTION_KEY"
            else secrets.token_urlsafe(40)
        )
        if value.startswith("change-me-")
        else value
        for name, value in example.items()
    }
    composed = {
        name: interpolate(str(value), filled) for name, value in service["environment"].items()
    }
    return {**runtime_env(), **filled, **composed, **outside}


def test_each_app_service_runs_as_compose_says(tmp_path, database_url, redis_url):
    # given
    services = compose()["services"]
    port = free_port()
    (tmp_path / "dashboard").mkdir()
    (tmp_path / "dashboard" / "index.html").write_text('<div id="root"></div>')
    outside = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MAUTOMATION_VAR_DIR": str(tmp_path / "var"),
        "DASHBOARD_DIST": str(tmp_path / "dashboard"),
        "BIND": "127.0.0.1",
        "PORT": str(port),
    }
    swaps = {
        "postgres://mautomation:": database_url,
        "redis://redis:6379/0": f"{redis_url}/0",
        "redis://redis:6379/1": f"{redis_url}/1",
    }
    envs = {}
    commands = {}
    for name in APP_SERVICES:
        env = service_env(services[name], outside)
        for prefix, address in swaps.items():
            for key, value in env.items():
                if value.startswith(prefix):
                    env[key] = address
        envs[name] = env
        command = [*services[name].get("entrypoint", ["mautomation"]), *services[name]["command"]]
        commands[name] = [str(BIN / command[0]), *command[1:]]
    assert envs["web"]["DATABASE_URL"] == database_url
    assert envs["web"]["CELERY_BROKER_URL"] == f"{redis_url}/0"
    assert envs["web"]["MAUTOMATION_ENV"] == "production"

    # when: the one-shot migration first, as compose orders it
    migrate = subprocess.run(
        commands["migrate"], env=envs["migrate"], capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]

    # when: the others together
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in APP_SERVICES[1:]}
    running = {
        name: subprocess.Popen(
            commands[name],
            env=envs[name],
            cwd=tmp_path,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name in APP_SERVICES[1:]
    }
    try:
        ready = pinged = None
        token = envs["web"]["METRICS_TOKEN"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (ready and pinged):
            exited = {name: p.returncode for name, p in running.items() if p.poll() is not None}
            assert exited == {}, (
                exited,
                {n: (tmp_path / f"{n}.log").read_text()[-2000:] for n in exited},
            )
            if not ready:
                try:
                    answer = httpx.get(
                        f"http://127.0.0.1:{port}/readyz", headers={"Host": "web"}, timeout=2
                    )
                    # ... with each of its granian workers started (one stopped while still
                    # starting holds the server's shutdown up)
                    started = (tmp_path / "web.log").read_text().count("Started worker-")
                    ready = answer if answer.status_code == 200 and started == 2 else None
                except httpx.TransportError:
                    pass
            if ready and not pinged:
                ping = subprocess.run(
                    [
                        str(BIN / "celery"),
                        "-A",
                        "saleor_mautomation.project",
                        "inspect",
                        "ping",
                        "--timeout",
                        "2",
                        "--json",
                    ],
                    env=envs["web"],
                    capture_output=True,
                    text=True,
                    timeout=30,
                )
                replies = json.loads(ping.stdout) if ping.returncode == 0 else {}
                kinds = sorted(node.split("@")[0] for node in replies)
                pinged = kinds if kinds == ["backfill", "bulk", "realtime"] else None
            time.sleep(0.3)
        metrics = httpx.get(
            f"http://127.0.0.1:{port}/metrics",
            headers={"Host": "web", "Authorization": f"Bearer {token}"},
            timeout=5,
        )
        scheduler_alive = running["scheduler"].poll() is None
    finally:
        for process in running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        codes = {}
        for name, process in running.items():
            try:
                codes[name] = process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                codes[name] = process.wait()
        for log in logs.values():
            log.close()

    # then: ready, every worker answering, the scrape authorised by the env's token
    assert ready is not None, (tmp_path / "web.log").read_text()[-3000:]
    assert ready.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "failed": {"deliveries": 0, "runs": 0, "messages": 0},
    }
    assert pinged == ["backfill", "bulk", "realtime"]
    assert metrics.status_code == 200
    assert "mautomation_intake_pending 0.0" in metrics.text
    assert scheduler_alive
    assert [path.name for path in (tmp_path / "var").glob("celerybeat-schedule*")]
    # ... the workers' log lines JSON (LOG_FORMAT=json from .env.example)
    for name, kind in WORKERS.items():
        lines = (tmp_path / f"{name}.log").read_text().splitlines()
        logged = [json.loads(line) for line in lines if line.startswith('{"time"')]
        assert {
            "level": "INFO",
            "logger": "celery.apps.worker",
            "message": f"{kind}@{socket.gethostname()} ready.",
        } in [{key: line[key] for key in ("level", "logger", "message")} for line in logged]
    # ... and stopped cleanly by SIGTERM
    assert codes == dict.fromkeys(APP_SERVICES[1:], 0), codes
