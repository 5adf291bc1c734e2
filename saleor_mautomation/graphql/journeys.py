"""Dashboard GraphQL of journeys: list with per-node counts, validate, create, edit the draft,
publish, pause, resume, archive, a contact's runs with their step log,
enrolling one contact (manual entry), and testing a journey (its draft or an edited
definition) with one contact: a dry run that sends and changes nothing (``journeyTest``).

Definitions that cannot run are refused with ``INVALID_DEFINITION`` and one
``{field, message}`` per problem in ``extensions.fields`` (``nodes.<id>`` names the node);
``journeyValidate`` returns the same list as data while the admin edits, and ``journeyCheck``
what publishing would refuse (or warn about) in this shop.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

import graphene
from django.db import transaction
from graphene.types.generic import GenericScalar
from graphql import GraphQLError

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.flows.handoff import broadcast_senders_wake
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import definition_errors, domain_errors
from saleor_mautomation.graphql.segments import DefinitionError
from saleor_mautomation.journeys.broadcasts import broadcast_status_set
from saleor_mautomation.journeys.definition import journey_parse
from saleor_mautomation.journeys.drafts import DraftChanged, LayoutInvalid, journey_draft_update
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.journeys.services import (
    journey_create,
    journey_enroll,
    journey_publish,
    journey_status_set,
    node_counts,
)
from saleor_mautomation.journeys.simulate import TraceStep, journey_simulate
from saleor_mautomation.journeys.validation import JourneyRefused, NodeError, journey_check
from saleor_mautomation.segments.errors import DefinitionInvalid


class NodeCount(graphene.ObjectType):
    node = graphene.String(required=True)
    waiting = graphene.Int(required=True)
    passed = graphene.Int(required=True)
    exited = graphene.Int(required=True)
    converted = graphene.Int(
        required=True, description="Of the runs exited there, those that reached the goal."
    )


class JourneyVersionType(graphene.ObjectType):
    class Meta:
        name = "JourneyVersion"

    number = graphene.Int(required=True)
    definition = GenericScalar(required=True)
    layout = GenericScalar(
        required=True, description="The draft's layout of these nodes when it was published."
    )
    published_at = graphene.DateTime(required=True)


class JourneyType(graphene.ObjectType):
    class Meta:
        name = "Journey"

    id = graphene.ID(required=True)
    key = graphene.String(required=True)
    name = graphene.String(required=True)
    status = graphene.String(required=True, description="draft, active, paused or archived")
    draft = GenericScalar(required=True)
    layout = GenericScalar(
        required=True,
        description='The canvas positions of the draft: {"<node id>": {"x": 0, "y": 0}}, '
        'the entry under "entry". The engine never reads it.',
    )
    updated_at = graphene.DateTime(
        required=True,
        description="When the journey last changed (draft, status, publish): pass it back as "
        "updateJourneyDraft's expectedUpdatedAt.",
    )
    created_at = graphene.DateTime(required=True)
    current_version = graphene.Field(JourneyVersionType)
    versions = graphene.List(
        graphene.NonNull(JourneyVersionType), required=True, description="Newest first."
    )
    node_counts = graphene.List(graphene.NonNull(NodeCount), required=True)

    @staticmethod
    def resolve_id(root: Journey, info: graphene.ResolveInfo) -> str:
        return to_global_id("Journey", root.pk)

    @staticmethod
    def resolve_versions(root: Journey, info: graphene.ResolveInfo) -> list[JourneyVersion]:
        return list(root.versions.order_by("-number"))

    @staticmethod
    def resolve_node_counts(root: Journey, info: graphene.ResolveInfo) -> list[NodeCount]:
        return [NodeCount(node=node, **n) for node, n in sorted(node_counts(root).items())]


class RunStepType(graphene.ObjectType):
    class Meta:
        name = "JourneyRunStep"

    node = graphene.String(required=True)
    kind = graphene.String(required=True)
    at = graphene.DateTime(required=True)
    detail = GenericScalar(required=True)


class JourneyRunType(graphene.ObjectType):
    class Meta:
        name = "JourneyRun"

    id = graphene.ID(required=True)
    journey = graphene.Field(JourneyType, required=True)
    version = graphene.Int(required=True)
    status = graphene.String(required=True)
    node = graphene.String(required=True)
    holdout = graphene.Boolean(required=True)
    entered_at = graphene.DateTime(required=True)
    exited_at = graphene.DateTime()
    exit_reason = graphene.String(required=True)
    steps = graphene.List(graphene.NonNull(RunStepType), required=True)

    @staticmethod
    def resolve_id(root: JourneyRun, info: graphene.ResolveInfo) -> str:
        return to_global_id("JourneyRun", root.pk)

    @staticmethod
    def resolve_version(root: JourneyRun, info: graphene.ResolveInfo) -> int:
        return int(root.version.number)

    @staticmethod
    def resolve_steps(root: JourneyRun, info: graphene.ResolveInfo) -> list[RunStep]:
        return list(root.steps.order_by("pk"))


def journey_of(info: graphene.ResolveInfo, id: str) -> Journey:
    """The caller's shop's journey of this global id; ``NOT_FOUND`` for any other."""
    found = Journey.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Journey", id)
    ).first()
    if found is None:
        raise GraphQLError("No such journey", extensions={"code": "NOT_FOUND"})
    return found


class CreateJourney(graphene.Mutation):
    class Arguments:
        name = graphene.String(required=True)
        draft = GenericScalar()

    journey = graphene.Field(JourneyType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, name: str, draft: Any = None
    ) -> CreateJourney:
        with domain_errors():
            journey = journey_create(
                installation_id=dashboard_installation_id(info), name=name, draft=draft
            )
        return CreateJourney(journey=journey)


class UpdateJourneyDraft(graphene.Mutation):
    """The draft may be incomplete while the admin edits; publishing validates it. With
    ``expectedUpdatedAt``, a journey changed since then is not overwritten: the error
    ``DRAFT_CHANGED`` carries its current ``updatedAt`` in ``extensions``. A layout naming a
    node the draft does not have, or positions that are not finite numbers, is
    ``INVALID_LAYOUT`` with one ``{field, message}`` per problem in ``extensions.fields``."""

    class Arguments:
        id = graphene.ID(required=True)
        draft = GenericScalar(description="Left out: the draft is kept.")
        layout = GenericScalar(
            description='{"<node id>": {"x": 0, "y": 0}, "entry": {...}}; left out: kept for '
            "the nodes still there."
        )
        name = graphene.String()
        expected_updated_at = graphene.DateTime(
            description="The updatedAt the editor loaded; left out: saved whatever changed."
        )

    journey = graphene.Field(JourneyType, required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        id: str,
        draft: Any = None,
        layout: Any = None,
        name: str | None = None,
        expected_updated_at: datetime | None = None,
    ) -> UpdateJourneyDraft:
        journey = journey_of(info, id)
        try:
            journey_draft_update(
                journey=journey,
                now=clock.now(),
                draft=draft,
                layout=layout,
                name=name,
                expected_updated_at=expected_updated_at,
            )
        except DraftChanged as changed:
            raise GraphQLError(
                changed.message,
                extensions={"code": "DRAFT_CHANGED", "updatedAt": changed.updated_at.isoformat()},
            ) from changed
        except LayoutInvalid as invalid:
            raise GraphQLError(
                invalid.message,
                extensions={
                    "code": "INVALID_LAYOUT",
                    "fields": [{"field": e.field, "message": e.message} for e in invalid.errors],
                },
            ) from invalid
        return UpdateJourneyDraft(journey=journey)


class JourneyNodeError(graphene.ObjectType):
    """A step that could never succeed in this shop (or, among warnings, cannot yet)."""

    node_id = graphene.String(required=True, description='The node, or "entry".')
    field = graphene.String(required=True, description="The part of the node, e.g. template.")
    code = graphene.String(required=True, description="E.g. TEMPLATE_NOT_FOUND.")
    message = graphene.String(required=True)

    @staticmethod
    def of(problem: NodeError) -> JourneyNodeError:
        return JourneyNodeError(
            node_id=problem.node_id,
            field=problem.field,
            code=problem.code.upper(),
            message=problem.message,
        )


class JourneyProblems(graphene.ObjectType):
    """What publishing this definition in this shop would say, asked while editing."""

    errors = graphene.List(graphene.NonNull(JourneyNodeError), required=True)
    warnings = graphene.List(graphene.NonNull(JourneyNodeError), required=True)


class PublishJourney(graphene.Mutation):
    """A draft of the wrong shape is an ``INVALID_DEFINITION`` error; one whose steps could
    never succeed in this shop (a template, segment, list or channel it does not have, a
    profile value or voucher value that would be refused) is published not at all and its
    problems come back in ``errors``, one per node and problem."""

    class Arguments:
        id = graphene.ID(required=True)

    journey = graphene.Field(JourneyType, description="Null when the draft is refused.")
    errors = graphene.List(graphene.NonNull(JourneyNodeError), required=True)
    warnings = graphene.List(
        graphene.NonNull(JourneyNodeError),
        required=True,
        description="Published all the same: what cannot work yet (e.g. no SMS provider).",
    )

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> PublishJourney:
        journey = journey_of(info, id)
        warnings: list[NodeError] = []
        try:
            with definition_errors():
                journey_publish(journey=journey, now=clock.now(), warnings=warnings)
        except JourneyRefused as refused:
            return PublishJourney(
                journey=None,
                errors=[JourneyNodeError.of(e) for e in refused.errors],
                warnings=[JourneyNodeError.of(w) for w in refused.warnings],
            )
        return PublishJourney(
            journey=journey, errors=[], warnings=[JourneyNodeError.of(w) for w in warnings]
        )


class SetJourneyStatus(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        status = graphene.String(required=True, description="active, paused or archived")

    journey = graphene.Field(JourneyType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str, status: str) -> SetJourneyStatus:
        journey = journey_of(info, id)
        with domain_errors():
            if broadcast_status_set(journey=journey, status=status, now=clock.now()):
                if journey.status == Journey.Status.ACTIVE:
                    broadcast_senders_wake()
            else:
                journey_status_set(journey=journey, status=status)
        return SetJourneyStatus(journey=journey)


class EnrolContact(graphene.Mutation):
    """Put one contact into a journey now (manual entry, or a test with one contact)."""

    class Arguments:
        journey_id = graphene.ID(required=True)
        contact_id = graphene.ID(required=True)

    run = graphene.Field(JourneyRunType, description="Null when the re-entry rule refuses.")

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, journey_id: str, contact_id: str
    ) -> EnrolContact:
        journey = journey_of(info, journey_id)
        contact = Contact.objects.filter(
            installation_id=journey.installation_id, pk=from_global_id("Contact", contact_id)
        ).first()
        if contact is None:
            raise GraphQLError("No such contact", extensions={"code": "NOT_FOUND"})
        with transaction.atomic():
            run = journey_enroll(journey=journey, contact=contact, now=clock.now())
        return EnrolContact(run=run)


class TraceStepType(graphene.ObjectType):
    class Meta:
        name = "JourneyTestStep"

    at = graphene.DateTime(required=True, description="Simulated time of the step.")
    node = graphene.String(required=True)
    kind = graphene.String(required=True, description="passed, send_email, ..., waiting, exited")
    detail = GenericScalar(required=True)


class NewTriggerSecret(graphene.Mutation):
    """A new secret for the journey's external trigger, shown once (stored encrypted)."""

    class Arguments:
        id = graphene.ID(required=True)

    secret = graphene.String(required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> NewTriggerSecret:
        journey = journey_of(info, id)
        journey.trigger_secret = secrets.token_urlsafe(32)
        journey.save(update_fields=["trigger_secret", "updated_at"])
        return NewTriggerSecret(secret=journey.trigger_secret)


class JourneysQuery(graphene.ObjectType):
    journeys = graphene.List(graphene.NonNull(JourneyType), required=True)
    journey = graphene.Field(JourneyType, id=graphene.ID(required=True))
    journey_validate = graphene.List(
        graphene.NonNull(DefinitionError), required=True, definition=GenericScalar(required=True)
    )
    journey_check = graphene.Field(
        JourneyProblems,
        required=True,
        definition=GenericScalar(required=True),
        description="The publish check in this shop (templates, segments, lists, channels, "
        "profile and voucher values) for a definition of the right shape.",
    )
    contact_runs = graphene.List(
        graphene.NonNull(JourneyRunType), required=True, contact_id=graphene.ID(required=True)
    )
    journey_test = graphene.List(
        graphene.NonNull(TraceStepType),
        required=True,
        journey_id=graphene.ID(required=True),
        contact_id=graphene.ID(required=True),
        definition=GenericScalar(description="An edited definition; the draft when left out."),
        events_happen=graphene.Boolean(
            default_value=False, description="Awaited events happen (else waits time out)."
        ),
        description="What the journey would do for the contact: nothing is sent or changed.",
    )

    @staticmethod
    def resolve_journeys(root: Any, info: graphene.ResolveInfo) -> list[Journey]:
        return list(
            Journey.objects.filter(installation_id=dashboard_installation_id(info))
            .exclude(status=Journey.Status.ARCHIVED)
            .select_related("current_version")
            .order_by("name", "pk")
        )

    @staticmethod
    def resolve_journey(root: Any, info: graphene.ResolveInfo, id: str) -> Journey | None:
        return Journey.objects.filter(
            installation_id=dashboard_installation_id(info), pk=from_global_id("Journey", id)
        ).first()

    @staticmethod
    def resolve_journey_validate(
        root: Any, info: graphene.ResolveInfo, definition: Any
    ) -> list[DefinitionError]:
        dashboard_installation_id(info)
        try:
            journey_parse(definition)
        except DefinitionInvalid as exc:
            return [DefinitionError(field=e.field, message=e.message) for e in exc.errors]
        return []

    @staticmethod
    def resolve_journey_check(
        root: Any, info: graphene.ResolveInfo, definition: Any
    ) -> JourneyProblems:
        installation_id = dashboard_installation_id(info)
        with definition_errors():
            parsed = journey_parse(definition)
        problems = journey_check(installation_id=installation_id, definition=parsed)
        return JourneyProblems(
            errors=[JourneyNodeError.of(p) for p in problems if not p.warning],
            warnings=[JourneyNodeError.of(p) for p in problems if p.warning],
        )

    @staticmethod
    def resolve_contact_runs(
        root: Any, info: graphene.ResolveInfo, contact_id: str
    ) -> list[JourneyRun]:
        return list(
            JourneyRun.objects.filter(
                installation_id=dashboard_installation_id(info),
                contact_id=from_global_id("Contact", contact_id),
            )
            .select_related("journey", "version")
            .order_by("-entered_at", "-pk")
        )

    @staticmethod
    def resolve_journey_test(
        root: Any,
        info: graphene.ResolveInfo,
        journey_id: str,
        contact_id: str,
        definition: Any = None,
        events_happen: bool = False,
    ) -> list[TraceStep]:
        journey = journey_of(info, journey_id)
        contact = Contact.objects.filter(
            installation_id=journey.installation_id, pk=from_global_id("Contact", contact_id)
        ).first()
        if contact is None:
            raise GraphQLError("No such contact", extensions={"code": "NOT_FOUND"})
        with definition_errors():
            parsed = journey_parse(journey.draft if definition is None else definition)
        return journey_simulate(
            parsed, contact=contact, now=clock.now(), events_happen=events_happen
        )


class JourneysMutation(graphene.ObjectType):
    create_journey = CreateJourney.Field()
    update_journey_draft = UpdateJourneyDraft.Field()
    publish_journey = PublishJourney.Field()
    set_journey_status = SetJourneyStatus.Field()
    enrol_contact = EnrolContact.Field()
    new_trigger_secret = NewTriggerSecret.Field()
