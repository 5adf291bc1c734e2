"""The engine's runner: moves a batch of runs along in one transaction.

For a batch (a scheduler claim, the runs an event touched, the contacts a broadcast enrols)
the runner loads the facts the pure engine needs in a few queries for the whole batch (goals
reached, awaited events, segment-style conditions, voucher codes), calls the engine per run,
then writes the results in bulk: the runs' new nodes and timers, the step log, and what the
steps do (messages through the outbox with a key per run, node and visit, so a retried step
never sends twice; vouchers; profile changes; webhook calls queued after commit; static lists).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, assert_never

from django.db import connection, transaction
from django.db.models import Count, Q, TextField
from django.db.models.functions import Cast

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import NetworkInTransaction
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.tallies import Tally, tallies_add
from saleor_mautomation.journeys import actions
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.conversions import (
    Converted,
    branches_taken,
    conversions_apply,
    split_tallies,
)
from saleor_mautomation.journeys.engine import Action, Facts, Outcome, RunState, advance
from saleor_mautomation.journeys.failures import error_text, run_fail
from saleor_mautomation.journeys.fanout_sends import Claimed, broadcast_runs_send
from saleor_mautomation.journeys.goals import goal_orders
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.journeys.origins import BROADCAST_KEY, forced_branches, send_origin
from saleor_mautomation.journeys.outcomes import MESSAGE_STEP, QUEUED
from saleor_mautomation.journeys.preferred import reachable_channels
from saleor_mautomation.journeys.vouchers import (
    VOUCHER_PENDING,
    describe,
    voucher_codes_known,
    vouchers_queue,
)
from saleor_mautomation.segments.compiler import Compiler, Moments, compile_definition
from saleor_mautomation.segments.definition import Definition

logger = logging.getLogger(__name__)

MAX_ROUNDS = 20  # facts supplied per call (conditions and vouchers on one walk)
FACT_EVENTS = 200
VOUCHER_RETRY = timedelta(minutes=10)


@lru_cache(maxsize=1024)
def _parsed(version_id: int, raw: str) -> d.JourneyDefinition:
    return d.journey_parse(raw)


def version_definition(version: JourneyVersion) -> d.JourneyDefinition:
    return _parsed(version.pk, json.dumps(version.definition, sort_keys=True))


@dataclass
class _Work:
    run: JourneyRun
    definition: d.JourneyDefinition
    facts: Facts = field(default_factory=Facts)
    outcome: Outcome | None = None
    # The step whose fact could not be had now (Saleor down): the run tries again later.
    deferred: str = ""
    goal_order: str = ""  # the goal's order, when the goal was reached

    @property
    def state(self) -> RunState:
        run = self.run
        return RunState(
            run_id=run.pk, node=run.node, node_entered_at=run.node_entered_at, holdout=run.holdout
        )


def _goals(works: list[_Work], now: datetime) -> dict[int, str]:
    """Runs (ids) whose journey goal the contact reached since entering, each with the order
    of the first goal event (``goals.goal_orders``, one query per version)."""
    reached: dict[int, str] = {}
    by_version: dict[int, list[_Work]] = defaultdict(list)
    for work in works:
        if work.definition.goal is not None:
            by_version[work.run.version_id].append(work)
    for group in by_version.values():
        goal = group[0].definition.goal
        assert goal is not None
        reached |= goal_orders(
            goal=goal,
            installation_id=group[0].run.installation_id,
            runs=[(w.run.pk, w.run.person_id, w.run.entered_at) for w in group],
            now=now,
        )
    return reached


def _awaited(works: list[_Work], now: datetime) -> dict[int, tuple[tuple[str, datetime], ...]]:
    """For runs waiting for an event: the matching events since they reached the node."""
    found: dict[int, tuple[tuple[str, datetime], ...]] = {}
    by_node: dict[tuple[int, str], list[_Work]] = defaultdict(list)
    for work in works:
        if isinstance(work.definition.nodes[work.run.node], d.WaitForEvent):
            by_node[(work.run.version_id, work.run.node)].append(work)
    for group in by_node.values():
        node = group[0].definition.nodes[group[0].run.node]
        assert isinstance(node, d.WaitForEvent)
        where = Compiler(
            installation_id=group[0].run.installation_id, moments=Moments(now), mode="single"
        ).where(node.where)
        moments: dict[int, list[datetime]] = defaultdict(list)
        for contact_id, at in (
            Event.objects.filter(
                Q(
                    contact_id__in={w.run.contact_id for w in group},
                    type=node.event_type,
                    occurred_at__gte=min(w.run.node_entered_at for w in group),
                )
                & where
            )
            .order_by("occurred_at")
            .values_list("contact_id", "occurred_at")[: FACT_EVENTS * len(group)]
        ):
            moments[contact_id].append(at)
        for work in group:
            found[work.run.pk] = tuple(
                (node.event_type, at)
                for at in moments[work.run.person_id]
                if at >= work.run.node_entered_at
            )
    return found


def _facts_load(works: list[_Work], now: datetime) -> None:
    goals = _goals(works, now)
    for work in works:
        work.goal_order = goals.get(work.run.pk, "")
    awaited = _awaited(works, now)
    reachable = reachable_channels((w.run, w.definition) for w in works)
    for work in works:
        contact = work.run.contact
        work.facts = Facts(
            time_zone=contact.time_zone if contact is not None else "",
            goal_reached=work.run.pk in goals,
            events_since_node=awaited.get(work.run.pk, ()),
            forced_branches=forced_branches(work.run),
            preferred_channel=contact.preferred_channel if contact is not None else "",
            reachable=reachable.get(work.run.contact_id or 0, frozenset()),
        )


def _conditions(group: list[_Work], node: d.Condition, now: datetime) -> set[int]:
    """Contacts (ids) of the group for whom the condition holds, in one query."""
    condition = compile_definition(
        Definition(root=node.condition),
        installation_id=group[0].run.installation_id,
        now=now,
        mode="single" if len(group) == 1 else "bulk",
    )
    return set(
        Contact.objects.filter(pk__in={w.run.contact_id for w in group})
        .filter(condition)
        .values_list("pk", flat=True)
    )


def _vouchers(group: list[_Work], node_id: str, now: datetime) -> list[_Work]:
    """Supply the codes Saleor already has; park the other runs at the step until a task,
    after this transaction commits, has made theirs (ADR 0014: no call to Saleor in here).
    Returns the runs that got their fact."""
    known = voucher_codes_known(runs=[w.run for w in group], node_id=node_id)
    answered, parked = [], []
    for work in group:
        if work.run.pk in known.codes:
            code = known.codes[work.run.pk]
            work.facts = replace(work.facts, vouchers={**work.facts.vouchers, node_id: code})
            answered.append(work)
            continue
        # the walk so far is applied; the run waits at the step: for the next attempt when
        # the last one failed, else for the task queued now
        assert work.outcome is not None
        retry = known.retries.get(work.run.pk)
        if retry is not None and retry > now:
            work.outcome = replace(work.outcome, status="waiting", wake_at=retry)
        else:
            work.outcome = replace(work.outcome, status="waiting", wake_at=now + VOUCHER_PENDING)
            parked.append(work.run)
    if parked:
        vouchers_queue(
            version_id=parked[0].version_id,
            node_id=node_id,
            run_ids=[run.pk for run in parked],
            bulk=parked[0].entry_key.startswith(BROADCAST_KEY),
        )
    return answered


def _decide(works: list[_Work], now: datetime) -> None:
    """Call the engine for every run, supplying asked-for facts batch-wise, until each run
    waits, exits or is deferred."""
    pending = works
    for _ in range(MAX_ROUNDS):
        conditions: dict[tuple[int, str], list[_Work]] = defaultdict(list)
        vouchers: dict[tuple[int, str], list[_Work]] = defaultdict(list)
        for work in pending:
            work.outcome = outcome = advance(work.definition, work.state, work.facts, now)
            if outcome.status == "needs_condition":
                conditions[(work.run.version_id, outcome.condition)].append(work)
            elif outcome.status == "needs_voucher":
                vouchers[(work.run.version_id, outcome.condition)].append(work)
        if not conditions and not vouchers:
            return
        for (_, node_id), group in conditions.items():
            node = group[0].definition.nodes[node_id]
            assert isinstance(node, d.Condition)
            holds = _conditions(group, node, now)
            for work in group:
                work.facts = replace(
                    work.facts,
                    conditions={**work.facts.conditions, node_id: work.run.contact_id in holds},
                )
        answered = [w for group in conditions.values() for w in group]
        for (_, node_id), group in vouchers.items():
            answered += _vouchers(group, node_id, now)
        pending = [w for w in answered if not w.deferred]
    for work in pending:  # validation bounds conditions per walk; this is a safety net
        logger.error("Run %s needs too many facts in one step", work.run.pk)
        work.deferred = work.outcome.condition if work.outcome else work.run.node


def _visits(works: list[_Work]) -> dict[tuple[int, str], int]:
    """Sends each run already made per node (a loop may pass a send node again)."""
    wanted = [w.run.pk for w in works if any(a.kind in d.SENDS for a in w.outcome.actions)]  # type: ignore[union-attr]
    if not wanted:
        return {}
    return {
        (run_id, node): n
        for run_id, node, n in RunStep.objects.filter(MESSAGE_STEP, run__in=wanted)
        .values("run", "node")
        .annotate(n=Count("pk"))
        .values_list("run", "node", "n")
    }


def _apply(works: list[_Work], now: datetime) -> None:
    steps: list[RunStep] = []
    tallies: list[Tally] = []
    converted: list[Converted] = []
    visits = _visits(works)
    effects = actions.Effects(now=now)
    for work in works:
        run, outcome = work.run, work.outcome
        assert outcome is not None
        if work.deferred:
            run.wake_at = now + VOUCHER_RETRY
            steps.append(
                RunStep(
                    run=run,
                    node=work.deferred,
                    kind="voucher_failed",
                    at=now,
                    detail={"retry": True},
                )
            )
            continue
        pending = list(outcome.actions)
        for node in outcome.visited:  # the log in walking order: each node, then what it did
            steps.append(RunStep(run=run, node=node, kind="passed", at=now))
            while pending and pending[0].node == node:
                action = pending.pop(0)
                steps += _act(run, work.definition, action, visits, effects)
        taken = branches_taken(
            work.definition,
            outcome.visited,
            outcome.state.node,
            run_id=run.pk,
            forced=work.facts.forced_branches,
        )
        if taken:
            run.branches = {**run.branches, **taken}
            tallies += split_tallies(run, taken)
        run.node = outcome.state.node
        run.node_entered_at = outcome.state.node_entered_at
        if outcome.status == "exited" and outcome.exit_reason == "goal":
            converted.append(Converted(run, work.definition, work.goal_order))
        if outcome.status == "exited":
            run.status, run.exited_at, run.exit_reason = (
                JourneyRun.Status.EXITED,
                now,
                outcome.exit_reason,
            )
            run.wake_at = None
            steps.append(
                RunStep(
                    run=run,
                    node=run.node,
                    kind="exited",
                    at=now,
                    detail={"reason": outcome.exit_reason},
                )
            )
        else:
            run.wake_at = outcome.wake_at
    effects.flush()
    tallies_add(tallies + conversions_apply(converted, now))
    created = RunStep.objects.bulk_create(steps)
    actions.webhooks_queue([s for s in created if s.kind == "webhook"])
    _runs_save([w.run for w in works])


RUN_FIELDS = (
    "node",
    "node_entered_at",
    "status",
    "exited_at",
    "exit_reason",
    "wake_at",
    "context",
    "branches",
    "converted_at",
    "goal_revenue",
    "goal_currency",
)


def _runs_save(runs: list[JourneyRun]) -> None:
    """The runs' new state in one statement (PostgreSQL: UPDATE ... FROM VALUES, far
    cheaper to build than Django's CASE per field and row)."""
    if not runs:
        return
    if connection.vendor != "postgresql":
        JourneyRun.objects.bulk_update(runs, list(RUN_FIELDS))
        return
    adapt = connection.ops.adapt_datetimefield_value
    rows = ", ".join(
        [
            "(%s::bigint, %s, %s::timestamptz, %s, %s::timestamptz, %s, %s::timestamptz, "
            "%s::jsonb, %s::jsonb, %s::timestamptz, %s::numeric, %s)"
        ]
        * len(runs)
    )
    params: list[Any] = []
    for run in runs:
        params += [
            run.pk,
            run.node,
            adapt(run.node_entered_at),
            run.status,
            adapt(run.exited_at),
            run.exit_reason,
            adapt(run.wake_at),
            json.dumps(run.context),
            json.dumps(run.branches),
            adapt(run.converted_at),
            run.goal_revenue,
            run.goal_currency,
        ]
    table = JourneyRun._meta.db_table
    sets = ", ".join(f"{name} = v.{name}" for name in RUN_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS r SET {sets} FROM (VALUES {rows}) "  # noqa: S608
            f"AS v (id, {', '.join(RUN_FIELDS)}) WHERE r.id = v.id",
            params,
        )


