"""DNS rebinding: a name that resolves to a public address when it is checked and to the app's
own network a moment later. Push endpoints and a shop's own SMTP server are connected to at the
address that was checked, never at a second answer, and TLS still checks the name.

The network is simulated here, not in the code: ``socket.getaddrinfo`` answers the name from
a list (one answer per look-up, the last one repeating), ``socket.socket.connect`` records
every address connected to and plays the public server with a loopback listener, and the push
services' certificates are their own authorities, the only ones the HTTP client trusts.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from saleor_mautomation.contacts.channels_consent import push_subscription_register
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.providers import email_provider_update
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import Mailbox, free_port
from tests.messages.test_push import (
    Browser,
    StandInPushService,
    b64url,
    push_template,
    serve_push,
)

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
PUBLIC = "93.184.215.14"  # a global address: passes the check
NAME = "rebind.example"


@dataclass
class Network:
    """``answers``: what each look-up of ``NAME`` gets, in order (the last one repeats);
    ``public_port``: the loopback listener that plays the server at ``PUBLIC``."""

    answers: list[str] = field(default_factory=lambda: [PUBLIC])
    public_port: int = 0
    lookups: list[str] = field(default_factory=list)
    connects: list[tuple[str, int]] = field(default_factory=list)


@pytest.fixture
def network(monkeypatch) -> Network:
    net = Network()
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != NAME:
            return real_getaddrinfo(host, port, *args, **kwargs)
        answer = net.answers[min(len(net.lookups), len(net.answers) - 1)]
        net.lookups.append(answer)
        return real_getaddrinfo(answer, port, *args, **kwargs)

    def connect(sock: socket.socket, address: Any) -> None:
        host, port = address[0], address[1]
        if sock.family in {socket.AF_INET, socket.AF_INET6} and port != 0:
            net.connects.append((host, port))
        if host == PUBLIC:
            address = ("127.0.0.1", net.public_port)
        real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return net


@pytest.fixture
def shop(db):
    installation = make_shop("rebinding")
    templates_builtin_ensure(installation_id=installation.pk, now=T)
    return installation


def certificate(directory: Path, name: str) -> tuple[str, str]:
    """A self-signed certificate for ``name`` (its own authority): the cert and key files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.now(UTC) - timedelta(days=1))
        .not_valid_after(datetime.now(UTC) + timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


def serve_push_tls(service: StandInPushService, cert: tuple[str, str]):
    server = serve_push(service)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    return server


@pytest.fixture
def push_services(tmp_path, monkeypatch) -> Iterator[tuple[StandInPushService, ...]]:
    """Push services with a certificate for ``NAME``: at the checked public address, and
    inside the app's network; a third one at the public address with a certificate for
    another name. Only the test authorities are trusted."""
    ours, other = certificate(tmp_path, NAME), certificate(tmp_path, "other.example")
    bundle = tmp_path / "trusted.pem"
    bundle.write_text(Path(ours[0]).read_text() + Path(other[0]).read_text())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    public, inside, impostor = StandInPushService(), StandInPushService(), StandInPushService()
    servers = [
        serve_push_tls(public, ours),
        serve_push_tls(inside, ours),
        serve_push_tls(impostor, other),
    ]
    yield public, inside, impostor
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mail_servers() -> Iterator[tuple[Mailbox, Mailbox, int, int]]:
    """The shop's mail server at the checked public address, and one inside."""
    public, inside = Mailbox(), Mailbox()
    public_port, inside_port = free_port(), free_port()
    controllers = [
        Controller(public, hostname="127.0.0.1", port=public_port),
        Controller(inside, hostname="127.0.0.1", port=inside_port),
    ]
    for controller in controllers:
        controller.start()
    yield public, inside, public_port, inside_port
    for controller in controllers:
        controller.stop()


def subscribed_reader(shop, port: int, network: Network):
    """Ada's browser subscribed with an endpoint whose name was public then (checked)."""
    ada = make_contact(shop, first_name="Ada", time_zone="Europe/Berlin")
    browser = Browser.new()
    network.answers = [PUBLIC]
    push_subscription_register(
        contact=ada,
        endpoint=f"https://{NAME}:{port}/push/ada",
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        evidence=Evidence(source="storefront.push", ip_address="203.0.113.9"),
        now=T,
        allow_private=False,
    )
    network.lookups.clear()
    return ada


def test_a_push_goes_to_the_checked_address_when_the_name_rebinds_to_loopback(
    shop, push_services, network
):
    # given: the endpoint's name resolves to a public address, then to the app's own host
    public, inside, _ = push_services
    network.public_port = public.port
    ada = subscribed_reader(shop, inside.port, network)
    message = message_enqueue(contact=ada, template=push_template(shop), dedupe_key="rebind", now=T)
    assert message is not None
    network.answers = [PUBLIC, "127.0.0.1"]

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then: one look-up, and the push went to the address it answered, under the name
    assert counts == {"sent": 1}
    assert network.lookups == [PUBLIC]
    assert network.connects == [(PUBLIC, inside.port)]
    assert [r["path"] for r in public.received] == ["/push/ada"]
    assert public.received[0]["headers"]["host"] == f"{NAME}:{inside.port}"
    assert inside.received == []


def test_a_push_endpoint_that_resolves_to_loopback_is_not_called(shop, push_services, network):
    # given
    public, inside, _ = push_services
    network.public_port = public.port
    ada = subscribed_reader(shop, inside.port, network)
    message_enqueue(contact=ada, template=push_template(shop), dedupe_key="inside", now=T)
    network.answers = ["127.0.0.1"]

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then
    assert counts == {"failed": 1}
    assert network.connects == []
    assert public.received == inside.received == []


def test_the_pinned_push_still_checks_the_certificate_against_the_name(
    shop, push_services, network
):
    # given: the checked address answers with a certificate for another name
    _, inside, impostor = push_services
    network.public_port = impostor.port
    ada = subscribed_reader(shop, inside.port, network)
    message_enqueue(contact=ada, template=push_template(shop), dedupe_key="impostor", now=T)
    network.answers = [PUBLIC]

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then: the handshake failed, nothing was posted (a transient fault: retried later)
    assert counts == {"queued": 1}
    assert Message.objects.get().status_reason == "Push services unavailable (1 retry)"
    assert network.connects == [(PUBLIC, inside.port)]
    assert impostor.received == inside.received == []


def own_smtp(shop, port: int, now_answers: list[str], network: Network) -> None:
    email_provider_update(
        installation_id=shop.pk,
        kind="smtp",
        smtp_host=NAME,
        smtp_port=port,
        smtp_security="none",
        allow_private=False,
    )
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contact = make_contact(shop, email="ada@example.com", email_consent="granted")
    message_enqueue(contact=contact, template=welcome, dedupe_key="welcome", now=T)
    network.lookups.clear()
    network.answers = now_answers


def test_mail_goes_to_the_checked_address_of_the_shops_smtp_server(shop, mail_servers, network):
    # given: the shop's server name keeps its public address
    public, inside, public_port, inside_port = mail_servers
    network.public_port = public_port
    own_smtp(shop, inside_port, [PUBLIC], network)

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then
    assert counts == {"sent": 1}
    assert network.connects == [(PUBLIC, inside_port)]
    assert [to for _, to, _ in public.received] == [["ada@example.com"]]
    assert inside.received == []


def test_mail_never_reaches_the_address_the_smtp_servers_name_rebinds_to(
    shop, mail_servers, network
):
    # given: the name answers a public address to the provider's check, loopback after it
    public, inside, public_port, inside_port = mail_servers
    network.public_port = public_port
    own_smtp(shop, inside_port, [PUBLIC, "127.0.0.1"], network)

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then: the connection checks the answer it connects to, and refuses it
    assert counts == {"failed": 1}
    assert "private address" in Message.objects.get().status_reason
    assert network.connects == []
    assert public.received == inside.received == []


def test_an_esp_api_url_that_resolves_to_loopback_is_not_called(shop, push_services, network):
    # given: a shop's Postmark settings point the API at a name that answers loopback
    _, inside, _ = push_services
    email_provider_update(
        installation_id=shop.pk,
        kind="esp",
        esp="postmark",
        esp_settings={"server_token": "pm-token", "api_url": f"https://{NAME}:{inside.port}/"},
        allow_private=False,
    )
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contact = make_contact(shop, email="ada@example.com", email_consent="granted")
    message_enqueue(contact=contact, template=welcome, dedupe_key="welcome", now=T)
    network.answers = ["127.0.0.1"]

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then
    assert counts == {"failed": 1}
    assert "private address" in Message.objects.get().status_reason
    assert network.lookups == ["127.0.0.1"]
    assert network.connects == []
    assert inside.received == []


@dataclass
class TlsMail:
    security: str  # the shop's setting: starttls or tls (implicit)
    ours: Mailbox  # its certificate names NAME
    other: Mailbox  # its certificate names another host
    our_port: int
    other_port: int


@pytest.fixture(params=["starttls", "tls"])
def tls_mail(request, tmp_path, monkeypatch) -> Iterator[TlsMail]:
    """Mail servers that require STARTTLS or speak implicit TLS; only their certificates'
    authorities are trusted (OpenSSL's ``SSL_CERT_FILE``)."""
    ours, other = certificate(tmp_path, NAME), certificate(tmp_path, "other.example")
    bundle = tmp_path / "trusted.pem"
    bundle.write_text(Path(ours[0]).read_text() + Path(other[0]).read_text())
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "no-such-dir"))
    boxes, ports, controllers = [], [], []
    for cert in (ours, other):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*cert)
        box, port = Mailbox(), free_port()
        if request.param == "starttls":
            tls: dict[str, Any] = {"tls_context": context, "require_starttls": True}
        else:
            tls = {"ssl_context": context}
        controller = Controller(box, hostname="127.0.0.1", port=port, **tls)
        controller.start()
        boxes.append(box)
        ports.append(port)
        controllers.append(controller)
    yield TlsMail(request.param, boxes[0], boxes[1], ports[0], ports[1])
    for controller in controllers:
        controller.stop()


