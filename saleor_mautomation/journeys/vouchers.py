"""Voucher codes for give-voucher steps, a batch of runs at a time.

A code is derived from the run and the step (keyed with the app's secret), so an attempt
repeated after a crash asks Saleor for the same code, which it already has. The step's
voucher is created once per version: creators serialise on the version's row.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import JourneyRun, JourneyVersion, JourneyVoucher
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client
from saleor_mautomation.saleor.vouchers import voucher_codes_add, voucher_create

logger = logging.getLogger(__name__)

VOUCHER_ATTEMPTS = 6  # then later messages go without a code
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a till


def voucher_code(run: JourneyRun, node_id: str, prefix: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(),
        f"voucher:{run.installation_id}:{run.pk}:{node_id}".encode(),
        hashlib.sha256,
    ).digest()
    number = int.from_bytes(digest[:5], "big")
    chars = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(8))
    body = f"{chars[:4]}-{chars[4:]}"
    return f"{prefix}-{body}" if prefix else body


def describe(node: d.GiveVoucher) -> dict[str, object]:
    """What templates show besides the code: the value when it is the same everywhere, and a
    short description that reads the same in every language ("-10%")."""
    values = sorted({f"{v.normalize():f}" for v in node.values.values()})
    single = values[0] if len(values) == 1 else None
    return {
        "type": node.discount_type,
        "value": single,
        "description": f"-{single}%" if single and node.discount_type == "percentage" else "",
    }


def _voucher_id(
    version: JourneyVersion, node_id: str, node: d.GiveVoucher, now: datetime
) -> tuple[str, datetime]:
    existing = JourneyVoucher.objects.filter(version=version, node=node_id).first()
    if existing is None:
        JourneyVersion.objects.select_for_update().filter(pk=version.pk).first()  # serialise
        existing = JourneyVoucher.objects.filter(version=version, node=node_id).first()
    if existing is not None:
        return existing.saleor_voucher_id, existing.created_at
    installation = Installation.objects.get(pk=version.journey.installation_id)
    saleor_id = voucher_create(
        saleor_client(installation),
        name=f"{version.journey.name} v{version.number} {node_id}",
        percentage=node.discount_type == "percentage",
        end=now + timedelta(days=node.valid_days),
        values=node.values,
    )
    JourneyVoucher.objects.create(
        installation_id=installation.pk,
        version=version,
        node=node_id,
        saleor_voucher_id=saleor_id,
        created_at=now,
    )
    return saleor_id, now


def voucher_codes(
    *,
    version: JourneyVersion,
    node_id: str,
    node: d.GiveVoucher,
    runs: Sequence[JourneyRun],
    now: datetime,
) -> dict[int, str] | None:
    """Run id -> its code, added to the step's Saleor voucher; None when Saleor could not be
    reached or refused (the runner retries later, then goes on without codes)."""
    codes = {run.pk: voucher_code(run, node_id, node.code_prefix) for run in runs}
    try:
        with transaction.atomic():
            saleor_id, _ = _voucher_id(version, node_id, node, now)
        installation = Installation.objects.get(pk=version.journey.installation_id)
        voucher_codes_add(
            saleor_client(installation),
            saleor_id,
            sorted(codes.values()),
            end=now + timedelta(days=node.valid_days),
        )
    except (RetryableError, PermanentError) as exc:
        logger.warning("Voucher step %s of version %s: %s", node_id, version.pk, exc)
        return None
    return codes
