"""What runs did, for reports: entered, the branch taken at each split (and the subject
variant at each send node with a subject test), the goal reached and
what the goal's order was worth, tallied per day (``events.tallies``) as the runner writes it.

A journey's conversion is its goal. Held-out runs walk the journey like the others (nothing is
sent to them), so their entries, branches and conversions are tallied with ``holdout`` set:
the holdout comparison reads both groups from the same rows. A conversion of a journey
entered by an abandoned checkout also counts as a recovered checkout (held-out runs excepted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.events.tallies import Origin, Tally
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import subject_variant
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.journeys.triggers import CHECKOUT_ABANDONED

ENTERED = "entered"
CONVERTED = "converted"
SPLIT_ENTERED = "split.entered"
SPLIT_CONVERTED = "split.converted"
RECOVERED = "recovered"
ORDER_FIELDS = (
    "saleor_id",
    "installation_id",
    "status",
    "currency",
    "total_gross",
    "total_refunded",
)


def _day(at: datetime) -> date:
    return at.astimezone(UTC).date()


def run_origin(run: JourneyRun) -> Origin:
    return Origin(journey_id=run.journey_id, version_id=run.version_id, holdout=run.holdout)


def entered_tallies(runs: Iterable[JourneyRun]) -> list[Tally]:
    """One ``entered`` per run, on the day it entered."""
    return [
        Tally(
            installation_id=run.installation_id,
            day=_day(run.entered_at),
            metric=ENTERED,
            origin=run_origin(run),
        )
        for run in runs
    ]


def branches_taken(
    definition: d.JourneyDefinition,
    visited: Sequence[str],
    reached: str,
    *,
    run_id: int,
    forced: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """The branch taken at each split of a walk: the node after the split in the walk (or
    the node the walk stopped at) is that branch's next; and the subject variant of each
    send node with a subject test (the node is its own test). A split whose branch was
    ``forced`` (a broadcast's rest, sent the winner) is no part of its test."""
    taken: dict[str, int] = {}
    if not visited:
        return taken
    following = [*visited[1:], reached]
    for node_id, after in zip(visited, following, strict=True):
        node = definition.nodes.get(node_id)
        if isinstance(node, d.Split) and node_id not in (forced or {}):
            for index, branch in enumerate(node.branches):
                if branch.next == after:
                    taken[node_id] = index
                    break
        elif isinstance(node, d.SendEmail) and node.subject_variants:
            taken[node_id] = subject_variant(run_id, node_id, len(node.subject_variants))
    return taken


def split_origin(run: JourneyRun, node: str, branch: int) -> Origin:
    """The origin of a run's figures at one branch of one test (a split or subject test)."""
    return Origin(
        journey_id=run.journey_id,
        version_id=run.version_id,
        split_node=node,
        split_branch=int(branch),
        holdout=run.holdout,
    )


def split_tallies(run: JourneyRun, taken: Mapping[str, int]) -> list[Tally]:
    """One ``split.entered`` per branch taken, on the day the run entered the journey (the
    day its branches are kept under; A/B results are read over all days)."""
    return [
        Tally(
            installation_id=run.installation_id,
            day=_day(run.entered_at),
            metric=SPLIT_ENTERED,
            origin=split_origin(run, node, branch),
        )
        for node, branch in taken.items()
    ]


@dataclass(frozen=True)
class Converted:
    run: JourneyRun
    definition: d.JourneyDefinition
    order_id: str  # the goal event's order (Saleor id), "" when the goal is not an order


def conversions_apply(converted: Sequence[Converted], now: datetime) -> list[Tally]:
    """Mark the runs converted with their goal's revenue (one query for the orders), and the
    tallies: the conversion, per split branch the run took, and a recovered checkout."""
    wanted = {c.order_id for c in converted if c.order_id}
    orders = {
        order.saleor_id: order
        for order in OrderRecord.objects.filter(
            installation_id__in={c.run.installation_id for c in converted}, saleor_id__in=wanted
        ).only(*ORDER_FIELDS)
    }
    tallies: list[Tally] = []
    for item in converted:
        run = item.run
        order = orders.get(item.order_id)
        if order is not None and order.installation_id != run.installation_id:
            order = None
        run.converted_at = now
        run.goal_revenue = order.net_revenue if order is not None else Decimal(0)
        run.goal_currency = order.currency if order is not None else ""
        tallies += conversion_tallies(run, item.definition)
    return tallies


def conversion_tallies(run: JourneyRun, definition: d.JourneyDefinition) -> list[Tally]:
    """The tallies of a converted run (also what the recompute derives from a stored run)."""
    assert run.converted_at is not None
    day = _day(run.converted_at)
    amount = run.goal_revenue or Decimal(0)

    def tally(metric: str, origin: Origin) -> Tally:
        return Tally(
            installation_id=run.installation_id,
            day=day,
            metric=metric,
            origin=origin,
            currency=run.goal_currency,
            amount=amount,
        )

    tallies = [tally(CONVERTED, run_origin(run))]
    for node, branch in sorted(run.branches.items()):
        tallies.append(tally(SPLIT_CONVERTED, split_origin(run, node, branch)))
    entry = definition.entry
    if (
        not run.holdout
        and isinstance(entry, d.EventEntry)
        and entry.event_type == CHECKOUT_ABANDONED
    ):
        tallies.append(tally(RECOVERED, Origin(journey_id=run.journey_id)))
    return tallies
