"""Web push through the outbox to a stand-in push service on loopback: the encrypted request
is decrypted here with the browser's keys (http_ece), the VAPID signature checked, and what
the push service answers applied to the subscriptions."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import connection
from py_vapid import Vapid02

from saleor_mautomation.contacts.channels_consent import (
    SubscriptionInvalid,
    push_subscription_register,
)
from saleor_mautomation.contacts.consent import Evidence
from saleor_mautomation.contacts.models import PushSubscription
from saleor_mautomation.contacts.services import contact_merge
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.models import Message, MessageAttempt, PushKeys, Template
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.push import (
    PushKeysInvalid,
    push_keys_ensure,
    push_keys_update,
    push_payload,
)
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import (
    sending_rules_update,
    template_create,
    template_text_version_create,
    templates_builtin_ensure,
    templates_channel_ensure,
)
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"


@dataclass
class StandInPushService:
    """Records each push; answers 201 unless a test set another status for an endpoint path
    (``redirect``: a 307 to another place)."""

    answers: dict[str, int | str] = field(default_factory=dict)
    received: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/push/{name}"


def serve_push(service: StandInPushService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            service.received.append(
                {
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "body": body,
                }
            )
            answer = service.answers.get(self.path, 201)
            if answer == "redirect":
                self.send_response(307)
                self.send_header("Location", service.endpoint("elsewhere"))
            else:
                assert isinstance(answer, int)
                self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def push_service() -> Iterator[StandInPushService]:
    service = StandInPushService()
    server = serve_push(service)
    yield service
    server.shutdown()
    server.server_close()


@dataclass
class Browser:
    """A browser's side of a subscription: its ECDH key pair and auth secret."""

    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @staticmethod
    def new() -> Browser:
        return Browser(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    def decrypt(self, body: bytes) -> Any:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def shop(db):
    return make_shop("mailing")


def subscribe(contact, service, name, browser=None, allow_private=True):
    browser = browser or Browser.new()
    push_subscription_register(
        contact=contact,
        endpoint=service.endpoint(name),
        p256dh=browser.p256dh,
        auth=b64url(browser.auth),
        user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
        evidence=Evidence(source="storefront.push", ip_address="203.0.113.9"),
        now=T,
        allow_private=allow_private,
    )
    return browser


def push_template(shop, key="sale-push", kind="marketing", url="https://mailing.example/sale"):
    template = template_create(
        installation_id=shop.pk, key=key, name=key, channel="push", kind=kind
    )
    template_text_version_create(
        template=template,
        language="en",
        subject="Hi {{ contact.first_name }}",
        text="Our summer sale at {{ shop.name }} starts now.",
        push_url=url,
        now=T,
    )
    return template


def reader(shop, **fields):
    fields.setdefault("time_zone", "Europe/Berlin")
    return make_contact(shop, first_name="Ada", **fields)


def enqueue(contact, template, key, now=T) -> Message:
    message = message_enqueue(contact=contact, template=template, dedupe_key=key, now=now)
    assert message is not None
    return message


def send(now=T, allow_private=True):
    return messages_send_due(
        now=now, app_url=APP, default_from="shop@mailing.example", allow_private=allow_private
    )


def jwt_claims(authorization: str) -> dict[str, Any]:
    token = authorization.split("t=", 1)[1].split(",", 1)[0]
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def followed(client, link: str) -> str:
    """Where the notification's link leads, followed as a browser does."""
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc) == ("https", "marketing.example")  # the app's URL
    assert parts.path.startswith("/t/c/")
    response = client.get(
        parts.path,
        headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Firefox/130.0"},
    )
    assert response.status_code == 302
    return str(response["Location"])


