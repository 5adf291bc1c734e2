"""Publishing journeys, enrolling contacts and moving runs along (the engine's runner).

The runner gathers the facts the pure engine needs, calls it, and applies what it returns in
the caller's transaction: the run's new node and timer, the step log, and sends through the
messaging outbox with a key per run, node and visit, so a retried step never sends twice.
The scheduler claims due runs with ``SELECT ... FOR UPDATE SKIP LOCKED`` in batches, so any
number of workers can wake runs without colliding.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta
from typing import Any, assert_never

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Max, Q
from django.utils.text import slugify

from saleor_mautomation.contacts.attributes import contact_attributes_set
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.events.models import Event
from saleor_mautomation.events.tallies import tallies_add
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.conversions import entered_tallies
from saleor_mautomation.journeys.engine import in_holdout
from saleor_mautomation.journeys.layout import layout_kept
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.journeys.runner import runs_advance, runs_of_contacts, version_definition
from saleor_mautomation.journeys.validation import JourneyRefused, NodeError, journey_check
from saleor_mautomation.segments.compiler import Compiler, Moments
from saleor_mautomation.segments.membership import ENTERED as SEGMENT_ENTERED

logger = logging.getLogger(__name__)


def journey_publish(
    *, journey: Journey, now: datetime, warnings: list[NodeError] | None = None
) -> JourneyVersion:
    """The draft becomes a new immutable version; new runs enter it, running ones stay.

    A draft whose shape is wrong raises ``DefinitionInvalid``; one with a step that could
    never succeed in this installation (``journeys.validation``) raises ``JourneyRefused``
    naming the nodes, and nothing is published. What cannot work *yet* (an SMS step with no
    provider) does not stop it: those warnings go into ``warnings`` when the caller passes a
    list. The check may ask Saleor for its channels: call this outside a transaction.
    """
    parsed = d.journey_parse(journey.draft)
    problems = journey_check(installation_id=journey.installation_id, definition=parsed, now=now)
    if any(not problem.warning for problem in problems):
        raise JourneyRefused(problems)
    if warnings is not None:
        warnings.extend(problems)
    previous = journey.current_version
    with transaction.atomic():
        last = JourneyVersion.objects.filter(journey=journey).aggregate(n=Max("number"))["n"]
        version = JourneyVersion.objects.create(
            journey=journey,
            number=(last or 0) + 1,
            definition=parsed.model_dump(mode="json"),
            layout=layout_kept(journey.layout, node_ids=set(parsed.nodes)),
            published_at=now,
        )
        journey.current_version = version
        journey.status = Journey.Status.ACTIVE
        journey.save(update_fields=["current_version", "status", "updated_at"])
    _thresholds_follow(journey, previous, now)
    return version


def _thresholds_follow(journey: Journey, previous: JourneyVersion | None, now: datetime) -> None:
    """The lines on custom attributes follow the active journeys (a new line's baseline; an
    entry's ``enter_already_above``). Imported here: that module enrols through this one."""
    from saleor_mautomation.journeys.attribute_thresholds import thresholds_activated

    before = version_definition(previous) if previous is not None else None
    thresholds_activated(journey=journey, previous=before, now=now)


def reentry_blockers(rule: d.Reentry, now: datetime) -> Q | None:
    """The earlier runs of a journey that keep a contact out under ``rule`` (``None``: no run
    does). One rule for a single enrolment and for bulk entries alike."""
    match rule.mode:
        case "once":
            return Q()
        case "after_days":
            assert rule.days is not None
            return Q(entered_at__gt=now - timedelta(days=rule.days))
        case "every_time":
            return None
        case _:
            assert_never(rule.mode)


def _may_enter(journey: Journey, contact: Contact, rule: d.Reentry, now: datetime) -> bool:
    blockers = reentry_blockers(rule, now)
    return blockers is None or not (
        JourneyRun.objects.filter(blockers, journey=journey, contact=contact).exists()
    )


def runs_create(
    *,
    journey: Journey,
    contacts: list[Contact],
    now: datetime,
    entry_key: str,
    starts_at: dict[int, datetime] | None = None,
    context: dict[str, Any] | None = None,
    version: JourneyVersion | None = None,
) -> list[JourneyRun]:
    """Runs at the start node for contacts the re-entry rule lets in (checked by the caller),
    created in bulk, not advanced (the caller advances them, or the scheduler at their
    ``starts_at``). On the journey's current version unless ``version`` is given (a
    broadcast's rest enters the version of its test share)."""
    version = version or journey.current_version
    assert version is not None
    definition = version_definition(version)
    runs = [
        JourneyRun(
            installation_id=journey.installation_id,
            journey=journey,
            version=version,
            contact=contact,
            entry_key=entry_key,
            node=definition.start,
            node_entered_at=(begin := (starts_at or {}).get(contact.pk, now)),
            wake_at=begin,
            context=context or {},
            entered_at=begin,
        )
        for contact in contacts
    ]
    runs = JourneyRun.objects.bulk_create(runs)
    if definition.holdout_percent:
        held = [r for r in runs if in_holdout(r.pk, definition.holdout_percent)]
        for run in held:
            run.holdout = True
        JourneyRun.objects.filter(pk__in=[r.pk for r in held]).update(holdout=True)
    tallies_add(entered_tallies(runs))
    RunStep.objects.bulk_create(
        [RunStep(run=run, node=definition.start, kind="entered", at=now) for run in runs]
    )
    return runs


def run_start(
    *,
    journey: Journey,
    contact: Contact,
    now: datetime,
    entry_key: str = "",
    context: dict[str, Any] | None = None,
) -> JourneyRun | None:
    """Create a run at the start node, not yet advanced (the caller advances the new runs
    together); None when the journey is not running, the re-entry rule refuses, or the
    contact has an open run for this entry key."""
    if journey.status != Journey.Status.ACTIVE or journey.current_version is None:
        return None
    definition = version_definition(journey.current_version)
    if not _may_enter(journey, contact, definition.reentry, now):
        return None
    try:
        with transaction.atomic():
            (run,) = runs_create(
                journey=journey, contacts=[contact], now=now, entry_key=entry_key, context=context
            )
    except IntegrityError:
        return None  # an open run for this contact and entry key exists
    return run


def journey_enroll(
    *,
    journey: Journey,
    contact: Contact,
    now: datetime,
    entry_key: str = "",
    context: dict[str, Any] | None = None,
) -> JourneyRun | None:
    """Start a run and its first steps at once (see ``run_start`` for when there is none)."""
    with transaction.atomic():
        run = run_start(
            journey=journey, contact=contact, now=now, entry_key=entry_key, context=context
        )
        if run is not None:
            runs_advance([run], now=now)
    return run


def _entered_journeys(installation_id: int) -> list[tuple[Journey, d.JourneyDefinition]]:
    """The installation's running journeys entered by an event or a segment entry."""
    journeys = Journey.objects.filter(
        installation_id=installation_id,
        status=Journey.Status.ACTIVE,
        current_version__isnull=False,
    ).select_related("current_version")
    found = []
    for journey in journeys:
        assert journey.current_version is not None
        definition = version_definition(journey.current_version)
        if isinstance(definition.entry, d.EventEntry | d.SegmentEntry):
            found.append((journey, definition))
    return found


def _entry_filter(entry: d.EventEntry | d.SegmentEntry, installation_id: int, now: datetime) -> Q:
    if isinstance(entry, d.SegmentEntry):
        # Entries recorded by the first build of a segment are its existing members, not
        # contacts who just came in: they enter no journey.
        return Q(type=SEGMENT_ENTERED, properties__segment_id=entry.segment_id) & ~Q(
            properties__initial=True
        )
    where = Compiler(installation_id=installation_id, moments=Moments(now), mode="single").where(
        entry.where
    )
    return Q(type=entry.event_type) & where


def _latest_events(contact_ids: list[int], condition: Q) -> dict[int, Event]:
    """Per contact, its newest event matching ``condition``."""
    events = Event.objects.filter(Q(contact_id__in=contact_ids) & condition)
    if connection.vendor == "postgresql":
        ordered = events.order_by("contact_id", "-occurred_at", "-pk").distinct("contact_id")
        return {e.contact_id: e for e in ordered if e.contact_id is not None}
    latest: dict[int, Event] = {}
    for event in events.order_by("contact_id", "-occurred_at", "-pk"):
        if event.contact_id is not None:
            latest.setdefault(event.contact_id, event)
    return latest


def journeys_on_changes(*, changes: dict[int, set[str]], now: datetime) -> int:
    """Feed a unit of work's changes to the journeys: the contacts' waiting runs advance (an
    awaited event or a goal may have happened), and new events (segment entries included)
    enrol contacts in the journeys they start, whose first steps run at once, together.
    Returns the runs started."""
    typed = {
        contact_id: {f.removeprefix("event:") for f in facts if f.startswith("event:")}
        for contact_id, facts in changes.items()
    }
    typed = {contact_id: types for contact_id, types in typed.items() if types}
    if not typed:
        return 0  # only events wake runs or enter journeys
    runs_advance(runs_of_contacts(typed), now=now)
    contacts = Contact.objects.in_bulk(list(typed))
    by_installation: dict[int, list[int]] = {}
    for contact in contacts.values():
        by_installation.setdefault(contact.installation_id, []).append(contact.pk)
    started: list[JourneyRun] = []
    for installation_id, members in by_installation.items():
        for journey, definition in _entered_journeys(installation_id):
            entry = definition.entry
            assert isinstance(entry, d.EventEntry | d.SegmentEntry)
            wanted = SEGMENT_ENTERED if isinstance(entry, d.SegmentEntry) else entry.event_type
            candidates = [c for c in members if wanted in typed[c]]
            if not candidates:
                continue
            latest = _latest_events(candidates, _entry_filter(entry, installation_id, now))
            if isinstance(entry, d.EventEntry) and entry.where and latest:
                # Only the contact's newest event of the type enters, if it matches: an older
                # matching one would enter again with each later event of the type.
                newest = _latest_events(list(latest), Q(type=entry.event_type))
                latest = {c: e for c, e in latest.items() if newest[c].pk == e.pk}
            for contact_id, event in latest.items():
                key = ""
                if isinstance(entry, d.EventEntry) and entry.entry_key:
                    key = str(event.properties.get(entry.entry_key, ""))
                run = run_start(
                    journey=journey,
                    contact=contacts[contact_id],
                    now=now,
                    entry_key=key,
                    context={"event": event.properties},
                )
                if run is not None:
                    started.append(run)
    runs_advance(started, now=now)
    return len(started)


def journey_create(
    *,
    installation_id: int,
    name: str,
    draft: Any,
    key: str = "",
    layout: dict[str, Any] | None = None,
) -> Journey:
    name = name.strip()
    if not 0 < len(name) <= 120:
        raise PermanentError("A name of 1 to 120 characters", code="invalid_name")
    base = slugify(key or name)[:50] or "journey"
    unique, n = base, 1
    while Journey.objects.filter(installation_id=installation_id, key=unique).exists():
        n += 1
        unique = f"{base}-{n}"
    return Journey.objects.create(
        installation_id=installation_id,
        key=unique,
        name=name,
        draft=draft or {},
        layout=layout or {},
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
    # The same version before and after: its lines are watched or not, nobody is enrolled.
    _thresholds_follow(journey, journey.current_version, clock.now())
    return journey


def node_counts(journey: Journey) -> dict[str, dict[str, int]]:
    """Per node: runs waiting there, runs that passed it, runs that exited there, and of
    those the runs that reached the journey's goal there (converted)."""
    counts: dict[str, dict[str, int]] = {}

    def slot(node: str) -> dict[str, int]:
        return counts.setdefault(node, {"waiting": 0, "passed": 0, "exited": 0, "converted": 0})

    for node, status, reason, n in (
        JourneyRun.objects.filter(journey=journey)
        .values_list("node", "status", "exit_reason")
        .annotate(n=Count("pk"))
        .values_list("node", "status", "exit_reason", "n")
    ):
        slot(node)["waiting" if status == JourneyRun.Status.WAITING else "exited"] += n
        if status == JourneyRun.Status.EXITED and reason == "goal":
            slot(node)["converted"] += n
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
    attributes: dict[str, str | None] | None = None,
) -> int:
    """An external system (weather, point of sale, CRM) starts the journeys entered by trigger
    ``key``: for one contact (by email or Saleor user id) or every current member of a
    segment. Returns the runs started. The secret is compared in constant time. A single
    contact's custom ``attributes`` (e.g. loyalty points) are set before its run starts."""
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
        if attributes and segment_id is not None:
            raise TriggerTargetMissing("Attributes go with one contact, not a segment")
        for contact in contacts.iterator(chunk_size=500):
            with transaction.atomic():
                if attributes:
                    contact_attributes_set(contact=contact, attributes=attributes)
                run = journey_enroll(
                    journey=journey, contact=contact, now=now, context={"trigger": context or {}}
                )
            started += run is not None
    return started


def runs_merge(*, into_id: int, other_id: int, now: datetime) -> None:
    """A contact folded into another takes its journey runs along: called by the coordinator
    (``flows.merges``). Where both wait in
    the same journey under the same entry key, the contact's own run goes on and the merged
    one exits (reason ``merged``)."""
    open_keys = set(
        JourneyRun.objects.filter(contact_id=into_id, status=JourneyRun.Status.WAITING).values_list(
            "journey_id", "entry_key"
        )
    )
    clashing = [
        run
        for run in JourneyRun.objects.filter(contact_id=other_id, status=JourneyRun.Status.WAITING)
        if (run.journey_id, run.entry_key) in open_keys
    ]
    if clashing:
        JourneyRun.objects.filter(pk__in=[run.pk for run in clashing]).update(
            status=JourneyRun.Status.EXITED, exit_reason="merged", exited_at=now, wake_at=None
        )
        RunStep.objects.bulk_create(
            RunStep(run=run, node=run.node, kind="exited", at=now, detail={"reason": "merged"})
            for run in clashing
        )
    JourneyRun.objects.filter(contact_id=other_id).update(contact_id=into_id)