def _act(
    run: JourneyRun,
    definition: d.JourneyDefinition,
    action: Action,
    visits: dict[tuple[int, str], int],
    effects: actions.Effects,
) -> list[RunStep]:
    params = dict(action.params)
    if action.held_out:
        return [RunStep(run=run, node=action.node, kind="held_out", at=effects.now, detail=params)]
    if action.kind in d.SENDS:
        key = (run.pk, action.node)
        visit = visits.get(key, 0)
        visits[key] = visit + 1
        # Queued; the sender's outcome replaces it (``outcomes.message_steps_follow``).
        step = RunStep(run=run, node=action.node, kind=QUEUED, at=effects.now)
        origin = send_origin(run, definition, action.node, effects.variants)
        actions.send(
            run,
            step,
            params,
            channel=d.SENDS[action.kind],
            visit=visit,
            origin=origin,
            effects=effects,
        )
        return [step]
    match action.kind:
        case "give_voucher":
            node = definition.nodes[action.node]
            assert isinstance(node, d.GiveVoucher)
            about = {
                **describe(node),
                "valid_until": (effects.now + timedelta(days=node.valid_days)).isoformat(),
            }
            detail = actions.voucher_give(run, str(params["code"]), about, effects.now)
        case "update_profile":
            detail = actions.profile_update(run, params, effects.now)
        case "webhook":
            detail = {"url": params["url"], "status": "queued", "attempts": 0}
        case "list_add" | "list_remove":
            effects.list_change(run, str(params["list"]), add=action.kind == "list_add")
            detail = {"list": params["list"]}
        case "send_postal":  # added with the batch's others (``effects.flush``)
            return [effects.postal.add(run, definition, action.node, effects.now)]
        case "send_email" | "send_sms" | "send_push":
            raise AssertionError("sends are acted on above")
        case _:
            assert_never(action.kind)
    return [RunStep(run=run, node=action.node, kind=action.kind, at=effects.now, detail=detail)]


