"""Runs whose step failed: counted, retried later, and after ``RUN_MAX_ATTEMPTS`` ended as
``failed`` with the error, visible in the Dashboard until retried or discarded.

A step is arbitrary work (a profile update with a bad value, a template, a Saleor call), so
the runner isolates each run: its failure is undone alone (a savepoint) and recorded here, in
the transaction that goes on with the other runs.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db.models import QuerySet

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.models import JourneyRun, RunStep

logger = logging.getLogger(__name__)

RUN_MAX_ATTEMPTS = 3
RUN_RETRY_AFTER = timedelta(minutes=5)  # times the attempts made so far


class RunNotFound(PermanentError):
    """No such run in this installation (another shop's id reads the same)."""

    code = "not_found"


class RunNotFailed(PermanentError):
    code = "not_failed"


class RunOpen(PermanentError):
    """The contact has another open run in the journey under the same key."""

    code = "run_open"


def runs_failed(*, installation_id: int | None) -> QuerySet[JourneyRun]:
    """Failed runs, of one installation or of all (``None``: the /readyz count), through the
    ``journey_run_failed`` partial index."""
    failed = JourneyRun.objects.filter(status=JourneyRun.Status.FAILED)
    return failed if installation_id is None else failed.filter(installation_id=installation_id)


def failed_run(*, installation_id: int, run_id: int) -> JourneyRun:
    """The installation's failed run, locked for its retry or discard."""
    run = (
        JourneyRun.objects.select_for_update()
        .filter(pk=run_id, installation_id=installation_id)
        .first()
    )
    if run is None:
        raise RunNotFound("No such journey run")
    if run.status != JourneyRun.Status.FAILED:
        raise RunNotFailed(f"The journey run is {run.status}, not failed")
    return run


def error_text(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:2000]


def run_fail(*, run_id: int, error: str, now: datetime) -> JourneyRun:
    """Count a failed attempt at the run's current step: it waits and tries again later, or,
    after ``RUN_MAX_ATTEMPTS``, it is ``failed`` and wakes no more."""
    run = JourneyRun.objects.select_for_update().get(pk=run_id)
    run.attempts += 1
    run.error = error
    if run.attempts >= RUN_MAX_ATTEMPTS:
        run.status, run.wake_at, run.exited_at, run.exit_reason = (
            JourneyRun.Status.FAILED,
            None,
            now,
            "failed",
        )
        logger.warning("Journey run %s failed for good at %s: %s", run.pk, run.node, error)
    else:
        run.wake_at = now + RUN_RETRY_AFTER * run.attempts
        logger.info(
            "Journey run %s failed at %s (attempt %s): %s", run.pk, run.node, run.attempts, error
        )
    run.save(update_fields=["attempts", "error", "status", "wake_at", "exited_at", "exit_reason"])
    RunStep.objects.create(
        run=run,
        node=run.node,
        kind="failed",
        at=now,
        detail={"error": error, "attempt": run.attempts},
    )
    return run


def run_retry(*, run: JourneyRun, now: datetime) -> JourneyRun:
    """A failed run tries its step again at once, with a fresh count of attempts; refused
    (``RunOpen``) when the contact has another open run in the journey under its key."""
    if (
        JourneyRun.objects.filter(
            journey_id=run.journey_id,
            contact_id=run.person_id,
            entry_key=run.entry_key,
            status=JourneyRun.Status.WAITING,
        )
        .exclude(pk=run.pk)
        .exists()
    ):
        raise RunOpen("The contact has another open run in this journey")
    run.status, run.wake_at, run.exited_at, run.exit_reason = (
        JourneyRun.Status.WAITING,
        now,
        None,
        "",
    )
    run.attempts, run.error = 0, ""
    run.save(update_fields=["attempts", "error", "status", "wake_at", "exited_at", "exit_reason"])
    RunStep.objects.create(run=run, node=run.node, kind="retried", at=now)
    return run


def run_discard(*, run: JourneyRun, now: datetime) -> JourneyRun:
    """A failed run is given up: it exits (reason ``discarded``), its error kept."""
    run.status, run.exit_reason = JourneyRun.Status.EXITED, "discarded"
    run.exited_at = run.exited_at or now
    run.save(update_fields=["status", "exited_at", "exit_reason"])
    RunStep.objects.create(
        run=run, node=run.node, kind="exited", at=now, detail={"reason": "discarded"}
    )
    return run
