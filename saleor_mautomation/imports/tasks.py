"""The import as Celery work on the bulk queue (``CELERY_TASK_ROUTES``), in time slices as
the backfill's: a task applies batches for at most ``SLICE_SECONDS``, then enqueues its
continuation."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import current_app, shared_task
from django.db import OperationalError

from saleor_mautomation.core import clock
from saleor_mautomation.imports import services
from saleor_mautomation.imports.models import ImportJob
from saleor_mautomation.imports.parsing import FileRefused
from saleor_mautomation.imports.services import Outcome

logger = logging.getLogger(__name__)

SEGMENTS_REBUILD = "saleor_mautomation.flows.tasks.segments_rebuild"
SLICE_SECONDS = 60
BUSY_DELAY = 30
# An unfinished import nobody advanced for this long lost its task (the broker was down at the
# hand-off, a worker died): the sweep hands it over again.
STALLED_AFTER = timedelta(minutes=5)


@shared_task(name="saleor_mautomation.imports.tasks.csv_import_run")
def csv_import_run(job_id: int) -> str:
    """Apply an import's remaining rows; once done, segments are evaluated in bulk (contacts
    and consents changed), then their new members enter journeys (the coordinator's task,
    named, never imported)."""
    try:
        outcome = services.import_execute(job_id=job_id, deadline=clock.monotonic() + SLICE_SECONDS)
    except FileRefused as exc:
        services.import_fail(job_id=job_id, message=exc.message)
        return "failed"
    except OperationalError:
        # The database went away or a batch deadlocked (rolled back whole): try again later.
        logger.warning("Import %s paused by a database error; retrying", job_id, exc_info=True)
        csv_import_run.apply_async(args=(job_id,), countdown=BUSY_DELAY)
        return "retry"
    if outcome is Outcome.PAUSED:
        csv_import_run.apply_async(args=(job_id,))
    elif outcome is Outcome.BUSY:
        csv_import_run.apply_async(args=(job_id,), countdown=BUSY_DELAY)
    elif outcome is Outcome.DONE:
        job = ImportJob.objects.get(pk=job_id)
        if job.kind != ImportJob.Kind.SUPPRESSIONS and job.created + job.updated:
            current_app.send_task(SEGMENTS_REBUILD, args=[job.installation_id])
    return str(outcome)


@shared_task(name="saleor_mautomation.imports.tasks.csv_imports_sweep")
def csv_imports_sweep() -> int:
    """Hand over again the unfinished imports whose task was lost; returns how many."""
    stalled = services.imports_stalled(before=clock.now() - STALLED_AFTER)
    for job_id in stalled:
        csv_import_run.apply_async(args=(job_id,))
    return len(stalled)
