"""``mautomation doctor``: each check's OK and FAIL lines, exactly, against the stand-in Saleor,
a DNS server and an SMTP server on loopback, a broker on an unused port."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
import ssl
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from celery import Celery
from celery.contrib.testing.worker import start_worker
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from cryptography.x509.oid import NameOID
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.utils import ConnectionHandler

from saleor_mautomation.messages.models import EmailProvider, SendingRules
from saleor_mautomation.ops.deployment import broker_lines, database_lines, settings_lines
from saleor_mautomation.ops.installations import installation_lines
from saleor_mautomation.ops.mail import email_lines
from saleor_mautomation.ops.report import Line, Status, fail, ok, warn
from saleor_mautomation.ops.sender_domains import ADVICE, Sender, sender_lines, senders
from saleor_mautomation.project.celery import app as celery_app
from saleor_mautomation.saleor.webhooks import SPECS
from tests.conftest import make_installation
from tests.ops.conftest import APP_ID, APP_URL, install_manifest
from tests.support.dns_standin import TIMEOUT, DnsStandin
from tests.support.e2e_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def _texts(lines: list[Line]) -> list[str]:
    return [line.text() for line in lines]


# -- settings ------------------------------------------------------------------------------


@pytest.fixture
def generated_keys(settings, tmp_path):
    """The keys as the embedded default made them: files under VAR_DIR holding the values."""
    settings.VAR_DIR = tmp_path
    (tmp_path / "secret_key").write_text(settings.SECRET_KEY + "\n")
    (tmp_path / "encryption_key").write_text(",".join(settings.ENCRYPTION_KEYS))
    return tmp_path


def test_a_public_deployment_on_the_embedded_defaults_fails_the_settings(settings, generated_keys):
    # given
    settings.PRODUCTION = False
    settings.APP_URL = "http://shop-app.example.com"
    settings.ALLOWED_HOSTS = ["*"]
    settings.ALLOWED_SALEOR_URLS = ["*"]
    settings.DEBUG = True

    # when
    lines = settings_lines()

    # then
    assert _texts(lines) == [
        "WARN MAUTOMATION_ENV: not production, yet APP_URL http://shop-app.example.com is not on"
        " loopback Fix: set MAUTOMATION_ENV=production (HTTPS redirect, HSTS, secure cookies,"
        " the secrets required)",
        f"FAIL SECRET_KEY: generated in {generated_keys}/secret_key Fix: set SECRET_KEY in the"
        " environment, the same for every web and worker process",
        f"FAIL ENCRYPTION_KEY: generated in {generated_keys}/encryption_key Fix: set"
        f" ENCRYPTION_KEY in the environment to the key in {generated_keys}/encryption_key (the"
        " stored Saleor tokens and provider secrets are encrypted with it) and keep a copy with"
        " the backups",
        "FAIL DEBUG: on: error pages show settings and code to anyone Fix: set DEBUG=0",
        "FAIL APP_URL: http://shop-app.example.com is not https Fix: serve the app behind HTTPS"
        " and set APP_URL to its https:// URL (Saleor sends tokens and customer data to it)",
        "FAIL ALLOWED_HOSTS: * (any Host header) Fix: set ALLOWED_HOSTS to the app's host names"
        " (shop-app.example.com)",
        "FAIL ALLOWED_SALEOR_URLS: * (any Saleor may install the app and have this deployment"
        " work for it) Fix: set ALLOWED_SALEOR_URLS to your shops' API URLs, e.g."
        " https://your-shop.saleor.cloud/graphql/",
    ]


def test_a_production_deployment_passes_the_settings(settings, generated_keys):
    # given: the profile refuses to start without the keys in the environment
    settings.PRODUCTION = True
    settings.APP_URL = "https://mautomation.example.com"
    settings.ALLOWED_HOSTS = ["mautomation.example.com"]
    settings.ALLOWED_SALEOR_URLS = ["https://shop.example.com/graphql/"]
    settings.DEBUG = False

    # when
    lines = settings_lines()

    # then
    assert _texts(lines) == [
        "OK   MAUTOMATION_ENV: production",
        "OK   SECRET_KEY: set in the environment",
        "OK   ENCRYPTION_KEY: set in the environment",
        "OK   DEBUG: off",
        "OK   APP_URL: https://mautomation.example.com",
        "OK   ALLOWED_HOSTS: mautomation.example.com",
        "OK   ALLOWED_SALEOR_URLS: https://shop.example.com/graphql/",
    ]


def test_an_app_on_loopback_keeps_its_embedded_defaults(settings, generated_keys):
    # given
    settings.PRODUCTION = False
    settings.APP_URL = "http://localhost:8080"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
    settings.ALLOWED_SALEOR_URLS = ["*"]
    settings.DEBUG = False

    # when
    lines = settings_lines()

    # then
    assert all(line.status is Status.OK for line in lines)
    assert lines[1] == ok(
        "SECRET_KEY", f"generated in {generated_keys}/secret_key (embedded default)"
    )


def test_allowed_hosts_without_the_app_urls_host_fail(settings):
    # given
    settings.APP_URL = "https://mautomation.example.com"
    settings.ALLOWED_HOSTS = ["other.example.com"]

    # when
    line = next(line for line in settings_lines() if line.check == "ALLOWED_HOSTS")

    # then
    assert line == fail(
        "ALLOWED_HOSTS",
        "other.example.com: not APP_URL's host mautomation.example.com, so every call to APP_URL"
        " answers 400",
        "add mautomation.example.com to ALLOWED_HOSTS (or leave it unset: APP_URL's host)",
    )


# -- the database -----------------------------------------------------------------------------


def test_the_database_answers_and_every_migration_is_applied(db):
    assert database_lines() == [
        ok("database", "postgresql answers"),
        ok("migrations", "all applied"),
    ]


def test_a_migration_not_applied_fails_with_its_name(db):
    # given: the newest migration not recorded, as before `migrate` of a new version
    (latest,) = MigrationLoader(connection).graph.leaf_nodes("mautomation")
    MigrationRecorder(connection).record_unapplied(*latest)

    # when
    lines = database_lines()

    # then
    assert lines[1] == fail(
        "migrations",
        f"1 not applied (mautomation.{latest[1]})",
        "run `mautomation migrate` before starting the new version's processes",
    )


def test_a_database_that_does_not_answer_fails(db, settings):
    # given: the same database on a port nothing listens on
    port = free_port()
    elsewhere = ConnectionHandler({"default": {**settings.DATABASES["default"], "PORT": port}})

    # when
    lines = database_lines(elsewhere["default"])

    # then
    assert len(lines) == 1
    assert lines[0].check == "database"
    assert lines[0].status is Status.FAIL
    assert lines[0].message.startswith(
        f"postgresql unreachable (OperationalError: connection failed: connection to server at"
        f' "127.0.0.1", port {port} failed: Connection refused'
    )
    assert lines[0].fix == "check DATABASE_URL and that the database server runs"
    elsewhere.close_all()


# -- the broker and the workers ---------------------------------------------------------------


def _filesystem_broker(tmp_path: Path, name: str) -> Celery:
    folders = {sub: tmp_path / sub for sub in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir(exist_ok=True)
    app = Celery(name, broker="filesystem://")
    app.conf.broker_transport_options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    return app


def test_a_broker_that_is_down_fails(settings):
    # given
    settings.BROKER_HANDOFF_TIMEOUT = 0.5
    port = free_port()
    app = Celery("down", broker=f"redis://127.0.0.1:{port}/0")

    # when
    lines = broker_lines(app)

    # then
    assert lines == [
        fail(
            "broker",
            f"redis://127.0.0.1:{port}/0 not reachable within 0.5 s (OperationalError)",
            "start the broker (Redis) or set CELERY_BROKER_URL to it",
        )
    ]


def test_no_worker_answering_a_ping_is_a_warning(settings, tmp_path):
    # given
    settings.BROKER_HANDOFF_TIMEOUT = 0.5

    # when
    lines = broker_lines(_filesystem_broker(tmp_path, "web"))

    # then
    assert lines == [
        ok("broker", "filesystem (embedded, under var/broker) reachable"),
        warn(
            "workers",
            "none answered a ping within 1 s",
            "start `mautomation worker` (and one `mautomation scheduler`): nothing is processed"
            " or sent without them",
        ),
    ]


def test_a_worker_answering_the_ping_is_named(settings, tmp_path):
    # given: a worker on the same broker (its own app: only the broker is shared)
    settings.WORKER_NICE = 0  # the worker runs in this process
    # the ping waits up to 5 s: a worker just started consumes the filesystem broker's
    # control queue only after its first poll, which took over 1 s now and then (1 run in 3)
    settings.BROKER_HANDOFF_TIMEOUT = 5
    worker_app = _filesystem_broker(tmp_path, "worker")

    # when
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=5):
        lines = broker_lines(_filesystem_broker(tmp_path, "web"))

    # then
    assert lines[1].status is Status.OK
    assert re.fullmatch(
        r"1 answered a ping: celery@\S+|1 answered a ping: gen\d+@\S+", lines[1].message
    )


# -- email ------------------------------------------------------------------------------------


class _Box:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    box = _Box()

    def authenticate(server, session, envelope, mechanism, auth_data):
        accepted = (auth_data.login, auth_data.password) == (b"shop", b"right")
        # handled=False: aiosmtpd answers (235 or 535) itself
        return AuthResult(success=accepted, handled=False)

    port = free_port()
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=port,
        authenticator=authenticate,
        auth_require_tls=False,
    )
    controller.start()
    yield box, port
    controller.stop()


def _smtp_settings(settings, port, user="", password=""):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = user, password


def test_an_smtp_server_that_accepts_the_login_passes_without_a_message_sent(db, settings, smtp):
    # given
    box, port = smtp
    _smtp_settings(settings, port, "shop", "right")

    # when
    lines = email_lines()

    # then
    assert lines == [
        ok("email (EMAIL_URL)", f"smtp: 127.0.0.1:{port} accepted EHLO, login (nothing sent)")
    ]
    assert box.messages == []


def test_an_smtp_server_that_refuses_the_login_fails(db, settings, smtp):
    # given
    _, port = smtp
    _smtp_settings(settings, port, "shop", "wrong")

    # when
    lines = email_lines()

    # then
    assert lines == [
        fail(
            "email (EMAIL_URL)",
            f"127.0.0.1:{port} refused the login (535)",
            "check EMAIL_URL's host, port, TLS, user and password",
        )
    ]


def test_an_smtp_server_that_is_not_there_fails(db, settings):
    # given
    port = free_port()
    _smtp_settings(settings, port)

    # when
    (line,) = email_lines()

    # then
    assert line.status is Status.FAIL
    assert line.message == (
        f"cannot talk to 127.0.0.1:{port}: ConnectionRefusedError: [Errno 111] Connection refused"
    )


def _self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), as a mail server's own CA would sign it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(Encoding.PEM))
    key_path.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def starttls_smtp(tmp_path):
    """An SMTP server that offers STARTTLS and takes a login only after it (aiosmtpd's
    default), with a certificate of its own."""
    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)

    def authenticate(server, session, envelope, mechanism, auth_data):
        accepted = (auth_data.login, auth_data.password) == (b"shop", b"right")
        return AuthResult(success=accepted, handled=False)

    box, port = _Box(), free_port()
    controller = Controller(
        box, hostname="127.0.0.1", port=port, authenticator=authenticate, tls_context=context
    )
    controller.start()
    yield box, port, cert_path
    controller.stop()


def test_an_smtp_server_is_asked_starttls_then_the_login(db, settings, starttls_smtp, monkeypatch):
    # given: this machine trusts the server's certificate
    box, port, cert_path = starttls_smtp
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    _smtp_settings(settings, port, "shop", "right")
    settings.EMAIL_USE_TLS = True

    # when
    lines = email_lines()

    # then
    assert lines == [
        ok(
            "email (EMAIL_URL)",
            f"smtp: 127.0.0.1:{port} accepted EHLO, STARTTLS, login (nothing sent)",
        )
    ]
    assert box.messages == []


def test_a_certificate_this_machine_does_not_trust_fails_at_starttls(db, settings, starttls_smtp):
    # given
    _, port, _ = starttls_smtp
    _smtp_settings(settings, port, "shop", "right")
    settings.EMAIL_USE_TLS = True

    # when
    (line,) = email_lines()

    # then
    assert line.status is Status.FAIL
    assert line.message.startswith(
        f"cannot talk to 127.0.0.1:{port}: SSLCertVerificationError: [SSL:"
        " CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
    )


def test_console_mail_fails_when_deployed_and_warns_on_loopback(db, settings):
    # given
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.APP_URL = "https://mautomation.example.com"
    fix = (
        "set EMAIL_URL=smtp+tls://user:password@smtp.example.com:587 or anymail+<esp>://<api key>@"
    )
    message = "console://: mail is printed or kept in memory, never sent"

    # when
    deployed = email_lines()
    settings.APP_URL = "http://localhost:8080"
    local = email_lines()

    # then
    assert deployed == [fail("email (EMAIL_URL)", message, fix)]
    assert local == [warn("email (EMAIL_URL)", message, fix)]


def test_an_esp_passes_with_its_key_and_fails_without(db, settings):
    # given
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_API_KEY": "k", "POSTMARK_SERVER_TOKEN": "k"}

    # when
    with_key = email_lines()
    settings.ANYMAIL = {"POSTMARK_API_KEY": "", "POSTMARK_SERVER_TOKEN": ""}
    without = email_lines()

    # then
    assert with_key == [
        ok("email (EMAIL_URL)", "anymail postmark: API key set (not called: a call could send)")
    ]
    assert without == [
        fail(
            "email (EMAIL_URL)",
            "anymail postmark: no API key",
            "set EMAIL_URL=anymail+postmark://<api key>@",
        )
    ]


def test_an_installations_own_smtp_server_is_probed_too(db, settings, smtp):
    # given
    _, port = smtp
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    installation = make_installation(saleor_api_url="https://shop.example.com/graphql/")
    EmailProvider.objects.create(
        installation=installation,
        kind=EmailProvider.Kind.SMTP,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=EmailProvider.Security.NONE,
        smtp_username="shop",
        smtp_password="wrong",
    )

    # when
    lines = email_lines()

    # then
    assert lines[1] == fail(
        f"installation {installation.pk} email",
        f"127.0.0.1:{port} refused the login (535)",
        "correct the email provider in the app's Settings (Dashboard)",
    )


# -- installations: Saleor and the webhooks -----------------------------------------------


def test_no_installation_yet_says_how_to_install(db, settings):
    settings.APP_URL = "https://mautomation.example.com"

    assert installation_lines() == [
        ok(
            "installations",
            "none yet (install the app with https://mautomation.example.com/api/manifest)",
        )
    ]


def test_an_installation_in_line_with_the_manifest_passes(saleor, installation):
    # given
    install_manifest(saleor)

    # when
    lines = installation_lines()

    # then
    assert lines == [
        ok(
            f"installation {installation.pk} Saleor",
            f"{saleor.api_url} answers the app's token (app {APP_ID})",
        ),
        ok(f"installation {installation.pk} webhooks", f"{len(SPECS)} as the manifest says"),
    ]


def test_missing_webhooks_fail_with_the_command_that_adds_them(saleor, installation):
    # given
    install_manifest(saleor)
    for webhook in saleor.saleor_webhooks.of(APP_ID)[:3]:
        del saleor.saleor_webhooks.webhooks[webhook.pk]

    # when
    lines = installation_lines()

    # then
    assert lines[1] == fail(
        f"installation {installation.pk} webhooks",
        "3 webhooks missing",
        "run `mautomation sync-webhooks`",
    )


def test_differing_and_extra_webhooks_are_named(saleor, installation):
    # given
    install_manifest(saleor, app_url="https://old.example.com")
    saleor.saleor_webhooks.add(
        APP_ID, name="legacy", target_url=f"{APP_URL}/x", events=["PRODUCT_METADATA_UPDATED"]
    )

    # when
    lines = installation_lines()

    # then
    assert lines[1] == fail(
        f"installation {installation.pk} webhooks",
        f"{len(SPECS)} differ (targetUrl), 1 webhook not in the manifest (legacy)",
        "run `mautomation sync-webhooks` (--prune also deletes the extra ones)",
    )


def test_a_token_saleor_refuses_fails_and_skips_the_webhooks(saleor, db):
    # given
    installation = make_installation(saleor_api_url=saleor.api_url, auth_token="revoked")

    # when
    lines = installation_lines()

    # then
    assert lines == [
        fail(
            f"installation {installation.pk} Saleor",
            f"{saleor.api_url} refused the app's token (To access this path, you need one of the"
            " following permissions: AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)",
            "reinstall the app in the Saleor Dashboard (Apps), or uninstall it there if it is gone",
        )
    ]


def test_a_saleor_that_does_not_answer_fails(db, settings):
    # given
    settings.SALEOR_HTTP_RETRIES = 1
    url = f"http://127.0.0.1:{free_port()}/graphql/"
    installation = make_installation(saleor_api_url=url)

    # when
    (line,) = installation_lines()

    # then
    assert line.check == f"installation {installation.pk} Saleor"
    assert line.status is Status.FAIL
    assert line.message.startswith(f"{url} did not answer (POST {url} failed after 1 attempts: ")
    assert line.fix.startswith("check that this host reaches Saleor")


# -- sender domains -------------------------------------------------------------------------------


def _rsa_key(bits: int) -> str:
    key = rsa.RSAPublicNumbers(65537, (1 << (bits - 1)) + 12345).public_key()
    return base64.b64encode(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).decode()


KEY = _rsa_key(2048)
GOOD_ZONE = {
    "shop.test": ["v=spf1 include:sendgrid.net -all"],
    "sendgrid.net": ["v=spf1 ip4:167.89.0.0/17 ~all"],
    "s1._domainkey.shop.test": [f"v=DKIM1; k=rsa; p={KEY}"],
    "s2._domainkey.shop.test": [f"v=DKIM1; k=rsa; p={KEY}"],
    "_dmarc.shop.test": ["v=DMARC1; p=reject; rua=mailto:dmarc@shop.test"],
}


@pytest.fixture
def dns(settings):
    with DnsStandin({}) as server:
        settings.DNS_NAMESERVERS = [server.nameserver]
        settings.DNS_TIMEOUT = 0.3
        yield server


def test_a_sender_domain_with_its_records_passes(dns):
    # given
    dns.zone = GOOD_ZONE

    # when
    lines = sender_lines(Sender("shop.test", "hi@shop.test", "sendgrid", (1,)))

    # then
    assert lines == [
        ok("sender domain shop.test SPF", "v=spf1 include:sendgrid.net -all"),
        ok("sender domain shop.test DKIM", "key found: s1 (2048 bits), s2 (2048 bits)"),
        ok("sender domain shop.test DMARC", "v=DMARC1; p=reject; rua=mailto:dmarc@shop.test"),
    ]


def test_a_sender_domain_without_records_says_what_to_publish(dns):
    # given
    dns.zone = {"www.shop.test": ["unrelated"]}

    # when
    lines = sender_lines(Sender("shop.test", "hi@shop.test", "sendgrid", (1,)))

    # then
    assert _texts(lines) == [
        "FAIL sender domain shop.test SPF: no SPF record at shop.test Fix: publish one TXT record"
        ' at shop.test: "v=spf1 include:sendgrid.net ~all"',
        "FAIL sender domain shop.test DKIM: no DKIM key at s1._domainkey.shop.test; no DKIM key at"
        " s2._domainkey.shop.test Fix: publish the DKIM record your provider gives you at"
        " s1._domainkey.shop.test (TXT or CNAME); publish the DKIM record your provider gives you"
        " at s2._domainkey.shop.test (TXT or CNAME)",
        "FAIL sender domain shop.test DMARC: no DMARC record at _dmarc.shop.test (Gmail and Yahoo"
        ' require one) Fix: publish a TXT record at _dmarc.shop.test: "v=DMARC1; p=none;'
        ' rua=mailto:dmarc@shop.test"',
    ]


def test_a_weak_policy_is_a_warning(dns):
    # given
    dns.zone = {**GOOD_ZONE, "_dmarc.shop.test": ["v=DMARC1; p=none"]}

    # when
    dmarc = sender_lines(Sender("shop.test", "hi@shop.test", "sendgrid", (1,)))[2]

    # then
    assert dmarc == warn(
        "sender domain shop.test DMARC",
        'policy "none": mail failing DMARC is still delivered; no report address (rua)',
        "once the reports show only your own services, move to p=quarantine, then p=reject;"
        ' add "rua=mailto:<an address>"',
    )


def test_dns_that_does_not_answer_is_a_warning_and_nothing_else(dns):
    # given
    dns.zone = {"shop.test": TIMEOUT}

    # when
    lines = sender_lines(Sender("shop.test", "hi@shop.test", None, (1,)))

    # then
    assert lines == [
        warn(
            "sender domain shop.test",
            "DNS not reachable from here (DNS_TIMEOUT): SPF, DKIM and DMARC not checked",
            "check them on the Operations page of the Dashboard, or set DNS_NAMESERVERS",
        )
    ]


def test_each_sender_domain_is_checked_once(db, settings):
    # given
    settings.DEFAULT_FROM_EMAIL = "Shop <shop@localhost>"
    settings.EMAIL_BACKEND = "anymail.backends.sendgrid.EmailBackend"
    first = make_installation(saleor_api_url="https://a.example.com/graphql/")
    second = make_installation(saleor_api_url="https://b.example.com/graphql/")
    third = make_installation(saleor_api_url="https://c.example.com/graphql/")
    SendingRules.objects.create(installation=first, from_email="Linden <hi@shop.test>")
    SendingRules.objects.create(installation=second, from_email="news@shop.test")

    # when
    found = senders()

    # then
    assert found == [
        Sender("shop.test", "hi@shop.test", "sendgrid", (first.pk, second.pk)),
        Sender("localhost", "shop@localhost", "sendgrid", (third.pk,)),
    ]


def test_a_local_sender_address_fails_when_deployed(settings):
    # given
    settings.APP_URL = "https://mautomation.example.com"

    # when
    lines = sender_lines(Sender("localhost", "shop@localhost", None, (3,)))

    # then
    assert lines == [
        fail(
            "sender shop@localhost",
            "not an internet domain (installations 3)",
            "set the sender address in the app's Settings (Dashboard) or DEFAULT_FROM_EMAIL",
        )
    ]


def test_the_doctor_advises_on_every_code_the_dashboard_has_a_fix_for():
    # The Operations page words the same findings: a code with a fix there has one here.
    wording = json.loads((ROOT / "dashboard_extension/src/i18n/en/operations.json").read_text())
    prefix = "operations.dns.fix."
    dashboard = {
        key.removeprefix(prefix)
        for key in wording
        if key.startswith(prefix)
        and not key.startswith((f"{prefix}ALIGNMENT_", f"{prefix}COMPLAINTS_"))
    }

    assert set(ADVICE) == dashboard


# -- the command ------------------------------------------------------------------------------


@pytest.fixture
def eager():
    """Tasks run in place: set on the Celery app itself, whose configuration is read from the
    settings once, by whichever test used it first in this process, and not again."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture
