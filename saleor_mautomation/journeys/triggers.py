"""Triggers Saleor does not send, derived from what the app stores and recorded as events.

Saleor has no "checkout abandoned", "browsed and left", "customer lapsed" or "spent past a
threshold" event: each is a moment when something did *not* happen for a while, or a figure
crossed a line. A periodic sweep finds them per installation and records each as an ordinary
event on the contact (journeys enter on events, segments read them like any other).

Each trigger is one set-based query per batch (keyset-paginated, so a sweep always ends and
never holds a whole population in memory). Recording is idempotent by a semantic dedupe key
(``event_record``), so a trigger fires once per cause however often or concurrently the sweep
runs: no row locks are needed. The queries also leave out what was recorded already, so a
sweep every minute reads only what is new; where that pre-filter cannot be exact (a setting
changed between sweeps) the dedupe key still keeps the event single.

Events are recorded inside ``journeys_tracked`` so the segments reading them update, and the
journeys they enter start, in the same
transaction. ``checkout.recovered`` is deliberately absent: a journey entered on
``checkout.abandoned`` exits on its goal, ``order.placed`` (the preset takes any order since
the run began: a customer who bought is not reminded; a goal filtered on the order event's
``checkout_id`` is possible, since the event carries it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Concat

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactsConfig, ContactSpend
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.services import event_record

SOURCE = "triggers"
BATCH = 1_000

CHECKOUT_ABANDONED = "checkout.abandoned"
BROWSE_ABANDONED = "browse.abandoned"
CUSTOMER_LAPSED = "customer.lapsed"
SPEND_THRESHOLD_CROSSED = "spend.threshold_crossed"

PRODUCT_VIEWED = "product.viewed"
# Signs of buying intent after a view: the visit was not abandoned browsing.
INTEREST = Q(type__in=("cart.added", "order.placed")) | Q(type__startswith="checkout.")

CHECKOUT_QUIET = timedelta(minutes=60)
# A checkout quiet for longer than this is history, not an abandonment to act on (and after
# a first install, old checkouts must not all "abandon" at once).
CHECKOUT_MAX_AGE = timedelta(days=7)
BROWSE_WINDOW = timedelta(hours=24)
BROWSE_QUIET = timedelta(hours=2)
BROWSE_MAX_PRODUCTS = 10

# Lapsed rules, as reported in the event's ``rule`` property.
THRESHOLD = "threshold"
INTERVAL = "interval"
# Past this many median gaps since the last order, a regular buyer has lapsed.
INTERVAL_FACTOR = 2

Thresholds = Mapping[str, Sequence[Decimal | int | str]]


@dataclass(frozen=True)
class SweepCounts:
    """Events recorded by one sweep, per trigger."""

    checkout_abandoned: int = 0
    browse_abandoned: int = 0
    customer_lapsed: int = 0
    spend_threshold_crossed: int = 0

    @property
    def total(self) -> int:
        return (
            self.checkout_abandoned
            + self.browse_abandoned
            + self.customer_lapsed
            + self.spend_threshold_crossed
        )


# -- pure rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lapse:
    rule: str
    at: datetime  # when the contact crossed the line (the event's occurred_at)


def median_gap_days(prediction_basis: Mapping[str, Any]) -> float | None:
    """The median days between the contact's orders, from ``Contact.prediction_basis``
    (``contacts.engagement.predict_next_order``); None below two orders or if malformed."""
    value = prediction_basis.get("median_gap_days")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return float(value)


def lapse_of(
    *,
    last_order_at: datetime,
    median_gap_days: float | None,
    threshold_days: int,
    now: datetime,
) -> Lapse | None:
    """Whether a buyer has lapsed at ``now``, by which rule, and since when.

    Two lines: the installation's threshold (``lapsing_after_days``) for everyone, and twice
    the contact's own median gap between orders for a regular buyer (someone who orders monthly
    has lapsed long before a 180-day threshold). Whichever line was crossed first names the
    rule; on a tie the threshold does (it is the one a merchant configured).
    """
    lines = [Lapse(rule=THRESHOLD, at=last_order_at + timedelta(days=threshold_days))]
    if median_gap_days is not None:
        gaps = timedelta(days=INTERVAL_FACTOR * median_gap_days)
        lines.append(Lapse(rule=INTERVAL, at=last_order_at + gaps))
    crossed = [line for line in lines if line.at <= now]
    return min(crossed, key=lambda line: line.at) if crossed else None


def amount_text(value: Decimal | int | str) -> str:
    """A money amount as written in keys and properties: ``100``, ``99.5`` (never ``1E+2``,
    never ``100.00``), so the same threshold always gives the same dedupe key."""
    return format(Decimal(value).normalize(), "f")


def checkout_facts(lines: Any) -> dict[str, Any]:
    """Line count, distinct product and category ids (first seen first) of a checkout's
    stored lines (``commerce.services.checkout_lines``)."""
    products: list[str] = []
    categories: list[str] = []
    count = 0
    for line in lines if isinstance(lines, list) else []:
        if not isinstance(line, dict):
            continue
        count += int(line.get("quantity") or 1)
        product, category = line.get("product_id"), line.get("category_id")
        if product and product not in products:
            products.append(product)
        if category and category not in categories:
            categories.append(category)
    return {"lines": count, "product_ids": products, "category_ids": categories}


# -- batching -----------------------------------------------------------------------------------


def _pages(queryset: Any, key: str, size: int) -> Iterator[list[Any]]:
    """Keyset pages of ``queryset`` ordered by ``key``: each page one query, never an OFFSET,
    and a row the pre-filter keeps returning (its event exists under another key) is passed
    once, so the loop ends."""
    after: Any = None
    while True:
        page = queryset if after is None else queryset.filter(**{f"{key}__gt": after})
        rows = list(page.order_by(key)[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1]
        after = last[key] if isinstance(last, dict) else getattr(last, key)


Unit = Callable[[], AbstractContextManager[object]]


def _record_all(
    installation_id: int,
    now: datetime,
    events: Sequence[tuple[int, str, datetime, str, dict[str, Any]]],
    unit: Unit,
) -> int:
    """Record a page's events in one transaction, inside the unit of work ``unit`` opens
    (the coordinator's, from the sweep task: segments and journeys follow in the same
    transaction; by default none, the caller finishes)."""
    recorded = 0
    with transaction.atomic(), unit():
        for contact_id, type_, occurred_at, key, properties in events:
            recorded += event_record(
                installation_id=installation_id,
                contact_id=contact_id,
                type=type_,
                occurred_at=occurred_at,
                source=SOURCE,
                dedupe_key=key,
                properties=properties,
            )
    return recorded


# -- checkout.abandoned -------------------------------------------------------------------------


def checkouts_abandon(
    *,
    unit: Unit = nullcontext,
    installation_id: int,
    now: datetime,
    quiet_for: timedelta = CHECKOUT_QUIET,
    batch_size: int = BATCH,
) -> int:
    """Record ``checkout.abandoned`` for each checkout version gone quiet without an order.

    The key carries the checkout's ``last_change_at``: a checkout changed again later (an item
    added days after) and quiet again is a new abandonment. ``occurred_at`` is the moment it
    went quiet (last change + ``quiet_for``), not the sweep's time.
    """
    # Recorded already for this version (same contact, checkout and moment it went quiet).
    recorded = Event.objects.alias(checkout_id=KT("properties__checkout_id")).filter(
        contact_id=OuterRef("contact_id"),
        type=CHECKOUT_ABANDONED,
        occurred_at=ExpressionWrapper(
            OuterRef("last_change_at") + quiet_for, output_field=DateTimeField()
        ),
        checkout_id=OuterRef("saleor_id"),
    )
    ordered = OrderRecord.objects.filter(
        installation_id=installation_id, checkout_saleor_id=OuterRef("saleor_id")
    )
    candidates = (
        CheckoutRecord.objects.filter(
            installation_id=installation_id,
            contact__isnull=False,
            completed_at__isnull=True,
            last_change_at__lte=now - quiet_for,
            last_change_at__gte=now - CHECKOUT_MAX_AGE,
        )
        .exclude(email="")
        .exclude(lines=[])
        .exclude(Exists(ordered))
        .exclude(Exists(recorded))
        .only(
            "pk",
            "saleor_id",
            "token",
            "contact_id",
            "channel_slug",
            "currency",
            "total",
            "lines",
            "last_change_at",
        )
    )
    count = 0
    for page in _pages(candidates, "pk", batch_size):
        events = []
        for checkout in page:
            facts = checkout_facts(checkout.lines)
            if not facts["lines"]:
                continue
            assert checkout.contact_id is not None
            events.append(
                (
                    checkout.contact_id,
                    CHECKOUT_ABANDONED,
                    checkout.last_change_at + quiet_for,
                    f"{CHECKOUT_ABANDONED}:{checkout.saleor_id}:"
                    f"{checkout.last_change_at.isoformat()}",
                    {
                        "checkout_id": checkout.saleor_id,
                        "channel": checkout.channel_slug,
                        "currency": checkout.currency,
                        "total": amount_text(checkout.total),
                        **facts,
                        "token": checkout.token,
                    },
                )
            )
        count += _record_all(installation_id, now, events, unit)
    return count


# -- browse.abandoned ---------------------------------------------------------------------------


def browse_abandon(
    *,
    unit: Unit = nullcontext,
    installation_id: int,
    now: datetime,
    window: timedelta = BROWSE_WINDOW,
    quiet_for: timedelta = BROWSE_QUIET,
    batch_size: int = BATCH,
) -> int:
    """Record ``browse.abandoned`` for contacts who viewed products in the last ``window``,
    have been quiet for ``quiet_for`` since their newest view, and showed no buying intent
    (cart, checkout, order) after their first view in the window.

    Once per contact and day (of the newest view): someone browsing every evening is not
    reminded more than daily, and one session spread over an hour fires once.
    """
    since = now - window
    # The contact's latest intent (cart, checkout, order) and latest browse abandonment: read
    # once per contact (grouped with it), compared with the first and newest view below.
    intent = Event.objects.filter(
        INTEREST, contact_id=OuterRef("contact_id"), occurred_at__gt=since
    )
    recorded = Event.objects.filter(
        contact_id=OuterRef("contact_id"), type=BROWSE_ABANDONED, occurred_at__gt=since
    )
    candidates = (
        Event.objects.filter(
            installation_id=installation_id,
            type=PRODUCT_VIEWED,
            occurred_at__gt=since,
            contact_id__isnull=False,
        )
        .annotate(
            last_intent=_latest(intent),
            last_recorded=_latest(recorded),
        )
        .values("contact_id", "last_intent", "last_recorded")
        .annotate(first_at=Min("occurred_at"), last_at=Max("occurred_at"), views=Count("pk"))
        .filter(last_at__lte=now - quiet_for)
        # No intent at or after the first view: the purchase path did not take over.
        .filter(Q(last_intent__isnull=True) | Q(last_intent__lt=F("first_at")))
        # Not recorded since the newest view: nothing new to say about this browsing.
        .filter(Q(last_recorded__isnull=True) | Q(last_recorded__lte=F("last_at")))
    )
    count = 0
    for page in _pages(candidates, "contact_id", batch_size):
        products = _viewed_products([row["contact_id"] for row in page], since=since)
        events = [
            (
                row["contact_id"],
                BROWSE_ABANDONED,
                row["last_at"] + quiet_for,
                f"{BROWSE_ABANDONED}:{row['contact_id']}:{row['last_at'].date().isoformat()}",
                {"product_ids": products.get(row["contact_id"], []), "views": row["views"]},
            )
            for row in page
        ]
        count += _record_all(installation_id, now, events, unit)
    return count


def _latest(events: Any) -> Subquery:
    return Subquery(events.order_by("-occurred_at").values("occurred_at")[:1])


def _viewed_products(contact_ids: list[int], *, since: datetime) -> dict[int, list[str]]:
    """Per contact, the distinct products viewed since ``since``, most recent first (at most
    ``BROWSE_MAX_PRODUCTS``): one query for a page of contacts."""
    viewed: dict[int, list[str]] = {}
    rows = (
        Event.objects.filter(contact_id__in=contact_ids, type=PRODUCT_VIEWED, occurred_at__gt=since)
        .order_by("contact_id", "-occurred_at", "-pk")
        .values_list("contact_id", "properties")
    )
    for contact_id, properties in rows.iterator(chunk_size=BATCH):
        products = viewed.setdefault(contact_id, [])
        product = properties.get("product_id") if isinstance(properties, dict) else None
        if (
            isinstance(product, str)
            and product
            and product not in products
            and len(products) < BROWSE_MAX_PRODUCTS
        ):
            products.append(product)
    return viewed


# -- customer.lapsed ----------------------------------------------------------------------------


def customers_lapse(
    *,
    installation_id: int,
    now: datetime,
    threshold_days: int,
    batch_size: int = BATCH,
    unit: Unit = nullcontext,
) -> int:
    """Record ``customer.lapsed`` for buyers past either line of ``lapse_of``.

    Once per last order: a new order moves ``last_order_at`` and so the key, and the next lapse
    is a new event. The query selects by both lines in SQL (the interval line through
    ``predicted_next_order_at``, which is the last order plus the median gap, so twice the gap
    is ``2 * predicted - last``); ``lapse_of`` decides the rule and the moment exactly.
    """
    predicted = F("predicted_next_order_at")
    interval_line = ExpressionWrapper(
        predicted + (predicted - F("last_order_at")), output_field=DateTimeField()
    )
    # Recorded already for this last order (a lapse is always after the order it follows).
    recorded = Event.objects.filter(
        contact_id=OuterRef("pk"),
        type=CUSTOMER_LAPSED,
        occurred_at__gt=OuterRef("last_order_at"),
    )
    candidates = (
        Contact.objects.filter(
            installation_id=installation_id, orders_count__gt=0, last_order_at__isnull=False
        )
        .alias(interval_line=interval_line)
        .filter(
            Q(last_order_at__lte=now - timedelta(days=threshold_days))
            | Q(predicted_next_order_at__isnull=False, interval_line__lte=now)
        )
        .exclude(Exists(recorded))
        .only("pk", "last_order_at", "prediction_basis")
    )
    count = 0
    for page in _pages(candidates, "pk", batch_size):
        events = []
        for contact in page:
            assert contact.last_order_at is not None
            basis = contact.prediction_basis if isinstance(contact.prediction_basis, dict) else {}
            lapse = lapse_of(
                last_order_at=contact.last_order_at,
                median_gap_days=median_gap_days(basis),
                threshold_days=threshold_days,
                now=now,
            )
            if lapse is None:
                continue
            events.append(
                (
                    contact.pk,
                    CUSTOMER_LAPSED,
                    lapse.at,
                    f"{CUSTOMER_LAPSED}:{contact.pk}:{contact.last_order_at.isoformat()}",
                    {
                        "days_since_last_order": (now - contact.last_order_at).days,
                        "rule": lapse.rule,
                    },
                )
            )
        count += _record_all(installation_id, now, events, unit)
    return count


# -- spend.threshold_crossed --------------------------------------------------------------------


def spend_thresholds_cross(
    *,
    installation_id: int,
    now: datetime,
    thresholds: Thresholds,
    batch_size: int = BATCH,
    unit: Unit = nullcontext,
) -> int:
    """Record ``spend.threshold_crossed`` once per contact, currency and threshold reached.

    Money is compared within a currency only (``ContactSpend`` is per currency). A contact
    past several thresholds at once (a first sweep, a large order) gets one event for each,
    so a journey on "crossed 500" starts whatever happened to 100. A refund taking the total
    back under a threshold does not undo the event, and crossing it again does not repeat it.
    """
    count = 0
    for currency, amounts in sorted(thresholds.items()):
        for amount in sorted({Decimal(a) for a in amounts}):
            text = amount_text(amount)
            prefix = f"{SPEND_THRESHOLD_CROSSED}:"
            suffix = f":{currency}:{text}"
            # The dedupe key itself, built in SQL: exact, on the (installation, key) index.
            recorded = Event.objects.filter(
                installation_id=installation_id,
                dedupe_key=Concat(
                    Value(prefix),
                    Cast(OuterRef("contact_id"), output_field=CharField()),
                    Value(suffix),
                    output_field=CharField(),
                ),
            )
            candidates = (
                ContactSpend.objects.filter(
                    contact__installation_id=installation_id, currency=currency, total__gte=amount
                )
                .exclude(Exists(recorded))
                .values("pk", "contact_id", "total")
            )
            for page in _pages(candidates, "pk", batch_size):
                events = [
                    (
                        row["contact_id"],
                        SPEND_THRESHOLD_CROSSED,
                        now,
                        f"{prefix}{row['contact_id']}{suffix}",
                        {
                            "currency": currency,
                            "threshold": text,
                            "total": amount_text(row["total"]),
                        },
                    )
                    for row in page
                ]
                count += _record_all(installation_id, now, events, unit)
    return count


# -- all ----------------------------------------------------------------------------------------


def triggers_sweep(
    *,
    installation_id: int,
    now: datetime,
    config: ContactsConfig,
    spend_thresholds: Thresholds | None = None,
    checkout_quiet_for: timedelta = CHECKOUT_QUIET,
    browse_window: timedelta = BROWSE_WINDOW,
    browse_quiet_for: timedelta = BROWSE_QUIET,
    batch_size: int = BATCH,
    unit: Unit = nullcontext,
) -> SweepCounts:
    """Every derived trigger of one installation at ``now``; the counts of events recorded.

    Each page commits on its own: a failure part-way keeps what was recorded, and the next
    sweep picks up the rest (nothing is recorded twice).
    """
    return SweepCounts(
        checkout_abandoned=checkouts_abandon(
            installation_id=installation_id,
            now=now,
            quiet_for=checkout_quiet_for,
            batch_size=batch_size,
            unit=unit,
        ),
        browse_abandoned=browse_abandon(
            installation_id=installation_id,
            now=now,
            window=browse_window,
            quiet_for=browse_quiet_for,
            batch_size=batch_size,
            unit=unit,
        ),
        customer_lapsed=customers_lapse(
            installation_id=installation_id,
            now=now,
            threshold_days=config.lapsing_after_days,
            batch_size=batch_size,
            unit=unit,
        ),
        spend_threshold_crossed=spend_thresholds_cross(
            installation_id=installation_id,
            now=now,
            thresholds=spend_thresholds or {},
            batch_size=batch_size,
            unit=unit,
        ),
    )
