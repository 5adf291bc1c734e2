"""SMS through the outbox, over Twilio's own client talking to a stand-in of Twilio's REST API
on loopback: the request Twilio gets, what its answers mean, the rules per channel."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.db import connection
from twilio.http.http_client import TwilioHttpClient

from saleor_mautomation.contacts.models import ConsentRecord
from saleor_mautomation.messages.models import (
    Message,
    MessageAttempt,
    ShortLink,
    SmsProvider,
    Suppression,
    Template,
)
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import (
    sending_rules_update,
    template_create,
    template_text_version_create,
    templates_builtin_ensure,
    templates_channel_ensure,
)
from saleor_mautomation.messages.sms import (
    SmsProviderInvalid,
    sms_provider_update,
    sms_segments,
)
from tests.contacts.factories import make_contact, make_shop
from tests.messages.conftest import free_port

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)  # 14:00 in Berlin: not quiet
APP = "https://marketing.example"
SID = "AC" + "0123456789abcdef" * 2
TOKEN = "twilio-auth-token-1"
PHONE = "+4915112345678"


@dataclass
class StandInTwilio:
    """Twilio's Messages resource: records each create, answers what a test sets per
    recipient (``(status, json)`` or ``"drop"``: close the connection without answering)."""

    answers: dict[str, list[tuple[int, dict[str, Any]] | str]] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    sids: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, request: dict[str, Any]) -> tuple[int, dict[str, Any]] | str:
        queued = self.answers.get(request["form"]["To"], [])
        if queued:
            return queued.pop(0)
        sid = f"SM{len(self.created):032x}"
        self.sids.append(sid)
        return 201, {"sid": sid, "status": "queued", "to": request["form"]["To"]}


def serve_twilio(standin: StandInTwilio) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            request = {"path": self.path, "auth": self.headers["Authorization"], "form": form}
            standin.created.append(request)
            answer = standin.answer(request)
            if answer == "drop":
                self.close_connection = True
                self.connection.shutdown(2)
                return
            assert not isinstance(answer, str)
            status, payload = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    standin.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class LoopbackHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, with Twilio's API host replaced by the stand-in's."""

    def __init__(self, base: str) -> None:
        super().__init__(timeout=5)
        self.base = base

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        return super().request(method, url.replace("https://api.twilio.com", self.base), **kwargs)


@pytest.fixture
def twilio() -> Iterator[StandInTwilio]:
    standin = StandInTwilio()
    server = serve_twilio(standin)
    yield standin
    server.shutdown()
    server.server_close()


@pytest.fixture
def shop(db):
    installation = make_shop("mailing")
    sms_provider_update(
        installation_id=installation.pk,
        account_sid=SID,
        auth_token=TOKEN,
        from_number="+15005550006",
    )
    return installation


def sms_template(shop, key="offer-sms", kind="marketing", text="Hi {{ contact.first_name }}!"):
    template = template_create(installation_id=shop.pk, key=key, name=key, channel="sms", kind=kind)
    template_text_version_create(
        template=template, language="en", subject="", text=text, push_url="", now=T
    )
    return template


def texter(shop, **fields):
    fields.setdefault("sms_consent", "granted")
    fields.setdefault("phone", PHONE)
    fields.setdefault("time_zone", "Europe/Berlin")
    return make_contact(shop, first_name="Ada", **fields)


def enqueue(contact, template, key, now=T, **arguments) -> Message:
    message = message_enqueue(
        contact=contact, template=template, dedupe_key=key, now=now, **arguments
    )
    assert message is not None
    return message


def send(twilio, now=T, **arguments):
    return messages_send_due(
        now=now,
        app_url=APP,
        default_from="shop@mailing.example",
        twilio_http_client=LoopbackHttpClient(twilio.base),
        **arguments,
    )


def refuse(twilio, status, code, message="refused"):
    twilio.answers.setdefault(PHONE, []).append(
        (status, {"code": code, "message": message, "status": status})
    )