def test_a_notification_reaches_the_browser_encrypted_and_signed(shop, push_service, client):
    # given
    ada = reader(shop)
    browser = subscribe(ada, push_service, "ada-firefox")
    template = push_template(shop)
    message = enqueue(ada, template, "sale:ada")

    # when
    counts = send()

    # then: what the browser decrypts is the personalised notification
    assert counts == {"sent": 1}
    (request,) = push_service.received
    assert request["path"] == "/push/ada-firefox"
    shown = browser.decrypt(request["body"])
    link = shown.pop("url")
    assert shown == {
        "title": "Hi Ada",
        "body": "Our summer sale at Mailing starts now.",
        "tag": f"m{message.pk}",
    }
    headers = request["headers"]
    assert (headers["content-encoding"], headers["ttl"], headers["urgency"]) == (
        "aes128gcm",
        "86400",
        "normal",
    )
    # signed with the installation's VAPID key, for this push service's origin
    keys = PushKeys.objects.get(installation=shop)
    assert headers["authorization"].endswith(f",k={keys.public_key}")
    assert Vapid02.verify(headers["authorization"]) is True
    claims = jwt_claims(headers["authorization"])
    assert (claims["aud"], claims["sub"]) == (
        f"http://127.0.0.1:{push_service.port}",
        "https://marketing.example",
    )
    message.refresh_from_db()
    assert (message.channel, message.to_address, message.status) == (
        "push",
        f"push:{ada.pk}",
        "sent",
    )
    assert message.subject == "Hi Ada"
    assert MessageAttempt.objects.get(message=message).detail == "browsers: 1 sent"
    assert PushSubscription.objects.get(contact=ada).last_used_at == T
    # a click opens the shop page through the tracking redirect, counted as a push click
    assert followed(client, link) == (
        "https://mailing.example/sale?utm_source=mautomation&utm_medium=push&utm_campaign=sale-push"
    )
    message.refresh_from_db()
    assert message.clicks == 1
    click = Event.objects.get(contact=ada)
    assert (click.type, click.properties["message_id"], click.properties["machine"]) == (
        "push.clicked",
        message.pk,
        False,
    )
    ada.refresh_from_db()
    assert (ada.email_clicks_30d, ada.last_email_click_at) == (0, None)


def test_a_gone_subscription_expires_and_the_others_still_get_it(shop, push_service):
    # given: two browsers, one of which the push service no longer knows
    ada = reader(shop)
    subscribe(ada, push_service, "old-phone")
    laptop = subscribe(ada, push_service, "laptop")
    push_service.answers["/push/old-phone"] = 410
    message = enqueue(ada, push_template(shop), "first")

    # when
    assert send() == {"sent": 1}

    # then
    gone = PushSubscription.objects.get(endpoint=push_service.endpoint("old-phone"))
    assert gone.expired_at == T
    assert MessageAttempt.objects.get(message=message).detail == "browsers: 1 sent, 1 expired"
    # the next message goes to the laptop alone
    enqueue(ada, push_template(shop, key="next"), "second", now=T + timedelta(days=1))
    assert send(T + timedelta(days=1)) == {"sent": 1}
    assert [r["path"] for r in push_service.received] == [
        "/push/old-phone",
        "/push/laptop",
        "/push/laptop",
    ]
    assert laptop.decrypt(push_service.received[-1]["body"])["title"] == "Hi Ada"


def test_without_a_live_subscription_the_message_fails_and_later_ones_are_skipped(
    shop, push_service
):
    ada = reader(shop)
    subscribe(ada, push_service, "gone")
    push_service.answers["/push/gone"] = 404
    first = enqueue(ada, push_template(shop), "one")

    assert send() == {"failed": 1}
    first.refresh_from_db()
    assert (
        first.status_reason == "No browser took the notification (1 expired): 404 subscription gone"
    )

    assert (
        message_enqueue(
            contact=ada, template=push_template(shop, key="two"), dedupe_key="two", now=T
        )
        is None
    )


def test_a_push_service_fault_retries_the_message_and_keeps_the_subscription(shop, push_service):
    ada = reader(shop)
    subscribe(ada, push_service, "busy")
    push_service.answers["/push/busy"] = 503
    message = enqueue(ada, push_template(shop), "busy")

    assert send() == {"queued": 1}

    message.refresh_from_db()
    assert message.send_after == T + timedelta(minutes=2)
    assert PushSubscription.objects.get(contact=ada).expired_at is None
    push_service.answers.clear()
    assert send(T + timedelta(minutes=2)) == {"sent": 1}


