"""Draining stored deliveries: each batch is one unit of work, and one bad delivery fails alone.

Deliveries are claimed in batches with ``SELECT ... FOR UPDATE SKIP LOCKED`` (any number of
workers, no collisions). The usual path runs a whole batch in one transaction without a
savepoint per delivery: its contacts are looked up in one query, its events written in one
INSERT, its figures, segments and journeys finished once (``flows.unit``). Should anything in
it fail (a handler, a segment, a journey), the batch is undone and its deliveries go one by
one, each in a transaction of its own with its handler and its unit of work in a savepoint:
the failing delivery is marked with its error and the others go on. Its attempt is counted even
when its own transaction cannot commit (a separate transaction), so ``max_attempts`` ends it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DatabaseError, DataError, transaction
from django.db.models import F

from saleor_mautomation.contacts.config import contacts_config_clear_cache
from saleor_mautomation.contacts.services import contacts_prefetched
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import (
    IgnoredError,
    MautomationError,
    NetworkInTransaction,
    PermanentError,
    RetryableError,
)
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.intake import handlers
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.intake.services import delivery_parse
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)

Status = Delivery.Status
Parsed = payloads.Event | MautomationError


@dataclass
class DrainResult:
    processed: int = 0
    ignored: int = 0
    failed: int = 0
    retried: int = 0

    @property
    def total(self) -> int:
        return self.processed + self.ignored + self.failed + self.retried

    def add(self, batch: Sequence[Delivery], retried: list[int]) -> None:
        for delivery in batch:
            match delivery.status:
                case Status.PROCESSED:
                    self.processed += 1
                case Status.IGNORED:
                    self.ignored += 1
                case Status.FAILED:
                    self.failed += 1
                case Status.PENDING:
                    # Left pending for a later drain rather than retried at once.
                    self.retried += 1
                    retried.append(delivery.pk)
                case Status.REJECTED:
                    raise AssertionError(f"A rejected delivery {delivery.pk} was drained")


class _BatchFailed(Exception):
    """Something in a batch run without savepoints failed: it is undone whole."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(f"{len(ids)} deliveries")
        self.ids = ids


def _outcome(delivery: Delivery, error: BaseException | None, max_attempts: int) -> None:
    """Set the delivery's outcome from what its handler raised (on the unsaved row)."""
    delivery.processed_at = clock.now()
    match error:
        case None:
            delivery.status, delivery.error = Status.PROCESSED, ""
        case IgnoredError():
            delivery.status, delivery.error = Status.IGNORED, error.message
        case PermanentError() | DataError():
            # A value the database refuses is as permanent as a payload that does not parse.
            message = error.message if isinstance(error, PermanentError) else _text(error)
            logger.warning("Delivery %s failed: %s", delivery.pk, message)
            delivery.status, delivery.error = Status.FAILED, message
        case RetryableError() | DatabaseError():
            # A lost race or a passing fault: the handler's writes were undone, and a later
            # drain tries again from scratch, until the attempts run out.
            message = error.message if isinstance(error, RetryableError) else _text(error)
            failed = delivery.attempts >= max_attempts
            delivery.status, delivery.error = (Status.FAILED if failed else Status.PENDING), message
            if not failed:
                delivery.processed_at = None
        case _:
            # Not a failure kind of ours: a defect the code met with this payload. It fails
            # alone (logged with its traceback) and can be retried from the Dashboard.
            logger.error("Delivery %s failed", delivery.pk, exc_info=error)
            delivery.status, delivery.error = Status.FAILED, _text(error)


def _text(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}"[:2000]


def _handle(delivery: Delivery, installation: Installation, parsed: Parsed) -> None:
    if isinstance(parsed, MautomationError):
        raise parsed
    WEBHOOKS[delivery.event].handler(installation, parsed)


def _save_outcomes(batch: list[Delivery]) -> None:
    """One UPDATE for the usual outcome (processed), one per row for the rest."""
    done = [d for d in batch if d.status == Status.PROCESSED]
    if done:
        Delivery.objects.filter(pk__in=[d.pk for d in done]).update(
            status=Status.PROCESSED,
            error="",
            attempts=F("attempts") + 1,
            processed_at=done[0].processed_at,
        )
    for delivery in batch:
        if delivery.status != Status.PROCESSED:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=delivery.status,
                error=delivery.error,
                attempts=delivery.attempts,
                processed_at=delivery.processed_at,
            )


