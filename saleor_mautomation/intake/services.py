"""Receiving and processing Saleor webhook deliveries.

``delivery_receive`` runs in the web request: find the installation, verify the signature over
the raw bytes, store the delivery (once per body) and nudge the drain task after commit.
``deliveries_drain`` runs in workers: claim pending deliveries in batches with
``SELECT ... FOR UPDATE SKIP LOCKED`` (any number of workers, no collisions), parse each with
its payload model and run its handler; a handler that fails has the batch run again with a
savepoint per delivery, so one bad delivery never spoils a batch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import pydantic
from django.db import DatabaseError, connection, transaction
from django.db.models import F

from saleor_mautomation.contacts.config import contacts_config_clear_cache
from saleor_mautomation.contacts.figures import engagement_deferred
from saleor_mautomation.contacts.services import contacts_prefetched
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import (
    IgnoredError,
    MautomationError,
    PermanentError,
    RetryableError,
)
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.services import events_batched
from saleor_mautomation.intake import handlers
from saleor_mautomation.intake.errors import DeliveryRejected
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.journeys.services import journeys_tracked
from saleor_mautomation.saleor import jose, jwks, payloads
from saleor_mautomation.saleor.errors import InstallationNotFound, SelfIssued, SignatureInvalid
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.selectors import installation_by_api_url_cached

logger = logging.getLogger(__name__)


class Received(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"


def signature_verify(installation: Installation, signature: str, body: bytes) -> None:
    """Verify with the cached JWKS; on failure fetch it once more (Saleor rotated its key)."""
    try:
        jose.verify_webhook_signature(signature, body, jwks.key_set(installation))
    except SignatureInvalid:
        if not jwks.refresh_allowed(installation):
            raise
        logger.info("Signature check failed for %s: refreshing its JWKS", installation)
        try:
            keys = jwks.jwks_refresh(installation)
        except RetryableError:
            raise
        except PermanentError as exc:
            raise SignatureInvalid(f"Cannot refresh the JWKS: {exc.message}") from exc
        jose.verify_webhook_signature(signature, body, keys)


def _insert(
    installation_id: int,
    event: str,
    body: bytes,
    status: str,
    error: str,
    issued_at: datetime | None = None,
) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True if the row is new (one round trip)."""
    table = Delivery._meta.db_table
    sql = (
        f"INSERT INTO {table} (installation_id, event, body, body_sha256, status, attempts, "  # noqa: S608
        "error, received_at, issued_at) VALUES (%s, %s, %s, %s, %s, 0, %s, %s, %s) "
        "ON CONFLICT (installation_id, body_sha256) DO NOTHING RETURNING id"
    )
    digest = hashlib.sha256(body).hexdigest()
    adapt = connection.ops.adapt_datetimefield_value  # stored exactly as the ORM stores them
    params = (
        installation_id,
        event,
        body,
        digest,
        status,
        error,
        adapt(clock.now()),
        adapt(issued_at),
    )
    # The hottest statement of the app: bound server-side (the body travels as a parameter
    # instead of being quoted into the SQL text, half this insert's CPU) and prepared. A driver
    # error is Django's, as from its own cursors: the view answers 503 to it.
    return bool(sql_rows(sql, params, prepare=True))


def _issued_at(parsed: dict[str, object]) -> datetime | None:
    value = parsed.get("issuedAt")
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def delivery_receive(
    *,
    saleor_api_url: str,
    event: str,
    signature: str,
    body: bytes,
    on_stored: Callable[[], None],
) -> Received:
    """Verify and store one delivery; ``on_stored`` runs after commit for a new one.

    Raises ``InstallationNotFound`` or ``SignatureInvalid`` (answer 401), and
    ``DeliveryRejected`` after storing the delivery for inspection (answer 400).
    """
    installation = installation_by_api_url_cached(saleor_api_url)
    if installation is None:
        raise InstallationNotFound(f"No active installation for {saleor_api_url!r}")
    signature_verify(installation, signature, body)

    event = event.upper()
    problem = ""
    parsed: object = None
    if event not in WEBHOOKS:
        problem = f"Unknown event {event!r}"
    else:
        try:
            parsed = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"Body is not JSON: {exc}"
        else:
            if not isinstance(parsed, dict):
                problem = "Body is not a JSON object"
    if problem:
        _insert(installation.pk, event[:64], body, Delivery.Status.REJECTED, problem)
        raise DeliveryRejected(problem)

    assert isinstance(parsed, dict)
    created = _insert(installation.pk, event, body, Delivery.Status.PENDING, "", _issued_at(parsed))
    if created:
        transaction.on_commit(on_stored)
    return Received.STORED if created else Received.DUPLICATE