def test_a_redirect_is_not_followed(shop, push_service):
    ada = reader(shop)
    subscribe(ada, push_service, "moved")
    push_service.answers["/push/moved"] = "redirect"
    enqueue(ada, push_template(shop), "moved")

    assert send() == {"failed": 1}

    assert [r["path"] for r in push_service.received] == ["/push/moved"]


def test_endpoints_on_private_addresses_are_refused(shop, push_service):
    # given: a subscription made where private addresses were allowed (a demo)
    ada = reader(shop)
    subscribe(ada, push_service, "inside")
    enqueue(ada, push_template(shop), "inside")

    # when: the deployment refuses private addresses
    counts = send(allow_private=False)

    # then: nothing was sent to the app's own network, and the subscription is unusable
    assert counts == {"failed": 1}
    assert push_service.received == []
    assert PushSubscription.objects.get(contact=ada).expired_at == T
    with pytest.raises(SubscriptionInvalid):
        subscribe(ada, push_service, "again", allow_private=False)
    with pytest.raises(SubscriptionInvalid):
        push_subscription_register(
            contact=ada,
            endpoint="https://10.0.0.8/push/x",
            p256dh=Browser.new().p256dh,
            auth=b64url(os.urandom(16)),
            user_agent="",
            evidence=Evidence(source="storefront.push"),
            now=T,
            allow_private=False,
        )


def test_no_push_consent_sends_nothing(shop, push_service):
    ada = reader(shop)
    subscribe(ada, push_service, "ada")
    ada.refresh_from_db()
    ada.push_consent = "withdrawn"
    ada.save()
    enqueue(ada, push_template(shop), "no")

    assert send() == {"suppressed": 1}

    assert Message.objects.get().status_reason == "no push consent (withdrawn)"
    assert push_service.received == []


def test_the_cap_counts_per_channel_and_quiet_hours_defer_pushes(shop, push_service, mailbox):
    # given: an email and a push at 12:00 UTC
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    ada = reader(shop, email_consent="granted")
    subscribe(ada, push_service, "ada")
    enqueue(ada, Template.objects.get(installation=shop, key="welcome-1"), "email")
    enqueue(ada, push_template(shop), "push-1")
    assert send() == {"sent": 2}

    # when: a second push the same evening
    evening = datetime(2026, 6, 15, 20, 0, tzinfo=UTC)  # 22:00 in Berlin
    second = enqueue(ada, push_template(shop, key="second"), "push-2", now=evening)
    assert send(evening) == {"deferred": 1}

    # then: the cap holds it until 04:00 UTC, quiet hours until 08:00 Berlin
    second.refresh_from_db()
    assert second.send_after == T + timedelta(hours=16)
    assert send(T + timedelta(hours=16)) == {"deferred": 1}
    second.refresh_from_db()
    assert second.send_after == datetime(2026, 6, 16, 6, 0, tzinfo=UTC)
    assert send(datetime(2026, 6, 16, 6, 0, tzinfo=UTC)) == {"sent": 1}
    assert len(push_service.received) == 2
    assert len(mailbox.received) == 1


def test_vapid_keys_are_made_once_and_the_private_key_is_encrypted(shop):
    first = push_keys_ensure(installation_id=shop.pk, subject="mailto:ops@mailing.example", now=T)
    again = push_keys_ensure(installation_id=shop.pk, subject="https://other.example", now=T)
    other = push_keys_ensure(installation_id=make_shop("other").pk, subject="mailto:a@b.c", now=T)

    assert (again.pk, again.public_key, again.subject) == (
        first.pk,
        first.public_key,
        "mailto:ops@mailing.example",
    )
    assert other.public_key != first.public_key
    point = base64.urlsafe_b64decode(first.public_key + "=")
    assert (len(point), point[0]) == (65, 4)
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM mautomation_pushkeys WHERE id = %s", [first.pk])
        (stored,) = cursor.fetchone()
    assert "PRIVATE KEY" not in stored
    assert PushKeys.objects.get(pk=first.pk).private_key.startswith("-----BEGIN PRIVATE KEY")
    with pytest.raises(PushKeysInvalid):
        push_keys_update(installation_id=shop.pk, subject="ops@mailing.example", now=T)
    assert (
        push_keys_update(installation_id=shop.pk, subject="https://mailing.example", now=T).subject
        == "https://mailing.example"
    )


