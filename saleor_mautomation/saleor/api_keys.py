"""Shop-level API keys: what another system (a loyalty or point-of-sale system, a CRM) shows
the app's API for one shop (``api/views/attributes.py``).

A key reads ``mau_<prefix>_<secret>``: the prefix (8 random characters) finds its row, the
SHA-256 of the whole key is compared in constant time; the key itself is given once, when
made, and kept nowhere. A key names its installation: shown for another shop's path it is
refused as forbidden, not as unknown, so a caller who mixed up two shops' keys is told so.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor.models import ApiKey, Installation

PREFIX = "mau_"
PREFIX_LENGTH = 8
# ``last_used_at`` is written at most this often (not a write per call).
USED_EVERY = timedelta(minutes=1)


class ApiKeyRefused(PermanentError):
    """No key, or not one of this app's live keys: 401."""

    code = "api_key_invalid"


class ApiKeyOtherShop(PermanentError):
    """A live key of another installation, or of one no longer installed: 403."""

    code = "api_key_other_shop"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_key_create(*, installation_id: int, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key named ``name`` (1 to 100 characters) and its text, to be shown once."""
    name = name.strip()
    if not 0 < len(name) <= 100:
        raise PermanentError("A name of 1 to 100 characters", code="invalid_name")
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        installation_id=installation_id,
        name=name,
        prefix=prefix,
        digest=_digest(key),
        created_at=now,
    )
    return row, key


def api_key_revoke(*, installation_id: int, key_id: int, now: datetime) -> ApiKey | None:
    """Revoke the installation's key ``key_id`` (None if it has no such key); at once."""
    row = ApiKey.objects.filter(installation_id=installation_id, pk=key_id).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        row.save(update_fields=["revoked_at"])
    return row


def api_key_check(*, presented: str, installation_id: int, now: datetime) -> ApiKey:
    """The live key ``presented`` for installation ``installation_id``, or ApiKeyRefused
    (missing, malformed, unknown, revoked) or ApiKeyOtherShop."""
    parts = presented.removeprefix(PREFIX).split("_", 1) if presented.startswith(PREFIX) else []
    if len(parts) != 2 or len(parts[0]) != PREFIX_LENGTH:
        raise ApiKeyRefused("Send Authorization: Bearer <a shop API key>")
    row = ApiKey.objects.filter(prefix=parts[0]).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(presented)):
        raise ApiKeyRefused("Unknown API key")
    if row.revoked_at is not None:
        raise ApiKeyRefused("This API key was revoked")
    active = Installation.objects.filter(
        pk=row.installation_id, status=Installation.Status.ACTIVE
    ).exists()
    if row.installation_id != installation_id or not active:
        raise ApiKeyOtherShop("This API key is not for this shop")
    if row.last_used_at is None or now - row.last_used_at >= USED_EVERY:
        ApiKey.objects.filter(pk=row.pk).update(last_used_at=now)
    return row
