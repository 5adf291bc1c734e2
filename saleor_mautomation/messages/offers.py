"""Choosing offers from the shop's pool for one recipient.

Each offer may carry a condition in the segment definition language (``{"version": 1,
"root": ...}``); the recipient gets up to ``limit`` active offers whose condition holds for
them, highest priority first, all conditions evaluated in one query (the per-contact shape of
the segment compiler). An offer is valid from ``starts_at`` until before ``ends_at`` (either
open), and limited to the Saleor channels it names (none: every channel): a recipient is in
a channel (the storefront's, or the shop they last met in a message: their open checkout's,
else their last order's); one in no known channel gets only offers for every channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

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


def offers_valid(*, installation_id: int, now: datetime) -> list[Offer]:
    """The installation's active offers valid at ``now``, highest priority first."""
    return list(
        Offer.objects.filter(installation_id=installation_id, active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .order_by("-priority", "pk")
    )


def _in_channel(offer: Offer, channel: str | None) -> bool:
    return not offer.channels or channel in offer.channels


def offers_for_visitor(
    *, installation_id: int, contact_id: int | None, channel: str, now: datetime, limit: int
) -> list[Offer]:
    """The offers for a storefront visitor in ``channel``: a visitor the app does not know
    (no contact) gets only the offers without a condition."""
    if contact_id is None:
        found = offers_valid(installation_id=installation_id, now=now)
        return [o for o in found if o.condition is None and _in_channel(o, channel)][:limit]
    return _chosen(installation_id, [contact_id], now, limit, {contact_id: channel})[contact_id]


def offers_for_contacts(
    *,
    installation_id: int,
    contact_ids: list[int],
    now: datetime,
    limit: int = MAX_OFFERS,
    channels: Mapping[int, str | None] | None = None,
) -> dict[int, list[dict[str, str]]]:
    """The offers of each contact of one installation (in ``channels[contact id]``), for a
    batch of sends: the pool read once, every condition evaluated for every contact in one
    query."""
    chosen = _chosen(installation_id, contact_ids, now, limit, channels or {})
    return {
        contact_id: [{"title": o.title, "text": o.text, "url": o.url} for o in picked]
        for contact_id, picked in chosen.items()
    }


def _chosen(
    installation_id: int,
    contact_ids: list[int],
    now: datetime,
    limit: int,
    channels: Mapping[int, str | None],
) -> dict[int, list[Offer]]:
    offers = offers_valid(installation_id=installation_id, now=now)
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
    chosen: dict[int, list[Offer]] = {}
    for contact_id in contact_ids:
        row, channel = fits.get(contact_id, {}), channels.get(contact_id)
        chosen[contact_id] = [
            o
            for o in offers
            if (o.condition is None or row.get(f"o{o.pk}")) and _in_channel(o, channel)
        ][:limit]
    return chosen