def deployment(saleor, installation, settings, dns, smtp, eager):
    """A production deployment in order: the profile, an SMTP server, DNS with the sender's
    records, Saleor with the manifest's webhooks; tasks run eagerly (no broker to ask)."""
    settings.PRODUCTION = True
    settings.ALLOWED_HOSTS = ["app.example.com"]
    settings.ALLOWED_SALEOR_URLS = [saleor.api_url]
    _smtp_settings(settings, smtp[1], "shop", "right")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    dns.zone = GOOD_ZONE
    SendingRules.objects.create(installation=installation, from_email="hi@shop.test")
    EmailProvider.objects.create(installation=installation, kind=EmailProvider.Kind.DEFAULT)
    install_manifest(saleor)
    return installation


def test_the_command_prints_a_line_per_check_and_exits_1_on_a_failure(
    deployment, saleor, smtp, capsys
):
    # given: three webhooks gone
    for webhook in saleor.saleor_webhooks.of(APP_ID)[:3]:
        del saleor.saleor_webhooks.webhooks[webhook.pk]

    # when
    with pytest.raises(SystemExit) as exited:
        call_command("doctor")

    # then
    assert exited.value.code == 1
    pk, port = deployment.pk, smtp[1]
    assert capsys.readouterr().out.splitlines() == [
        "OK   MAUTOMATION_ENV: production",
        "OK   SECRET_KEY: set in the environment",
        "OK   ENCRYPTION_KEY: set in the environment",
        "OK   DEBUG: off",
        "OK   APP_URL: https://app.example.com",
        "OK   ALLOWED_HOSTS: app.example.com",
        f"OK   ALLOWED_SALEOR_URLS: {saleor.api_url}",
        "OK   database: postgresql answers",
        "OK   migrations: all applied",
        "OK   broker: not used: tasks run in the calling process (eager)",
        f"OK   email (EMAIL_URL): smtp: 127.0.0.1:{port} accepted EHLO, login (nothing sent)",
        f"OK   installation {pk} Saleor: {saleor.api_url} answers the app's token (app {APP_ID})",
        f"FAIL installation {pk} webhooks: 3 webhooks missing Fix: run `mautomation sync-webhooks`",
        "OK   sender domain shop.test SPF: v=spf1 include:sendgrid.net -all",
        "WARN sender domain shop.test DKIM: no DKIM selector known for your provider Fix: run"
        " `mautomation doctor --dkim-selector <selector>` with the selector your provider gave"
        " you (the part before ._domainkey)",
        "OK   sender domain shop.test DMARC: v=DMARC1; p=reject; rua=mailto:dmarc@shop.test",
        "16 checks: 1 failed, 1 warnings",
    ]


def test_the_command_prints_json_and_exits_0_without_a_failure(deployment, capsys):
    # when
    call_command("doctor", "--json")

    # then
    body = json.loads(capsys.readouterr().out)
    assert (body["ok"], body["failed"], body["warnings"]) == (True, 0, 1)
    assert len(body["checks"]) == 16
    assert body["checks"][12] == {
        "check": f"installation {deployment.pk} webhooks",
        "status": "OK",
        "message": f"{len(SPECS)} as the manifest says",
        "fix": "",
    }


def test_dkim_selectors_given_are_looked_up(deployment, capsys):
    # when
    call_command("doctor", "--dkim-selector", "S1")

    # then
    printed = capsys.readouterr().out.splitlines()
    assert "OK   sender domain shop.test DKIM: key found: s1 (2048 bits)" in printed
    assert printed[-1] == "16 checks: 0 failed, 0 warnings"


def test_a_dkim_selector_that_is_no_dns_name_is_refused(db):
    with pytest.raises(CommandError, match="Not a DKIM selector: 'a b'"):
        call_command("doctor", "--dkim-selector", "a b")
