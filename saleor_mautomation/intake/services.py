"""Receiving and processing Saleor webhook deliveries.

``delivery_receive`` runs in the web request: find the installation, verify the signature over
the raw bytes, store the delivery (once per body) and nudge the drain task after commit.
``delivery_parse`` gives a stored delivery's typed payload (or why it is not to be handled);
the coordinator's drain (``flows.drain``) claims deliveries in batches and runs their handlers
(``intake.registry``) inside its unit of work.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

import pydantic
from django.db import connection, transaction

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import (
    IgnoredError,
    MautomationError,
    PermanentError,
    RetryableError,
)
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.intake.errors import DeliveryRejected
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.registry import WEBHOOKS
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
        except RecursionError:  # deeper than the parser's stack: no payload of Saleor's is
            problem = "Body is not JSON this app reads: nested too deeply"
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


def delivery_parse(
    delivery: Delivery, installation: Installation
) -> payloads.Event | MautomationError:
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
