"""Failed deliveries: listed for the Dashboard, retried or discarded by hand.

A delivery fails alone (``flows.drain``): a payload that does not parse, a value the database
refuses, a defect met by its handler, or a passing fault that outlasted its attempts. Once the
cause is gone (a fix deployed, a setting changed), a retry puts it back in the queue with a
fresh count of attempts; the drain takes it as it takes a new one, and its error stays until
it is processed. A discard gives it up: it becomes ``ignored`` (the drain's word for "done,
on purpose, with nothing written"), its error kept behind ``DISCARDED``. A delivery whose body
was erased (retention, a person's erasure) has nothing left to process: it cannot be retried.

The caller wakes the drain after its transaction commits (intake cannot reach the drain).
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.retention import ERASED_BODY

DISCARDED = "discarded: "
Status = Delivery.Status


class DeliveryNotFound(PermanentError):
    """No such delivery in this installation (another shop's id reads the same)."""

    code = "not_found"


class DeliveryNotFailed(PermanentError):
    """Not (or no longer) failed: there is nothing to retry or discard."""

    code = "not_failed"


class BodyErased(PermanentError):
    code = "body_erased"


def deliveries_failed(*, installation_id: int | None) -> QuerySet[Delivery]:
    """Failed deliveries of one installation, or of all (``None``: the /readyz count), read
    through the ``delivery_failed`` partial index."""
    failed = Delivery.objects.filter(status=Status.FAILED)
    return failed if installation_id is None else failed.filter(installation_id=installation_id)


def delivery_retryable(delivery: Delivery) -> bool:
    return bytes(delivery.body) != ERASED_BODY


def _failed(*, installation_id: int, delivery_id: int) -> Delivery:
    delivery = (
        Delivery.objects.select_for_update()
        .filter(pk=delivery_id, installation_id=installation_id)
        .first()
    )
    if delivery is None:
        raise DeliveryNotFound("No such delivery")
    if delivery.status != Status.FAILED:
        raise DeliveryNotFailed(f"The delivery is {delivery.status}, not failed")
    return delivery


def delivery_retry(*, installation_id: int, delivery_id: int) -> Delivery:
    """Back to ``pending`` with no attempts made; its error stays until it is processed."""
    delivery = _failed(installation_id=installation_id, delivery_id=delivery_id)
    if not delivery_retryable(delivery):
        raise BodyErased("The delivery's body was erased: there is nothing left to process")
    delivery.status, delivery.attempts, delivery.processed_at = Status.PENDING, 0, None
    delivery.save(update_fields=["status", "attempts", "processed_at"])
    return delivery


def delivery_discard(*, installation_id: int, delivery_id: int, now: datetime) -> Delivery:
    """Given up: ``ignored``, the error kept behind ``DISCARDED``, the time it was given up
    as the time it was done."""
    delivery = _failed(installation_id=installation_id, delivery_id=delivery_id)
    delivery.status, delivery.error = Status.IGNORED, f"{DISCARDED}{delivery.error}"
    delivery.processed_at = now
    delivery.save(update_fields=["status", "error", "processed_at"])
    return delivery
