"""Which message earned an order: the last one the person clicked within the click window
before the order, else (unless the shop counts clicks only) the last one a person opened
within the open window. Machine hits (privacy proxies, link scanners: ``machine: true`` on
the tracking events) never earn anything.

The coordinator calls ``attributions_on_changes`` for the contacts whose orders changed in the
unit of work. A new order is credited once (``OrderAttribution`` is one per order): the
credit is recorded on the order, as an ``order.attributed`` event in the person's timeline, and
in the day's tallies of the message's origin (revenue in the order's currency). A later
refund or cancellation moves the tallied revenue by the difference.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from saleor_mautomation.analytics.models import AttributionSettings, OrderAttribution
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.engagement import EMAIL_CLICKED, EMAIL_OPENED
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.changes import Changes
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_record
from saleor_mautomation.events.tallies import Tally, tallies_add
from saleor_mautomation.messages.funnel import message_origin, utc_day
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.tracking import PUSH_CLICKED

ATTRIBUTED = "attributed"
ORDER_ATTRIBUTED = "order.attributed"
CLICKS = (EMAIL_CLICKED, PUSH_CLICKED)
# What can change an order's worth or bring a new one (``event:<type>`` change notes).
ORDER_FACTS = frozenset(
    f"event:{t}"
    for t in (
        "order.placed",
        "order.confirmed",
        "order.paid",
        "order.cancelled",
        "order.refunded",
        "order.fully_refunded",
    )
)
# An order arriving later than this after it was placed is not credited (a backfill of old
# orders, a long outage): the windows are days, and touches older than this are not kept
# hot in memory; it also bounds the orders looked at per change.
LATE = timedelta(days=30)
MAX_WINDOW_DAYS = 90
CANDIDATES = 10  # the latest hits looked at for one of the shop's own messages


@dataclass(frozen=True)
class Windows:
    click_days: int = 5
    open_days: int = 1
    click_only: bool = False


def attribution_windows(installation_id: int) -> Windows:
    stored = AttributionSettings.objects.filter(installation_id=installation_id).first()
    if stored is None:
        return Windows()
    return Windows(stored.click_days, stored.open_days, stored.click_only)


def attribution_settings_update(
    *,
    installation_id: int,
    click_days: int | None = None,
    open_days: int | None = None,
    click_only: bool | None = None,
) -> Windows:
    """Change the windows (days, 0-90; 0 turns that kind of credit off)."""
    for name, value in (("clickDays", click_days), ("openDays", open_days)):
        if value is not None and not 0 <= value <= MAX_WINDOW_DAYS:
            raise PermanentError(
                f"{name} is a number of days from 0 to {MAX_WINDOW_DAYS}",
                code="invalid_attribution",
            )
    stored, _ = AttributionSettings.objects.get_or_create(installation_id=installation_id)
    if click_days is not None:
        stored.click_days = click_days
    if open_days is not None:
        stored.open_days = open_days
    if click_only is not None:
        stored.click_only = click_only
    stored.save()
    return Windows(stored.click_days, stored.open_days, stored.click_only)


@dataclass(frozen=True)
class Touch:
    message_id: int
    at: datetime
    via: OrderAttribution.Via


def _last_touch(order: OrderRecord, windows: Windows) -> Touch | None:
    """The click (else the human open) that earns ``order``, within the windows."""
    if order.contact_id is None:
        return None
    kinds: list[tuple[tuple[str, ...], int, OrderAttribution.Via]] = [
        (CLICKS, windows.click_days, OrderAttribution.Via.CLICK)
    ]
    if not windows.click_only:
        kinds.append(((EMAIL_OPENED,), windows.open_days, OrderAttribution.Via.OPEN))
    for types, days, via in kinds:
        if days <= 0:
            continue
        hits = [
            (int(properties["message_id"]), at)
            for properties, at in Event.objects.filter(
                ~Q(properties__machine=True),
                contact_id=order.contact_id,
                type__in=types,
                occurred_at__gte=order.placed_at - timedelta(days=days),
                occurred_at__lte=order.placed_at,
                properties__has_key="message_id",
            )
            .order_by("-occurred_at", "-pk")
            .values_list("properties", "occurred_at")[:CANDIDATES]
        ]
        ours = set(
            Message.objects.filter(
                installation_id=order.installation_id, pk__in=[m for m, _ in hits]
            ).values_list("pk", flat=True)
        )
        for message_id, at in hits:
            if message_id in ours:
                return Touch(message_id=message_id, at=at, via=via)
    return None


def _credit(order: OrderRecord, touch: Touch, now: datetime) -> Tally | None:
    message = (
        Message.objects.filter(pk=touch.message_id, installation_id=order.installation_id)
        .select_related("journey", "template")
        .first()
    )
    if message is None:
        return None
    revenue = order.net_revenue
    OrderAttribution.objects.create(
        installation_id=order.installation_id,
        order=order,
        message=message,
        via=touch.via,
        touched_at=touch.at,
        placed_at=order.placed_at,
        currency=order.currency,
        revenue=revenue,
    )
    event_record(
        installation_id=order.installation_id,
        contact_id=order.contact_id,
        type=ORDER_ATTRIBUTED,
        occurred_at=now,
        source="attribution",
        dedupe_key=f"{ORDER_ATTRIBUTED}:{order.saleor_id}",
        properties={
            "order_id": order.saleor_id,
            "number": order.number,
            "message_id": message.pk,
            "via": touch.via,
            "journey": message.journey.name if message.journey else "",
            "template": message.template.name if message.template else "",
            "total": str(revenue),
            "currency": order.currency,
        },
    )
    return Tally(
        installation_id=order.installation_id,
        day=utc_day(order.placed_at),
        metric=ATTRIBUTED,
        origin=message_origin(message),
        currency=order.currency,
        amount=revenue,
    )


def _revalued(attribution: OrderAttribution) -> Tally | None:
    """An attributed order whose worth changed (refund, cancellation): the difference."""
    order = attribution.order
    worth = order.net_revenue
    if worth == attribution.revenue or attribution.message is None:
        return None
    delta = worth - attribution.revenue
    attribution.revenue = worth
    attribution.save(update_fields=["revenue"])
    return Tally(
        installation_id=attribution.installation_id,
        day=utc_day(attribution.placed_at),
        metric=ATTRIBUTED,
        origin=message_origin(attribution.message),
        currency=attribution.currency,
        count=0,
        amount=delta,
    )


def orders_attribute(*, contact_ids: Iterable[int], now: datetime) -> int:
    """Credit the contacts' recent orders that have no credit yet, and revalue the credited
    ones whose worth changed; how many orders were credited."""
    ids = list(contact_ids)
    if not ids:
        return 0
    tallies: list[Tally] = []
    credited = 0
    windows: dict[int, Windows] = {}
    for order in OrderRecord.objects.filter(
        contact_id__in=ids, placed_at__gte=now - LATE, attribution__isnull=True
    ).order_by("placed_at", "pk"):
        if order.installation_id not in windows:
            windows[order.installation_id] = attribution_windows(order.installation_id)
        touch = _last_touch(order, windows[order.installation_id])
        tally = _credit(order, touch, now) if touch is not None else None
        if tally is not None:
            tallies.append(tally)
            credited += 1
    for attribution in OrderAttribution.objects.filter(
        order__contact_id__in=ids, placed_at__gte=now - LATE
    ).select_related("order", "message"):
        tally = _revalued(attribution)
        if tally is not None:
            tallies.append(tally)
    tallies_add(tallies)
    return credited


def attributions_on_changes(*, changes: Changes, now: datetime) -> int:
    """The unit of work's step: orders of the contacts whose order events were recorded."""
    return orders_attribute(
        contact_ids=[contact_id for contact_id, facts in changes.items() if facts & ORDER_FACTS],
        now=now,
    )
