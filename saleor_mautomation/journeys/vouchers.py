"""Voucher codes for give-voucher steps, a batch of runs at a time, made outside any
transaction (ADR 0014).

The runner never calls Saleor: a run that reaches a give-voucher step without a code is
parked there (its node is the step, ``wake_at`` a minute ahead) and, after the runner's
commit, a task (``vouchers_queue``) adds the codes to the step's Saleor voucher. The task
records the result in a short transaction of its own (a ``voucher_ready`` step per run, or a
``voucher_failed`` one), makes the runs due and runs the scheduler's wake-up at once, which
reads the codes (``voucher_codes_known``) and moves the runs on. A task that is lost costs a
minute: the scheduler wakes the parked runs, finds no code, parks them again and queues
another. A failed attempt is tried again ``VOUCHER_RETRY`` later (``Known.retries``), not
sooner when the contact's events wake the run in between, ``VOUCHER_ATTEMPTS`` times in all.

A code is derived from the run and the step (keyed with the app's secret), so an attempt
repeated after a crash, or by a second task, asks Saleor for the same code, which it already
has. The step's voucher is created once per version, with the first runs' codes (Saleor 3.23
makes no voucher without a code): its row is claimed before the call (committed, empty id), so
two tasks never both create one; a voucher Saleor made for a task that died before noting its
id is found by one of its codes and taken over.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from kombu.exceptions import KombuError

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import JourneyRun, JourneyVersion, JourneyVoucher, RunStep
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.services import saleor_client
from saleor_mautomation.saleor.vouchers import voucher_codes_add, voucher_create

logger = logging.getLogger(__name__)

VOUCHER_ATTEMPTS = 6  # then later messages go without a code
VOUCHER_PENDING = timedelta(minutes=1)  # a parked run is woken again if its task is lost
VOUCHER_RETRY = timedelta(minutes=10)  # after Saleor could not be reached or refused
CLAIM_STALE = timedelta(minutes=5)  # a voucher claimed longer ago: its creator died
BUSY_RETRY = 5.0  # seconds: another task is creating the step's voucher
# Saleor's end date is this much later than the code's validity from the moment it is made:
# a run goes on (and shows ``valid_until`` from then) a wake-up after its code was made, and
# the date a message shows must never be after the real end.
END_SLACK = timedelta(hours=1)
READY, FAILED = "voucher_ready", "voucher_failed"
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a till


class VoucherBusy(RetryableError):
    code = "voucher_busy"


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


@dataclass(frozen=True)
class Failed:
    attempts: int
    last: datetime


def _failures(run_ids: Sequence[int], node_id: str) -> dict[int, Failed]:
    """Run id -> its failed attempts at the step and when the last one failed."""
    return {
        run_id: Failed(attempts=n, last=last)
        for run_id, n, last in RunStep.objects.filter(
            run__in=list(run_ids), node=node_id, kind=FAILED
        )
        .values("run")
        .annotate(n=Count("pk"), last=Max("at"))
        .values_list("run", "n", "last")
    }


@dataclass(frozen=True)
class Known:
    # Run id -> its code at the step, for the runs whose code Saleor has; "" for those whose
    # attempts are spent (they go on without one).
    codes: dict[int, str]
    # Run id -> when its next attempt is due, for the other runs whose last attempt failed:
    # ``VOUCHER_RETRY`` after it, however often the run is woken in between (an event of
    # the contact advances its runs; that must not call Saleor again at once).
    retries: dict[int, datetime]


def voucher_codes_known(*, runs: Sequence[JourneyRun], node_id: str) -> Known:
    """What the runs at the step have of their codes, in two queries; runs in neither map
    wait for their task."""
    ids = [run.pk for run in runs]
    codes: dict[int, str] = {
        run_id: str(detail.get("code", ""))
        for run_id, detail in RunStep.objects.filter(
            run__in=ids, node=node_id, kind=READY
        ).values_list("run", "detail")
    }
    retries = {}
    for run_id, failed in _failures([i for i in ids if i not in codes], node_id).items():
        if failed.attempts >= VOUCHER_ATTEMPTS:
            logger.warning("No voucher code for run %s at %s: giving up", run_id, node_id)
            codes[run_id] = ""
        else:
            retries[run_id] = failed.last + VOUCHER_RETRY
    return Known(codes=codes, retries=retries)


def vouchers_queue(*, version_id: int, node_id: str, run_ids: list[int], bulk: bool) -> None:
    """After the caller's commit, a task makes the parked runs' codes (on the bulk queue for
    a broadcast's runs, so a large one never delays a real-time step)."""
    from saleor_mautomation.journeys.tasks import voucher_codes_task

    def queue() -> None:
        try:
            voucher_codes_task.apply_async(
                (version_id, node_id, run_ids, bulk), queue="bulk" if bulk else "journeys"
            )
        except (KombuError, OSError) as exc:
            logger.warning("Could not queue voucher codes (%s): the scheduler will", exc)

    transaction.on_commit(queue)


def _voucher_claim(version: JourneyVersion, node_id: str, now: datetime) -> JourneyVoucher | str:
    """The step's Saleor voucher id, or its row claimed for this caller to create it."""
    row = JourneyVoucher.objects.filter(version=version, node=node_id).first()
    if row is not None and row.saleor_voucher_id:
        return row.saleor_voucher_id
    if row is None:
        try:
            with transaction.atomic():
                return JourneyVoucher.objects.create(
                    installation_id=version.journey.installation_id,
                    version=version,
                    node=node_id,
                    saleor_voucher_id="",
                    created_at=now,
                )
        except IntegrityError:
            raise VoucherBusy("Another task is creating the step's voucher") from None
    if row.created_at > now - CLAIM_STALE:
        raise VoucherBusy("Another task is creating the step's voucher")
    taken = JourneyVoucher.objects.filter(
        pk=row.pk, saleor_voucher_id="", created_at=row.created_at
    ).update(created_at=now)
    if not taken:  # another task took the stale claim over first
        raise VoucherBusy("Another task is creating the step's voucher")
    row.created_at = now
    return row


def _voucher_for(
    version: JourneyVersion, node_id: str, node: d.GiveVoucher, now: datetime, codes: list[str]
) -> tuple[str, set[str]]:
    """The step's Saleor voucher id and the codes placed in making it (Saleor 3.23 makes a
    voucher only with its first codes)."""
    claimed = _voucher_claim(version, node_id, now)
    if isinstance(claimed, str):
        return claimed, set()
    try:
        saleor_id, placed = voucher_create(
            saleor_client(Installation.objects.get(pk=claimed.installation_id)),
            name=f"{version.journey.name} v{version.number} {node_id}",
            percentage=node.discount_type == "percentage",
            end=now + timedelta(days=node.valid_days) + END_SLACK,
            values=node.values,
            codes=codes,
        )
    except (RetryableError, PermanentError):
        JourneyVoucher.objects.filter(pk=claimed.pk, saleor_voucher_id="").delete()
        raise
    JourneyVoucher.objects.filter(pk=claimed.pk).update(saleor_voucher_id=saleor_id)
    return saleor_id, placed


@dataclass(frozen=True)
class Made:
    woken: int = 0  # runs due now: the codes are there, or the attempts are spent
    busy: bool = False  # another task is creating the voucher: try again in a moment


def voucher_codes_create(
    *, version_id: int, node_id: str, run_ids: list[int], now: datetime
) -> Made:
    """Add the parked runs' codes to the step's Saleor voucher (created first if need be),
    outside any transaction; record the outcome per run and wake those that may go on."""
    version = JourneyVersion.objects.select_related("journey").get(pk=version_id)
    node = d.journey_parse(version.definition).nodes[node_id]
    assert isinstance(node, d.GiveVoucher)
    runs = list(
        JourneyRun.objects.filter(
            pk__in=run_ids, version=version, node=node_id, status=JourneyRun.Status.WAITING
        )
        .exclude(
            pk__in=RunStep.objects.filter(run__in=run_ids, node=node_id, kind=READY).values("run")
        )
        .order_by("pk")
    )
    if not runs:
        return Made()
    codes = {run.pk: voucher_code(run, node_id, node.code_prefix) for run in runs}
    wanted = sorted(codes.values())
    try:
        saleor_id, placed = _voucher_for(version, node_id, node, now, wanted)
        rest = [code for code in wanted if code not in placed]
        if rest:
            voucher_codes_add(
                saleor_client(Installation.objects.get(pk=version.journey.installation_id)),
                saleor_id,
                rest,
                end=now + timedelta(days=node.valid_days) + END_SLACK,
            )
    except VoucherBusy:
        return Made(busy=True)
    except (RetryableError, PermanentError) as exc:
        logger.warning("Voucher step %s of version %s: %s", node_id, version_id, exc)
        return _record(runs, node_id, now, error=str(exc))
    return _record(runs, node_id, now, codes=codes)


def _record(
    runs: list[JourneyRun],
    node_id: str,
    now: datetime,
    *,
    codes: dict[int, str] | None = None,
    error: str = "",
) -> Made:
    """One short transaction: the outcome in the step log; the runs that may go on due now,
    the others at the next attempt."""
    ids = [run.pk for run in runs]
    failed = _failures(ids, node_id) if codes is None else {}
    spent = [i for i in ids if (failed[i].attempts if i in failed else 0) + 1 >= VOUCHER_ATTEMPTS]
    due_now = ids if codes is not None else spent
    with transaction.atomic():
        RunStep.objects.bulk_create(
            RunStep(
                run_id=run_id,
                node=node_id,
                kind=READY if codes is not None else FAILED,
                at=now,
                detail={"code": codes[run_id]} if codes is not None else {"error": error},
            )
            for run_id in ids
        )
        parked = JourneyRun.objects.filter(node=node_id, status=JourneyRun.Status.WAITING)
        woken = parked.filter(pk__in=due_now).update(wake_at=now)
        parked.filter(pk__in=[i for i in ids if i not in due_now]).update(
            wake_at=now + VOUCHER_RETRY
        )
    return Made(woken=woken)
