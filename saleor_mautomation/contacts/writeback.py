"""Key figures written back to the Saleor customer's private metadata, batched and debounced.

A change of a contact's figures only marks it due (``writeback_due_at``, a debounce window
ahead); a periodic task claims due contacts in batches with SKIP LOCKED, writes each batch in
one Saleor request, and remembers a hash of what it wrote so unchanged figures are never
written twice. The CUSTOMER_METADATA_UPDATED and CUSTOMER_UPDATED deliveries our own writes
cause are issued by this app and ignored at intake, so there is no loop.

The keys, all under ``mautomation.``: ``orders``, ``spend.<CURRENCY>`` (one per currency the
customer bought in, never added across currencies), ``lifecycle``, ``rfm`` (recency,
frequency, monetary, 1-5 each), ``last_order`` and ``next_order`` (the predicted next order;
UTC dates), ``last_engaged``, ``consent.email`` and ``segments`` (the keys of the segments the
customer is in), plus the keys journeys set. Once the shop has enough data for the nightly
predictions (predictions/), a buyer also gets ``predicted.active`` (the probability of being
active, one decimal), ``predicted.orders_12m`` (orders expected over the next 12 months, one
decimal), ``predicted.clv_12m.<CURRENCY>`` (spend expected over them in that currency, two
significant digits; repeat buyers in the currency only) and ``predicted.next_order_week`` (the
ISO week of the expected next order, ``2026-W25``): coarse on purpose, as every day moves
these predictions a little and each write costs Saleor two webhooks per app
(``predicted_items``).

One customer Saleor refuses (its user is gone: ``updatePrivateMetadata`` answers
PermissionDenied for a user row that no longer exists) fails its own alias only: it is skipped,
counted in ``writeback_refusals`` and tried again later and later (``REFUSAL_DELAYS``), then
only when its figures change again, never every few minutes for ever. A refusal for want of
MANAGE_USERS (the app's access, not the customer) or of the whole request (the token) counts
against no customer: the batch is tried again after ``RETRY_AFTER``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache

from django.db import connection, transaction
from django.db.models import F, Q

from saleor_mautomation.contacts.models import Contact, ContactSpend
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.saleor.metadata import MetadataWrite, private_metadata_write
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client

logger = logging.getLogger(__name__)

PREFIX = "mautomation."
DEBOUNCE = timedelta(seconds=60)
RETRY_AFTER = timedelta(minutes=5)
# After the n-th refusal in a row the customer is tried again this long after (then no more
# until its figures change): a user gone from Saleor costs four aliases, not one every flush.
REFUSAL_DELAYS = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1))
# Saleor refuses a document with more aliases than GRAPHQL_ALIAS_COUNT_LIMIT (100 by default,
# saleor/graphql/core/validators/alias_count_limit_rule.py); one alias per customer.
MAX_BATCH_SIZE = 100


def _amount(total: Decimal) -> str:
    """An amount as written: no exponent, no trailing zeros (``2359.72``, ``1000``)."""
    return f"{total.normalize():f}"


def _day(moment: datetime | None) -> str | None:
    # A date (UTC), not a moment: a change within the day is not worth a write.
    return moment.astimezone(UTC).date().isoformat() if moment is not None else None


def spend_of(contact_ids: Sequence[int]) -> dict[int, dict[str, Decimal]]:
    """The spend per currency of each contact (one query for a batch)."""
    spend: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for contact_id, currency, total in ContactSpend.objects.filter(
        contact_id__in=contact_ids
    ).values_list("contact_id", "currency", "total"):
        spend[contact_id][currency] = total
    return spend


def _significant(value: Decimal, digits: int = 2) -> str:
    """``value`` to ``digits`` significant digits, without an exponent (``1234.5`` -> ``1200``)."""
    if not value:
        return "0"
    step = Decimal(1).scaleb(value.adjusted() - digits + 1)
    return f"{value.quantize(step).normalize():f}"


def predicted_items(active: float, orders: float, next_at: datetime | None) -> dict[str, str]:
    """A buyer's written predictions (the nightly run compares these to mark changes)."""
    items = {
        f"{PREFIX}predicted.active": f"{active:.1f}",
        f"{PREFIX}predicted.orders_12m": f"{orders:.1f}",
    }
    if next_at is not None:
        year, week, _ = next_at.astimezone(UTC).isocalendar()
        items[f"{PREFIX}predicted.next_order_week"] = f"{year}-W{week:02d}"
    return items


def predicted_value_item(currency: str, clv: Decimal) -> tuple[str, str]:
    return f"{PREFIX}predicted.clv_12m.{currency}", _significant(clv)


