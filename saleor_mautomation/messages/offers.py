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
    offers = list(
        Offer.objects.filter(installation_id=contact.installation_id, active=True).order_by(
            "-priority", "pk"
        )
    )
    conditional = [offer for offer in offers if offer.condition is not None]
    fits: dict[int, bool] = {}
    if conditional:
        columns = {
            f"o{offer.pk}": ExpressionWrapper(
                compile_definition(
                    definition_parse(offer.condition),
                    installation_id=contact.installation_id,
                    now=now,
                    mode="single",
                ),
                output_field=BooleanField(),
            )
            for offer in conditional
        }
        row = Contact.objects.filter(pk=contact.pk).annotate(**columns).values(*columns).first()
        fits = {offer.pk: bool(row and row[f"o{offer.pk}"]) for offer in conditional}
    chosen = [offer for offer in offers if offer.condition is None or fits.get(offer.pk)]
    return [{"title": o.title, "text": o.text, "url": o.url} for o in chosen[:limit]]
