"""Failures for the operations browser test (``dashboard_extension/e2e/operations.e2e.ts``), and
the DNS zone the browser tests' app reads for the sender-domain check.

Run by the stand-in Dashboard's ``/__e2e/seed/operations`` (``tests.support.e2e_server``) as
``python -m tests.support.e2e_operations_seed <stamp>`` with the app's environment; prints one
JSON line: the failed delivery's and message's ids (as the API gives them), their errors, and
the message's contact (id, email) and template id.

- an ORDER_CREATED delivery whose order is not an object, stored pending as the webhook
  endpoint stores a delivery it verified (the signature is the webhook tests' concern: this
  process has not the stand-in Saleor's key), then failed by the app's worker (its drain) with
  the parser's error; the seed waits for that.
- a welcome email to ``ops.<stamp>@operations.example`` (consent granted) queued through the
  outbox and left as ``messages_recover`` leaves a message its workers kept dying on: failed
  after ``MAX_ATTEMPTS`` claims, never handed over, so a retry may send it. The contact lives
  where it is noon now (an ``Etc/GMT`` zone), so the shop's quiet hours never defer it.

``DNS_ZONE`` is served by the DNS stand-in the e2e server starts (``DNS_NAMESERVERS``):
``ops-e2e.test`` with one SPF record (~all, one include), a 2048-bit DKIM key at selector
``s1`` only, and DMARC ``p=none`` with a report address.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.support.seed_main import seed_main

DNS_DOMAIN = "ops-e2e.test"


def _dkim_key() -> str:
    # A public key needs only its modulus: a fixed 2048-bit one keeps the zone the same.
    key = rsa.RSAPublicNumbers(65537, (1 << 2047) + 12345).public_key()
    der = key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode()


DNS_ZONE: dict[str, list[str] | str] = {
    DNS_DOMAIN: ["v=spf1 include:_spf.mail.ops-e2e.test ~all", "shop-verification=e2e"],
    "_spf.mail.ops-e2e.test": ["v=spf1 ip4:192.0.2.0/24 -all"],
    f"s1._domainkey.{DNS_DOMAIN}": [f"v=DKIM1; k=rsa; p={_dkim_key()}"],
    f"_dmarc.{DNS_DOMAIN}": ["v=DMARC1; p=none; rua=mailto:dmarc@ops-e2e.test"],
}


def noon_zone(now: datetime) -> str:
    """A time zone where it is about noon at ``now`` (``Etc/GMT-9`` is UTC+9)."""
    offset = (12 - now.astimezone(UTC).hour + 11) % 24 - 11  # -11 .. +12 hours
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def seed(*, stamp: str, now: datetime) -> dict[str, Any]:
    from django.db import transaction

    from saleor_mautomation.contacts.models import Contact
    from saleor_mautomation.graphql.contacts import to_global_id
    from saleor_mautomation.intake.models import Delivery
    from saleor_mautomation.messages.models import Message, Template
    from saleor_mautomation.messages.outbox import message_enqueue
    from saleor_mautomation.messages.sending import MAX_ATTEMPTS
    from saleor_mautomation.saleor.models import Installation

    installation = Installation.objects.get()
    shop = installation.pk

    body = json.dumps({"order": f"not an order ({stamp})"}).encode()
    # The worker's sweep (INTAKE_SWEEP_INTERVAL) drains it.
    delivery = Delivery.objects.create(
        installation_id=shop,
        event="ORDER_CREATED",
        body=body,
        body_sha256=hashlib.sha256(body).hexdigest(),
        received_at=now,
    )
    deadline = time.monotonic() + 60
    while delivery.status != Delivery.Status.FAILED:
        if time.monotonic() > deadline:
            raise RuntimeError(f"The delivery is {delivery.status}, not failed: {delivery.error}")
        time.sleep(0.5)
        delivery.refresh_from_db()

    contact = Contact.objects.create(
        installation_id=shop,
        email=f"ops.{stamp}@operations.example",
        first_name="Olive",
        last_name=f"Ops {stamp}",
        email_consent="granted",
        time_zone=noon_zone(now),
    )
    template = Template.objects.get(installation_id=shop, key="welcome-1")
    with transaction.atomic():  # failed before any worker could claim it
        message = message_enqueue(
            contact=contact, template=template, dedupe_key=f"e2e-operations:{stamp}", now=now
        )
        assert message is not None
        Message.objects.filter(pk=message.pk).update(
            status=Message.Status.FAILED,
            attempts=MAX_ATTEMPTS,
            claimed_at=now - timedelta(minutes=1),
            status_reason=f"claimed {MAX_ATTEMPTS} times, never finished",
        )
    message.refresh_from_db()
    return {
        "delivery": {"id": to_global_id("Delivery", delivery.pk), "error": delivery.error},
        "message": {"id": to_global_id("Message", message.pk), "error": message.status_reason},
        "contact": {"id": to_global_id("Contact", contact.pk), "email": contact.email},
        "template": to_global_id("Template", template.pk),
    }


def main() -> None:
    seed_main(seed)


if __name__ == "__main__":
    main()
