"""Segment evaluation in bulk: after a save, periodically for time, nightly for everything."""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild, segments_rebuild
from saleor_mautomation.segments.models import Segment

logger = logging.getLogger(__name__)


def _active_installations() -> list[int]:
    return list(
        Installation.objects.filter(status=Installation.Status.ACTIVE).values_list("id", flat=True)
    )


@shared_task(name="saleor_mautomation.segments.tasks.segment_rebuild")
def segment_rebuild_task(segment_id: int) -> dict[str, int]:
    segment = Segment.objects.filter(pk=segment_id, status=Segment.Status.ACTIVE).first()
    if segment is None:
        return {"entered": 0, "exited": 0}
    outcome = segment_rebuild(segment=segment, now=clock.now())
    return {"entered": outcome.entered, "exited": outcome.exited}


@shared_task(name="saleor_mautomation.segments.tasks.segments_rebuild")
def segments_rebuild_task(installation_id: int, time_dependent_only: bool = False) -> None:
    segments_builtin_ensure(installation_id=installation_id, now=clock.now())
    outcome = segments_rebuild(
        installation_id=installation_id,
        now=clock.now(),
        time_dependent_only=time_dependent_only,
    )
    logger.info(
        "Segments of installation %s rebuilt: %s entered, %s exited",
        installation_id,
        outcome.entered,
        outcome.exited,
    )


@shared_task(name="saleor_mautomation.segments.tasks.segments_sweep")
def segments_sweep() -> None:
    """Windows slide, people age, birthdays come: segments that change with time alone."""
    for installation_id in _active_installations():
        segments_rebuild_task.delay(installation_id, time_dependent_only=True)


@shared_task(name="saleor_mautomation.segments.tasks.segments_nightly")
def segments_nightly() -> None:
    """Everything, after the nightly RFM and lifecycle sweep changed figures in bulk."""
    for installation_id in _active_installations():
        segments_rebuild_task.delay(installation_id)
