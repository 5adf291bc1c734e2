"""A broadcast's woken runs walked to their sends and written in bulk (PostgreSQL).

The runner's general step path (``runner.runs_advance``) loads each run and its contact as
models, and writes a model per step and per message: about a millisecond of a core per
recipient, which a million-recipient broadcast takes from the senders on the same machine.
A broadcast whose graph is a simple send (every node its start reaches is a send, a split or
an exit: each run walks from its start to an exit in one call of the engine, asking for no
fact) is fanned out here instead. The engine is still called for every run, so the walk, the
split's branch, the subject variant and the holdout are its decisions as before; what the
batch then writes goes in a few statements whatever its size: the messages
(``messages.enqueue_bulk``: one INSERT), the step log (one INSERT), the runs' new state (one
UPDATE) and the split tallies (counted). The rows are those the general path writes for the
same runs (``tests/journeys/test_fanout_sends.py`` runs both on the same recipients).

A run this path does not take is left to the general path, in the same transaction: a run of
another graph, one not at its start (a later node of a graph changed under it cannot be),
one that failed before (``attempts``: its retry goes the way it failed), one whose contact
was erased, and one whose contact reached the journey's goal (its conversion, revenue and
tallies are the runner's). Suppression, consent, frequency caps and quiet hours are the
sender's decisions when it claims each message, for these messages as for any.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.db import connection

from saleor_mautomation.events.tallies import Tally, tallies_add
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.conversions import branches_taken, split_tallies
from saleor_mautomation.journeys.engine import Action, Facts, Outcome, RunState, advance
from saleor_mautomation.journeys.goals import goal_orders
from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.journeys.origins import BROADCAST_KEY, FORCED_BRANCHES, send_origin
from saleor_mautomation.journeys.outcomes import QUEUED, RUN_KEY
from saleor_mautomation.messages.enqueue_bulk import (
    Row,
    Sends,
    bound_cursor,
    messages_enqueue_bulk,
)
from saleor_mautomation.messages.models import Template
from saleor_mautomation.messages.outbox import Origin

SIMPLE = (d.Split, d.SendEmail, d.SendSms, d.SendPush, d.Exit)
NO_ADDRESS = "no address or no content"  # the step's error, as ``actions.Effects`` words it


class Claimed(NamedTuple):
    """A claimed broadcast run, as the runner's claim reads it (no model)."""

    run_id: int
    journey_id: int
    version_id: int
    installation_id: int
    contact_id: int | None
    node: str
    node_entered_at: datetime
    holdout: bool
    entered_at: datetime
    attempts: int
    context: str  # the run's context as JSON text (the messages' context, unparsed)


def simple_send(definition: d.JourneyDefinition) -> bool:
    """Every node the start reaches is a send, a split or an exit (validation refuses a
    loop without a wait, so every walk ends at an exit in one engine call)."""
    seen: set[str] = set()
    todo = [definition.start]
    while todo:
        node_id = todo.pop()
        if node_id in seen:
            continue
        seen.add(node_id)
        node = definition.nodes[node_id]
        if not isinstance(node, SIMPLE):
            return False
        todo += d.successors(node)
    return True


def _forced(context: str) -> dict[str, int]:
    """The run's forced branches (``origins.forced_branches``), parsing only a context that
    has them (the rest of a tested broadcast)."""
    if FORCED_BRANCHES not in context:
        return {}
    forced = json.loads(context).get(FORCED_BRANCHES) or {}
    return {str(node): int(branch) for node, branch in dict(forced).items()}


