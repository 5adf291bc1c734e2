"""Test a journey with one contact: a dry run of a definition (the editor's draft or a
version) for a real contact, nothing sent or changed.

The pure engine walks the journey with the contact's real data: conditions are evaluated on
it, waits are jumped over (their ends become the simulated clock), an awaited event takes the
branch the admin picks (``events_happen``), voucher steps show a placeholder code. The trace
says what would happen and when.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from saleor_mautomation.contacts.channel_preference import channels_reachable
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import Facts, RunState, advance
from saleor_mautomation.segments.compiler import compile_definition
from saleor_mautomation.segments.definition import Definition

MAX_CALLS = 200
TEST_CODE = "TEST-CODE"


@dataclass(frozen=True)
class TraceStep:
    at: datetime
    node: str
    kind: str  # passed, send_email, ..., waiting, exited
    detail: dict[str, Any] = field(default_factory=dict)


def _holds(contact: Contact, node: d.Condition, now: datetime) -> bool:
    condition = compile_definition(
        Definition(root=node.condition),
        installation_id=contact.installation_id,
        now=now,
        mode="single",
    )
    return Contact.objects.filter(pk=contact.pk).filter(condition).exists()


def _facts(contact: Contact, reachable: frozenset[str]) -> Facts:
    """What a call knows of the contact at first: a send-on-the-preferred-channel step
    chooses as it would for real (the learned channel, where the contact can be reached)."""
    return Facts(
        time_zone=contact.time_zone,
        preferred_channel=contact.preferred_channel,
        reachable=reachable,
    )


def journey_simulate(
    definition: d.JourneyDefinition,
    *,
    contact: Contact,
    now: datetime,
    events_happen: bool = False,
) -> list[TraceStep]:
    """What the journey would do for the contact, step by step, from ``now``."""
    trace: list[TraceStep] = []
    state = RunState(run_id=0, node=definition.start, node_entered_at=now)
    reachable = channels_reachable([contact])[contact.pk]
    facts = _facts(contact, reachable)
    clock = now
    for _ in range(MAX_CALLS):
        outcome = advance(definition, state, facts, clock)
        if outcome.status == "needs_condition":
            node = definition.nodes[outcome.condition]
            assert isinstance(node, d.Condition)
            facts = replace(
                facts,
                conditions={**facts.conditions, outcome.condition: _holds(contact, node, clock)},
            )
            continue
        if outcome.status == "needs_voucher":
            facts = replace(facts, vouchers={**facts.vouchers, outcome.condition: TEST_CODE})
            continue
        pending = list(outcome.actions)
        for node_id in outcome.visited:
            trace.append(TraceStep(clock, node_id, "passed"))
            while pending and pending[0].node == node_id:
                action = pending.pop(0)
                trace.append(TraceStep(clock, node_id, action.kind, dict(action.params)))
        if outcome.status == "exited":
            trace.append(TraceStep(clock, outcome.state.node, "exited", {"reason": "end"}))
            return trace
        assert outcome.wake_at is not None
        waiting_at = definition.nodes[outcome.state.node]
        trace.append(
            TraceStep(clock, outcome.state.node, "waiting", {"until": outcome.wake_at.isoformat()})
        )
        state, facts = outcome.state, _facts(contact, reachable)
        if isinstance(waiting_at, d.WaitForEvent) and events_happen:
            moment = state.node_entered_at
            facts = replace(facts, events_since_node=((waiting_at.event_type, moment),))
        else:
            clock = max(clock, outcome.wake_at)
    trace.append(TraceStep(clock, state.node, "stopped", {"reason": "too many steps"}))
    return trace
