"""The deployment's own checks: its settings, its database and its broker.

"Deployed" is what the settings checks judge by: the production profile
(``MAUTOMATION_ENV=production``) or an ``APP_URL`` that is not on loopback, which a Saleor
elsewhere calls. An app on loopback is a developer's or the demo's, where the embedded
defaults (generated keys, any Saleor, SQLite, mail printed) are what they are for.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from celery import current_app as celery_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http.request import validate_host
from kombu.exceptions import KombuError

from saleor_mautomation.core.broker import broker_check
from saleor_mautomation.ops.report import Line, fail, ok, warn

PING_TIMEOUT = (
    1.0  # seconds the workers have to answer (at least; BROKER_HANDOFF_TIMEOUT if longer)
)


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_deployed() -> bool:
    return bool(settings.PRODUCTION) or not is_loopback(settings.APP_URL)


def _generated(filename: str, value: str) -> bool:
    """Whether ``value`` is the key the embedded default generated under ``VAR_DIR``."""
    if settings.PRODUCTION:  # the profile refuses to start without the keys set
        return False
    path = Path(settings.VAR_DIR) / filename
    return path.exists() and path.read_text().strip() == value


def _profile() -> Line:
    if settings.PRODUCTION:
        return ok("MAUTOMATION_ENV", "production")
    if is_deployed():
        return warn(
            "MAUTOMATION_ENV",
            f"not production, yet APP_URL {settings.APP_URL} is not on loopback",
            "set MAUTOMATION_ENV=production (HTTPS redirect, HSTS, secure cookies, the secrets"
            " required)",
        )
    return ok("MAUTOMATION_ENV", "development (APP_URL on loopback)")


def _secret_key() -> Line:
    if not _generated("secret_key", settings.SECRET_KEY):
        return ok("SECRET_KEY", "set in the environment")
    where = f"generated in {Path(settings.VAR_DIR) / 'secret_key'}"
    if not is_deployed():
        return ok("SECRET_KEY", f"{where} (embedded default)")
    return fail(
        "SECRET_KEY",
        where,
        "set SECRET_KEY in the environment, the same for every web and worker process",
    )


def _encryption_key() -> Line:
    if not _generated("encryption_key", ",".join(settings.ENCRYPTION_KEYS)):
        return ok("ENCRYPTION_KEY", "set in the environment")
    path = Path(settings.VAR_DIR) / "encryption_key"
    if not is_deployed():
        return ok("ENCRYPTION_KEY", f"generated in {path} (embedded default)")
    return fail(
        "ENCRYPTION_KEY",
        f"generated in {path}",
        f"set ENCRYPTION_KEY in the environment to the key in {path} (the stored Saleor tokens"
        " and provider secrets are encrypted with it) and keep a copy with the backups",
    )


def _debug() -> Line:
    if not settings.DEBUG:
        return ok("DEBUG", "off")
    if is_deployed():
        return fail("DEBUG", "on: error pages show settings and code to anyone", "set DEBUG=0")
    return warn("DEBUG", "on: error pages show settings and code", "DEBUG=0 unless developing")


def _app_url() -> Line:
    url = settings.APP_URL
    if urlsplit(url).scheme == "https":
        return ok("APP_URL", url)
    if is_loopback(url):
        return ok("APP_URL", f"{url} (loopback: only a Saleor on this machine reaches it)")
    return fail(
        "APP_URL",
        f"{url} is not https",
        "serve the app behind HTTPS and set APP_URL to its https:// URL (Saleor sends tokens"
        " and customer data to it)",
    )


def _allowed_hosts() -> Line:
    hosts = list(settings.ALLOWED_HOSTS)
    app_host = urlsplit(settings.APP_URL).hostname or ""
    if "*" in hosts:
        fix = f"set ALLOWED_HOSTS to the app's host names ({app_host})"
        if is_deployed():
            return fail("ALLOWED_HOSTS", "* (any Host header)", fix)
        return warn("ALLOWED_HOSTS", "* (any Host header)", fix)
    if not validate_host(app_host, hosts):
        return fail(
            "ALLOWED_HOSTS",
            f"{', '.join(hosts)}: not APP_URL's host {app_host}, so every call to APP_URL"
            " answers 400",
            f"add {app_host} to ALLOWED_HOSTS (or leave it unset: APP_URL's host)",
        )
    return ok("ALLOWED_HOSTS", ", ".join(hosts))


def _allowed_saleor_urls() -> Line:
    patterns = list(settings.ALLOWED_SALEOR_URLS)
    if "*" not in patterns:
        return ok("ALLOWED_SALEOR_URLS", ", ".join(patterns))
    if not is_deployed():
        return ok("ALLOWED_SALEOR_URLS", "* (any Saleor may install the app; on loopback)")
    return fail(
        "ALLOWED_SALEOR_URLS",
        "* (any Saleor may install the app and have this deployment work for it)",
        "set ALLOWED_SALEOR_URLS to your shops' API URLs, e.g."
        " https://your-shop.saleor.cloud/graphql/",
    )


def settings_lines() -> list[Line]:
    return [
        _profile(),
        _secret_key(),
        _encryption_key(),
        _debug(),
        _app_url(),
        _allowed_hosts(),
        _allowed_saleor_urls(),
    ]


def _problem(exc: BaseException) -> str:
    first = str(exc).strip().splitlines()
    return f"{exc.__class__.__name__}: {first[0]}" if first else exc.__class__.__name__


def database_lines(db: Any = None) -> list[Line]:
    """The database answers (``db``: Django's default connection unless given), and every
    migration of this version is applied."""
    db = db or connection
    vendor = db.vendor
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(db)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return [
            fail(
                "database",
                f"{vendor} unreachable ({_problem(exc)})",
                "check DATABASE_URL and that the database server runs",
            )
        ]
    lines = [ok("database", f"{vendor} answers")]
    if vendor == "sqlite" and is_deployed():
        lines[0] = warn(
            "database",
            "sqlite answers (the embedded default: one machine, one writer at a time)",
            "use PostgreSQL for a shop: DATABASE_URL=postgres://user:password@host/db",
        )
    if pending:
        names = [f"{migration.app_label}.{migration.name}" for migration, _ in pending]
        shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
        lines.append(
            fail(
                "migrations",
                f"{len(names)} not applied ({shown})",
                "run `mautomation migrate` before starting the new version's processes",
            )
        )
    else:
        lines.append(ok("migrations", "all applied"))
    return lines


def _broker_name(url: str) -> str:
    """The broker's URL without its credentials."""
    parts = urlsplit(url)
    if parts.scheme == "filesystem":
        return "filesystem (embedded, under var/broker)"
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return f"{parts.scheme}://{netloc}{parts.path}"


def broker_lines(app: Any = None) -> list[Line]:
    """The broker reachable as the web process reaches it, then the workers' answers to a
    ping (``app``: the project's Celery application unless given)."""
    app = app or celery_app
    if app.conf.task_always_eager:
        return [ok("broker", "not used: tasks run in the calling process (eager)")]
    timeout = settings.BROKER_HANDOFF_TIMEOUT
    name = _broker_name(str(app.conf.broker_url))
    state = broker_check(app, timeout=timeout)
    if state != "ok":
        return [
            fail(
                "broker",
                f"{name} not reachable within {timeout:g} s"
                f" ({state.removeprefix('unavailable: ')})",
                "start the broker (Redis) or set CELERY_BROKER_URL to it",
            )
        ]
    lines = [ok("broker", f"{name} reachable")]
    wait = max(PING_TIMEOUT, timeout)
    try:
        replies = app.control.ping(timeout=wait) or []
    except (KombuError, OSError) as exc:
        replies, problem = [], f" ({_problem(exc)})"
    else:
        problem = ""
    names = sorted(name for reply in replies for name in reply)
    if names:
        lines.append(ok("workers", f"{len(names)} answered a ping: {', '.join(names)}"))
    else:
        lines.append(
            warn(
                "workers",
                f"none answered a ping within {wait:g} s{problem}",
                "start `mautomation worker` (and one `mautomation scheduler`): nothing is"
                " processed or sent without them",
            )
        )
    return lines
