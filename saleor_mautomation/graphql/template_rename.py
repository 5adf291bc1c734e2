"""``renameTemplate(id, name, description)``: a template's name and description (its key, which
journeys name, stays)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.templates import TemplateType, dashboard_template
from saleor_mautomation.messages.authoring import template_rename


class RenameTemplate(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True)
        name = graphene.String(required=True)
        description = graphene.String(description="Left out: kept.")

    template = graphene.Field(TemplateType, required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        id: str,
        name: str,
        description: str | None = None,
    ) -> RenameTemplate:
        template = dashboard_template(info, id)
        with domain_errors():
            renamed = template_rename(template=template, name=name, description=description)
        return RenameTemplate(template=renamed)


class TemplateRenameMutation(graphene.ObjectType):
    rename_template = RenameTemplate.Field()
