"""Figures that depend on the whole population or on time alone, recomputed in bulk.

RFM scores are quintiles within the installation: recency by last order, frequency by order
count, monetary by spend within each currency (a contact buying in several currencies takes
its best score). Scores are ``ceil(5 * cume_dist)``, so equal values always share a score (with
``NTILE`` a thousand one-order customers would be spread over three frequency scores).
Lifecycle stages that change with time alone (lapsing, lapsed) are moved by two UPDATEs, and
the 30- and 90-day email open and click counts, whose windows slide, by one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from saleor_mautomation.contacts import engagement
from saleor_mautomation.contacts.models import Contact, ContactsConfig, LifecycleStage
from saleor_mautomation.events.models import Event

# ceil(5 * cume_dist) in integer arithmetic, the same on PostgreSQL and SQLite: the count of
# rows up to and including the current value's peers, over the partition's size.
_SCORE = (
    "((5 * COUNT(*) OVER ({partition} ORDER BY {value}) + COUNT(*) OVER ({partition}) - 1)"
    " / COUNT(*) OVER ({partition}))"
)

RFM_SQL = f"""
WITH rf AS (
    SELECT id,
           {_SCORE.format(partition="", value="last_order_at")} AS r,
           {_SCORE.format(partition="", value="orders_count")} AS f
    FROM mautomation_contact
    WHERE installation_id = %(installation)s AND orders_count > 0
),
m AS (
    SELECT contact_id, MAX(score) AS m FROM (
        SELECT s.contact_id,
               {_SCORE.format(partition="PARTITION BY s.currency", value="s.total")} AS score
        FROM mautomation_contactspend s
        JOIN mautomation_contact c ON c.id = s.contact_id
        WHERE c.installation_id = %(installation)s AND s.orders > 0
    ) scored GROUP BY contact_id
)
UPDATE mautomation_contact
SET rfm_recency = rf.r, rfm_frequency = rf.f, rfm_monetary = COALESCE(m.m, 1),
    writeback_due_at = CASE
        WHEN saleor_user_id IS NULL THEN writeback_due_at
        ELSE COALESCE(writeback_due_at, %(now)s) END
FROM rf LEFT JOIN m ON m.contact_id = rf.id
WHERE mautomation_contact.id = rf.id
  AND (COALESCE(rfm_recency, 0) <> rf.r OR COALESCE(rfm_frequency, 0) <> rf.f
       OR COALESCE(rfm_monetary, 0) <> COALESCE(m.m, 1))
"""  # noqa: S608 - no user input: fixed table names, parameters bound


def _due(now: datetime) -> Case:
    """Saleor customers whose figures change become due for a write-back (never delayed)."""
    return Case(
        When(saleor_user_id__isnull=True, then=F("writeback_due_at")),
        default=Coalesce(F("writeback_due_at"), Value(now)),
    )


def rfm_sweep(*, installation_id: int, now: datetime) -> int:
    """Recompute every contact's RFM scores (only changed rows are written); contacts without
    orders have none."""
    with transaction.atomic():
        Contact.objects.filter(installation_id=installation_id, orders_count=0).exclude(
            rfm_recency=None
        ).update(
            rfm_recency=None, rfm_frequency=None, rfm_monetary=None, writeback_due_at=_due(now)
        )
        with connection.cursor() as cursor:
            adapted = connection.ops.adapt_datetimefield_value(now)
            cursor.execute(RFM_SQL, {"installation": installation_id, "now": adapted})
            return cursor.rowcount


def lifecycle_sweep(*, installation_id: int, config: ContactsConfig, now: datetime) -> int:
    """Move buyers whose last order has aged past the thresholds to lapsing or lapsed."""
    buyers = Contact.objects.filter(installation_id=installation_id, orders_count__gt=0)
    lapsed_before = now - timedelta(days=config.lapsed_after_days)
    lapsing_before = now - timedelta(days=config.lapsing_after_days)
    moved = (
        buyers.filter(last_order_at__lte=lapsed_before)
        .exclude(lifecycle_stage=LifecycleStage.LAPSED)
        .update(lifecycle_stage=LifecycleStage.LAPSED, writeback_due_at=_due(now))
    )
    moved += (
        buyers.filter(last_order_at__lte=lapsing_before, last_order_at__gt=lapsed_before)
        .exclude(lifecycle_stage=LifecycleStage.LAPSING)
        .update(lifecycle_stage=LifecycleStage.LAPSING, writeback_due_at=_due(now))
    )
    return moved


# Not a machine open or click: ``machine`` absent or anything but JSON true (the same test as
# ``is True`` in contacts.services). ``exclude(properties__machine=True)`` alone would be
# NULL, so false, for events without the key.
_HUMAN = Q(properties__machine__isnull=True) | ~Q(properties__machine=True)


def _human_count(type_: str, since: datetime) -> Coalesce:
    """The contact's human events of ``type_`` after ``since``, as a correlated COUNT on the
    ``event_contact_time`` index."""
    counted = (
        Event.objects.filter(_HUMAN, contact_id=OuterRef("pk"), type=type_, occurred_at__gt=since)
        .order_by()
        .values("contact_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def email_engagement_sweep(*, installation_id: int, now: datetime) -> int:
    """Recount the email opens and clicks of the last 30 and 90 days: events age out of the
    windows with no new event to trigger a refresh.

    Only contacts that have counts or an email event in the last 90 days are looked at, and
    only those whose counts change are written. The counts are not written back to Saleor, so
    no write-back becomes due; the last open and click and the best send hour are left to
    ``engagement_refresh``.
    """
    short, long = now - engagement.SHORT_WINDOW, now - engagement.LONG_WINDOW
    recent = Event.objects.filter(
        contact_id=OuterRef("pk"),
        type__in=engagement.EMAIL_EVENT_TYPES,
        occurred_at__gt=long,
    )
    counts = {
        "email_opens_30d": _human_count(engagement.EMAIL_OPENED, short),
        "email_opens_90d": _human_count(engagement.EMAIL_OPENED, long),
        "email_clicks_30d": _human_count(engagement.EMAIL_CLICKED, short),
        "email_clicks_90d": _human_count(engagement.EMAIL_CLICKED, long),
    }
    candidates = Q(Exists(recent))
    for name in counts:
        candidates |= Q(**{f"{name}__gt": 0})
    return (
        Contact.objects.filter(candidates, installation_id=installation_id)
        .alias(**{f"new_{name}": count for name, count in counts.items()})
        .exclude(**{name: F(f"new_{name}") for name in counts})
        .update(**{name: F(f"new_{name}") for name in counts})
    )
