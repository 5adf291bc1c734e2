"""Publishing journeys, enrolling contacts and moving runs along (the engine's runner).

The runner gathers the facts the pure engine needs, calls it, and applies what it returns in
the caller's transaction: the run's new node and timer, the step log, and sends through the
messaging outbox with a key per run, node and visit, so a retried step never sends twice.
The scheduler claims due runs with ``SELECT ... FOR UPDATE SKIP LOCKED`` in batches, so any
number of workers can wake runs without colliding.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils.text import slugify

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.changes import changes_collect
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.engine import Facts, Outcome, RunState, advance, in_holdout
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.messages.models import Template
from saleor_mautomation.messages.sending import message_enqueue
from saleor_mautomation.segments.compiler import Compiler, Moments, compile_definition
from saleor_mautomation.segments.definition import Definition
from saleor_mautomation.segments.services import segments_tracked

logger = logging.getLogger(__name__)

MAX_CONDITIONS = 20
FACT_EVENTS = 200


@lru_cache(maxsize=1024)
def _parsed(version_id: int, raw: str) -> d.JourneyDefinition:
    return d.journey_parse(raw)


def version_definition(version: JourneyVersion) -> d.JourneyDefinition:
    return _parsed(version.pk, json.dumps(version.definition))


def journey_publish(*, journey: Journey, now: datetime) -> JourneyVersion:
    """The draft becomes a new immutable version; new runs enter it, running ones stay."""
    parsed = d.journey_parse(journey.draft)
    with transaction.atomic():
        last = JourneyVersion.objects.filter(journey=journey).aggregate(n=Max("number"))["n"]
        version = JourneyVersion.objects.create(
            journey=journey,
            number=(last or 0) + 1,
            definition=parsed.model_dump(mode="json"),
            published_at=now,
        )
        journey.current_version = version
        journey.status = Journey.Status.ACTIVE
        journey.save(update_fields=["current_version", "status", "updated_at"])
    return version


def _may_enter(journey: Journey, contact: Contact, rule: d.Reentry, now: datetime) -> bool:
    previous = JourneyRun.objects.filter(journey=journey, contact=contact)
    match rule.mode:
        case "once":
            return not previous.exists()
        case "after_days":
            assert rule.days is not None
            return not previous.filter(entered_at__gt=now - timedelta(days=rule.days)).exists()
        case _:
            return True


def journey_enroll(
    *,
    journey: Journey,
    contact: Contact,
    now: datetime,
    entry_key: str = "",
    context: dict[str, Any] | None = None,
) -> JourneyRun | None:
    """Start a run (and its first steps, at once); None when the journey is not running, the
    re-entry rule refuses, or the contact already has an open run for this entry key."""
    if journey.status != Journey.Status.ACTIVE or journey.current_version is None:
        return None
    version = journey.current_version
    definition = version_definition(version)
    if not _may_enter(journey, contact, definition.reentry, now):
        return None
    try:
        with transaction.atomic():
            run = JourneyRun.objects.create(
                installation_id=journey.installation_id,
                journey=journey,
                version=version,
                contact=contact,
                entry_key=entry_key,
                node=definition.start,
                node_entered_at=now,
                wake_at=now,
                context=context or {},
                entered_at=now,
            )
    except IntegrityError:
        return None  # an open run for this contact and entry key exists
    run.holdout = in_holdout(run.pk, definition.holdout_percent)
    run.save(update_fields=["holdout"])
    RunStep.objects.create(run=run, node=definition.start, kind="entered", at=now)
    run_advance(run=run, now=now)
    return run


def _facts(run: JourneyRun, definition: d.JourneyDefinition, now: datetime) -> Facts:
    contact = run.contact
    goal_reached = False
    if definition.goal is not None:
        condition = Q(
            contact_id=contact.pk,
            type=definition.goal.event_type,
            occurred_at__gte=run.entered_at,
        )
        where = Compiler(
            installation_id=run.installation_id, moments=Moments(now), mode="single"
        ).where(definition.goal.where)
        goal_reached = Event.objects.filter(condition & where).exists()
    events = tuple(
        Event.objects.filter(contact_id=contact.pk, occurred_at__gte=run.node_entered_at)
        .order_by("occurred_at")
        .values_list("type", "occurred_at")[:FACT_EVENTS]
    )
    return Facts(time_zone=contact.time_zone, goal_reached=goal_reached, events_since_node=events)


def _condition(run: JourneyRun, node: d.Condition, now: datetime) -> bool:
    condition = compile_definition(
        Definition(root=node.condition),
        installation_id=run.installation_id,
        now=now,
        mode="single",
    )
    return Contact.objects.filter(pk=run.contact_id).filter(condition).exists()


def _decide(run: JourneyRun, definition: d.JourneyDefinition, now: datetime) -> Outcome:
    state = RunState(
        run_id=run.pk, node=run.node, node_entered_at=run.node_entered_at, holdout=run.holdout
    )
    facts = _facts(run, definition, now)
    for _ in range(MAX_CONDITIONS):
        outcome = advance(definition, state, facts, now)
        if outcome.status != "needs_condition":
            return outcome
        node = definition.nodes[outcome.condition]
        assert isinstance(node, d.Condition)
        facts = replace(
            facts, conditions={**facts.conditions, outcome.condition: _condition(run, node, now)}
        )
    raise PermanentError("Too many conditions in one step", code="journey_conditions")


def run_advance(*, run: JourneyRun, now: datetime) -> Outcome:
    """One call of the engine for the run, applied (in the caller's transaction)."""
    definition = version_definition(run.version)
    outcome = _decide(run, definition, now)
    pending = list(outcome.actions)
    for node in outcome.visited:  # the log in walking order: each node, then what it did
        RunStep.objects.create(run=run, node=node, kind="passed", at=now)
        while pending and pending[0].node == node:
            action = pending.pop(0)
            _apply(run, action.kind, action.node, dict(action.params), action.held_out, now)
    run.node = outcome.state.node
    run.node_entered_at = outcome.state.node_entered_at
    if outcome.status == "exited":
        run.status, run.exited_at, run.exit_reason = (
            JourneyRun.Status.EXITED,
            now,
            outcome.exit_reason,
        )
        run.wake_at = None
        RunStep.objects.create(
            run=run, node=run.node, kind="exited", at=now, detail={"reason": outcome.exit_reason}
        )
    else:
        run.wake_at = outcome.wake_at
    run.save(
        update_fields=["node", "node_entered_at", "status", "exited_at", "exit_reason", "wake_at"]
    )
    return outcome


def _apply(
    run: JourneyRun, kind: str, node: str, params: dict[str, Any], held_out: bool, now: datetime
) -> None:
    visit = RunStep.objects.filter(run=run, node=node, kind__in=["sent", "held_out"]).count()
    if kind != "send_email":
        # Vouchers, profile updates and webhooks come with the next steps of the journeys
        # issue: logged as not done, never pretended.
        RunStep.objects.create(
            run=run, node=node, kind=kind, at=now, detail={"skipped": "not available yet"}
        )
        return
    if held_out:
        RunStep.objects.create(run=run, node=node, kind="held_out", at=now, detail=params)
        return
    template = Template.objects.filter(
        installation_id=run.installation_id, key=params["template"]
    ).first()
    if template is None:
        RunStep.objects.create(
            run=run, node=node, kind="failed", at=now, detail={"error": "no such template"}
        )
        return
    message = message_enqueue(
        contact=run.contact,
        template=template,
        dedupe_key=f"journey-run:{run.pk}:{node}:{visit}",
        now=now,
        context=run.context,
        at_best_hour=bool(params.get("at_best_hour")),
    )
    RunStep.objects.create(
        run=run,
        node=node,
        kind="sent",
        at=now,
        detail={"message_id": message.pk if message else None, "template": params["template"]},
    )


@contextmanager
def journeys_tracked(*, now: datetime) -> Iterator[None]:
    """Around a unit of work (a drained batch, a storefront call): its changes re-evaluate
    segments, then feed the journeys, in that order (DESIGN.md)."""
    with changes_collect() as changes, segments_tracked(now=now):
        yield
    if changes:
        with transaction.atomic():
            journeys_on_changes(changes=dict(changes), now=now)


def runs_wake(*, now: datetime, limit: int) -> int:
    """Advance due runs, claimed with SKIP LOCKED (one batch, one transaction)."""
    with transaction.atomic():
        runs = list(
            JourneyRun.objects.select_for_update(skip_locked=True)
            .filter(
                status=JourneyRun.Status.WAITING,
                wake_at__lte=now,
                journey__status=Journey.Status.ACTIVE,
            )
            .select_related("version", "contact")
            .order_by("wake_at")[:limit]
        )
        for run in runs:
            run_advance(run=run, now=now)
    return len(runs)


def _event_journeys(installation_id: int) -> list[tuple[Journey, d.JourneyDefinition]]:
    journeys = Journey.objects.filter(
        installation_id=installation_id,
        status=Journey.Status.ACTIVE,
        current_version__isnull=False,
    ).select_related("current_version")
    found = []
    for journey in journeys:
        assert journey.current_version is not None
        definition = version_definition(journey.current_version)
        if isinstance(definition.entry, d.EventEntry):
            found.append((journey, definition))
    return found


def journeys_on_changes(*, changes: dict[int, set[str]], now: datetime) -> int:
    """Feed a unit of work's changes to the journeys: new events enrol contacts in journeys
    entered by them (the first steps run at once), and the contacts' waiting runs are
    advanced (an awaited event or a goal may have happened). Returns runs started."""
    started = 0
    contacts = Contact.objects.in_bulk(list(changes))
    by_installation: dict[int, list[Contact]] = {}
    for contact in contacts.values():
        by_installation.setdefault(contact.installation_id, []).append(contact)
    for installation_id, members in by_installation.items():
        journeys = _event_journeys(installation_id)
        for contact in members:
            types = {
                f.removeprefix("event:") for f in changes[contact.pk] if f.startswith("event:")
            }
            if not types:
                continue  # only events wake runs or enter journeys
            for run in JourneyRun.objects.filter(
                contact=contact,
                status=JourneyRun.Status.WAITING,
                journey__status=Journey.Status.ACTIVE,
            ).select_related("version", "contact"):
                run_advance(run=run, now=now)
            for journey, definition in journeys:
                entry = definition.entry
                assert isinstance(entry, d.EventEntry)
                if entry.event_type not in types:
                    continue
                where = Compiler(
                    installation_id=installation_id, moments=Moments(now), mode="single"
                ).where(entry.where)
                event = (
                    Event.objects.filter(Q(contact=contact, type=entry.event_type) & where)
                    .order_by("-occurred_at", "-pk")
                    .first()
                )
                if event is None:
                    continue
                key = str(event.properties.get(entry.entry_key, "")) if entry.entry_key else ""
                entered = journey_enroll(
                    journey=journey,
                    contact=contact,
                    now=now,
                    entry_key=key,
                    context={"event": event.properties},
                )
                started += entered is not None
    return started


def journey_create(*, installation_id: int, name: str, draft: Any, key: str = "") -> Journey:
    name = name.strip()
    if not 0 < len(name) <= 120:
        raise PermanentError("A name of 1 to 120 characters", code="invalid_name")
    base = slugify(key or name)[:50] or "journey"
    unique, n = base, 1
    while Journey.objects.filter(installation_id=installation_id, key=unique).exists():
        n += 1
        unique = f"{base}-{n}"
    return Journey.objects.create(
        installation_id=installation_id, key=unique, name=name, draft=draft or {}
    )


def journey_status_set(*, journey: Journey, status: str) -> Journey:
    """Pause (no new runs, no steps), resume, or archive (runs stop for good)."""
    allowed = {
        Journey.Status.PAUSED: {Journey.Status.ACTIVE},
        Journey.Status.ACTIVE: {Journey.Status.PAUSED},
        Journey.Status.ARCHIVED: {
            Journey.Status.ACTIVE,
            Journey.Status.PAUSED,
            Journey.Status.DRAFT,
        },
    }
    if status not in Journey.Status.values or journey.status not in allowed.get(
        Journey.Status(status), set()
    ):
        raise PermanentError(
            f"A {journey.status} journey cannot become {status}", code="invalid_status"
        )
    journey.status = status
    journey.save(update_fields=["status", "updated_at"])
    return journey


def node_counts(journey: Journey) -> dict[str, dict[str, int]]:
    """Per node: runs waiting there, runs that passed it, runs that exited there."""
    counts: dict[str, dict[str, int]] = {}

    def slot(node: str) -> dict[str, int]:
        return counts.setdefault(node, {"waiting": 0, "passed": 0, "exited": 0})

    for node, status, n in (
        JourneyRun.objects.filter(journey=journey)
        .values_list("node", "status")
        .annotate(n=Count("pk"))
        .values_list("node", "status", "n")
    ):
        slot(node)["waiting" if status == JourneyRun.Status.WAITING else "exited"] += n
    for node, n in (
        RunStep.objects.filter(run__journey=journey, kind="passed")
        .values("node")
        .annotate(n=Count("pk"))
        .values_list("node", "n")
    ):
        slot(node)["passed"] += n
    return counts


class TriggerRefused(PermanentError):
    code = "trigger_refused"


class TriggerTargetMissing(TriggerRefused):
    """The call names neither a contact nor a segment (a bad request, not a bad secret)."""


def trigger_fire(
    *,
    key: str,
    secret: str,
    now: datetime,
    email: str | None = None,
    saleor_user_id: str | None = None,
    segment_id: int | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """An external system (weather, point of sale, CRM) starts the journeys entered by trigger
    ``key``: for one contact (by email or Saleor user id) or every current member of a
    segment. Returns the runs started. The secret is compared in constant time."""
    matched = []
    for journey in Journey.objects.filter(
        status=Journey.Status.ACTIVE, current_version__isnull=False
    ).select_related("current_version"):
        assert journey.current_version is not None
        entry = version_definition(journey.current_version).entry
        if (
            isinstance(entry, d.TriggerEntry)
            and entry.key == key
            and journey.trigger_secret
            and hmac.compare_digest(journey.trigger_secret, secret)
        ):
            matched.append(journey)
    if not matched:
        raise TriggerRefused("Unknown trigger or wrong secret")
    started = 0
    for journey in matched:
        contacts = Contact.objects.filter(installation_id=journey.installation_id)
        if segment_id is not None:
            contacts = contacts.filter(
                membership__segment_id=segment_id, membership__exited_at__isnull=True
            )
        elif saleor_user_id:
            contacts = contacts.filter(saleor_user_id=saleor_user_id)
        elif email:
            contacts = contacts.filter(email=email.strip().lower())
        else:
            raise TriggerTargetMissing("Name a contact (email or saleor_user_id) or a segment_id")
        for contact in contacts.iterator(chunk_size=500):
            with transaction.atomic():
                run = journey_enroll(
                    journey=journey, contact=contact, now=now, context={"trigger": context or {}}
                )
            started += run is not None
    return started
