"""Commerce triggers: the catalogue's moments recorded as events on the contacts they concern.

The catalogue sync writes a ``CatalogueEvent`` (an outbox row) when a variant comes back in
stock, gets cheaper in a channel, or runs low. Each is news only for some contacts: those
who showed interest in the product lately. This module finds them and records one event on
each, so journeys enter on it and segments read it like any other event:

- ``product.back_in_stock``: the product was viewed or carted in the last ``INTEREST_DAYS``;
- ``product.price_dropped``: the same, and the drop is in the contact's channel;
- ``product.stock_low``: the product was carted (a view is not enough).

A contact who ordered the product since their newest interest is left out. Every event
carries ``interest`` ("viewed" or "carted") and ``interest_days`` (whole days from that
interest to the catalogue event, rounded up), and a price drop its ``drop_percent``: a
journey narrows the window ("viewed in the last 7 days") and the threshold ("at least 15 %
cheaper") with its entry's filters (``interest_days lte 7``, ``drop_percent gte 15``), which
the editor's palette sets. The window here is the widest any journey may ask for.

Recording is idempotent by the dedupe key ``<type>:<catalogue event id>:<contact id>``: a
consumer interrupted half-way and run again records nothing twice. ``flows.catalogue_events``
claims the rows, calls ``catalogue_event_apply`` for each in its own transaction and unit of
work, and sets ``processed_at``; one failing row never blocks the others.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.db.models.fields.json import KT

from saleor_mautomation.catalogue.models import CatalogueEvent, ProductChannelListing
from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_record
from saleor_mautomation.segments.sql import JSONListHas

SOURCE = "catalogue"

BACK_IN_STOCK = "product.back_in_stock"
PRICE_DROPPED = "product.price_dropped"
STOCK_LOW = "product.stock_low"
# The catalogue event kind each trigger consumes (out_of_stock concerns nobody: no trigger).
TRIGGERS: dict[str, str] = {
    CatalogueEvent.Kind.BACK_IN_STOCK.value: BACK_IN_STOCK,
    CatalogueEvent.Kind.PRICE_DROP.value: PRICE_DROPPED,
    CatalogueEvent.Kind.STOCK_LOW.value: STOCK_LOW,
}

# How far back a view or a cart counts (days): the widest window a journey's entry may narrow.
INTEREST_DAYS = 30
# A catalogue event older than this when it is consumed is history (a scheduler that was down
# for days): marked processed, nobody told that a product came back last week.
MAX_AGE = timedelta(days=2)

VIEWED = "viewed"
CARTED = "carted"
PRODUCT_VIEWED = "product.viewed"
CART_ADDED = "cart.added"
CHECKOUT_TYPES = ("checkout.created", "checkout.updated")
ORDER_PLACED = "order.placed"


@dataclass(frozen=True)
class Interest:
    """A contact's newest interest in a product within the window."""

    at: datetime
    kind: str  # CARTED if carted at all in the window, else VIEWED
    channel: str  # the channel of the newest interest that named one, else ""


# -- pure rules ---------------------------------------------------------------------------------


def interest_days(at: datetime, now: datetime) -> int:
    """Whole days since ``at``, rounded up: a view 6 hours ago is 1 day ago, one at ``now`` 0,
    so "in the last 7 days" is ``interest_days <= 7``."""
    return max(0, math.ceil((now - at) / timedelta(days=1)))


def drop_percent(data: dict[str, Any]) -> float | None:
    """The price drop in percent (one decimal) from a price_drop event's data: its
    ``drop_percent``, else computed from ``old`` and ``new``; None if malformed or no drop."""
    try:
        if data.get("drop_percent") not in (None, ""):
            value = Decimal(str(data["drop_percent"]))
        else:
            old, new = Decimal(str(data["old"])), Decimal(str(data["new"]))
            if old <= 0:
                return None
            value = (old - new) / old * 100
    except (KeyError, InvalidOperation, ValueError):
        return None
    if not value.is_finite() or value <= 0:
        return None
    return float(value.quantize(Decimal("0.1")))


def interest_of(rows: list[tuple[str, datetime, str]]) -> Interest | None:
    """One contact's interest from its matching events ``(type, occurred_at, channel)``."""
    if not rows:
        return None
    newest = max(rows, key=lambda row: row[1])
    carted = any(type_ != PRODUCT_VIEWED for type_, _, _ in rows)
    named = [row for row in rows if row[2]]
    channel = max(named, key=lambda row: row[1])[2] if named else ""
    return Interest(at=newest[1], kind=CARTED if carted else VIEWED, channel=channel)


# -- queries ------------------------------------------------------------------------------------


