"""``createEmailTemplate``: a new email template, blank, from a starter layout or as a copy of
one of the shop's templates, with its first version(s); and ``templateStarters``, the layouts
to start from.

A blank template needs its subject (an empty one is ``INVALID_TEMPLATE`` with the error on the
``subject`` field, as a version's errors are reported); its MJML is a minimal document the
admin writes into.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.core import clock
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors, render_errors
from saleor_mautomation.graphql.templates import TemplateType, dashboard_template
from saleor_mautomation.messages.authoring import template_email_create
from saleor_mautomation.messages.starters import Starter, starters


class TemplateStarterType(graphene.ObjectType):
    class Meta:
        name = "TemplateStarter"

    key = graphene.String(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    kind = graphene.String(required=True, description="marketing or transactional")
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def of(starter: Starter) -> TemplateStarterType:
        return TemplateStarterType(
            key=starter.key,
            name=starter.name,
            description=starter.description,
            kind=starter.kind,
            languages=starter.languages,
        )


class TemplateStartInput(graphene.InputObjectType):
    """Exactly one of them."""

    blank = graphene.Boolean(description="A minimal document (give the input's subject).")
    starter = graphene.String(description="A starter's key (templateStarters).")
    copy_of = graphene.ID(description="One of the shop's email templates.")


class CreateEmailTemplateInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    key = graphene.String(description="Left out: from the name; -2, -3 ... when taken.")
    kind = graphene.String(
        description="marketing or transactional; left out: the starter's or the copied "
        "template's, else marketing."
    )
    language = graphene.String(
        description="The template's default language; left out: en (a copy: its source's)."
    )
    start = graphene.Field(TemplateStartInput, required=True)
    subject = graphene.String(description="Blank only, required there.")
    preheader = graphene.String(description="Blank only.")


class CreateEmailTemplate(graphene.Mutation):
    class Arguments:
        input = CreateEmailTemplateInput(required=True)

    template = graphene.Field(TemplateType, required=True)

    @staticmethod
    def mutate(root: Any, info: graphene.ResolveInfo, input: dict[str, Any]) -> CreateEmailTemplate:
        installation_id = dashboard_installation_id(info)  # before anything about the call
        start = input["start"]
        chosen = [
            name for name in ("blank", "starter", "copy_of") if start.get(name) not in (None, False)
        ]
        if len(chosen) != 1:
            raise GraphQLError(
                "Start from one of blank, starter or copyOf", extensions={"code": "INVALID"}
            )
        source = dashboard_template(info, start["copy_of"]) if chosen == ["copy_of"] else None
        with domain_errors(), render_errors():
            template = template_email_create(
                installation_id=installation_id,
                name=input["name"],
                key=input.get("key") or "",
                kind=input.get("kind"),
                language=input.get("language"),
                starter=start.get("starter"),
                source=source,
                subject=input.get("subject") or "",
                preheader=input.get("preheader") or "",
                now=clock.now(),
            )
        return CreateEmailTemplate(template=template)


class TemplateCreateQuery(graphene.ObjectType):
    template_starters = graphene.List(
        graphene.NonNull(TemplateStarterType),
        required=True,
        description="Layouts a new email template can start from.",
    )

    @staticmethod
    def resolve_template_starters(
        root: Any, info: graphene.ResolveInfo
    ) -> list[TemplateStarterType]:
        dashboard_installation_id(info)
        return [TemplateStarterType.of(starter) for starter in starters()]


class TemplateCreateMutation(graphene.ObjectType):
    create_email_template = CreateEmailTemplate.Field(
        description="A new email template with its first version(s)."
    )