class DrainNudger:
    """Wake the drain task at most once per window per process, plus one trailing nudge.

    The trailing nudge guarantees a drain that starts after every stored delivery, even when a
    drain already running finished its last empty claim just before that delivery committed.
    """

    def __init__(
        self,
        send: Callable[[float], None],
        window: float,
        monotonic: Callable[[], float] = clock.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._last = float("-inf")
        self._trailing_at = float("-inf")
        self.send = send
        self.window = window

    def nudge(self) -> None:
        now = self._monotonic()
        with self._lock:
            if now - self._last >= self.window:
                self._last = now
                delay = 0.0
            elif self._trailing_at <= self._last:
                self._trailing_at = self._last + self.window
                delay = self._trailing_at - now
            else:
                return
        self.send(delay)


@dataclass
class DrainResult:
    processed: int = 0
    ignored: int = 0
    failed: int = 0
    retried: int = 0

    @property
    def total(self) -> int:
        return self.processed + self.ignored + self.failed + self.retried


class _BatchSpoiled(Exception):
    """A handler failed in a batch run without savepoints: its writes cannot be undone alone."""


def _parse(delivery: Delivery, installation: Installation) -> payloads.Event | MautomationError:
    """The delivery's typed payload, or why it is not to be (or cannot be) handled."""
    if not installation.is_active:
        return IgnoredError("The installation is uninstalled")
    webhook = WEBHOOKS[delivery.event]
    try:
        payload = webhook.spec.parse(bytes(delivery.body))
    except pydantic.ValidationError as exc:
        return PermanentError(f"Payload does not match its model: {exc}")
    principal = payload.issuing_principal
    if principal and principal.typename == "App" and principal.id == installation.app_id:
        return SelfIssued("Issued by this app itself")
    return payload


def _process(
    delivery: Delivery,
    installation: Installation,
    parsed: payloads.Event | MautomationError,
    max_attempts: int,
    *,
    isolated: bool,
) -> None:
    """Run one delivery's handler and set its outcome on the (unsaved) row.

    ``isolated`` runs the handler in a savepoint, so a failure undoes its writes alone; without
    it a failing handler raises ``_BatchSpoiled`` and the caller undoes the whole batch.
    """
    delivery.attempts += 1
    try:
        if isinstance(parsed, MautomationError):
            raise parsed
        handler = WEBHOOKS[delivery.event].handler
        if isolated:
            with transaction.atomic():
                handler(installation, parsed)
        else:
            try:
                handler(installation, parsed)
            except (IgnoredError, RetryableError, PermanentError, DatabaseError) as exc:
                raise _BatchSpoiled(f"Delivery {delivery.pk}: {exc}") from exc
    except IgnoredError as exc:
        delivery.status, delivery.error = Delivery.Status.IGNORED, exc.message
    except (RetryableError, DatabaseError) as exc:
        # A database error here is a lost race or a passing fault: the savepoint undid the
        # handler's writes, and a later drain tries again from scratch.
        message = (
            exc.message if isinstance(exc, RetryableError) else f"{exc.__class__.__name__}: {exc}"
        )
        if delivery.attempts >= max_attempts:
            delivery.status, delivery.error = Delivery.Status.FAILED, message
        else:
            delivery.status, delivery.error = Delivery.Status.PENDING, message
            return
    except PermanentError as exc:
        logger.warning("Delivery %s failed: %s", delivery.pk, exc.message)
        delivery.status, delivery.error = Delivery.Status.FAILED, exc.message
    else:
        delivery.status, delivery.error = Delivery.Status.PROCESSED, ""
    delivery.processed_at = clock.now()


@contextmanager
def _batched(
    batch: list[Delivery], parsed: list[payloads.Event | MautomationError], *, isolated: bool
) -> Iterator[None]:
    """Without savepoints, a batch's contacts are looked up (and locked) in one query and its
    events written in one INSERT at the end. With a savepoint per delivery, each delivery's
    writes must stay inside its own savepoint: no shared state, statements one by one."""
    if isolated:
        yield
        return
    identities = [
        (delivery.installation_id, *identity)
        for delivery, payload in zip(batch, parsed, strict=True)
        if not isinstance(payload, MautomationError)
        and (identity := handlers.identity_of(payload)) is not None
    ]
    with contacts_prefetched(identities), events_batched():
        yield


def _save_outcomes(batch: list[Delivery]) -> None:
    """One UPDATE for the usual outcome (processed), one per row for the rest."""
    done = [d for d in batch if d.status == Delivery.Status.PROCESSED]
    if done:
        Delivery.objects.filter(pk__in=[d.pk for d in done]).update(
            status=Delivery.Status.PROCESSED,
            error="",
            attempts=F("attempts") + 1,
            processed_at=done[0].processed_at,
        )
    for delivery in batch:
        if delivery.status != Delivery.Status.PROCESSED:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=delivery.status,
                error=delivery.error,
                attempts=delivery.attempts,
                processed_at=delivery.processed_at,
            )