def _interests(
    installation_id: int, product_id: str, until: datetime, *, carted_only: bool
) -> dict[int, Interest]:
    """Per contact, its interest in the product in the ``INTEREST_DAYS`` up to ``until``:
    views (``product.viewed``), carts (``cart.added``) and checkouts holding it
    (``checkout.created``/``updated``)."""
    # (A JSON key compared as JSON: an alias of its text compared to the id is read as a JSON
    # document by SQLite, which the id is not.)
    carted = Q(type=CART_ADDED, properties__product_id=product_id) | Q(
        JSONListHas("properties", "product_ids", product_id), type__in=CHECKOUT_TYPES
    )
    wanted = (
        carted
        if carted_only
        else carted | Q(type=PRODUCT_VIEWED, properties__product_id=product_id)
    )
    rows = (
        Event.objects.annotate(channel=KT("properties__channel"))
        .filter(wanted, installation_id=installation_id, contact_id__isnull=False)
        .filter(occurred_at__gte=until - timedelta(days=INTEREST_DAYS), occurred_at__lte=until)
        .values_list("contact_id", "type", "occurred_at", "channel")
    )
    found: dict[int, list[tuple[str, datetime, str]]] = {}
    for contact_id, type_, occurred_at, channel in rows.iterator(chunk_size=2_000):
        found.setdefault(contact_id, []).append((type_, occurred_at, str(channel or "")))
    interests = {contact_id: interest_of(events) for contact_id, events in found.items()}
    return {contact_id: i for contact_id, i in interests.items() if i is not None}


def _ordered_since(
    installation_id: int, product_id: str, interests: dict[int, Interest]
) -> set[int]:
    """The contacts who placed an order holding the product at or after their interest."""
    if not interests:
        return set()
    since = min(i.at for i in interests.values())
    rows = Event.objects.filter(
        JSONListHas("properties", "product_ids", product_id),
        installation_id=installation_id,
        type=ORDER_PLACED,
        contact_id__in=list(interests),
        occurred_at__gte=since,
    ).values_list("contact_id", "occurred_at")
    return {
        contact_id
        for contact_id, occurred_at in rows
        if contact_id is not None and occurred_at >= interests[contact_id].at
    }


def _channels(contact_ids: list[int]) -> dict[int, str]:
    """The channel of each contact's newest checkout, else newest order (when they have one)."""
    found: dict[int, str] = {}
    for model, column in ((OrderRecord, "placed_at"), (CheckoutRecord, "last_change_at")):
        rows = (
            model.objects.filter(contact_id__in=contact_ids)
            .exclude(channel_slug="")
            .order_by("contact_id", column, "pk")
            .values_list("contact_id", "channel_slug")
        )
        found.update(dict(rows))  # the newest last; checkouts over orders
    return found


def _in_channel(event: CatalogueEvent, interests: dict[int, Interest]) -> dict[int, Interest]:
    """The interests that concern the event's channel: named there by the interest itself,
    else by the contact's newest checkout or order; a contact with no channel known at all
    only when the product is sold in that one channel."""
    unknown = [contact_id for contact_id, i in interests.items() if not i.channel]
    known = _channels(unknown) if unknown else {}
    only_channel = set(
        ProductChannelListing.objects.filter(
            product__installation_id=event.installation_id,
            product__saleor_id=event.product_saleor_id,
        ).values_list("channel_slug", flat=True)
    ) == {event.channel_slug}
    kept = {}
    for contact_id, interest in interests.items():
        channel = interest.channel or known.get(contact_id, "")
        if channel == event.channel_slug or (not channel and only_channel):
            kept[contact_id] = interest
    return kept


# -- applying one catalogue event ---------------------------------------------------------------


def _properties(event: CatalogueEvent, interest: Interest) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "product_id": event.product_saleor_id,
        "variant_id": event.variant_saleor_id,
        "product_name": event.product.name if event.product else "",
        "variant_name": event.variant.name if event.variant else "",
        "channel": event.channel_slug or interest.channel,
        "interest": interest.kind,
        "interest_days": interest_days(interest.at, event.occurred_at),
    }
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind == CatalogueEvent.Kind.PRICE_DROP:
        properties |= {
            "old_price": str(data.get("old", "")),
            "new_price": str(data.get("new", "")),
            "currency": str(data.get("currency", "")),
            "drop_percent": drop_percent(data),
        }
    elif event.kind == CatalogueEvent.Kind.STOCK_LOW:
        properties["quantity"] = data.get("quantity")
    return properties


def catalogue_event_apply(*, event: CatalogueEvent, now: datetime) -> int:
    """Record the event's trigger on every contact it concerns (in the caller's transaction
    and unit of work); the number recorded now (0 for a kind no trigger consumes, an event
    older than ``MAX_AGE``, a price rise, or a product no id names)."""
    type_ = TRIGGERS.get(event.kind)
    if type_ is None or not event.product_saleor_id or now - event.occurred_at > MAX_AGE:
        return 0
    data = event.data if isinstance(event.data, dict) else {}
    if type_ == PRICE_DROPPED and (not event.channel_slug or drop_percent(data) is None):
        return 0
    interests = _interests(
        event.installation_id,
        event.product_saleor_id,
        event.occurred_at,
        carted_only=type_ == STOCK_LOW,
    )
    for contact_id in _ordered_since(event.installation_id, event.product_saleor_id, interests):
        del interests[contact_id]
    if type_ == PRICE_DROPPED:
        interests = _in_channel(event, interests)
    recorded = 0
    for contact_id, interest in sorted(interests.items()):
        recorded += event_record(
            installation_id=event.installation_id,
            contact_id=contact_id,
            type=type_,
            occurred_at=event.occurred_at,
            source=SOURCE,
            dedupe_key=f"{type_}:{event.pk}:{contact_id}",
            properties=_properties(event, interest),
        )
    return recorded