def runs_advance(runs: Sequence[JourneyRun], *, now: datetime) -> list[Outcome]:
    """One engine call per run, applied in the caller's transaction. The runs come with
    ``version`` and ``contact`` loaded (``select_related``) and are locked by the caller.

    The batch runs in one savepoint; should any step fail, it is undone and the runs go one
    by one, each in its own savepoint, so a failing run is counted (``run_fail``) and the
    others advance. The savepoint per run is paid on the failure path only."""
    if not runs:
        return []
    try:
        with transaction.atomic():
            return _runs_advance(runs, now=now)
    except NetworkInTransaction:
        raise  # a defect of ours to see at once (ADR 0014), not a failure of the run
    # A step is arbitrary work (a profile field, a template, a Saleor call): whatever it
    # raises must end that run's step alone, so everything is caught at this boundary.
    except Exception as exc:  # noqa: BLE001
        logger.info("A batch of %s runs failed (%s): one by one", len(runs), error_text(exc))
    outcomes: list[Outcome] = []
    for run_id in [run.pk for run in runs]:
        # Reloaded: the failed batch may have changed the objects in memory.
        run = JourneyRun.objects.select_related("version", "contact").get(pk=run_id)
        try:
            with transaction.atomic():
                outcomes += _runs_advance([run], now=now)
        except NetworkInTransaction:
            raise
        except Exception as exc:  # noqa: BLE001 (see above)
            run_fail(run_id=run_id, error=error_text(exc), now=now)
    return outcomes


