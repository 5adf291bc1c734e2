"""What the journeys domain holds about one person: its export and its erasure.

A run is one person's way through a journey, and its context and step log are theirs (the
checkout of an abandoned cart, a voucher code, what a condition saw). Erasure deletes the step
log and blanks the run: no contact, no context, entry key or error; a waiting or failed run
exits (``erased``). What the journey did for the shop stays, as it does in the messages it sent
(counted, blanked) and the orders it brought (anonymous): that the run entered, which
branches it took, whether it reached the goal and what that was worth. A place in the rest
of a broadcast waiting for its test's winner (``BroadcastRest``) is deleted: that message
never goes. The contact's side of each attribute line its journeys watch (``ThresholdSide``)
goes with the contact's row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.journeys.models import BroadcastRest, JourneyRun, RunStep, ThresholdSide

ERASED = "erased"


def runs_erase(*, contact_id: int, now: datetime) -> int:
    """Blank the contact's runs and delete their step logs (and its places in broadcasts'
    rests); how many runs were blanked."""
    BroadcastRest.objects.filter(contact_id=contact_id).delete()
    ids = list(JourneyRun.objects.filter(contact_id=contact_id).values_list("pk", flat=True))
    RunStep.objects.filter(run_id__in=ids).delete()
    runs = JourneyRun.objects.filter(pk__in=ids)
    # Open and failed runs end: without the person they can neither go on nor be retried.
    runs.filter(status__in=(JourneyRun.Status.WAITING, JourneyRun.Status.FAILED)).update(
        status=JourneyRun.Status.EXITED, exit_reason=ERASED, exited_at=now, wake_at=None
    )
    return runs.update(contact=None, context={}, entry_key="", error="")


def runs_export(*, contact_id: int) -> list[dict[str, Any]]:
    """The contact's runs, oldest first, each with its journey's name and its steps."""
    runs = (
        JourneyRun.objects.filter(contact_id=contact_id)
        .select_related("journey", "version")
        .order_by("entered_at", "id")
    )
    steps: dict[int, list[dict[str, Any]]] = {}
    for step in RunStep.objects.filter(run__contact_id=contact_id).order_by("at", "id"):
        steps.setdefault(step.run_id, []).append(export_row(step, omit=["run"]))
    return [
        {
            **export_row(run, omit=["journey", "version"]),
            "journey": run.journey.name,
            "version": run.version.number,
            "steps": steps.get(run.pk, []),
        }
        for run in runs
    ]


def broadcast_waits_export(*, contact_id: int) -> list[dict[str, Any]]:
    """The broadcasts whose test's winner the contact waits for (the rest of the snapshot)."""
    return [
        {"journey": name, "version": number}
        for name, number in BroadcastRest.objects.filter(contact_id=contact_id)
        .order_by("pk")
        .values_list("version__journey__name", "version__number")
    ]


def threshold_sides_export(*, contact_id: int) -> list[dict[str, Any]]:
    """The attribute lines the contact is at or above, each with its crossings so far."""
    return [
        {
            "attribute": attribute,
            "threshold": str(threshold.normalize()),
            "above": above,
            "crossings": crossings,
        }
        for attribute, threshold, above, crossings in ThresholdSide.objects.filter(
            contact_id=contact_id
        )
        .order_by("line__attribute", "line__threshold")
        .values_list("line__attribute", "line__threshold", "above", "crossings")
    ]
