"""``runDraw``: draw a prize draw's winners once, with the admin's seed or a new one (recorded),
in the unit of work, so the winners' ``draw.won`` events start the winners' journey at once."""

from __future__ import annotations

from typing import Any

import graphene
from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.graphql.draws import DrawType, draw_of
from saleor_mautomation.graphql.surveys import refused
from saleor_mautomation.programmes.errors import ProgrammeClosed, ProgrammeInvalid
from saleor_mautomation.programmes.services import draw_run


class RunDraw(graphene.Mutation):
    class Meta:
        description = (
            "Draw the winners: each entry ranked by SHA-256 of '<seed>:<contact id>', the lowest"
            " win (the same seed and entries give the same winners). Refused: CLOSED (drawn "
            "already), INVALID (a seed over 128 characters)."
        )

    class Arguments:
        id = graphene.ID(required=True)
        seed = graphene.String(default_value="", description="'' for a new random seed.")

    draw = graphene.Field(DrawType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, id: str, seed: str) -> RunDraw:
        draw = draw_of(info, id)
        now = clock.now()
        try:
            with transaction.atomic(), unit_of_work(now=now):
                draw_run(draw=draw, seed=seed, now=now)
        except (ProgrammeClosed, ProgrammeInvalid) as exc:
            raise refused(exc) from exc
        draw.refresh_from_db()
        return RunDraw(draw=draw)


class DrawRunMutation(graphene.ObjectType):
    run_draw = RunDraw.Field()
