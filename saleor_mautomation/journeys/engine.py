"""The journey engine: a pure function from (definition, run state, facts, now) to what
happens next.

No database, no clock, no randomness of its own: the runner loads the run and the facts the
engine may ask for (events since the node was entered, the goal, condition results, the
contact's time zone), calls ``advance``, then applies the returned actions and state (sends go
through the outbox, keyed by run and node, so a replay after a crash sends nothing twice). A
call walks through instant nodes until the run waits, exits, or needs a condition evaluated;
the walk is bounded (``MAX_STEPS``), and validation already refused loops without a wait.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from saleor_mautomation.contacts.channel_preference import channel_choose
from saleor_mautomation.contacts.engagement import local_zone
from saleor_mautomation.journeys import definition as d

MAX_STEPS = 50


@dataclass(frozen=True)
class RunState:
    run_id: int
    node: str
    node_entered_at: datetime
    holdout: bool = False


@dataclass(frozen=True)
class Facts:
    """What the runner knows about the contact for this call."""

    time_zone: str = ""
    goal_reached: bool = False
    # Event types the contact did since the current node was entered, with their moments.
    events_since_node: tuple[tuple[str, datetime], ...] = ()
    # Condition node id -> result, for conditions the runner was asked to evaluate.
    conditions: Mapping[str, bool] = field(default_factory=dict)
    # Give-voucher node id -> the code the runner obtained ("" when it gave up on Saleor).
    vouchers: Mapping[str, str] = field(default_factory=dict)
    # Split node id -> the branch this run takes there whatever its bucket (the rest of a
    # broadcast after its test share: the winner; from the run's context).
    forced_branches: Mapping[str, int] = field(default_factory=dict)
    # For send_preferred: the contact's learned channel ("" none) and the channels it can be
    # reached on now (consent and an address).
    preferred_channel: str = ""
    reachable: frozenset[str] = frozenset()


ActionKind = Literal[
    "send_email",
    "send_sms",
    "send_push",
    "give_voucher",
    "update_profile",
    "webhook",
    "list_add",
    "list_remove",
    "send_postal",
]


SEND_KINDS: dict[str, ActionKind] = {"email": "send_email", "sms": "send_sms", "push": "send_push"}


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    node: str
    # send_*: template, at_best_hour (send_email with a subject test: subject, variant;
    # from a send_preferred step: channel and choice, "preferred", "fallback" or "unreachable");
    # give_voucher: code; update_profile: fields, metadata;
    # webhook: url; list_add / list_remove: list
    params: Mapping[str, object]
    held_out: bool = False  # holdout runs walk the journey but nothing is sent


@dataclass(frozen=True)
class Outcome:
    state: RunState
    status: Literal["waiting", "exited", "needs_condition", "needs_voucher"]
    actions: tuple[Action, ...] = ()
    wake_at: datetime | None = None  # for "waiting": when to call again (events wake it too)
    exit_reason: str = ""
    visited: tuple[str, ...] = ()  # the step log: every node passed, in order
    # For "needs_condition" / "needs_voucher": the node whose fact the runner must supply
    # (the call is then repeated from the same state with the fact added).
    condition: str = ""


def bucket(run_id: int, node: str) -> int:
    """0-99, stable per run and node: a split is decided the same way on every replay."""
    digest = hashlib.blake2b(f"{run_id}:{node}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % 100


def subject_variant(run_id: int, node: str, count: int) -> int:
    """0 to ``count - 1`` in equal shares, stable per run and send node: a replay after a
    crash sends the same subject."""
    digest = hashlib.blake2b(f"{run_id}:{node}:subject".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % count


def in_holdout(run_id: int, percent: int) -> bool:
    return bucket(run_id, "__holdout__") < percent


def next_time(now: datetime, *, time_zone: str, hour: int, weekdays: list[int]) -> datetime:
    """The next moment (from ``now`` on) that is ``hour``:00 on an allowed weekday where the
    contact lives. Wall-clock arithmetic in the zone, so daylight-saving changes keep the
    hour."""
    tz = local_zone(time_zone)
    local = now.astimezone(tz)
    for days in range(8):
        day = (local + timedelta(days=days)).date()
        if day.weekday() not in weekdays:
            continue
        candidate = datetime(day.year, day.month, day.day, hour, tzinfo=tz)
        if candidate >= local:
            return candidate.astimezone(now.tzinfo)
    raise AssertionError("a weekday within a week always exists")  # weekdays is non-empty


def _best_time(definition: d.JourneyDefinition) -> bool:
    """A broadcast sent at each recipient's best time: every send as with ``at_best_hour``."""
    return isinstance(definition.entry, d.BroadcastEntry) and definition.entry.best_time