def _drain_batch(
    *, batch_size: int, skipped: list[int], max_attempts: int, isolated: bool
) -> list[Delivery]:
    """Claim one batch and process it in one transaction; an empty list when none is left."""
    with transaction.atomic():
        batch = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING)
            .exclude(id__in=skipped)
            .order_by("id")[:batch_size]
        )
        if not batch:
            return batch
        installations = Installation.objects.in_bulk({d.installation_id for d in batch})
        parsed = [_parse(d, installations[d.installation_id]) for d in batch]
        # Events written first, then the figures (once per contact), then the segments
        # those changes can affect, then the journeys.
        with (
            journeys_tracked(now=clock.now()),
            engagement_deferred(now=clock.now),
            _batched(batch, parsed, isolated=isolated),
        ):
            for delivery, payload in zip(batch, parsed, strict=True):
                _process(
                    delivery,
                    installations[delivery.installation_id],
                    payload,
                    max_attempts,
                    isolated=isolated,
                )
        _save_outcomes(batch)
    return batch


def deliveries_drain(*, batch_size: int, max_batches: int, max_attempts: int) -> DrainResult:
    """Claim and process pending deliveries until none are left (or ``max_batches``).

    A batch first runs without a savepoint per delivery: two round trips fewer per delivery,
    a third of a usual one's. Should a handler fail, the batch is undone and claimed again with
    a savepoint per delivery, so a bad delivery spoils nothing but its own writes either way.
    """
    result = DrainResult()
    retried: list[int] = []
    isolated = False
    for _ in range(max_batches):
        try:
            batch = _drain_batch(
                batch_size=batch_size, skipped=retried, max_attempts=max_attempts, isolated=isolated
            )
        except _BatchSpoiled as exc:
            logger.info("%s: the batch runs again with a savepoint per delivery", exc)
            # A settings row made in the undone transaction must not outlive it in the cache.
            contacts_config_clear_cache()
            isolated = True
            continue
        if not batch:
            break
        isolated = False
        for delivery in batch:
            match delivery.status:
                case Delivery.Status.PROCESSED:
                    result.processed += 1
                case Delivery.Status.IGNORED:
                    result.ignored += 1
                case Delivery.Status.FAILED:
                    result.failed += 1
                case _:
                    # Left pending for a later drain rather than retried at once.
                    result.retried += 1
                    retried.append(delivery.pk)
    return result
