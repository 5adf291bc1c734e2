from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.context import Context


class InstallationType(graphene.ObjectType):
    class Meta:
        name = "Installation"

    saleor_api_url = graphene.String(required=True)
    app_id = graphene.String(required=True)
    status = graphene.String(required=True)


class InstallationQuery(graphene.ObjectType):
    installation = graphene.Field(
        InstallationType,
        required=True,
        description="The Saleor installation the Dashboard token belongs to.",
    )

    @staticmethod
    def resolve_installation(root: Any, info: graphene.ResolveInfo) -> InstallationType:
        context: Context = info.context
        installation = context.require_dashboard().installation
        return InstallationType(
            saleor_api_url=installation.saleor_api_url,
            app_id=installation.app_id,
            status=installation.status,
        )
