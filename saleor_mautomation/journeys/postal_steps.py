"""A batch's postal steps (``SendPostal``): the runner hands each here, inside its transaction,
and they are added together when the batch's effects are written (``PostalCards.flush``).

A card's cause is the run, the node and the visit (how often the run passed the node before),
so a step replayed after a crash or retried by another worker finds the card it already made
(``postal.services.postal_items_add``); its step log says added or skipped, with the reason
and the batch. What every card of the batch shares (the visits, the journeys' and shops'
names) is read once for the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count

from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import Journey, JourneyRun, RunStep
from saleor_mautomation.postal.services import Card, PostalStep, postal_items_add
from saleor_mautomation.saleor.models import Installation

KIND = "send_postal"


@dataclass
class PostalCards:
    """The postal steps of one batch of runs, each with the step (its log line) to fill."""

    pending: list[tuple[JourneyRun, d.SendPostal, str, RunStep]] = field(default_factory=list)

    def add(
        self, run: JourneyRun, definition: d.JourneyDefinition, node_id: str, now: datetime
    ) -> RunStep:
        node = definition.nodes[node_id]
        assert isinstance(node, d.SendPostal)
        step = RunStep(run=run, node=node_id, kind=KIND, at=now, detail={})
        self.pending.append((run, node, node_id, step))
        return step

    def flush(self, now: datetime) -> None:
        """The cards added (or skipped) and each step's detail written."""
        if not self.pending:
            return
        pending, self.pending = self.pending, []
        runs = [run for run, *_ in pending]
        visits = _visits(runs)
        journeys = dict(
            Journey.objects.filter(pk__in={run.journey_id for run in runs}).values_list(
                "pk", "name"
            )
        )
        shops = dict(
            Installation.objects.filter(pk__in={run.installation_id for run in runs}).values_list(
                "pk", "shop_name"
            )
        )
        cards = []
        for run, node, node_id, _ in pending:
            visit = visits.get((run.pk, node_id), 0)
            visits[(run.pk, node_id)] = visit + 1  # a second pass in this batch: a new card
            cards.append(
                Card(
                    step=PostalStep(
                        installation_id=run.installation_id,
                        journey_id=run.journey_id,
                        journey_name=journeys.get(run.journey_id, ""),
                        node=node_id,
                        template=node.template,
                        max_per_batch=node.max_per_batch,
                        cutoff_hour=node.cutoff_hour,
                    ),
                    contact=run.person,
                    dedupe_key=f"journey-run:{run.pk}:{node_id}:{visit}",
                    context=dict(run.context),
                    shop_name=shops.get(run.installation_id) or "Shop",
                )
            )
        items = postal_items_add(cards=cards, now=now)
        for (_, node, _, step), item in zip(pending, items, strict=True):
            detail: dict[str, Any] = {"template": node.template, "status": item.status}
            detail["item_id"] = item.pk
            if item.batch_id is not None:
                detail["batch_id"] = item.batch_id
            if item.reason:
                detail["reason"] = item.reason
            step.detail = detail


def _visits(runs: list[JourneyRun]) -> dict[tuple[int, str], int]:
    """The postal steps each run already took, per node, in one query."""
    return {
        (run_id, node): n
        for run_id, node, n in RunStep.objects.filter(
            run_id__in={run.pk for run in runs}, kind=KIND
        )
        .values("run_id", "node")
        .annotate(n=Count("pk"))
        .values_list("run_id", "node", "n")
    }
