"""``copyTemplate(id, name)``: a copy of one of the shop's templates, of any channel (every
language's newest version as version 1 of the copy, its kind and default language kept),
independent of its source."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.errors import domain_errors
from saleor_mautomation.graphql.templates import TemplateType, dashboard_template
from saleor_mautomation.messages.authoring import template_copy


class CopyTemplate(graphene.Mutation):
    class Arguments:
        id = graphene.ID(required=True, description="The template to copy.")
        name = graphene.String(description="Left out: '<its name> (copy)'.")

    template = graphene.Field(TemplateType, required=True)

    @staticmethod
    def mutate(
        root: Any, info: graphene.ResolveInfo, id: str, name: str | None = None
    ) -> CopyTemplate:
        source = dashboard_template(info, id)
        with domain_errors():
            template = template_copy(source=source, name=name or "", now=clock.now())
        return CopyTemplate(template=template)


class TemplateCopyMutation(graphene.ObjectType):
    copy_template = CopyTemplate.Field()
