"""What the journeys domain holds about one person: its export and its erasure.

A run is one person's way through a journey, and its context and step log are theirs (the
checkout of an abandoned cart, a voucher code, what a condition saw). A run cannot outlive
its contact (``JourneyRun.contact`` is required), so erasure deletes the person's runs and
their steps; what the journey did for the shop stays in the messages it sent (counted,
blanked) and the orders it brought (anonymous).
"""

from __future__ import annotations

from typing import Any

from saleor_mautomation.contacts.selectors import export_row
from saleor_mautomation.journeys.models import JourneyRun, RunStep


def runs_erase(*, contact_id: int) -> int:
    """Delete the contact's runs with their step logs; how many runs went."""
    runs = JourneyRun.objects.filter(contact_id=contact_id)
    RunStep.objects.filter(run__in=runs).delete()
    deleted, _ = runs.delete()
    return deleted


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