def advance(
    definition: d.JourneyDefinition, state: RunState, facts: Facts, now: datetime
) -> Outcome:
    actions: list[Action] = []
    visited: list[str] = []
    for _ in range(MAX_STEPS):
        if facts.goal_reached:
            return Outcome(
                state, "exited", tuple(actions), exit_reason="goal", visited=tuple(visited)
            )
        node = definition.nodes[state.node]
        follow: str | None = None
        entered = now  # when the next node is entered: a wait's own end, else now
        match node:
            case d.Exit():
                visited.append(state.node)
                return Outcome(
                    state, "exited", tuple(actions), exit_reason="end", visited=tuple(visited)
                )
            case d.Wait():
                wake = state.node_entered_at + node.duration.delta
                if now < wake:
                    return Outcome(
                        state, "waiting", tuple(actions), wake_at=wake, visited=tuple(visited)
                    )
                follow, entered = node.next, wake
            case d.WaitUntil():
                wake = next_time(
                    state.node_entered_at,
                    time_zone=facts.time_zone,
                    hour=node.hour,
                    weekdays=node.weekdays,
                )
                if now < wake:
                    return Outcome(
                        state, "waiting", tuple(actions), wake_at=wake, visited=tuple(visited)
                    )
                follow, entered = node.next, wake
            case d.WaitForEvent():
                happened = any(
                    event_type == node.event_type and moment >= state.node_entered_at
                    for event_type, moment in facts.events_since_node
                )
                deadline = state.node_entered_at + node.timeout.delta
                if happened:
                    follow = node.on_event
                elif now >= deadline:
                    follow, entered = node.on_timeout, deadline
                else:
                    return Outcome(
                        state, "waiting", tuple(actions), wake_at=deadline, visited=tuple(visited)
                    )
            case d.Condition():
                if state.node not in facts.conditions:
                    return Outcome(
                        state,
                        "needs_condition",
                        tuple(actions),
                        visited=tuple(visited),
                        condition=state.node,
                    )
                follow = node.yes if facts.conditions[state.node] else node.no
            case d.Split():
                forced = facts.forced_branches.get(state.node)
                if forced is not None and 0 <= forced < len(node.branches):
                    follow = node.branches[forced].next
                else:
                    point = bucket(state.run_id, state.node)
                    total = 0
                    for branch in node.branches:
                        total += branch.percent
                        if point < total:
                            follow = branch.next
                            break
            case d.SendEmail() | d.SendSms() | d.SendPush():
                params: dict[str, object] = {
                    "template": node.template,
                    "at_best_hour": node.at_best_hour or _best_time(definition),
                }
                if isinstance(node, d.SendEmail) and node.subject_variants:
                    variant = subject_variant(state.run_id, state.node, len(node.subject_variants))
                    params |= {"subject": node.subject_variants[variant], "variant": variant}
                actions.append(Action(node.type, state.node, params, held_out=state.holdout))
                follow = node.next
            case d.SendPreferred():
                channel, choice = channel_choose(
                    offered=node.fallback,
                    preferred=facts.preferred_channel,
                    reachable=facts.reachable,
                )
                params = {
                    "template": node.templates[channel],
                    "at_best_hour": node.at_best_hour or _best_time(definition),
                    "channel": channel,
                    "choice": choice,
                }
                kind = SEND_KINDS[channel]
                actions.append(Action(kind, state.node, params, held_out=state.holdout))
                follow = node.next
            case d.GiveVoucher():
                if state.holdout:  # held out: no code is made for a message never sent
                    actions.append(Action("give_voucher", state.node, {}, held_out=True))
                elif state.node not in facts.vouchers:
                    return Outcome(
                        state,
                        "needs_voucher",
                        tuple(actions),
                        visited=tuple(visited),
                        condition=state.node,
                    )
                else:
                    code = facts.vouchers[state.node]
                    actions.append(Action("give_voucher", state.node, {"code": code}))
                follow = node.next
            case d.UpdateProfile():
                actions.append(
                    Action(
                        "update_profile",
                        state.node,
                        {"fields": dict(node.fields), "metadata": dict(node.metadata)},
                    )
                )
                follow = node.next
            case d.CallWebhook():
                actions.append(Action("webhook", state.node, {"url": node.url}))
                follow = node.next
            case d.ListChange():
                actions.append(Action(node.type, state.node, {"list": node.list}))
                follow = node.next
            case d.SendPostal():
                params = {"template": node.template}
                actions.append(Action(node.type, state.node, params, held_out=state.holdout))
                follow = node.next
        assert follow is not None
        visited.append(state.node)
        # The next node is entered now; facts about "since the node" start afresh.
        state = replace(state, node=follow, node_entered_at=entered)
        facts = replace(facts, events_since_node=())
    return Outcome(state, "waiting", tuple(actions), wake_at=now, visited=tuple(visited))
