"""Dashboard GraphQL of the presets gallery: every ready-made journey with a plain description,
its definition and a tidy layout to preview, and installing one, as a draft to edit before it
goes live unless the admin asks for it live at once."""

from __future__ import annotations

from typing import Any

import graphene
from graphene.types.generic import GenericScalar

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.journeys import JourneyType
from saleor_mautomation.journeys.presets import LAYOUTS, PRESETS, journey_preset_install


class JourneyPresetType(graphene.ObjectType):
    class Meta:
        name = "JourneyPreset"

    key = graphene.String(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    definition = GenericScalar(required=True)
    layout = GenericScalar(required=True, description="As Journey.layout.")


class InstallJourneyPreset(graphene.Mutation):
    """As a draft (the default): a new journey each time, with the preset's layout, to edit
    and publish. Live (``asDraft: false``): published at once, once; installing it again
    returns that journey."""

    class Arguments:
        key = graphene.String(required=True, description=", ".join(sorted(PRESETS)))
        as_draft = graphene.Boolean(default_value=True)

    journey = graphene.Field(JourneyType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, key: str, as_draft: bool = True
    ) -> InstallJourneyPreset:
        with domain_errors():
            journey = journey_preset_install(
                installation_id=dashboard_installation_id(info),
                key=key,
                now=clock.now(),
                as_draft=as_draft,
            )
        return InstallJourneyPreset(journey=journey)


class JourneyPresetsQuery(graphene.ObjectType):
    journey_presets = graphene.List(graphene.NonNull(JourneyPresetType), required=True)

    @staticmethod
    def resolve_journey_presets(root: Any, info: graphene.ResolveInfo) -> list[JourneyPresetType]:
        dashboard_installation_id(info)
        return [
            JourneyPresetType(
                key=key,
                name=preset.name,
                description=preset.description,
                definition=preset.definition,
                layout=LAYOUTS[key],
            )
            for key, preset in PRESETS.items()
        ]


class JourneyPresetsMutation(graphene.ObjectType):
    install_journey_preset = InstallJourneyPreset.Field()