@cache
def _predicted_sql() -> str:
    scores = Contact._meta.get_field("prediction").related_model._meta.db_table
    values = Contact._meta.get_field("value_predictions").related_model._meta.db_table
    return (
        "SELECT p.contact_id, 0, p.probability_active, p.expected_orders_12m, "  # noqa: S608
        "p.expected_next_order_at, NULL::varchar, NULL::numeric "
        f"FROM {scores} p WHERE p.contact_id = ANY(%s::bigint[]) "
        "UNION ALL SELECT v.contact_id, 1, NULL, NULL, NULL, v.currency, v.clv_12m "
        f"FROM {values} v WHERE v.contact_id = ANY(%s::bigint[]) AND v.clv_12m IS NOT NULL "
        "ORDER BY 2"
    )


def predicted_of(contact_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """The predicted-value items of each contact (one statement for a batch). The rows
    are the predictions domain's, read through their relations to the contact: contacts sits
    below predictions in the layers and never imports it."""
    items: dict[int, dict[str, str]] = defaultdict(dict)
    if not contact_ids:
        return items
    if connection.vendor == "postgresql":
        # One prepared statement for both tables (a backfill page asks for a hundred buyers,
        # most with no prediction yet): the prediction's row first, then each currency's value.
        for pk, kind, active, orders, next_at, currency, clv in sql_rows(
            _predicted_sql(), [list(contact_ids)] * 2, prepare=True
        ):
            if kind == 0:
                items[pk].update(predicted_items(active, orders, next_at))
            else:
                key, value = predicted_value_item(currency, clv)
                items[pk][key] = value
        return items
    scored = Contact.objects.filter(pk__in=contact_ids, prediction__isnull=False).values_list(
        "pk",
        "prediction__probability_active",
        "prediction__expected_orders_12m",
        "prediction__expected_next_order_at",
    )
    for pk, active, orders, next_at in scored:
        items[pk].update(predicted_items(active, orders, next_at))
    valued = Contact.objects.filter(pk__in=contact_ids).values_list(
        "pk", "value_predictions__currency", "value_predictions__clv_12m"
    )
    for pk, currency, clv in valued:
        if clv is not None:
            key, value = predicted_value_item(currency, clv)
            items[pk][key] = value
    return items


def writeback_items(
    contact: Contact,
    *,
    spend: Mapping[str, Decimal] | None = None,
    predicted: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The private-metadata items of a contact; ``spend`` (per currency) and ``predicted``
    (``predicted_of``) are read when not given (predictions only for a buyer: nobody else has
    any)."""
    if spend is None:
        spend = spend_of([contact.pk]).get(contact.pk, {}) if contact.pk else {}
    if predicted is None:
        buyer = contact.pk and contact.orders_count
        predicted = predicted_of([contact.pk]).get(contact.pk, {}) if buyer else {}
    rfm = (contact.rfm_recency, contact.rfm_frequency, contact.rfm_monetary)
    items = {
        f"{PREFIX}lifecycle": contact.lifecycle_stage,
        f"{PREFIX}consent.email": contact.email_consent,
        f"{PREFIX}orders": str(contact.orders_count),
    }
    for currency, total in sorted(spend.items()):
        items[f"{PREFIX}spend.{currency}"] = _amount(total)
    if contact.segments:
        items[f"{PREFIX}segments"] = ",".join(contact.segments)
    if all(score is not None for score in rfm):
        items[f"{PREFIX}rfm"] = "".join(str(score) for score in rfm)
    for key, moment in (
        ("last_order", contact.last_order_at),
        ("next_order", contact.predicted_next_order_at),
    ):
        day = _day(moment)
        if day is not None:
            items[f"{PREFIX}{key}"] = day
    engaged = [
        moment
        for moment in (
            contact.last_seen_at,
            contact.last_order_at,
            contact.last_email_open_at,
            contact.last_email_click_at,
        )
        if moment is not None
    ]
    # Keys journeys set (update-profile steps); the app's own keys win a clash.
    items = {**{k: str(v) for k, v in (contact.writeback_extra or {}).items()}, **items}
    if engaged:
        items[f"{PREFIX}last_engaged"] = _day(max(engaged)) or ""
    items.update(predicted)
    return items


def items_hash(items: Mapping[str, str]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()


def writeback_mark(
    contact: Contact,
    *,
    now: datetime,
    spend: Mapping[str, Decimal] | None = None,
    predicted: Mapping[str, str] | None = None,
) -> None:
    """Mark a Saleor customer due for a write-back if its figures differ from the last one.

    Sets the fields on the instance; the caller saves it. The due time is not pushed back by
    later changes, so a busy contact is still written once per debounce window. ``spend`` is
    the spend per currency when the caller has just computed it (it is not saved yet);
    ``predicted`` its ``predicted_of`` items when the caller read them for a batch.
    """
    if not contact.saleor_user_id:
        return
    items = writeback_items(contact, spend=spend, predicted=predicted)
    if items_hash(items) == contact.writeback_hash:
        contact.writeback_due_at = None
    elif contact.writeback_due_at is None:
        contact.writeback_due_at = now + DEBOUNCE


def writeback_mark_all(*, installation_id: int, now: datetime) -> int:
    """Mark every Saleor customer of an installation due that is not due yet (after an import
    of the shop's customers and orders, whose figures were set in bulk); the flush writes only
    those whose figures differ from what was last written. Returns how many were marked."""
    return (
        Contact.objects.filter(installation_id=installation_id, writeback_due_at__isnull=True)
        .exclude(Q(saleor_user_id=None) | Q(saleor_user_id=""))
        .update(writeback_due_at=now + DEBOUNCE)
    )


@dataclass(frozen=True)
class Flushed:
    """What one flush did: claimed (due contacts taken), written, refused by Saleor for that
    customer alone, unchanged (nothing to write), postponed (Saleor unreachable)."""

    claimed: int = 0
    written: int = 0
    refused: int = 0
    unchanged: int = 0
    postponed: int = 0


def _refusal_due(refusals: int, now: datetime) -> datetime | None:
    return now + REFUSAL_DELAYS[refusals - 1] if refusals <= len(REFUSAL_DELAYS) else None


def writeback_flush(*, installation_id: int, batch_size: int, now: datetime) -> Flushed:
    """Write one batch of due contacts of an installation in one Saleor request."""
    batch_size = max(1, min(batch_size, MAX_BATCH_SIZE))
    with transaction.atomic():
        due = list(
            Contact.objects.select_for_update(skip_locked=True)
            .filter(installation_id=installation_id, writeback_due_at__lte=now)
            .exclude(Q(saleor_user_id=None) | Q(saleor_user_id=""))
            .order_by("writeback_due_at", "pk")[:batch_size]
        )
        # Claimed: push them out of reach of other flushes while we call Saleor.
        Contact.objects.filter(pk__in=[c.pk for c in due]).update(
            writeback_due_at=now + RETRY_AFTER
        )
    spend = spend_of([c.pk for c in due])
    predicted = predicted_of([c.pk for c in due])
    items = {
        c.pk: writeback_items(c, spend=spend.get(c.pk, {}), predicted=predicted.get(c.pk, {}))
        for c in due
    }
    unchanged = [c.pk for c in due if items_hash(items[c.pk]) == c.writeback_hash]
    if unchanged:
        Contact.objects.filter(pk__in=unchanged).update(writeback_due_at=None)
    to_write = [c for c in due if c.pk not in unchanged]
    if not to_write:
        return Flushed(claimed=len(due), unchanged=len(unchanged))
    installation = Installation.objects.get(pk=installation_id)
    writes = [MetadataWrite(str(c.saleor_user_id), items[c.pk]) for c in to_write]
    try:
        results = private_metadata_write(saleor_client(installation), writes)
    except RetryableError as exc:
        logger.warning("Write-back to %s postponed: %s", installation, exc.message)
        return Flushed(claimed=len(due), unchanged=len(unchanged), postponed=len(to_write))
    except PermanentError as exc:
        # Saleor refused the request as a whole (the app's token, say): the shop's problem,
        # not these customers'; they stay claimed until RETRY_AFTER, other shops go on.
        logger.error("Write-back to %s refused as a whole: %s", installation, exc.message)
        return Flushed(claimed=len(due), unchanged=len(unchanged), postponed=len(to_write))
    written = refused = postponed = 0
    for contact, result in zip(to_write, results, strict=True):
        if result.access_denied:
            # Not this customer: the app cannot write any (its token or permission); it stays
            # claimed until RETRY_AFTER, no refusal counted.
            logger.error("Write-back to %s denied: %s", installation, result.error)
            postponed += 1
            continue
        if result.ok:
            Contact.objects.filter(pk=contact.pk).update(
                writeback_hash=items_hash(items[contact.pk]),
                writeback_due_at=None,
                writeback_refusals=0,
            )
            written += 1
            continue
        refused += 1
        refusals = contact.writeback_refusals + 1
        logger.warning(
            "Write-back of %s refused (%s in a row): %s",
            contact.saleor_user_id,
            refusals,
            result.error,
        )
        Contact.objects.filter(pk=contact.pk).update(
            writeback_refusals=F("writeback_refusals") + 1,
            writeback_due_at=_refusal_due(refusals, now),
        )
    return Flushed(
        claimed=len(due),
        written=written,
        refused=refused,
        unchanged=len(unchanged),
        postponed=postponed,
    )
