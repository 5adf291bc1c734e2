"""A run's postal step (``SendPostal``): the runner hands it here, inside its transaction.

The card's cause is the run, the node and the visit (how often the run passed the node
before), so a step replayed after a crash or retried by another worker finds the card it
already made (``postal.services.postal_item_add``); its step log says added or skipped, with
the reason and the batch.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.postal.services import PostalStep, postal_item_add
from saleor_mautomation.saleor.models import Installation

KIND = "send_postal"


def postal_step(
    run: JourneyRun, definition: d.JourneyDefinition, node_id: str, now: datetime
) -> dict[str, Any]:
    node = definition.nodes[node_id]
    assert isinstance(node, d.SendPostal)
    visit = RunStep.objects.filter(run_id=run.pk, node=node_id, kind=KIND).count()
    journey_name = Journey.objects.filter(pk=run.journey_id).values_list("name", flat=True)
    shop_name = Installation.objects.filter(pk=run.installation_id).values_list(
        "shop_name", flat=True
    )
    item = postal_item_add(
        step=PostalStep(
            installation_id=run.installation_id,
            journey_id=run.journey_id,
            journey_name=journey_name.first() or "",
            node=node_id,
            template=node.template,
            max_per_batch=node.max_per_batch,
            cutoff_hour=node.cutoff_hour,
        ),
        contact=run.person,
        dedupe_key=f"journey-run:{run.pk}:{node_id}:{visit}",
        context=dict(run.context),
        shop_name=shop_name.first() or "Shop",
        now=now,
    )
    detail: dict[str, Any] = {"template": node.template, "status": item.status, "item_id": item.pk}
    if item.batch_id is not None:
        detail["batch_id"] = item.batch_id
    if item.reason:
        detail["reason"] = item.reason
    return detail