class _Batch:
    """What a batch writes, gathered run by run: step rows (a send's step waits for its
    message's id), message rows and their groups per installation, the runs' new state and
    the split counts."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        # [run id, node, kind, detail]: a detail shared by many steps is JSON text already
        self.steps: list[list[Any]] = []
        self.exits: dict[str, str] = {}
        # per installation: its message rows, their steps, the groups and their index
        self.rows: dict[int, list[Row]] = defaultdict(list)
        self.waiting: dict[int, list[list[Any]]] = defaultdict(list)
        self.sends: dict[int, list[Sends]] = defaultdict(list)
        self.indexes: dict[int, dict[tuple[Any, ...], int]] = defaultdict(dict)
        self.templates: dict[tuple[int, str], Template | None] = {}
        self.origins: dict[tuple[Any, ...], Origin] = {}
        self.variants: dict[tuple[int, str], tuple[str, int] | None] = {}
        self.runs: list[tuple[int, str, str, str]] = []  # id, node, exit reason, branches
        self.splits: Counter[tuple[Any, ...]] = Counter()

    def template(self, installation_id: int, key: str) -> Template | None:
        """A batch looks each template up once (``actions.Effects.template``)."""
        if (installation_id, key) not in self.templates:
            self.templates[(installation_id, key)] = Template.objects.filter(
                installation_id=installation_id, key=key
            ).first()
        return self.templates[(installation_id, key)]

    def origin(
        self, run: Claimed, definition: d.JourneyDefinition, action: Action, forced: dict[str, int]
    ) -> Origin:
        """``origins.send_origin``, once per send node, subject variant and forced splits
        (all it reads of a run)."""
        key = (run.version_id, action.node, action.params.get("variant"), tuple(sorted(forced)))
        if key not in self.origins:
            model = JourneyRun(
                pk=run.run_id,
                journey_id=run.journey_id,
                version_id=run.version_id,
                entry_key=BROADCAST_KEY,
                context={FORCED_BRANCHES: forced} if forced else {},
            )
            self.origins[key] = send_origin(model, definition, action.node, self.variants)
        return self.origins[key]

    def send(
        self,
        run: Claimed,
        definition: d.JourneyDefinition,
        action: Action,
        forced: dict[str, int],
    ) -> list[Any]:
        """A send step (``runner._act``, ``actions.send``): its message queued with the
        batch's, or failed at once for a template that is missing or of another channel."""
        params = action.params
        channel = d.SENDS[action.kind]
        detail: dict[str, Any] = {"template": params["template"]}
        if "variant" in params:
            detail["variant"] = params["variant"]
        step = [run.run_id, action.node, QUEUED, detail]
        template = self.template(run.installation_id, str(params["template"]))
        if template is None or template.channel != channel:
            step[2] = "failed"
            detail["error"] = (
                "no such template"
                if template is None
                else f"a {template.channel} template in a {channel} step"
            )
            return step
        origin = self.origin(run, definition, action, forced)
        subject = str(params.get("subject") or "")
        at_best_hour = bool(params.get("at_best_hour"))
        indexes = self.indexes[run.installation_id]
        group = (template.pk, origin, subject, at_best_hour)
        index = indexes.get(group)
        if index is None:
            index = indexes[group] = len(self.sends[run.installation_id])
            self.sends[run.installation_id].append(
                Sends(template=template, origin=origin, subject=subject, at_best_hour=at_best_hour)
            )
        assert run.contact_id is not None
        key = f"{RUN_KEY}{run.run_id}:{action.node}:0"  # the first visit (``actions.send``)
        self.rows[run.installation_id].append((key, run.contact_id, run.context, index))
        self.waiting[run.installation_id].append(step)
        return step

    def walk(
        self,
        run: Claimed,
        definition: d.JourneyDefinition,
        outcome: Outcome,
        forced: dict[str, int],
    ) -> None:
        """The walk's step log in order (``runner._apply``): each node passed, then what it
        did; then the exit; and the branches it took."""
        pending = list(outcome.actions)
        for node in outcome.visited:
            self.steps.append([run.run_id, node, "passed", "{}"])
            while pending and pending[0].node == node:
                action = pending.pop(0)
                if action.held_out:
                    self.steps.append([run.run_id, node, "held_out", dict(action.params)])
                else:
                    self.steps.append(self.send(run, definition, action, forced))
        reached = outcome.state.node
        exited = self.exits.get(outcome.exit_reason)
        if exited is None:
            exited = self.exits[outcome.exit_reason] = json.dumps({"reason": outcome.exit_reason})
        self.steps.append([run.run_id, reached, "exited", exited])
        taken = branches_taken(
            definition, outcome.visited, reached, run_id=run.run_id, forced=forced
        )
        day = run.entered_at.astimezone(UTC).date()
        for node, branch in taken.items():
            origin = (run.installation_id, run.journey_id, run.version_id, run.holdout, day)
            self.splits[(*origin, node, branch)] += 1
        branches = json.dumps(taken) if taken else "{}"
        self.runs.append((run.run_id, reached, outcome.exit_reason, branches))

    def flush(self) -> None:
        for installation_id, rows in self.rows.items():
            ids = messages_enqueue_bulk(
                installation_id=installation_id,
                groups=self.sends[installation_id],
                rows=rows,
                now=self.now,
            )
            for step, message_id in zip(self.waiting[installation_id], ids, strict=True):
                if message_id is None:
                    step[2] = "failed"
                    step[3]["error"] = NO_ADDRESS
                else:
                    step[3]["message_id"] = message_id
        self._steps_insert()
        self._runs_update()
        tallies_add(self._split_tallies())

    def _steps_insert(self) -> None:
        with bound_cursor() as cursor:
            cursor.execute(
                _STEPS.format(steps=connection.ops.quote_name(RunStep._meta.db_table)),
                {
                    "now": self.now,
                    "runs": [step[0] for step in self.steps],
                    "nodes": [step[1] for step in self.steps],
                    "kinds": [step[2] for step in self.steps],
                    "details": [
                        step[3] if isinstance(step[3], str) else json.dumps(step[3])
                        for step in self.steps
                    ],
                },
            )

    def _runs_update(self) -> None:
        with bound_cursor() as cursor:
            cursor.execute(
                _RUNS.format(runs=connection.ops.quote_name(JourneyRun._meta.db_table)),
                {
                    "now": self.now,
                    "exited": JourneyRun.Status.EXITED.value,
                    "ids": [run[0] for run in self.runs],
                    "nodes": [run[1] for run in self.runs],
                    "reasons": [run[2] for run in self.runs],
                    "branches": [run[3] for run in self.runs],
                },
            )

    def _split_tallies(self) -> list[Tally]:
        """``conversions.split_tallies`` of each run, counted per origin and day."""
        tallies: list[Tally] = []
        for key, n in sorted(self.splits.items()):
            installation_id, journey_id, version_id, holdout, day, node, branch = key
            run = JourneyRun(
                installation_id=installation_id,
                journey_id=journey_id,
                version_id=version_id,
                holdout=holdout,
                entered_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
            )
            tallies += [replace(t, count=n) for t in split_tallies(run, {node: branch})]
        return tallies