def _runs_advance(runs: Sequence[JourneyRun], *, now: datetime) -> list[Outcome]:
    works = [_Work(run, version_definition(run.version)) for run in runs]
    if not works:
        return []
    _facts_load(works, now)
    _decide(works, now)
    _apply(works, now)
    return [w.outcome for w in works if w.outcome is not None]


def run_advance(*, run: JourneyRun, now: datetime) -> Outcome:
    return runs_advance([run], now=now)[0]


def _due(now: datetime, *, broadcast: bool) -> Any:
    runs = JourneyRun.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=JourneyRun.Status.WAITING,
        wake_at__lte=now,
        journey__status=Journey.Status.ACTIVE,
    )
    if broadcast:
        runs = runs.filter(entry_key__startswith=BROADCAST_KEY)
    else:
        runs = runs.exclude(entry_key__startswith=BROADCAST_KEY)
    return runs.order_by("wake_at")


def runs_wake(*, now: datetime, limit: int, broadcast: bool = False) -> int:
    """Advance due runs, claimed with SKIP LOCKED (one batch, one transaction). Broadcast
    runs are woken apart (``broadcast=True``, on the bulk queue), so a large broadcast
    never delays the timers of other journeys; on PostgreSQL those of a simple send are
    written in bulk (``fanout_sends``)."""
    with transaction.atomic():
        if broadcast and connection.vendor == "postgresql":
            return _broadcast_runs_wake(now, limit)
        runs = list(_due(now, broadcast=broadcast).select_related("version", "contact")[:limit])
        if broadcast:
            running = _journeys_running({run.journey_id for run in runs})
            runs = [run for run in runs if run.journey_id in running]
        runs_advance(runs, now=now)
    return len(runs)


