from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from saleor_mautomation.core.json_logs import JsonFormatter
from tests.conftest import make_installation

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "MAUTOMATION_ENV": "production",
    "SECRET_KEY": "a-production-secret-of-fifty-characters-or-more-000",
    "ENCRYPTION_KEY": Fernet.generate_key().decode(),
    "DATABASE_URL": "postgres://mautomation:placeholder@db.internal:5432/mautomation",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
}
SHOWN = (
    "DEBUG",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
)
PRINT_SETTINGS = f"""
import json, django
django.setup()
from django.conf import settings
print(json.dumps({{name: getattr(settings, name) for name in {SHOWN!r}}}))
"""


def environment(tmp_path, **values: str) -> dict[str, str]:
    """This interpreter's environment without the app's settings, plus ``values``."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if name in {"PATH", "HOME", "LANG", "SYSTEMROOT", "TMPDIR"}
    }
    return {
        **kept,
        "DJANGO_SETTINGS_MODULE": "saleor_mautomation.project.settings",
        "MAUTOMATION_VAR_DIR": str(tmp_path / "var"),
        **values,
    }


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_turns_https_and_the_security_headers_on_and_debug_off(tmp_path):
    # when: DEBUG asked for as well
    done = run_python(PRINT_SETTINGS, environment(tmp_path, DEBUG="1", **PRODUCTION))

    # then
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_REDIRECT_EXEMPT": ["^healthz$", "^readyz$", "^metrics$"],
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
    }
    assert not (tmp_path / "var" / "secret_key").exists()
    assert not (tmp_path / "var" / "encryption_key").exists()


def test_hsts_is_the_operators_to_tune(tmp_path):
    # when
    done = run_python(
        PRINT_SETTINGS,
        environment(
            tmp_path,
            SECURE_HSTS_SECONDS="3600",
            SECURE_HSTS_INCLUDE_SUBDOMAINS="0",
            SECURE_HSTS_PRELOAD="1",
            **PRODUCTION,
        ),
    )

    # then
    shown = json.loads(done.stdout)
    assert (
        shown["SECURE_HSTS_SECONDS"],
        shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"],
        shown["SECURE_HSTS_PRELOAD"],
    ) == (3600, False, True)


def test_the_embedded_default_stays_on_plain_http(tmp_path):
    # when
    done = run_python(PRINT_SETTINGS, environment(tmp_path, DEBUG="1"))

    # then
    shown = json.loads(done.stdout)
    assert shown["DEBUG"] is True
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0
    assert shown["SESSION_COOKIE_SECURE"] is False


@pytest.mark.parametrize(
    "missing",
    [
        ("SECRET_KEY",),
        ("ENCRYPTION_KEY",),
        ("DATABASE_URL",),
        ("CELERY_BROKER_URL",),
        ("SECRET_KEY", "CELERY_BROKER_URL"),
    ],
)
def test_production_refuses_to_start_without_its_secrets_and_servers(tmp_path, missing):
    # given
    values = {name: value for name, value in PRODUCTION.items() if name not in missing}

    # when
    done = run_python(PRINT_SETTINGS, environment(tmp_path, **values))

    # then: nothing generated, the missing names said, no secret printed
    assert done.returncode == 1
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last == (
        "django.core.exceptions.ImproperlyConfigured: MAUTOMATION_ENV=production needs "
        f"{', '.join(missing)} set: production never generates keys or falls back to the "
        "embedded SQLite database and filesystem broker (.env.example lists every setting a "
        "deployment sets)"
    )
    assert not (tmp_path / "var").exists()
    for name in ("SECRET_KEY", "ENCRYPTION_KEY"):
        if name not in missing:
            assert PRODUCTION[name] not in done.stderr


def test_a_json_log_line_has_exactly_time_level_logger_message():
    # given: a record with extras a request log carries
    record = logging.LogRecord(
        "saleor_mautomation.intake", logging.WARNING, __file__, 1, "stored %s of %d", ("x", 3), None
    )
    record.created = 1781524800.25  # 2026-06-15 12:00:00.250 UTC
    record.request = "<WSGIRequest: POST '/api/register'>"
    record.auth_token = "app-token-1"

    # when
    line = JsonFormatter().format(record)

    # then
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-06-15T12:00:00.250+00:00",
        "level": "WARNING",
        "logger": "saleor_mautomation.intake",
        "message": "stored x of 3",
    }


def test_a_json_log_line_carries_the_exception_with_its_traceback():
    # given
    try:
        raise ValueError("bad payload")
    except ValueError:
        record = logging.LogRecord("app", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())

    # when
    shown = json.loads(JsonFormatter().format(record))

    # then
    assert sorted(shown) == ["exception", "level", "logger", "message", "time"]
    assert shown["exception"].startswith("Traceback (most recent call last):\n")
    assert shown["exception"].endswith("ValueError: bad payload")


def test_log_format_json_configures_every_log_line_as_json(tmp_path):
    # given
    code = (
        "import django, logging\ndjango.setup()\n"
        "logging.getLogger('saleor_mautomation.demo').warning('one %s', 'line')\n"
        "logging.getLogger('django.request').error('two')\n"
    )

    # when
    done = run_python(code, environment(tmp_path, LOG_FORMAT="json", **PRODUCTION))

    # then
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["level"], line["logger"], line["message"]) for line in lines] == [
        ("WARNING", "saleor_mautomation.demo", "one line"),
        ("ERROR", "django.request", "two"),
    ]


def test_sentry_starts_only_with_a_dsn_and_without_personal_data(tmp_path):
    # given
    code = (
        "import django\ndjango.setup()\nimport sentry_sdk\n"
        "client = sentry_sdk.get_client()\n"
        "print(client.is_active(), client.options['send_default_pii'],"
        " client.options['environment'], client.options['traces_sample_rate'],"
        " sorted(i for i in client.integrations if i in ('django', 'celery')))\n"
    )
    dsn = "http://public@127.0.0.1:9/1"

    # when
    with_dsn = run_python(code, environment(tmp_path, SENTRY_DSN=dsn, **PRODUCTION))
    without = run_python(code, environment(tmp_path, **PRODUCTION))

    # then
    assert with_dsn.stdout == "True False production 0.0 ['celery', 'django']\n", with_dsn.stderr
    assert without.stdout.startswith("False ")


@pytest.fixture
def production_security(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = ["^healthz$", "^readyz$", "^metrics$"]
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


@pytest.mark.django_db
def test_plain_http_is_redirected_except_the_probes_and_the_scrape(client, production_security):
    # when
    manifest = client.get("/api/manifest")
    probes = [client.get(path, REMOTE_ADDR="127.0.0.1") for path in ("/healthz", "/metrics")]

    # then
    assert manifest.status_code == 301
    assert manifest["Location"] == "https://testserver/api/manifest"
    assert [probe.status_code for probe in probes] == [200, 200]


@pytest.mark.django_db
def test_https_answers_carry_hsts_and_the_dashboards_framing_is_kept(
    client, production_security, settings, tmp_path
):
    # given: a built extension and an installation whose Dashboard frames it
    (tmp_path / "index.html").write_text('<div id="root"></div>')
    settings.DASHBOARD_DIST = tmp_path
    make_installation(saleor_api_url="https://shop.eu.saleor.cloud/graphql/")

    # when: through a TLS proxy
    page = client.get(
        "/dashboard/?saleorApiUrl=https%3A%2F%2Fshop.eu.saleor.cloud%2Fgraphql%2F",
        HTTP_X_FORWARDED_PROTO="https",
    )
    other = client.get("/healthz", HTTP_X_FORWARDED_PROTO="https")

    # then
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page["Content-Security-Policy"] == "frame-ancestors https://shop.eu.saleor.cloud"
    assert "X-Frame-Options" not in page
    assert other["X-Frame-Options"] == "DENY"
    assert other["Referrer-Policy"] == "same-origin"
    assert other["Cross-Origin-Opener-Policy"] == "same-origin"
