"""What each environment variable the settings read means, for the configuration reference.

``docs/configuration.md`` is generated (``make docs``, ``tools/docs_reference.py``) from this
table and from the code: which variables are read, and their defaults, come from parsing
``settings.py`` (and any other module of the package that reads the environment); the meaning,
the group and a default the code computes come from here. A test fails when a variable read by
the code is missing here, when one listed here is no longer read, and when a default given here
repeats (and so could contradict) a literal default in the code. Nothing imports this module at
run time.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Doc:
    meaning: str
    # Shown as the default where the code computes it (``Path.cwd() / "var"``, ``x or y``);
    # a literal default in the code is shown from the code, never from here.
    default: str | None = None
    # The unit of the default and of the value: "s", "days", "bytes", ...
    unit: str = ""


@dataclass(frozen=True)
class Group:
    title: str
    about: str
    settings: dict[str, Doc]


GROUPS: list[Group] = [
    Group(
        "Core",
        "Where the app answers and where it keeps its state. Every setting has a working "
        "default for the embedded mode (an SQLite file and a filesystem broker under "
        "`MAUTOMATION_VAR_DIR`, keys generated there on first use); production sets "
        "`DATABASE_URL`, `CELERY_BROKER_URL`, `SECRET_KEY` and `ENCRYPTION_KEY`.",
        {
            "APP_URL": Doc(
                "the app's public base URL (the manifest's URLs, links in messages); its host "
                "is Django's allowed host (on loopback `localhost`, `127.0.0.1` and `[::1]` "
                "alike). A Saleor on another machine must reach the app at this URL",
                default="`http://localhost:$PORT`",
            ),
            "PORT": Doc("the port `mautomation serve` listens on"),
            "BIND": Doc(
                "the address `mautomation serve` listens on: loopback only unless set "
                "(`0.0.0.0` for every interface, e.g. in a container or behind a proxy on "
                "another host)"
            ),
            "ALLOWED_HOSTS": Doc(
                "comma-separated host names the app answers to (Django's `ALLOWED_HOSTS`); "
                "empty: the host of `APP_URL` (every loopback name when that is loopback)"
            ),
            "DEBUG": Doc("Django's debug mode (never in production)"),
            "MAUTOMATION_VAR_DIR": Doc(
                "where the embedded default keeps its files: the SQLite database, the "
                "filesystem broker, the generated secret and encryption keys, collected static "
                "files, the demo's files (`demo/`)",
                default="`var/` in the working directory",
            ),
            "SECRET_KEY": Doc("Django's secret", default="generated under `MAUTOMATION_VAR_DIR`"),
            "ENCRYPTION_KEY": Doc(
                "Fernet key(s) for the secrets the app stores (Saleor tokens, provider "
                "credentials), comma-separated: the first encrypts, all decrypt (rotation)",
                default="generated under `MAUTOMATION_VAR_DIR`",
            ),
            "DATABASE_URL": Doc(
                "the database: PostgreSQL in production (`postgres://user:pass@host/db`)",
                default="SQLite file `MAUTOMATION_VAR_DIR/mautomation.sqlite3`",
            ),
            "REDIS_URL": Doc(
                "the shared cache for rate limits, e.g. the broker's Redis; unset, each "
                "process counts on its own"
            ),
            "DASHBOARD_DIST": Doc(
                "the built Dashboard extension the app serves under `/dashboard/`",
                default="`dashboard_extension/dist` of the source tree",
            ),
            "LOG_LEVEL": Doc(
                "the root logger's level (`DEBUG`, `INFO`, `WARNING`, ...); logs go to the "
                "console. Celery's line per task run is kept for `DEBUG`"
            ),
        },
    ),
    Group(
        "Workers and scheduler",
        "The Celery broker, and how often the scheduler (`mautomation scheduler`) starts the "
        "periodic work. Worker queues: `intake`, `default`, `journeys`, `sending`, `backfill` "
        "and `bulk` ([architecture.md](architecture.md#processes-and-queues)).",
        {
            "CELERY_BROKER_URL": Doc(
                "the Celery broker: Redis in production (`redis://host:6379/0`); "
                "`filesystem://` keeps the queues in files under `MAUTOMATION_VAR_DIR/broker/`"
            ),
            "BROKER_HANDOFF_TIMEOUT": Doc(
                "the web process wakes the drain and the sender with this connect/socket "
                "timeout and no retries; `/readyz` checks the broker with it too",
                unit="s",
            ),
            "BROKER_HANDOFF_BACKOFF": Doc(
                "after a failed hand-off the web process skips hand-offs this long (the work "
                "is stored and swept when the broker is back)",
                unit="s",
            ),
            "CELERY_TASK_ALWAYS_EAGER": Doc(
                "run tasks in the calling process instead of the broker (tests and scripts only)"
            ),
            "WORKER_NICE": Doc(
                "the workers' CPU priority below the web's (a nice value, 0 to 19; 0 = the "
                "same): on a shared machine Saleor's deliveries are answered first"
            ),
            "SEGMENTS_SWEEP_INTERVAL": Doc(
                "how often segments that change with time alone are rebuilt", unit="s"
            ),
            "JOURNEYS_WAKE_INTERVAL": Doc(
                "how often due journey runs (and a broadcast's runs) are woken", unit="s"
            ),
            "JOURNEYS_ENTRIES_INTERVAL": Doc(
                "how often date and broadcast entries that are due are started, and broadcast "
                "tests past their wait decided",
                unit="s",
            ),
            "TRIGGERS_SWEEP_INTERVAL": Doc(
                "how often derived triggers (checkout and browse abandoned, lapsed, spend "
                "thresholds) are swept",
                unit="s",
            ),
            "RECOMMENDATIONS_REFRESH_INTERVAL": Doc(
                "how often each shop's recommendations count the orders stored since the last "
                "refresh and take back cancelled ones ([recommendations.md](recommendations.md))",
                unit="s",
            ),
            "MESSAGES_SEND_INTERVAL": Doc(
                "how often the scheduler wakes the sender (it is also woken after each enqueue)",
                unit="s",
            ),
        },
    ),
    Group(
        "Saleor",
        "Which Saleors may install the app, and how the app calls them.",
        {
            "ALLOWED_SALEOR_URLS": Doc(
                "comma-separated patterns of Saleor API URLs that may install the app, e.g. "
                "`https://*.saleor.cloud/graphql/`: the host glob matches the host alone, "
                "https only unless the pattern says `http://`, the port only if given, the "
                "path is always exactly `/graphql/` (no userinfo, query or fragment); `*` "
                "accepts every Saleor"
            ),
            "SALEOR_ALLOW_LOOPBACK": Doc(
                "allow calls to loopback and private addresses (tests, the demo, a Saleor on "
                "the same machine); off, the app calls public addresses only (ADR 0004)"
            ),
            "SALEOR_HTTP_TIMEOUT": Doc(
                "calls to Saleor (GraphQL, JWKS): the connect and the read timeout", unit="s"
            ),
            "SALEOR_HTTP_RETRIES": Doc("retries of a call to Saleor on network faults and 5xx"),
            "SALEOR_HTTP_BACKOFF": Doc("the base back-off between those retries", unit="s"),
            "WEBHOOKS_SYNC_AT_START": Doc(
                "bring each installation's webhooks in Saleor in line with the manifest when a "
                "worker or the scheduler starts (once per process, in the background; failures "
                "are logged), so an installation made by an older version gets the webhooks "
                "added since without a reinstall; `0` turns it off (`mautomation sync-webhooks` "
                "and the `webhooksSync` mutation still do it on demand)"
            ),
            "SALEOR_JWKS_REFRESH_INTERVAL": Doc(
                "after a signature fails with the cached keys, Saleor's JWKS is fetched again "
                "at most this often per installation",
                unit="s",
            ),
            "BACKFILL_PAGE_SIZE": Doc(
                "nodes per page of the import of a shop's customers, orders and checkouts "
                "(Saleor allows at most 100)"
            ),
            "BACKFILL_MIN_PAGE_INTERVAL": Doc(
                "the least time between the starts of two backfill page requests, so an "
                "import never crowds out the shop's own traffic",
                unit="s",
            ),
            "WRITEBACK_BATCH_SIZE": Doc(
                "customers per write-back request of key figures to Saleor's private metadata "
                "(at most 100, Saleor's alias limit: a larger value is taken as 100)"
            ),
            "WRITEBACK_MIN_BATCH_INTERVAL": Doc(
                "the least time between the starts of two write-back requests (each write "
                "makes Saleor send two webhooks per app)",
                unit="s",
            ),
            "UNINSTALL_GRACE_DAYS": Doc(
                "an uninstalled shop's data is re-attached to a re-install within this many "
                "days; after that a re-install starts afresh (the old installation is kept, "
                "retired)",
                unit="days",
            ),
            "UNINSTALL_CREDENTIALS_GRACE_DAYS": Doc(
                "an uninstalled shop's Saleor token and email and SMS provider secrets are "
                "deleted this many days after the uninstall (the hourly installations sweep); "
                "a re-install brings a new token",
                unit="days",
            ),
        },
    ),
    Group(
        "Intake",
        "Webhook deliveries are stored, then drained in batches "
        "([ADR 0001](adr/0001-webhook-deliveries-are-stored-then-drained-in-batches.md)).",
        {
            "INTAKE_BATCH_SIZE": Doc("stored deliveries the drain claims at a time"),
            "INTAKE_NUDGE_WINDOW": Doc(
                "the web process wakes the drain at most once per window (and once after it)",
                unit="s",
            ),
            "INTAKE_SWEEP_INTERVAL": Doc(
                "how often the scheduler drains what a lost wake-up left behind", unit="s"
            ),
            "INTAKE_MAX_ATTEMPTS": Doc(
                "tries of a delivery's handler before it is marked `failed` (listed in the "
                "Dashboard's Operations page for retry or discard)"
            ),
            "DELIVERY_RETENTION_DAYS": Doc(
                "days raw webhook bodies are kept: then processed and ignored deliveries are "
                "deleted, failed and rejected ones keep their row without the body",
                unit="days",
            ),
        },
    ),
    Group(
        "Recommendations",
        "What recommendations count ([recommendations.md](recommendations.md)).",
        {
            "RECOMMENDATIONS_BESTSELLER_DAYS": Doc(
                "best-sellers (overall and per category) count the orders of this many days",
                unit="days",
            ),
            "RECOMMENDATIONS_CACHE_SECONDS": Doc(
                "how long a ranked best-seller list is kept in the cache (a refresh that "
                "counted orders starts a new one)",
                unit="s",
            ),
        },
    ),
    Group(
        "Storefront limits",
        "What one storefront client, client address and shop may do through the storefront "
        "API ([storefront.md](storefront.md)); over a limit the call answers `RATE_LIMITED` "
        "and nothing is written. Counted in `REDIS_URL`'s cache when set.",
        {
            "STOREFRONT_EVENTS_PER_MINUTE": Doc(
                "tracked events per storefront client (anonymous id or customer) per minute"
            ),
            "STOREFRONT_EVENTS_PER_ADDRESS_PER_MINUTE": Doc(
                "tracked events per client IP address per minute (whatever ids it sends)"
            ),
            "STOREFRONT_EVENTS_PER_SHOP_PER_MINUTE": Doc(
                "tracked events per installation per minute"
            ),
            "STOREFRONT_NEW_VISITORS_PER_ADDRESS_PER_HOUR": Doc(
                "new anonymous ids (contacts) per client IP address per hour"
            ),
            "STOREFRONT_SUBSCRIBES_PER_ADDRESS_PER_HOUR": Doc(
                "`subscribe` calls (each may email a confirmation) per client IP address per hour"
            ),
            "STOREFRONT_SUBSCRIBES_PER_SHOP_PER_HOUR": Doc(
                "`subscribe` calls per installation per hour"
            ),
            "STOREFRONT_EVENT_MAX_AGE_DAYS": Doc(
                "how far before now a tracked event's `occurredAt` may be (else "
                "`EVENT_TIME_OUT_OF_RANGE`)",
                unit="days",
            ),
            "STOREFRONT_EVENT_MAX_AHEAD_SECONDS": Doc(
                "how far after now a tracked event's `occurredAt` may be (client clocks); a "
                "time slightly ahead is stored as now",
                unit="s",
            ),
        },
    ),
    Group(
        "GraphQL limits",
        "What one `/graphql/` request may ask for, all checked before anything runs "
        "([ADR 0016](adr/0016-graphql-requests-are-bounded-before-execution.md)).",
        {
            "GRAPHQL_MAX_BODY_BYTES": Doc(
                "the largest `/graphql/` body from the Dashboard, told by `Content-Length` "
                "before it is read (else 413 `REQUEST_TOO_LARGE`)",
                unit="bytes",
            ),
            "GRAPHQL_MAX_BODY_BYTES_STOREFRONT": Doc(
                "the largest `/graphql/` body from anyone else (storefronts)", unit="bytes"
            ),
            "GRAPHQL_MAX_TOKENS": Doc(
                "lexical tokens of a GraphQL document; the parser stops there (`QUERY_TOO_LARGE`)"
            ),
            "GRAPHQL_MAX_DEPTH": Doc(
                "nesting of fields with fragments expanded (`QUERY_TOO_DEEP`); the standard "
                "introspection query is 15 deep"
            ),
            "GRAPHQL_MAX_SELECTIONS": Doc(
                "fields and fragment spreads with fragments expanded (`QUERY_TOO_MANY_FIELDS`); "
                "the standard introspection query has 230"
            ),
            "GRAPHQL_MAX_ALIASES": Doc(
                "aliases with fragments expanded (`QUERY_TOO_MANY_ALIASES`)"
            ),
            "GRAPHQL_MAX_COST": Doc(
                "a document's cost: each field counted once per item of the pages (`first`, "
                "given or by default) around it (`QUERY_TOO_EXPENSIVE`)"
            ),
        },
    ),
    Group(
        "Sending",
        "The email provider, and the DNS the sender-domain check asks.",
        {
            "EMAIL_URL": Doc(
                "the email provider: `smtp://user:pass@host:port` (`smtp+tls://` for STARTTLS, "
                "`smtps://` for TLS; the password may be percent-encoded), "
                "`anymail+<esp>://API_KEY@` (e.g. `anymail+postmark://KEY@`), `console://` "
                "(printed), `locmem://` (tests)"
            ),
            "DEFAULT_FROM_EMAIL": Doc(
                "the sender address when an installation sets no `fromEmail` (the display "
                "name is still the shop's); the placeholder default is named in "
                "`appSettings.warnings`"
            ),
            "ANYMAIL_WEBHOOK_SECRET": Doc(
                "`user:password` the ESP's tracking webhook (`/api/esp/<esp>/tracking/`) "
                "authenticates with (HTTP basic auth)"
            ),
            "EMAIL_MESSAGES_PER_CONNECTION": Doc(
                "messages handed over on one email connection (an SMTP session, an ESP's HTTP "
                "session) before it is closed and a new one opened"
            ),
            "EMAIL_CONNECTIONS": Doc(
                "parallel connections the campaign senders of all workers open to the "
                "deployment's email provider (`EMAIL_URL`), and to a shop's provider that sets "
                "none; real-time senders keep one connection of their own"
            ),
            "EMAIL_MAX_PER_SECOND": Doc(
                "messages per second all workers hand to the deployment's email provider "
                "(0: no limit); real-time messages never wait behind a campaign's reservations"
            ),
            "EMAIL_ESP_BATCH": Doc(
                "on: a campaign to Postmark, Mailjet or Resend goes in their batch calls, many "
                "distinct messages per call, each answered alone "
                "([ADR 0049](adr/0049-a-campaign-goes-to-an-esp-in-its-batch-calls-each-message-"
                "rendered-alone-and-answered-alone.md)); off: one message per call"
            ),
            "SEND_BULK_BATCH": Doc(
                "broadcast messages the bulk sender (`messages_send_bulk`, queue `bulk`) "
                "claims at a time; real-time messages have their own sender on `sending`"
            ),
            "SEND_BULK_CHUNK": Doc(
                "broadcast messages whose attempts and outcomes are recorded together (one "
                "statement before their hand-over, two after): a sender lost mid-chunk leaves "
                "at most that many `unknown`, none sent twice "
                "([ADR 0028](adr/0028-broadcast-sends-are-recorded-per-chunk.md))"
            ),
            "SMS_SHORT_LINK_DAYS": Doc(
                "how long a text's short link (`/s/<code>`, [channels.md](channels.md#short-"
                "links-in-texts)) leads to its target after the text was sent; an older code "
                "answers 404, and the nightly purge (03:15 UTC) deletes it",
                unit="days",
            ),
            "DNS_NAMESERVERS": Doc(
                "the nameservers (comma-separated `host` or `host:port`) the sender-domain "
                "check asks; empty: the system's resolvers (`/etc/resolv.conf`)"
            ),
            "DNS_TIMEOUT": Doc(
                "seconds per DNS query of the sender-domain check (a check takes at most about "
                "12 s)",
                unit="s",
            ),
        },
    ),
    Group(
        "Production",
        "The deployment profile, logs, error reports and metrics ([deployment.md](deployment.md)).",
        {
            "MAUTOMATION_ENV": Doc(
                "the deployment profile: `production` redirects HTTP to HTTPS (the probes and "
                "`/metrics` exempt), sends HSTS, marks cookies secure, keeps `DEBUG` off and "
                "refuses to start without `SECRET_KEY`, `ENCRYPTION_KEY`, `DATABASE_URL` and "
                "`CELERY_BROKER_URL` (no generated keys, no embedded database or broker); "
                "anything else is the embedded mode"
            ),
            "SECURE_HSTS_SECONDS": Doc(
                "with `MAUTOMATION_ENV=production`: how long browsers remember to use HTTPS "
                "(`0` sends no HSTS header); outside production no header is sent",
                unit="s",
            ),
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": Doc("HSTS covers the subdomains too"),
            "SECURE_HSTS_PRELOAD": Doc(
                "the HSTS preload flag (hard to undo: the operator's decision)"
            ),
            "LOG_FORMAT": Doc(
                "`plain`: a text line per record; `json`: one JSON object per line (time, "
                "level, logger, message, exception) for log collectors"
            ),
            "SENTRY_DSN": Doc(
                "the Sentry project's DSN: errors are reported there (needs the `sentry` extra, "
                "`pip install saleor-mautomation[sentry]`; no personal data is sent); empty: "
                "off"
            ),
            "SENTRY_ENVIRONMENT": Doc(
                "the environment Sentry files the events under",
                default="the value of `MAUTOMATION_ENV`",
            ),
            "SENTRY_TRACES_SAMPLE_RATE": Doc(
                "the share of requests and tasks traced for performance, 0 to 1 (0: errors only)"
            ),
            "METRICS_TOKEN": Doc(
                "the bearer token Prometheus sends to `/metrics` (`Authorization: Bearer "
                "<token>`); empty: `/metrics` answers loopback callers only"
            ),
        },
    ),
    Group(
        "Demo",
        "`mautomation demo` (`make demo`, [demo.md](demo.md)): a simulated shop on this machine. "
        "Nothing of it is reachable unless `DEMO_MODE` is on.",
        {
            "DEMO_MODE": Doc(
                "turns the demo's pages on the app's origin on: the demo sign-in, the mail page "
                "and the GraphQL explorer (`make demo` sets it; never in production)"
            ),
            "DEMO_SALEOR_PORT": Doc(
                "the loopback port of the demo Saleor (JWKS, GraphQL API, the stand-in "
                "Dashboard with its sign-in)"
            ),
            "DEMO_SMTP_PORT": Doc("the loopback port of the demo's mail catcher (SMTP)"),
            "DEMO_MAIL_KEEP": Doc(
                "how many messages the mail catcher keeps (under "
                "`MAUTOMATION_VAR_DIR/demo/mail/`): older ones are deleted as new ones arrive"
            ),
            "DEMO_SEED": Doc(
                "the seed of the generated shop (the same seed, the same shop); read on the "
                "first run only, which keeps it in `MAUTOMATION_VAR_DIR/demo/shop.json` for "
                "later runs"
            ),
            "DEMO_CUSTOMERS": Doc(
                "how many customers the generated shop has; read on the first run only, like "
                "`DEMO_SEED`"
            ),
            "DEMO_SIMULATOR_INTERVAL": Doc(
                "the time between two actions of the simulator (a registration, a visit, a "
                "checkout, an order, a fulfilment or a refund, each sent to the app as Saleor "
                "would)",
                unit="s",
            ),
        },
    ),
]


def documented() -> dict[str, tuple[Group, Doc]]:
    """Every documented variable with its group."""
    return {name: (group, doc) for group in GROUPS for name, doc in group.settings.items()}
