"""Settings: the only module that reads the environment.

Every setting has a working default for the embedded mode (an SQLite file and a filesystem
Celery broker under ``var/``, keys generated there on first use), so ``mautomation serve`` runs
on a fresh machine with no server to install. Production sets ``DATABASE_URL`` (PostgreSQL),
``CELERY_BROKER_URL`` (Redis), ``SECRET_KEY`` and ``ENCRYPTION_KEY``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from saleor_mautomation.core.hosts import allowed_hosts

env = os.environ


def _flag(name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


VAR_DIR = Path(env.get("MAUTOMATION_VAR_DIR", Path.cwd() / "var")).resolve()

# The deployment profile: ``production`` turns on HTTPS (redirect, HSTS, secure cookies), keeps
# DEBUG off and refuses to start without the secrets and servers below (no generated keys, no
# embedded database or broker); anything else (default ``development``) is the embedded mode.
MAUTOMATION_ENV = env.get("MAUTOMATION_ENV", "development").strip().lower()
PRODUCTION = MAUTOMATION_ENV == "production"
_PRODUCTION_REQUIRED = ("SECRET_KEY", "ENCRYPTION_KEY", "DATABASE_URL", "CELERY_BROKER_URL")
if PRODUCTION and (_missing := [name for name in _PRODUCTION_REQUIRED if not env.get(name)]):
    raise ImproperlyConfigured(
        f"MAUTOMATION_ENV=production needs {', '.join(_missing)} set: production never "
        "generates keys or falls back to the embedded SQLite database and filesystem broker "
        "(.env.example lists every setting a deployment sets)"
    )


def _generated_secret(filename: str, make: object) -> str:
    """Read a key from ``var/``, making it on first use (embedded default only)."""
    path = VAR_DIR / filename
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        value = make() if callable(make) else str(make)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
    return path.read_text().strip()


DEBUG = _flag("DEBUG") and not PRODUCTION
APP_URL = env.get("APP_URL", f"http://localhost:{env.get('PORT', '8080')}").rstrip("/")
PORT = int(env.get("PORT", "8080"))
# The address `mautomation serve` listens on: loopback unless told (0.0.0.0 in a container).
BIND = env.get("BIND", "127.0.0.1")

SECRET_KEY = env.get("SECRET_KEY") or _generated_secret(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
ENCRYPTION_KEYS = _csv(
    env.get("ENCRYPTION_KEY")
    or _generated_secret("encryption_key", lambda: Fernet.generate_key().decode())
)

ALLOWED_HOSTS = allowed_hosts(APP_URL, _csv(env.get("ALLOWED_HOSTS", "")))
ALLOWED_SALEOR_URLS = _csv(env.get("ALLOWED_SALEOR_URLS", "*"))
SALEOR_ALLOW_LOOPBACK = _flag("SALEOR_ALLOW_LOOPBACK")
# Saleor versions the app supports (manifest ``requiredSaleorVersion``).
SALEOR_REQUIRED_VERSION = ">=3.22 <4"
# Outbound HTTP: (connect, read) seconds and retries on network faults and 5xx.
SALEOR_HTTP_TIMEOUT = float(env.get("SALEOR_HTTP_TIMEOUT", "10"))
SALEOR_HTTP_RETRIES = int(env.get("SALEOR_HTTP_RETRIES", "3"))
SALEOR_HTTP_BACKOFF = float(env.get("SALEOR_HTTP_BACKOFF", "0.5"))
# Bring each installation's webhooks in line with the manifest when a worker or the scheduler
# starts (once per process, in the background; failures logged): on by default ("0" turns it
# off; `mautomation sync-webhooks` and the webhooksSync mutation still do it on demand).
WEBHOOKS_SYNC_AT_START = _flag("WEBHOOKS_SYNC_AT_START", default=True)
# A JWKS refresh after a failed verification happens at most this often per installation.
SALEOR_JWKS_REFRESH_INTERVAL = float(env.get("SALEOR_JWKS_REFRESH_INTERVAL", "30"))
# The sender-domain check (SPF, DKIM, DMARC): the nameservers it asks, comma-separated
# ``host`` or ``host:port`` (empty: the system's, /etc/resolv.conf), and seconds per query.
DNS_NAMESERVERS = _csv(env.get("DNS_NAMESERVERS", ""))
DNS_TIMEOUT = float(env.get("DNS_TIMEOUT", "3"))

# The demo (``mautomation demo``, saleor_mautomation/demo/): a simulated shop on this machine.
# Its pages, the GraphQL explorer and the mail catcher's page exist only with DEMO_MODE on.
DEMO_MODE = _flag("DEMO_MODE")
DEMO_DIR = VAR_DIR / "demo"
# The demo Saleor (JWKS, GraphQL API, the stand-in Dashboard with its sign-in) and the mail
# catcher listen on these loopback ports.
DEMO_SALEOR_PORT = int(env.get("DEMO_SALEOR_PORT", "8081"))
DEMO_SMTP_PORT = int(env.get("DEMO_SMTP_PORT", "8025"))
# How many messages the demo's mail catcher keeps (under DEMO_DIR/mail/): the newest 2000 by
# default; older ones are deleted as new ones arrive.
DEMO_MAIL_KEEP = int(env.get("DEMO_MAIL_KEEP", "2000"))
# The demo shop's generator: its seed (default 7) and number of customers (default 3000), read
# on the first run only, which keeps them with its time in DEMO_DIR/shop.json for later runs.
DEMO_SEED = int(env.get("DEMO_SEED", "7"))
DEMO_CUSTOMERS = int(env.get("DEMO_CUSTOMERS", "3000"))
# Seconds between two actions of the demo's simulator (default 3): a registration, a visit, a
# checkout, an order, a fulfilment or a refund each, sent to the app as Saleor would.
DEMO_SIMULATOR_INTERVAL = float(env.get("DEMO_SIMULATOR_INTERVAL", "3"))

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "graphene_django",
    "anymail",
    "saleor_mautomation.apps.MautomationConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "saleor_mautomation.project.middleware.DashboardWhiteNoise",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "saleor_mautomation.project.urls"
WSGI_APPLICATION = "saleor_mautomation.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The demo's pages (saleor_mautomation/demo/templates/; APP_DIRS reads only the
        # app's own templates/ directory).
        "DIRS": [Path(__file__).resolve().parents[1] / "demo" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]

_default_db = f"sqlite:///{VAR_DIR / 'mautomation.sqlite3'}"
DATABASE_URL = env.get("DATABASE_URL", _default_db)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Web, worker and scheduler share the file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions take the write lock up front instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The app's queries are short (per event) or counts over indexes (segments): PostgreSQL's
    # JIT compiler spends 100+ ms on a segment count and saves less than it costs.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        options="-c jit=off",
        # The few statements the app prepares (hot upserts and look-ups) are parsed once per
        # connection. Django turns psycopg's prepared statements off (None), which also
        # ignores an explicit ``execute(..., prepare=True)``; a threshold no query reaches
        # keeps them off for every other statement (Django's cursors bind client-side and
        # never prepare anyway).
        prepare_threshold=2**31 - 1,
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DASHBOARD_DIST = Path(
    env.get("DASHBOARD_DIST", Path(__file__).resolve().parents[2] / "dashboard_extension" / "dist")
)

# Responses are framed only by the Saleor Dashboard pages that need it (per view).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
# Applies to top-level windows only: the pages the Dashboard frames are unaffected.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    # Plain HTTP is redirected to HTTPS (behind a proxy: by X-Forwarded-Proto), except the
    # probes and the scrape, which orchestrators and Prometheus send to the container directly.
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# HSTS (production only): seconds browsers remember to use HTTPS (default a year; 0 sends no
# header), whether subdomains are included (default on) and the preload flag (default off:
# preloading is hard to undo, so it is the operator's decision).
SECURE_HSTS_SECONDS = int(env.get("SECURE_HSTS_SECONDS", "31536000")) if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

CELERY_BROKER_URL = env.get("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # The exchange tables (kombu's default: ``control/`` in the working directory).
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
# The web process hands work to the broker (waking the drain and the sender) with this
# connect/socket timeout and no retries; after a failed hand-off it does not try again for
# BROKER_HANDOFF_BACKOFF seconds (the work is stored; the scheduler's sweeps pick it up).
# /readyz checks the broker with the same timeout.
BROKER_HANDOFF_TIMEOUT = float(env.get("BROKER_HANDOFF_TIMEOUT", "0.5"))
BROKER_HANDOFF_BACKOFF = float(env.get("BROKER_HANDOFF_BACKOFF", "5"))
CELERY_TASK_ALWAYS_EAGER = _flag("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ROUTES = {
    "saleor_mautomation.flows.tasks.deliveries_drain": {"queue": "intake"},
    "saleor_mautomation.flows.tasks.runs_wake": {"queue": "journeys"},
    "saleor_mautomation.flows.tasks.triggers_sweep*": {"queue": "journeys"},
    "saleor_mautomation.backfill.tasks.*": {"queue": "backfill"},
    "saleor_mautomation.flows.tasks.messages_send": {"queue": "sending"},
    "saleor_mautomation.flows.tasks.messages_recover": {"queue": "sending"},
    "saleor_mautomation.flows.tasks.messages_send_bulk": {"queue": "bulk"},  # broadcasts' mail
    # Broadcast snapshots and their runs: a bulk send never delays a real-time step (exact
    # names win over the patterns).
    "saleor_mautomation.journeys.tasks.entries_due": {"queue": "bulk"},
    "saleor_mautomation.flows.tasks.broadcast_runs_wake": {"queue": "bulk"},
    "saleor_mautomation.flows.tasks.broadcast_tests_decide": {"queue": "bulk"},
    "saleor_mautomation.imports.tasks.*": {"queue": "bulk"},  # CSV imports
    "saleor_mautomation.predictions.tasks.*": {"queue": "bulk"},  # minutes of fitting
    "saleor_mautomation.journeys.tasks.*": {"queue": "journeys"},
}
CELERY_TASK_DEFAULT_QUEUE = "default"
# Intake: a drain task claims stored deliveries in batches; the web process nudges it at most
# once per window (plus a trailing nudge), and the scheduler sweeps as a safety net.
# The workers' CPU priority (nice value, 0-19) relative to the web process on a shared machine.
WORKER_NICE = int(env.get("WORKER_NICE", "10"))
INTAKE_BATCH_SIZE = int(env.get("INTAKE_BATCH_SIZE", "200"))
INTAKE_NUDGE_WINDOW = float(env.get("INTAKE_NUDGE_WINDOW", "0.25"))
INTAKE_MAX_ATTEMPTS = int(env.get("INTAKE_MAX_ATTEMPTS", "5"))
# Sending: messages handed over on one email connection before it is closed and a new one
# opened (SMTP servers limit a session's messages; default 100, a count).
EMAIL_MESSAGES_PER_CONNECTION = int(env.get("EMAIL_MESSAGES_PER_CONNECTION", "100"))
# An email provider's pool (messages/pool.py), across all workers: the parallel connections the
# campaign senders open to the deployment's own provider (EMAIL_URL), and to a shop's provider
# that sets none (default 4, connections); the deployment's provider's rate (default 0,
# messages per second; 0: no limit).
EMAIL_CONNECTIONS = int(env.get("EMAIL_CONNECTIONS", "4"))
EMAIL_MAX_PER_SECOND = float(env.get("EMAIL_MAX_PER_SECOND", "0"))
# Campaigns to an ESP with a batch API (Postmark, Mailjet, Resend) go many distinct messages
# per API call (messages/esp_batch.py, ADR 0049); off (0) sends one per call (default on, a flag).
EMAIL_ESP_BATCH = _flag("EMAIL_ESP_BATCH", default=True)
# Broadcast messages claimed by the bulk sender at a time (default 500, messages), and how many
# of them share one record of attempts and outcomes (default 50, messages): a sender lost
# mid-chunk leaves at most that many in doubt (``unknown``, never sent twice; ADR 0028).
SEND_BULK_BATCH = int(env.get("SEND_BULK_BATCH", "500"))
SEND_BULK_CHUNK = int(env.get("SEND_BULK_CHUNK", "50"))
# Days a text's short link (/s/<code>, messages/short_links.py) leads to its target after the
# text was sent; older codes answer 404 (default 90, days).
SMS_SHORT_LINK_DAYS = int(env.get("SMS_SHORT_LINK_DAYS", "90"))
# Days a raw webhook body is kept after it was received (intake/retention.py says which go).
DELIVERY_RETENTION_DAYS = int(env.get("DELIVERY_RETENTION_DAYS", "30"))
# Backfill: nodes per page (Saleor allows at most 100) and the least time between the starts
# of two page requests, so an import never crowds out the shop's own traffic.
BACKFILL_PAGE_SIZE = int(env.get("BACKFILL_PAGE_SIZE", "100"))
BACKFILL_MIN_PAGE_INTERVAL = float(env.get("BACKFILL_MIN_PAGE_INTERVAL", "0.2"))
# Write-back of key figures to Saleor customers' private metadata: customers per request (one
# alias each; Saleor refuses more than GRAPHQL_ALIAS_COUNT_LIMIT, 100 by default) and the least
# time between the starts of two requests (each write makes Saleor send two webhooks per app).
WRITEBACK_BATCH_SIZE = min(int(env.get("WRITEBACK_BATCH_SIZE", "50")), 100)
WRITEBACK_MIN_BATCH_INTERVAL = float(env.get("WRITEBACK_MIN_BATCH_INTERVAL", "1.0"))
CELERY_BEAT_SCHEDULE = {
    "intake-sweep": {
        "task": "saleor_mautomation.flows.tasks.deliveries_drain",
        "schedule": float(env.get("INTAKE_SWEEP_INTERVAL", "10")),
    },
    "contacts-writeback": {
        "task": "saleor_mautomation.contacts.tasks.writeback_all",
        "schedule": 30.0,
    },
    # Per installation, a chain: the contacts' figures, then the segments reading them.
    "nightly": {
        "task": "saleor_mautomation.flows.tasks.nightly",
        "schedule": crontab(hour=3, minute=15),
    },
    # Predicted value (BG/NBD, Gamma-Gamma): fitted and scored per installation before the
    # nightly chain rebuilds the segments reading the predictions.
    "predictions": {
        "task": "saleor_mautomation.predictions.tasks.predictions_nightly",
        "schedule": crontab(hour=2, minute=15),
    },
    "segments-sweep": {
        "task": "saleor_mautomation.flows.tasks.segments_sweep",
        "schedule": float(env.get("SEGMENTS_SWEEP_INTERVAL", "900")),
    },
    "messages-send": {
        "task": "saleor_mautomation.flows.tasks.messages_send",
        "schedule": float(env.get("MESSAGES_SEND_INTERVAL", "10")),
    },
    "messages-send-bulk": {
        "task": "saleor_mautomation.flows.tasks.messages_send_bulk",
        "schedule": float(env.get("MESSAGES_SEND_INTERVAL", "10")),
    },
    "messages-recover": {
        "task": "saleor_mautomation.flows.tasks.messages_recover",
        "schedule": 300.0,
    },
    # Derived triggers (checkout/browse abandoned, lapsed, spend thresholds): journeys/triggers.
    "journeys-wake": {
        "task": "saleor_mautomation.flows.tasks.runs_wake",
        "schedule": float(env.get("JOURNEYS_WAKE_INTERVAL", "10")),
    },
    "journeys-entries": {
        "task": "saleor_mautomation.journeys.tasks.entries_due",
        "schedule": float(env.get("JOURNEYS_ENTRIES_INTERVAL", "60")),
    },
    "journeys-broadcast-wake": {
        "task": "saleor_mautomation.flows.tasks.broadcast_runs_wake",
        "schedule": float(env.get("JOURNEYS_WAKE_INTERVAL", "10")),
    },
    # A broadcast's test share decides after its wait; the rest then enters with the winner.
    "journeys-broadcast-tests": {
        "task": "saleor_mautomation.flows.tasks.broadcast_tests_decide",
        "schedule": float(env.get("JOURNEYS_ENTRIES_INTERVAL", "60")),
    },
    "journeys-triggers": {
        "task": "saleor_mautomation.flows.tasks.triggers_sweep_all",
        "schedule": float(env.get("TRIGGERS_SWEEP_INTERVAL", "60")),
    },
    # Commerce triggers (back in stock, price drop, low stock) from the catalogue's outbox.
    "journeys-commerce-triggers": {
        "task": "saleor_mautomation.flows.tasks.triggers_sweep_catalogue",
        "schedule": float(env.get("TRIGGERS_SWEEP_INTERVAL", "60")),
    },
    # Recommendations: the orders stored since the last refresh counted (and cancelled ones
    # taken back); nightly, a rebuild from all orders (recommendations/services.py).
    "recommendations-refresh": {
        "task": "saleor_mautomation.flows.recommendations.refresh_all",
        "schedule": float(env.get("RECOMMENDATIONS_REFRESH_INTERVAL", "60")),
    },
    "recommendations-rebuild": {
        "task": "saleor_mautomation.flows.recommendations.rebuild_all",
        "schedule": crontab(hour=3, minute=45),
    },
    # Data protection: erasures no unit of work completed; raw deliveries past retention.
    "erasures-sweep": {
        "task": "saleor_mautomation.flows.tasks.erasures_sweep",
        "schedule": 60.0,
    },
    # Shop names Saleor did not give at registration; an uninstalled shop's credentials,
    # deleted UNINSTALL_CREDENTIALS_GRACE_DAYS after the uninstall.
    "installations-sweep": {
        "task": "saleor_mautomation.flows.tasks.installations_sweep",
        "schedule": 3600.0,
    },
    "deliveries-retention": {
        "task": "saleor_mautomation.flows.tasks.deliveries_retention_sweep",
        "schedule": crontab(hour=2, minute=45),
    },
    # Texts' short links past SMS_SHORT_LINK_DAYS (they answer 404 already).
    "short-links-purge": {
        "task": "saleor_mautomation.messages.tasks.short_links_purge",
        "schedule": crontab(hour=3, minute=15),
    },
    # CSV imports whose task was lost (broker down at the hand-off, a worker gone).
    "imports-sweep": {
        "task": "saleor_mautomation.imports.tasks.csv_imports_sweep",
        "schedule": 300.0,
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

EMAIL_URL = env.get("EMAIL_URL", "console://")
_email = urlsplit(EMAIL_URL)
# smtp://user:password@host:port (STARTTLS with smtp+tls://, TLS with smtps://), console://,
# locmem:// (tests). The password may be percent-encoded.
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}.get(_email.scheme, "django.core.mail.backends.smtp.EmailBackend")
if _email.scheme in {"smtp", "smtps", "smtp+tls"}:
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or {"smtps": 465, "smtp+tls": 587}.get(_email.scheme, 25)
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "shop@localhost")
# ESPs through django-anymail: EMAIL_URL=anymail+<esp>://<api key>@ (e.g. anymail+postmark://
# KEY@); their delivery, bounce and complaint webhooks post to /api/esp/<esp>/tracking/ with
# HTTP basic auth ANYMAIL_WEBHOOK_SECRET ("user:password").
ANYMAIL: dict[str, str] = {}
if _email.scheme.startswith("anymail+"):
    _esp = _email.scheme.removeprefix("anymail+")
    EMAIL_BACKEND = f"anymail.backends.{_esp}.EmailBackend"
    ANYMAIL[f"{_esp.upper()}_API_KEY"] = unquote(_email.username or "")
    ANYMAIL[f"{_esp.upper()}_SERVER_TOKEN"] = unquote(_email.username or "")
if env.get("ANYMAIL_WEBHOOK_SECRET"):
    ANYMAIL["WEBHOOK_SECRET"] = env["ANYMAIL_WEBHOOK_SECRET"]

# Recommendations: best-sellers count the orders of this many days (days), and a ranked list
# of best-sellers is cached this long (seconds; a refresh that counted orders renews it).
RECOMMENDATIONS_BESTSELLER_DAYS = int(env.get("RECOMMENDATIONS_BESTSELLER_DAYS", "30"))
RECOMMENDATIONS_CACHE_SECONDS = int(env.get("RECOMMENDATIONS_CACHE_SECONDS", "300"))
# Storefront tracking: at most this many events per client in this many seconds.
STOREFRONT_EVENT_RATE = (int(env.get("STOREFRONT_EVENTS_PER_MINUTE", "300")), 60)
# ... per client address (ids are the caller's to choose; many visitors may share an address),
# per shop, and new anonymous visitors (contacts) per address.
STOREFRONT_EVENT_RATE_PER_ADDRESS = (
    int(env.get("STOREFRONT_EVENTS_PER_ADDRESS_PER_MINUTE", "600")),
    60,
)
STOREFRONT_EVENT_RATE_PER_INSTALLATION = (
    int(env.get("STOREFRONT_EVENTS_PER_SHOP_PER_MINUTE", "30000")),
    60,
)
STOREFRONT_NEW_VISITOR_RATE_PER_ADDRESS = (
    int(env.get("STOREFRONT_NEW_VISITORS_PER_ADDRESS_PER_HOUR", "120")),
    3600,
)
# Newsletter sign-ups (each may email an address) per client address and per shop, an hour.
STOREFRONT_SUBSCRIBE_RATE_PER_ADDRESS = (
    int(env.get("STOREFRONT_SUBSCRIBES_PER_ADDRESS_PER_HOUR", "10")),
    3600,
)
STOREFRONT_SUBSCRIBE_RATE_PER_INSTALLATION = (
    int(env.get("STOREFRONT_SUBSCRIBES_PER_SHOP_PER_HOUR", "1000")),
    3600,
)
# A tracked event's occurredAt: at most this far in the past, and in the future (client clocks).
STOREFRONT_EVENT_MAX_AGE = timedelta(days=int(env.get("STOREFRONT_EVENT_MAX_AGE_DAYS", "30")))
STOREFRONT_EVENT_MAX_AHEAD = timedelta(
    seconds=int(env.get("STOREFRONT_EVENT_MAX_AHEAD_SECONDS", "300"))
)
# An uninstalled shop's data is re-attached to a re-install within this many days; later a
# re-install starts a fresh installation (the old one is kept, retired, for deletion).
UNINSTALL_GRACE = timedelta(days=int(env.get("UNINSTALL_GRACE_DAYS", "30")))
# Its Saleor token and provider secrets are deleted this many days after the uninstall (a
# re-install brings a new token, so re-attaching within UNINSTALL_GRACE still works).
UNINSTALL_CREDENTIALS_GRACE = timedelta(days=int(env.get("UNINSTALL_CREDENTIALS_GRACE_DAYS", "7")))
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env["REDIS_URL"]}
        if env.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

GRAPHENE = {"SCHEMA": "saleor_mautomation.graphql.schema.schema"}
# What one /graphql/ request may ask for, checked before it runs (graphql/limits.py, ADR 0016):
# the body (a Dashboard call's; any other caller's), the document's tokens, its depth, its
# selections and aliases with fragments expanded, and its cost (fields counted once per item
# of the pages around them). The standard introspection query is 15 deep, 230 selections.
GRAPHQL_MAX_BODY_BYTES = int(env.get("GRAPHQL_MAX_BODY_BYTES", str(1024 * 1024)))
GRAPHQL_MAX_BODY_BYTES_STOREFRONT = int(
    env.get("GRAPHQL_MAX_BODY_BYTES_STOREFRONT", str(256 * 1024))
)
GRAPHQL_MAX_TOKENS = int(env.get("GRAPHQL_MAX_TOKENS", "5000"))
GRAPHQL_MAX_DEPTH = int(env.get("GRAPHQL_MAX_DEPTH", "16"))
GRAPHQL_MAX_SELECTIONS = int(env.get("GRAPHQL_MAX_SELECTIONS", "400"))
GRAPHQL_MAX_ALIASES = int(env.get("GRAPHQL_MAX_ALIASES", "50"))
GRAPHQL_MAX_COST = int(env.get("GRAPHQL_MAX_COST", "50000"))

LOG_LEVEL = env.get("LOG_LEVEL", "INFO").upper()
# ``plain`` (default): a text line per record; ``json``: one JSON object per line (time, level,
# logger, message, exception: core/json_logs.py), for log collectors.
LOG_FORMAT = env.get("LOG_FORMAT", "plain").strip().lower()
if LOG_FORMAT == "json":
    CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # Celery's workers keep the JSON handler below
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "saleor_mautomation.core.json_logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # An idle app runs a dozen periodic tasks a minute: each one received, sent by the
        # scheduler and succeeded is logged at INFO by Celery. Kept for LOG_LEVEL=DEBUG only;
        # failures and retries are warnings and errors, and still logged. So is each SMTP
        # command the demo's mail catcher (aiosmtpd's ``mail.log``) receives, and each HTTP
        # request httpx makes (the demo's simulator logs one line per action instead).
        **{
            name: {"level": "WARNING" if LOG_LEVEL != "DEBUG" else "DEBUG"}
            for name in (
                "celery.app.trace",
                "celery.worker.strategy",
                "celery.beat",
                "mail.log",
                "httpx",
            )
        },
    },
}

# Error reports to Sentry (the ``sentry`` extra): the project's DSN (empty: off), the
# environment its events are filed under (default MAUTOMATION_ENV) and the share of requests
# and tasks traced for performance, 0 to 1 (default 0: errors only).
SENTRY_DSN = env.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = env.get("SENTRY_ENVIRONMENT", MAUTOMATION_ENV)
SENTRY_TRACES_SAMPLE_RATE = float(env.get("SENTRY_TRACES_SAMPLE_RATE", "0"))
if SENTRY_DSN:
    from saleor_mautomation.core.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=SENTRY_ENVIRONMENT,
        traces_sample_rate=SENTRY_TRACES_SAMPLE_RATE,
    )

# The bearer token Prometheus sends to /metrics (``Authorization: Bearer <token>``); without
# it, /metrics answers loopback callers only (a scraper on the same host or in the container).
METRICS_TOKEN = env.get("METRICS_TOKEN", "")
