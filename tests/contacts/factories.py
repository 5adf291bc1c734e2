"""Rows of the contacts, commerce and events domains, made directly with the models."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactSpend
from saleor_mautomation.events.changes import PROFILE, change_note
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.saleor.models import Installation
from tests.conftest import make_installation
from tests.support.keys import signing_key

_serial = itertools.count(1)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def make_shop(name: str) -> Installation:
    """A shop at ``https://<name>.example``, named ``Name`` in Saleor (``shop { name }``)."""
    return make_installation(
        saleor_api_url=f"https://{name}.example/graphql/", shop_name=name.capitalize()
    )


def make_signed_shop(name: str, *, now: datetime) -> Installation:
    """A shop whose deliveries the test signs (``signing_key(0)``), with its default
    templates, as one that receives webhooks and sends."""
    installation = make_installation(
        saleor_api_url=f"https://{name}.example/graphql/",
        jwks={"keys": [signing_key(0).public_jwk]},
    )
    templates_builtin_ensure(installation_id=installation.pk, now=now)
    return installation


def make_contact(
    installation: Installation, *, created_at: datetime | None = None, **fields: Any
) -> Contact:
    """A contact; ``created_at`` (otherwise the insert time) is set after the insert, as
    ``auto_now_add`` ignores a given value."""
    n = next(_serial)
    fields.setdefault("email", f"person{n}@example.com")
    contact = Contact.objects.create(installation=installation, **fields)
    if created_at is not None:
        Contact.objects.filter(pk=contact.pk).update(created_at=created_at)
        contact.refresh_from_db()
    return contact


def profile_save(contact: Contact) -> None:
    """Save a contact's profile and note the change for the unit of work, as the app's
    profile services do (a model's save has no side effect)."""
    contact.save()
    change_note(contact.pk, PROFILE)


def make_spend(
    contact: Contact, currency: str, total: str, *, orders: int = 1, average: str | None = None
) -> ContactSpend:
    return ContactSpend.objects.create(
        contact=contact,
        currency=currency,
        orders=orders,
        total=Decimal(total),
        average_order_value=Decimal(average or total),
    )


def make_event(contact: Contact, type: str, occurred_at: datetime, **fields: Any) -> Event:
    fields.setdefault("source", "webhook")
    fields.setdefault("dedupe_key", f"{type}:{next(_serial)}")
    return Event.objects.create(
        installation_id=contact.installation_id,
        contact=contact,
        type=type,
        occurred_at=occurred_at,
        **fields,
    )


def make_order(contact: Contact, **fields: Any) -> OrderRecord:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "saleor_id": f"T3JkZXI6{n}",
        "number": str(n),
        "email": contact.email or "",
        "status": "UNFULFILLED",
        "channel_slug": "default-channel",
        "currency": "USD",
        "total_gross": Decimal("10.0000"),
        "total_net": Decimal("8.0000"),
        "placed_at": T0,
        "source_updated_at": T0,
    }
    return OrderRecord.objects.create(
        installation_id=contact.installation_id, contact=contact, **{**defaults, **fields}
    )


def make_checkout(contact: Contact, **fields: Any) -> CheckoutRecord:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "saleor_id": f"Q2hlY2tvdXQ6{n}",
        "token": f"token-{n}",
        "email": contact.email or "",
        "channel_slug": "default-channel",
        "currency": "USD",
        "total": Decimal("10.0000"),
        "subtotal": Decimal("10.0000"),
        "created_at": T0,
        "last_change_at": T0,
        "source_updated_at": T0,
    }
    return CheckoutRecord.objects.create(
        installation_id=contact.installation_id, contact=contact, **{**defaults, **fields}
    )
