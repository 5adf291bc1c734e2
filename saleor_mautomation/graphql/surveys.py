"""Dashboard GraphQL of surveys: list with results, create, edit (texts, comment, open or
closed), delete. A survey's key and scale are fixed once made: sent emails link to them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.programmes.errors import ProgrammeInvalid
from saleor_mautomation.programmes.models import Survey
from saleor_mautomation.programmes.selectors import Comment, SurveyResults, survey_results
from saleor_mautomation.programmes.services import survey_create, survey_update


class RatingCountType(graphene.ObjectType):
    class Meta:
        name = "SurveyRatingCount"

    rating = graphene.Int(required=True)
    answers = graphene.Int(required=True)


class SurveyCommentType(graphene.ObjectType):
    class Meta:
        name = "SurveyComment"

    contact_id = graphene.ID(required=True)
    rating = graphene.Int(required=True)
    comment = graphene.String(required=True)
    answered_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_contact_id(root: Comment, info: graphene.ResolveInfo) -> str:
        return to_global_id("Contact", root.contact_id)

    @staticmethod
    def resolve_rating(root: Comment, info: graphene.ResolveInfo) -> int:
        return root.score


class SurveyResultsType(graphene.ObjectType):
    class Meta:
        name = "SurveyResults"

    answers = graphene.Int(required=True)
    counts = graphene.List(graphene.NonNull(RatingCountType), required=True)
    average = graphene.Float(description="The mean rating, to two places; null without answers.")
    nps = graphene.Float(
        description="Net Promoter Score (% of 9-10 minus % of 0-6), one place: 0-10 scales only."
    )
    comments = graphene.List(
        graphene.NonNull(SurveyCommentType), required=True, description="The newest 100."
    )

    @staticmethod
    def resolve_counts(root: SurveyResults, info: graphene.ResolveInfo) -> list[dict[str, int]]:
        return [{"rating": rating, "answers": n} for rating, n in root.counts]

    @staticmethod
    def resolve_average(root: SurveyResults, info: graphene.ResolveInfo) -> float | None:
        return _number(root.average)

    @staticmethod
    def resolve_nps(root: SurveyResults, info: graphene.ResolveInfo) -> float | None:
        return _number(root.nps)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


class SurveyType(graphene.ObjectType):
    class Meta:
        name = "Survey"

    id = graphene.ID(required=True)
    key = graphene.String(required=True, description="Its links: {{ links.survey }}/<key>.")
    name = graphene.String(required=True)
    question = graphene.String(required=True)
    scale_min = graphene.Int(required=True)
    scale_max = graphene.Int(required=True)
    ask_comment = graphene.Boolean(required=True)
    open = graphene.Boolean(required=True)
    results = graphene.Field(SurveyResultsType, required=True)

    @staticmethod
    def resolve_id(root: Survey, info: graphene.ResolveInfo) -> str:
        return to_global_id("Survey", root.pk)

    @staticmethod
    def resolve_open(root: Survey, info: graphene.ResolveInfo) -> bool:
        return root.status == Survey.Status.OPEN

    @staticmethod
    def resolve_results(root: Survey, info: graphene.ResolveInfo) -> SurveyResults:
        return survey_results(root)


class SurveyCreateInput(graphene.InputObjectType):
    key = graphene.String(required=True)
    name = graphene.String(required=True)
    question = graphene.String(required=True)
    scale_min = graphene.Int(default_value=0, description="0 or 1.")
    scale_max = graphene.Int(default_value=10, description="5 or 10 (0-10 is an NPS question).")
    ask_comment = graphene.Boolean(default_value=True)


class SurveyUpdateInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    question = graphene.String(required=True)
    ask_comment = graphene.Boolean(required=True)
    open = graphene.Boolean(required=True)


def refused(exc: PermanentError) -> GraphQLError:
    """The refusal's code and, where it is about one input, that input in
    ``extensions.fields`` (``[{field, message}]``, as segment and journey refusals say it)."""
    extensions: dict[str, object] = {"code": exc.code.upper()}
    if field := getattr(exc, "field", ""):
        extensions["fields"] = [{"field": field, "message": exc.message}]
    return GraphQLError(exc.message, extensions=extensions)


def _survey(info: graphene.ResolveInfo, id: str) -> Survey:
    """The installation's survey named by ``id``; another shop's is ``NOT_FOUND`` too."""
    survey = Survey.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Survey", id)
    ).first()
    if survey is None:
        raise GraphQLError("No such survey", extensions={"code": "NOT_FOUND"})
    return survey


class CreateSurvey(graphene.Mutation):
    class Meta:
        description = "A survey; refused: INVALID (key, texts or scale), KEY_TAKEN."

    class Arguments:
        input = SurveyCreateInput(required=True)

    survey = graphene.Field(SurveyType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> CreateSurvey:
        try:
            survey = survey_create(
                installation_id=dashboard_installation_id(info),
                key=input["key"],
                name=input["name"],
                question=input["question"],
                scale_min=input["scale_min"],
                scale_max=input["scale_max"],
                ask_comment=input["ask_comment"],
                now=clock.now(),
            )
        except ProgrammeInvalid as exc:
            raise refused(exc) from exc
        return CreateSurvey(survey=survey)


class UpdateSurvey(graphene.Mutation):
    class Meta:
        description = "Its texts, comment field and whether it takes answers (open)."

    class Arguments:
        id = graphene.ID(required=True)
        input = SurveyUpdateInput(required=True)

    survey = graphene.Field(SurveyType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, id: str, input: dict[str, Any]
    ) -> UpdateSurvey:
        try:
            survey = survey_update(survey=_survey(info, id), **input)
        except ProgrammeInvalid as exc:
            raise refused(exc) from exc
        return UpdateSurvey(survey=survey)


class DeleteSurvey(graphene.Mutation):
    class Meta:
        description = (
            "Delete a survey and its answers for good (their survey.answered events stay); its "
            "links then open a 'not valid' page. To keep the answers, close it instead."
        )

    class Arguments:
        id = graphene.ID(required=True)

    deleted_id = graphene.ID(required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> DeleteSurvey:
        _survey(info, id).delete()
        return DeleteSurvey(deleted_id=id)


class SurveysQuery(graphene.ObjectType):
    surveys = graphene.List(graphene.NonNull(SurveyType), required=True)
    survey = graphene.Field(SurveyType, id=graphene.ID(required=True))

    @staticmethod
    def resolve_surveys(root: Any, info: graphene.ResolveInfo) -> list[Survey]:
        installation_id = dashboard_installation_id(info)
        return list(Survey.objects.filter(installation_id=installation_id).order_by("key"))

    @staticmethod
    def resolve_survey(root: Any, info: graphene.ResolveInfo, id: str) -> Survey | None:
        return Survey.objects.filter(
            installation_id=dashboard_installation_id(info), pk=from_global_id("Survey", id)
        ).first()


class SurveysMutation(graphene.ObjectType):
    create_survey = CreateSurvey.Field()
    update_survey = UpdateSurvey.Field()
    delete_survey = DeleteSurvey.Field()