def test_an_sms_goes_to_twilio_personalised_with_its_segments_recorded(shop, twilio):
    # given
    ada = texter(shop)
    template = sms_template(shop, text="Hi {{ contact.first_name }}, 20% off at {{ shop.name }}")
    message = enqueue(ada, template, "offer:ada")

    # when
    counts = send(twilio)

    # then
    assert counts == {"sent": 1}
    (request,) = twilio.created
    assert request["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    basic = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    assert request["auth"] == f"Basic {basic}"
    assert request["form"] == {
        "To": PHONE,
        "From": "+15005550006",
        "Body": "Hi Ada, 20% off at Mailing",
        "StatusCallback": f"{APP}/api/sms/twilio/{shop.pk}/status",
    }
    message.refresh_from_db()
    assert (message.channel, message.to_address, message.status) == ("sms", PHONE, "sent")
    assert message.provider_id == twilio.sids[0]
    assert message.sent_at == T
    assert MessageAttempt.objects.get(message=message).detail == "1 segment(s), GSM-7"


def test_a_messaging_service_sends_instead_of_a_number(shop, twilio):
    service = "MG" + "f" * 32
    sms_provider_update(
        installation_id=shop.pk, account_sid=SID, auth_token=None, messaging_service_sid=service
    )
    enqueue(texter(shop), sms_template(shop), "svc")

    assert send(twilio) == {"sent": 1}

    (request,) = twilio.created
    assert request["form"]["MessagingServiceSid"] == service
    assert "From" not in request["form"]
    assert request["auth"].endswith(base64.b64encode(f"{SID}:{TOKEN}".encode()).decode())


def test_segments_follow_gsm7_and_ucs2_without_splitting_characters():
    assert (sms_segments("a" * 160).encoding, sms_segments("a" * 160).count) == ("GSM-7", 1)
    assert sms_segments("a" * 161).count == 2
    assert sms_segments("a" * 306).count == 2
    assert sms_segments("a" * 307).count == 3
    # the euro sign is in the extension table: two septets each, never split across parts
    assert (sms_segments("€" * 80).units, sms_segments("€" * 80).count) == (160, 1)
    assert sms_segments("€" * 81).count == 2
    assert sms_segments("€" * 77).count == 1
    assert sms_segments("a" + "€" * 76 + "a" * 77).count == 2
    assert sms_segments("Grüße aus Köln").encoding == "GSM-7"
    # one character outside GSM-7 makes the whole message UCS-2
    assert (sms_segments("Dzień dobry").encoding, sms_segments("ł" * 70).count) == ("UCS-2", 1)
    assert sms_segments("ł" * 71).count == 2
    # an emoji is two UTF-16 units, never split: 33 per 67-unit part
    assert (sms_segments("😀" * 35).units, sms_segments("😀" * 35).count) == (70, 1)
    assert sms_segments("😀" * 36).count == 2
    assert sms_segments("😀" * 67).count == 3


def test_a_long_unicode_sms_records_its_segments(shop, twilio):
    message = enqueue(texter(shop), sms_template(shop, text="Привет " * 20), "long")

    send(twilio)

    assert MessageAttempt.objects.get(message=message).detail == "3 segment(s), UCS-2"


def test_an_invalid_number_bounces_and_is_suppressed(shop, twilio):
    # given
    ada = texter(shop)
    refuse(twilio, 400, 21211, "The 'To' number is not a valid phone number.")
    first = enqueue(ada, sms_template(shop), "one")

    # when
    assert send(twilio) == {"bounced": 1}
    second = enqueue(ada, sms_template(shop, key="other"), "two")
    assert send(twilio) == {"suppressed": 1}

    # then
    first.refresh_from_db()
    assert first.status_reason.startswith("21211 ")
    suppression = Suppression.objects.get(installation=shop)
    assert (suppression.address, suppression.reason) == (PHONE, "bounce")
    second.refresh_from_db()
    assert second.status_reason == "the address is suppressed (bounce)"
    assert len(twilio.created) == 1


def test_a_recipient_who_texted_stop_loses_sms_consent(shop, twilio):
    ada = texter(shop)
    refuse(twilio, 400, 21610, "Attempt to send to unsubscribed recipient")
    message = enqueue(ada, sms_template(shop), "stop")

    assert send(twilio) == {"suppressed": 1}

    ada.refresh_from_db()
    assert ada.sms_consent == "withdrawn"
    assert ada.email_consent == "unknown"  # email's consent is its own
    record = ConsentRecord.objects.get(contact=ada)
    assert (record.channel, record.action, record.source) == ("sms", "withdrawn", "twilio.21610")
    message.refresh_from_db()
    assert message.status_reason.startswith("21610 ")


@pytest.mark.parametrize(
    ("status", "code"), [(429, 20429), (500, 20500), (503, None), (401, 20003)]
)
def test_throttling_faults_and_credentials_retry_with_backoff(shop, twilio, status, code):
    # given
    refuse(twilio, status, code)
    message = enqueue(texter(shop), sms_template(shop), "retry")

    # when
    assert send(twilio) == {"queued": 1}

    # then: retried two minutes later, and it goes
    message.refresh_from_db()
    assert message.send_after == T + timedelta(minutes=2)
    assert message.status_reason.startswith(str(status))
    assert send(twilio, T + timedelta(minutes=2)) == {"sent": 1}
    assert len(twilio.created) == 2


def test_other_refusals_fail_without_retry(shop, twilio):
    refuse(twilio, 400, 21606, "The 'From' phone number is not a valid, SMS-capable number")
    message = enqueue(texter(shop), sms_template(shop), "bad-from")

    assert send(twilio) == {"failed": 1}
    assert send(twilio, T + timedelta(hours=1)) == {}

    message.refresh_from_db()
    assert message.status_reason.startswith("21606 ")
    assert not Suppression.objects.exists()


def test_twilio_unreachable_retries(shop):
    # given: nothing listens where Twilio should be
    message = enqueue(texter(shop), sms_template(shop), "down")
    nowhere = StandInTwilio(port=free_port())

    # when
    counts = send(nowhere)

    # then
    assert counts == {"queued": 1}
    message.refresh_from_db()
    assert message.status_reason == "Twilio unreachable: ConnectionError"
    assert message.send_after == T + timedelta(minutes=2)


def test_a_request_without_an_answer_is_never_repeated_for_marketing(shop, twilio):
    # given: Twilio takes both requests and the connection drops before any answer
    twilio.answers[PHONE] = ["drop", "drop"]
    ada = texter(shop)
    marketing = enqueue(ada, sms_template(shop), "m")
    confirmation = enqueue(ada, sms_template(shop, key="code", kind="transactional"), "t")

    # when
    counts = send(twilio)

    # then: the marketing text may have gone: unknown, never again; the transactional retries
    assert counts == {"unknown": 1, "queued": 1}
    marketing.refresh_from_db()
    confirmation.refresh_from_db()
    assert marketing.status == "unknown"
    assert confirmation.status == "queued"
    assert send(twilio, T + timedelta(hours=1)) == {"sent": 1}
    assert [r["form"]["Body"] for r in twilio.created].count("Hi Ada!") == 3


def test_no_sms_consent_or_no_number_sends_nothing(shop, twilio):
    # given
    pending = texter(shop, sms_consent="pending")
    unknown = texter(shop, sms_consent="unknown")
    numberless = texter(shop, phone="")
    template = sms_template(shop)
    enqueue(pending, template, "a")
    enqueue(unknown, template, "b")

    # when
    counts = send(twilio)

    # then
    assert counts == {"suppressed": 2}
    assert message_enqueue(contact=numberless, template=template, dedupe_key="c", now=T) is None
    reasons = sorted(Message.objects.values_list("status_reason", flat=True))
    assert reasons == ["no SMS consent (pending)", "no SMS consent (unknown)"]
    assert twilio.created == []


def test_transactional_sms_need_a_number_but_no_marketing_consent(shop, twilio):
    ada = texter(shop, sms_consent="unknown")
    late = datetime(2026, 6, 15, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    enqueue(ada, sms_template(shop, kind="transactional"), "code", now=late)

    assert send(twilio, late) == {"sent": 1}


def test_the_cap_counts_per_channel_and_quiet_hours_defer_texts(shop, twilio, mailbox):
    # given: an email went to Ada at 12:00; SMS are capped on their own
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    ada = texter(shop, email_consent="granted")
    welcome = Template.objects.get(installation=shop, key="welcome-1")
    enqueue(ada, welcome, "email")
    first = enqueue(ada, sms_template(shop), "sms-1")
    assert send(twilio) == {"sent": 2}
    second = enqueue(ada, sms_template(shop, key="second"), "sms-2")

    # when: the second SMS waits for the cap (1 per 16 h) ...
    assert send(twilio) == {"deferred": 1}
    second.refresh_from_db()
    assert (second.send_after, second.status_reason) == (
        T + timedelta(hours=16),
        "frequency cap: 1 per 16 h",
    )
    # ... which ends at 06:00 in Berlin, in the quiet hours: deferred to 08:00 Berlin
    assert send(twilio, T + timedelta(hours=16)) == {"deferred": 1}
    second.refresh_from_db()
    assert second.send_after == datetime(2026, 6, 16, 6, 0, tzinfo=UTC)
    assert send(twilio, datetime(2026, 6, 16, 6, 0, tzinfo=UTC)) == {"sent": 1}

    # then
    assert [r["form"]["To"] for r in twilio.created] == [PHONE, PHONE]
    assert len(mailbox.received) == 1
    first.refresh_from_db()
    assert first.status == "sent"


def test_quiet_hours_can_skip_texts(shop, twilio):
    sending_rules_update(installation_id=shop.pk, quiet_action="skip")
    night = datetime(2026, 6, 15, 21, 0, tzinfo=UTC)  # 23:00 in Berlin
    message = enqueue(texter(shop), sms_template(shop), "night", now=night)

    assert send(twilio, night) == {"suppressed": 1}

    message.refresh_from_db()
    assert message.status_reason == "quiet hours"
    assert twilio.created == []


def test_a_text_goes_to_the_number_the_contact_has_when_it_is_sent(shop, twilio):
    ada = texter(shop)
    message = enqueue(ada, sms_template(shop), "moved")
    ada.phone = "+4917612345678"
    ada.save()

    assert send(twilio) == {"sent": 1}

    assert twilio.created[0]["form"]["To"] == "+4917612345678"
    message.refresh_from_db()
    assert message.to_address == "+4917612345678"


def test_texts_leave_at_the_providers_pace(shop, twilio):
    sms_provider_update(
        installation_id=shop.pk,
        account_sid=SID,
        auth_token=None,
        from_number="+15005550006",
        max_per_second=2,
    )
    template = sms_template(shop)
    for n in range(3):
        enqueue(texter(shop, phone=f"+49151000000{n}"), template, f"pace-{n}")
    pauses: list[float] = []

    assert send(twilio, sleep=pauses.append) == {"sent": 3}

    assert pauses == [0.5, 0.5]


def test_without_a_twilio_account_texts_wait_and_email_is_not_held_up(db, twilio, mailbox):
    # given
    shop = make_shop("nosms")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    ada = texter(shop, email_consent="granted")
    enqueue(ada, sms_template(shop), "sms")
    enqueue(ada, Template.objects.get(installation=shop, key="welcome-1"), "email")

    # when
    counts = send(twilio)

    # then
    assert counts == {"queued": 1, "sent": 1}
    sms = Message.objects.get(channel="sms")
    assert sms.status_reason == "SMS is not set up for this shop (no Twilio account)"
    assert len(mailbox.received) == 1
    assert twilio.created == []


def test_the_auth_token_is_encrypted_at_rest_and_kept_when_not_resent(shop):
    with connection.cursor() as cursor:
        cursor.execute("SELECT auth_token FROM mautomation_smsprovider")
        (stored,) = cursor.fetchone()
    assert TOKEN not in stored
    assert SmsProvider.objects.get(installation=shop).auth_token == TOKEN
    with pytest.raises(SmsProviderInvalid):
        sms_provider_update(installation_id=shop.pk, account_sid="AC123", auth_token=None)
    with pytest.raises(SmsProviderInvalid):
        sms_provider_update(
            installation_id=make_shop("fresh").pk,
            account_sid=SID,
            auth_token=None,
            from_number="+15005550006",
        )
    assert SmsProvider.objects.count() == 1


def test_the_default_sms_templates_render_in_both_languages(shop, twilio):
    # given
    created = {
        t.key: t for t in templates_channel_ensure(installation_id=shop.pk, channel="sms", now=T)
    }
    english, german = texter(shop), texter(shop, phone="+4915199999999", language_code="de")
    sent = {}
    for key in ("abandoned-checkout-sms", "sms-confirm"):
        sent[key, "en"] = enqueue(english, created[key], f"{key}:en")
        sent[key, "de"] = enqueue(german, created[key], f"{key}:de")

    # when
    send(twilio)

    # then: the shop's link is a short link of the app, recorded for its message
    cart = ShortLink.objects.get(message=sent["abandoned-checkout-sms", "en"])
    assert cart.target == "https://mailing.example"
    cart_link = f"{APP}/s/{cart.code}"
    assert set(created) == {"abandoned-checkout-sms", "sms-confirm"}
    assert created["sms-confirm"].kind == "transactional"
    bodies = {(r["form"]["To"], r["form"]["Body"]) for r in twilio.created}
    german_cart = [b for to, b in bodies if to == "+4915199999999" and "Warenkorb" in b]
    assert bodies - {("+4915199999999", b) for b in german_cart} == {
        (
            PHONE,
            "Mailing: reply YES to get our offers by text message. Msg&data rates may apply. "
            "Reply STOP to opt out.",
        ),
        (
            PHONE,
            f"Mailing: your cart is still waiting. Complete your order: {cart_link} "
            "Reply STOP to opt out.",
        ),
        (
            "+4915199999999",
            "Mailing: Antworte JA, um unsere Angebote per SMS zu erhalten. "
            "Antworte STOP zum Abmelden.",
        ),
    }
    assert len(german_cart) == 1
    assert german_cart[0].endswith("Antworte STOP zum Abmelden.")
    assert all(sms_segments(body).encoding == "GSM-7" for _, body in bodies)
    assert templates_channel_ensure(installation_id=shop.pk, channel="sms", now=T) == []
