"""How long raw webhook bodies are kept, and erasing the ones that name a person.

A delivery's body is Saleor's payload byte for byte: names, emails, addresses, phone
numbers. It is needed until the drain has turned it into records and events; after that it
is only evidence for inspecting a failure. So (``DELIVERY_RETENTION_DAYS``, swept daily):

- processed and ignored deliveries older than the retention are deleted: the records and
  events hold what they said, and Saleor's retries end long before (events carry their own
  dedupe keys, so a replay after that still writes nothing twice);
- failed and rejected ones keep their row (event, status, error, times, the body's SHA-256:
  what went wrong stays visible and countable) but their body is replaced by ``ERASED_BODY``;
- pending ones are never touched: they are work not done yet.

An erasure blanks the body of every delivery that names the person (by Saleor user id or
email) at once, whatever its age, keeping the row; one still waiting to be drained is left
to the drain and reported, so the coordinator finishes the erasure once it is processed.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from saleor_mautomation.intake.models import Delivery

# What a blanked body becomes: valid JSON that says why it is empty. A retry of such a
# delivery fails as "does not match its model", which is the truth.
ERASED_BODY = b'{"bodyErased": true}'
ERASED_ERROR = "(erased)"
DONE = (Delivery.Status.PROCESSED, Delivery.Status.IGNORED)
KEPT_FOR_INSPECTION = (Delivery.Status.FAILED, Delivery.Status.REJECTED)
_CHUNK = 1000


@dataclass(frozen=True)
class Swept:
    deleted: int
    blanked: int


def _naming(installation_id: int, needle: str) -> QuerySet[Delivery]:
    """Deliveries whose body or error contains ``needle`` (compared lower-cased).

    A scan of the installation's deliveries, which the retention keeps short; erasures are
    rare. Bodies are bytes: PostgreSQL reads them through ``encode(.., 'escape')`` (ASCII as
    is, so any body can be searched, valid UTF-8 or not), SQLite as text."""
    if connection.vendor == "postgresql":
        in_body = "strpos(lower(encode(body, 'escape')), %s) > 0"
    else:
        in_body = "instr(lower(CAST(body AS TEXT)), %s) > 0"
    return (
        Delivery.objects.filter(installation_id=installation_id)
        # A constant statement; the needle is a parameter.
        .alias(in_body=RawSQL(in_body, [needle], output_field=BooleanField()))  # noqa: S611
        .filter(Q(in_body=True) | Q(error__icontains=needle))
    )


@dataclass(frozen=True)
class Erased:
    blanked: int
    waiting: int  # pending deliveries naming the person: erase again once drained


def deliveries_erase(*, installation_id: int, identifiers: Sequence[str]) -> Erased:
    """Blank the body (and an error naming them) of every drained delivery of the
    installation that names the person by any of ``identifiers``; count the pending ones."""
    needles = {value.lower() for value in identifiers if value}
    done: set[int] = set()
    pending: set[int] = set()
    for needle in needles:
        for pk, status in _naming(installation_id, needle).values_list("pk", "status"):
            (pending if status == Delivery.Status.PENDING else done).add(pk)
    blanked = (
        Delivery.objects.filter(pk__in=done).exclude(body=ERASED_BODY).update(body=ERASED_BODY)
    )
    if needles:
        in_error = reduce(operator.or_, (Q(error__icontains=needle) for needle in needles))
        Delivery.objects.filter(in_error, pk__in=done).update(error=ERASED_ERROR)
    return Erased(blanked=blanked, waiting=len(pending))


def deliveries_retention_sweep(*, now: datetime, days: int) -> Swept:
    """Apply the retention (see the module's docstring) to deliveries received more than
    ``days`` ago; deletes in chunks, so no statement holds many rows at once."""
    cutoff = now - timedelta(days=days)
    deleted = 0
    while True:
        ids = list(
            Delivery.objects.filter(status__in=DONE, received_at__lt=cutoff).values_list(
                "pk", flat=True
            )[:_CHUNK]
        )
        if not ids:
            break
        Delivery.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    blanked = (
        Delivery.objects.filter(status__in=KEPT_FOR_INSPECTION, received_at__lt=cutoff)
        .exclude(body=ERASED_BODY)
        .update(body=ERASED_BODY)
    )
    return Swept(deleted=deleted, blanked=blanked)