CLAIMED = (
    "pk",
    "journey_id",
    "version_id",
    "installation_id",
    "contact_id",
    "node",
    "node_entered_at",
    "holdout",
    "entered_at",
    "attempts",
    "context_text",
)


def _broadcast_runs_wake(now: datetime, limit: int) -> int:
    """A batch of due broadcast runs claimed as rows (no models); those of simple sends are
    walked and written in bulk (``fanout_sends.broadcast_runs_send``), the others, and all of
    them should the bulk write fail, go the general way (``runs_advance``: a failing run is
    isolated and counted there)."""
    claimed = [
        Claimed(*row)
        for row in _due(now, broadcast=True)
        .annotate(context_text=Cast("context", TextField()))
        .values_list(*CLAIMED)[:limit]
    ]
    running = _journeys_running({run.journey_id for run in claimed})
    claimed = [run for run in claimed if run.journey_id in running]
    definitions = {
        version.pk: version_definition(version)
        for version in JourneyVersion.objects.filter(pk__in={run.version_id for run in claimed})
    }
    try:
        with transaction.atomic():
            left = broadcast_runs_send(claimed, definitions, now=now)
    except NetworkInTransaction:
        raise
    except Exception as exc:  # noqa: BLE001 (any failure: the general path isolates it)
        logger.info("A bulk fan-out of %s runs failed (%s): step by step", len(claimed), exc)
        left = [run.run_id for run in claimed]
    if left:
        runs_advance(
            list(
                JourneyRun.objects.select_related("version", "contact")
                .filter(pk__in=left)
                .order_by("wake_at", "pk")
            ),
            now=now,
        )
    return len(claimed)


def _journeys_running(journey_ids: set[int]) -> set[int]:
    """Of the claimed runs' journeys, those still active, each held FOR SHARE until the
    batch commits: pausing or cancelling a broadcast (which updates its journey) waits for
    the batches already advancing its runs, so the messages they queue are held or cancelled
    with the others, and a batch claimed as it paused drops its runs (they wait, claimed by
    nobody, until it resumes). SQLite has one writer at a time: the status read suffices."""
    if not journey_ids:
        return set()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Journey._meta.db_table} WHERE id = ANY(%s) AND status = %s"  # noqa: S608
                " ORDER BY id FOR SHARE",
                [sorted(journey_ids), Journey.Status.ACTIVE.value],
            )
            return {row[0] for row in cursor.fetchall()}
    return set(
        Journey.objects.filter(pk__in=journey_ids, status=Journey.Status.ACTIVE).values_list(
            "pk", flat=True
        )
    )


def runs_of_contacts(contact_ids: Iterable[int]) -> list[JourneyRun]:
    """The contacts' waiting runs, locked (waiting for a scheduler that holds one)."""
    return list(
        JourneyRun.objects.select_for_update(of=("self",))
        .filter(
            contact_id__in=list(contact_ids),
            status=JourneyRun.Status.WAITING,
            journey__status=Journey.Status.ACTIVE,
        )
        .select_related("version", "contact")
        .order_by("pk")
    )
