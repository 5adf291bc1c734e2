"""Choosing offers from the shop's pool for one recipient.

Each offer may carry a condition in the segment definition language (``{"version": 1,
"root": ...}``); the recipient gets up to ``limit`` active offers whose condition holds for
them, highest priority first, all conditions evaluated in one query (the per-contact shape of
the segment compiler).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.messages.models import Offer
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.definition import definition_parse

MAX_OFFERS = 3


def offer_condition_check(condition: Any) -> None:
    """Raises ``DefinitionInvalid`` (field by field) for a condition that cannot run."""
    if condition is not None:
        definition_parse(condition)


def offers_for(*, contact: Contact, now: datetime, limit: int = MAX_OFFERS) -> list[dict[str, str]]:
    return offers_for_contacts(
        installation_id=contact.installation_id, contact_ids=[contact.pk], now=now, limit=limit
    )[contact.pk]


def offers_for_contacts(
    *, installation_id: int, contact_ids: list[int], now: datetime, limit: int = MAX_OFFERS
) -> dict[int, list[dict[str, str]]]:
    """The offers of each contact of one installation, for a batch of sends: the pool read
    once, every condition evaluated for every contact in one query."""
    offers = list(
        Offer.objects.filter(installation_id=installation_id, active=True).order_by(
            "-priority", "pk"
        )
    )
    conditional = [offer for offer in offers if offer.condition is not None]
    fits: dict[int, dict[str, Any]] = {}
    if conditional and contact_ids:
        columns = {
            f"o{offer.pk}": ExpressionWrapper(
                compile_definition(
                    definition_parse(offer.condition),
                    installation_id=installation_id,
                    now=now,
                    mode="single",
                ),
                output_field=BooleanField(),
            )
            for offer in conditional
        }
        fits = {
            row["pk"]: row
            for row in Contact.objects.filter(pk__in=contact_ids)
            .annotate(**columns)
            .values("pk", *columns)
        }
    chosen: dict[int, list[dict[str, str]]] = {}
    for contact_id in contact_ids:
        row = fits.get(contact_id, {})
        picked = [o for o in offers if o.condition is None or row.get(f"o{o.pk}")][:limit]
        chosen[contact_id] = [{"title": o.title, "text": o.text, "url": o.url} for o in picked]
    return chosen