# The steps in the batch's order (so a run's steps are numbered in walking order, as the
# general path's), and the runs' state after a walk that ends at an exit (every node of a
# simple send is instant: the last is entered now).
_STEPS = """
INSERT INTO {steps} (run_id, node, kind, at, detail)
SELECT step.run_id, step.node, step.kind, %(now)s, step.detail::jsonb
FROM unnest(%(runs)b::bigint[], %(nodes)b::text[], %(kinds)b::text[], %(details)b::text[])
     WITH ORDINALITY AS step (run_id, node, kind, detail, ord)
ORDER BY step.ord
"""

_RUNS = """
UPDATE {runs} AS r
SET node = v.node, node_entered_at = %(now)s, status = %(exited)s, exited_at = %(now)s,
    exit_reason = v.reason, wake_at = NULL, branches = r.branches || v.branches::jsonb
FROM unnest(%(ids)b::bigint[], %(nodes)b::text[], %(reasons)b::text[], %(branches)b::text[])
     AS v (id, node, reason, branches)
WHERE r.id = v.id
"""


def broadcast_runs_send(
    runs: Sequence[Claimed], definitions: Mapping[int, d.JourneyDefinition], *, now: datetime
) -> list[int]:
    """Walk and write the runs of simple sends in bulk, in the caller's transaction (the
    runs claimed and locked by it); returns the ids of the others, left to the general path
    (the module's docstring says which)."""
    left: list[int] = []
    simple: dict[int, bool] = {}
    by_version: dict[int, list[Claimed]] = defaultdict(list)
    for run in runs:
        definition = definitions[run.version_id]
        if run.version_id not in simple:
            simple[run.version_id] = simple_send(definition)
        if (
            not simple[run.version_id]
            or run.node != definition.start
            or run.attempts
            or run.contact_id is None
        ):
            left.append(run.run_id)
        else:
            by_version[run.version_id].append(run)
    batch = _Batch(now)
    for version_id, group in by_version.items():
        definition = definitions[version_id]
        reached: Mapping[int, str] = {}
        if definition.goal is not None:
            reached = goal_orders(
                goal=definition.goal,
                installation_id=group[0].installation_id,
                runs=[(r.run_id, r.contact_id, r.entered_at) for r in group if r.contact_id],
                now=now,
            )
        for run in group:
            if run.run_id in reached:
                left.append(run.run_id)  # converted: the runner's
                continue
            forced = _forced(run.context)
            outcome = advance(
                definition,
                RunState(
                    run_id=run.run_id,
                    node=run.node,
                    node_entered_at=run.node_entered_at,
                    holdout=run.holdout,
                ),
                Facts(forced_branches=forced),
                now,
            )
            if outcome.status != "exited":  # a chain longer than one engine call walks
                left.append(run.run_id)
                continue
            batch.walk(run, definition, outcome, forced)
    if batch.runs:
        batch.flush()
    return left