def _claim(*, batch_size: int, skipped: list[int]) -> list[Delivery]:
    return list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(status=Status.PENDING)
        .exclude(id__in=skipped)
        .order_by("id")[:batch_size]
    )


def _drain_batch(*, batch_size: int, skipped: list[int], max_attempts: int) -> list[Delivery]:
    """Claim one batch and process it in one transaction; an empty list when none is left.
    Raises ``_BatchFailed`` (the transaction undone) when anything in it fails."""
    with transaction.atomic():
        batch = _claim(batch_size=batch_size, skipped=skipped)
        if not batch:
            return batch
        installations = Installation.objects.in_bulk({d.installation_id for d in batch})
        parsed = [delivery_parse(d, installations[d.installation_id]) for d in batch]
        identities = [
            (delivery.installation_id, *identity)
            for delivery, payload in zip(batch, parsed, strict=True)
            if not isinstance(payload, MautomationError)
            and (identity := handlers.identity_of(payload)) is not None
        ]
        try:
            with unit_of_work(now=clock.now(), batched=True), contacts_prefetched(identities):
                for delivery, payload in zip(batch, parsed, strict=True):
                    delivery.attempts += 1
                    if isinstance(payload, MautomationError):
                        _outcome(delivery, payload, max_attempts)
                    else:
                        _handle(delivery, installations[delivery.installation_id], payload)
                        _outcome(delivery, None, max_attempts)
        except NetworkInTransaction:
            raise  # a defect of ours to see at once (ADR 0014), not a failure of a delivery
        # The batch boundary: whatever failed in it, the batch is undone and goes again one
        # delivery at a time, where the failure is pinned on its delivery.
        except Exception as exc:
            raise _BatchFailed([d.pk for d in batch]) from exc
        _save_outcomes(batch)
    return batch


def _drain_one(delivery_id: int, max_attempts: int) -> Delivery | None:
    """One delivery in a transaction of its own; its handler and unit of work in a savepoint,
    so a failure undoes its writes alone and its outcome is still recorded."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=Status.PENDING)
            .first()
        )
        if delivery is None:
            return None  # another worker has it, or it is done
        installation = Installation.objects.get(pk=delivery.installation_id)
        parsed = delivery_parse(delivery, installation)
        delivery.attempts += 1
        error: BaseException | None = None
        try:
            with transaction.atomic(), unit_of_work(now=clock.now()):
                _handle(delivery, installation, parsed)
        except NetworkInTransaction:
            raise
        # The item boundary (see ``_outcome`` for how each kind ends).
        except Exception as exc:  # noqa: BLE001
            error = exc
        _outcome(delivery, error, max_attempts)
        _save_outcomes([delivery])
    return delivery


def _attempt_count(delivery_id: int, error: DatabaseError, max_attempts: int) -> None:
    """The delivery's own transaction could not commit: count the attempt apart, so a
    delivery that breaks its transaction every time still ends at ``max_attempts``."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery_id, status=Status.PENDING)
            .first()
        )
        if delivery is None:
            return
        delivery.attempts += 1
        _outcome(delivery, error, max_attempts)
        _save_outcomes([delivery])


def _drain_each(ids: list[int], max_attempts: int) -> list[Delivery]:
    done: list[Delivery] = []
    for delivery_id in ids:
        try:
            delivery = _drain_one(delivery_id, max_attempts)
        except DatabaseError as exc:
            logger.warning("Delivery %s: its transaction failed (%s)", delivery_id, exc)
            _attempt_count(delivery_id, exc, max_attempts)
            delivery = Delivery.objects.filter(pk=delivery_id).first()
        if delivery is not None:
            done.append(delivery)
    return done


def deliveries_drain(*, batch_size: int, max_batches: int, max_attempts: int) -> DrainResult:
    """Claim and process pending deliveries until none are left (or ``max_batches``)."""
    result = DrainResult()
    retried: list[int] = []
    for _ in range(max_batches):
        try:
            batch = _drain_batch(batch_size=batch_size, skipped=retried, max_attempts=max_attempts)
        except _BatchFailed as failed:
            logger.info("A batch failed (%s): one delivery at a time", failed.__cause__)
            # A settings row made in the undone transaction must not outlive it in the cache.
            contacts_config_clear_cache()
            result.add(_drain_each(failed.ids, max_attempts), retried)
            continue
        if not batch:
            break
        result.add(batch, retried)
    return result