def tls_smtp(shop, security: str, network: Network) -> None:
    network.answers = [PUBLIC]
    email_provider_update(
        installation_id=shop.pk,
        kind="smtp",
        smtp_host=NAME,
        smtp_port=587,
        smtp_security=security,
        allow_private=False,
    )
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    contact = make_contact(shop, email="ada@example.com", email_consent="granted")
    message_enqueue(contact=contact, template=welcome, dedupe_key="welcome", now=T)


def test_tls_to_the_checked_address_checks_the_certificate_for_the_name(shop, tls_mail, network):
    # given: the checked address presents a certificate for the server's name
    network.public_port = tls_mail.our_port
    tls_smtp(shop, tls_mail.security, network)

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then
    assert counts == {"sent": 1}
    assert network.connects == [(PUBLIC, 587)]
    assert [to for _, to, _ in tls_mail.ours.received] == [["ada@example.com"]]


def test_tls_to_the_checked_address_refuses_a_certificate_for_another_name(shop, tls_mail, network):
    # given: the checked address presents a certificate for another name
    network.public_port = tls_mail.other_port
    tls_smtp(shop, tls_mail.security, network)

    # when
    counts = messages_send_due(
        now=T, app_url="https://app.example", default_from="s@x.example", allow_private=False
    )

    # then: the handshake failed before anything was sent (transient: retried later)
    assert counts == {"queued": 1}
    assert "CERTIFICATE_VERIFY_FAILED" in Message.objects.get().status_reason
    assert network.connects == [(PUBLIC, 587)]
    assert tls_mail.ours.received == tls_mail.other.received == []
