"""Which runs reached their journey's goal: one query per journey version for a batch.

The runner asks before every step (``runner``: the engine exits a run whose goal was
reached); a broadcast's bulk fan-out (``fanout_sends``) asks the same question of the same
rows, so both read it here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q

from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.segments.compiler import Compiler, Moments


def goal_orders(
    *,
    goal: d.Goal,
    installation_id: int,
    runs: Iterable[tuple[int, int, datetime]],
    now: datetime,
) -> dict[int, str]:
    """Of ``runs`` (run id, contact id, entered at) of one version: those whose contact did
    the goal since entering, each with the order of the first goal event (its ``order_id``
    property; "" for a goal that is not an order)."""
    runs = list(runs)
    if not runs:
        return {}
    where = Compiler(installation_id=installation_id, moments=Moments(now), mode="single").where(
        goal.where
    )
    moments: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for contact_id, at, properties in (
        Event.objects.filter(
            Q(
                contact_id__in={contact_id for _, contact_id, _ in runs},
                type=goal.event_type,
                occurred_at__gte=min(entered_at for _, _, entered_at in runs),
            )
            & where
        )
        .order_by("occurred_at", "pk")
        .values_list("contact_id", "occurred_at", "properties")
    ):
        moments[contact_id].append((at, str((properties or {}).get("order_id") or "")))
    reached: dict[int, str] = {}
    for run_id, contact_id, entered_at in runs:
        hit = next((o for at, o in moments[contact_id] if at >= entered_at), None)
        if hit is not None:
            reached[run_id] = hit
    return reached
