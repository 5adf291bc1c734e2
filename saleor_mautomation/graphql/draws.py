"""Dashboard GraphQL of prize draws: list with entries and winners, create, edit (until drawn),
delete. The draw itself is ``runDraw`` (graphql/draw_run.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.surveys import refused
from saleor_mautomation.programmes.errors import ProgrammeClosed, ProgrammeInvalid
from saleor_mautomation.programmes.models import Draw, DrawEntry
from saleor_mautomation.programmes.selectors import draw_entries_count, draw_winners
from saleor_mautomation.programmes.services import draw_create, draw_update


class DrawWinnerType(graphene.ObjectType):
    class Meta:
        name = "DrawWinner"

    rank = graphene.Int(required=True)
    contact_id = graphene.ID(required=True)
    email = graphene.String()

    @staticmethod
    def resolve_contact_id(root: DrawEntry, info: graphene.ResolveInfo) -> str:
        return to_global_id("Contact", root.contact_id)

    @staticmethod
    def resolve_email(root: DrawEntry, info: graphene.ResolveInfo) -> str | None:
        return root.contact.email


class DrawType(graphene.ObjectType):
    class Meta:
        name = "Draw"

    id = graphene.ID(required=True)
    key = graphene.String(required=True, description="Its link: {{ links.draw }}/<key>.")
    name = graphene.String(required=True)
    prize = graphene.String(required=True)
    winners_count = graphene.Int(required=True)
    closes_at = graphene.DateTime()
    drawn = graphene.Boolean(required=True)
    seed = graphene.String(
        required=True, description="The seed the winners were drawn with ('' until drawn)."
    )
    drawn_at = graphene.DateTime()
    entries = graphene.Int(required=True)
    winners = graphene.List(graphene.NonNull(DrawWinnerType), required=True)

    @staticmethod
    def resolve_id(root: Draw, info: graphene.ResolveInfo) -> str:
        return to_global_id("Draw", root.pk)

    @staticmethod
    def resolve_winners_count(root: Draw, info: graphene.ResolveInfo) -> int:
        return root.winners

    @staticmethod
    def resolve_drawn(root: Draw, info: graphene.ResolveInfo) -> bool:
        return root.status == Draw.Status.DRAWN

    @staticmethod
    def resolve_entries(root: Draw, info: graphene.ResolveInfo) -> int:
        return draw_entries_count(root)

    @staticmethod
    def resolve_winners(root: Draw, info: graphene.ResolveInfo) -> list[DrawEntry]:
        return draw_winners(root)


class DrawInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    prize = graphene.String(default_value="")
    winners_count = graphene.Int(default_value=1)
    closes_at = graphene.DateTime(description="No entries from then on; null: until drawn.")


class DrawCreateInput(DrawInput):
    key = graphene.String(required=True)


def draw_of(info: graphene.ResolveInfo, id: str) -> Draw:
    """The installation's draw named by ``id``; another shop's is ``NOT_FOUND`` too."""
    draw = Draw.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Draw", id)
    ).first()
    if draw is None:
        raise GraphQLError("No such draw", extensions={"code": "NOT_FOUND"})
    return draw


def _closes_at(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        message = "A moment with its UTC offset"
        raise GraphQLError(
            message,
            extensions={"code": "INVALID", "fields": [{"field": "closesAt", "message": message}]},
        )
    return value


class CreateDraw(graphene.Mutation):
    class Meta:
        description = "A prize draw; refused: INVALID (key, name, winners 1-1000), KEY_TAKEN."

    class Arguments:
        input = DrawCreateInput(required=True)

    draw = graphene.Field(DrawType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> CreateDraw:
        try:
            draw = draw_create(
                installation_id=dashboard_installation_id(info),
                key=input["key"],
                name=input["name"],
                prize=input["prize"],
                winners=input["winners_count"],
                closes_at=_closes_at(input.get("closes_at")),
                now=clock.now(),
            )
        except ProgrammeInvalid as exc:
            raise refused(exc) from exc
        return CreateDraw(draw=draw)


class UpdateDraw(graphene.Mutation):
    class Meta:
        description = "Its name, prize, winners and closing time; refused (CLOSED) once drawn."

    class Arguments:
        id = graphene.ID(required=True)
        input = DrawInput(required=True)

    draw = graphene.Field(DrawType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str, input: dict[str, Any]) -> UpdateDraw:
        try:
            draw = draw_update(
                draw=draw_of(info, id),
                name=input["name"],
                prize=input["prize"],
                winners=input["winners_count"],
                closes_at=_closes_at(input.get("closes_at")),
            )
        except (ProgrammeInvalid, ProgrammeClosed) as exc:
            raise refused(exc) from exc
        return UpdateDraw(draw=draw)


class DeleteDraw(graphene.Mutation):
    class Meta:
        description = "Delete a draw and its entries for good (their events stay)."

    class Arguments:
        id = graphene.ID(required=True)

    deleted_id = graphene.ID(required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str) -> DeleteDraw:
        draw_of(info, id).delete()
        return DeleteDraw(deleted_id=id)


class DrawsQuery(graphene.ObjectType):
    draws = graphene.List(graphene.NonNull(DrawType), required=True)

    @staticmethod
    def resolve_draws(root: Any, info: graphene.ResolveInfo) -> list[Draw]:
        installation_id = dashboard_installation_id(info)
        return list(Draw.objects.filter(installation_id=installation_id).order_by("key"))


class DrawsMutation(graphene.ObjectType):
    create_draw = CreateDraw.Field()
    update_draw = UpdateDraw.Field()
    delete_draw = DeleteDraw.Field()