def test_the_default_push_templates_fall_back_to_the_shop_when_there_is_no_checkout(
    shop, push_service, client
):
    # given
    created = templates_channel_ensure(installation_id=shop.pk, channel="push", now=T)
    ada = reader(shop, language_code="de")
    browser = subscribe(ada, push_service, "ada")
    cart = next(t for t in created if t.key == "abandoned-checkout-push")
    enqueue(ada, cart, "cart")

    # when
    send()

    # then
    assert sorted(t.key for t in created) == ["abandoned-checkout-push", "win-back-push"]
    shown = browser.decrypt(push_service.received[0]["body"])
    link = shown.pop("url")
    assert shown == {
        "title": "Dein Warenkorb wartet",
        "body": "Schließe Deine Bestellung bei Mailing ab, bevor alles weg ist.",
        "tag": f"m{Message.objects.get().pk}",
    }
    assert followed(client, link) == (
        "https://mailing.example?utm_source=mautomation&utm_medium=push"
        "&utm_campaign=abandoned-checkout-push"
    )


def test_a_merge_keeps_the_anonymous_visitors_browsers_and_consents(shop, push_service):
    # given: an anonymous visitor subscribed and gave a number; the known customer has neither
    anonymous = make_contact(shop, email=None, phone="+4915112345678", sms_consent="granted")
    subscribe(anonymous, push_service, "visitor")
    anonymous.refresh_from_db()
    known = reader(shop)

    # when: the visitor signs in (the identity merge the storefront API runs)
    contact_merge(into=known, other=anonymous)
    known.save()

    # then
    known.refresh_from_db()
    assert (known.phone, known.sms_consent, known.push_consent) == (
        "+4915112345678",
        "granted",
        "granted",
    )
    assert PushSubscription.objects.get().contact == known


def test_only_links_to_the_shop_get_utm_parameters_and_only_http_links_are_kept():
    context = {"shop": {"url": "https://mailing.example", "logo_url": "https://cdn.example/l.png"}}

    def url_of(url):
        return push_payload(title="T", body="B", url=url, context=context, campaign="c", tag="m1")[
            "url"
        ]

    assert url_of("https://mailing.example/x#top") == (
        "https://mailing.example/x?utm_source=mautomation&utm_medium=push&utm_campaign=c#top"
    )
    assert url_of("https://mailing.example.other.example/x") == (
        "https://mailing.example.other.example/x"
    )
    assert url_of("https://mailing.example/x?utm_source=news") == (
        "https://mailing.example/x?utm_source=news"
    )
    assert url_of("javascript:alert(1)").startswith("https://mailing.example?utm_source=")
    assert (
        push_payload(title="T", body="B", url="", context=context, campaign="c", tag="m1")["icon"]
        == "https://cdn.example/l.png"
    )


def test_a_push_cap_of_its_own_holds_pushes_longer_than_the_email_cap(shop, push_service):
    # given: pushes capped at 1 per 48 h (emails keep 1 per 16 h)
    sending_rules_update(installation_id=shop.pk, channel_caps={"push": [1, 48]})
    ada = reader(shop)
    subscribe(ada, push_service, "ada")
    enqueue(ada, push_template(shop), "push-1")
    assert send() == {"sent": 1}

    # when: a second push a day later, past the email cap's window
    later = T + timedelta(hours=24)
    second = enqueue(ada, push_template(shop, key="second"), "push-2", now=later)

    # then: held until the push window frees up
    assert send(later) == {"deferred": 1}
    second.refresh_from_db()
    assert second.send_after == T + timedelta(hours=48)
    assert second.status_reason == "frequency cap: 1 per 48 h"
