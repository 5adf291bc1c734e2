"""Dashboard GraphQL of email templates: list, staged validation, preview, new versions.

``templateValidate`` and ``templatePreview`` answer errors as data (stage, code, message, line,
column, field), so the editor marks them while the admin types; ``createTemplateVersion``
refuses an invalid version with ``INVALID_TEMPLATE`` and the same list in
``extensions.errors``. A preview renders with the editor's example context, or with a real
contact's (its newest open checkout and order) when ``contactId`` is given.
"""

from __future__ import annotations

from typing import Any

import graphene
from django.conf import settings
from graphql import GraphQLError

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.graphql.contacts import from_global_id, to_global_id
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.errors import domain_errors, render_errors
from saleor_mautomation.messages.context import recipient_context
from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT
from saleor_mautomation.messages.mime import HeaderInvalid
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.providers import provider_for
from saleor_mautomation.messages.rendering import (
    RenderFailed,
    StageError,
    compile_version,
    render,
    validate,
)
from saleor_mautomation.messages.sending import template_test_send
from saleor_mautomation.messages.services import template_current, template_version_create


class TemplateError(graphene.ObjectType):
    stage = graphene.String(required=True, description="template, mjml, links or render")
    code = graphene.String(required=True)
    message = graphene.String(required=True)
    line = graphene.Int()
    column = graphene.Int()
    field = graphene.String(required=True, description="mjml, subject or preheader")


def _errors(errors: list[StageError]) -> list[TemplateError]:
    return [
        TemplateError(
            stage=e.stage,
            code=e.code,
            message=e.message,
            line=e.line,
            column=e.column,
            field=e.field,
        )
        for e in errors
    ]


class TemplateVersionType(graphene.ObjectType):
    class Meta:
        name = "TemplateVersion"

    id = graphene.ID(required=True)
    language = graphene.String(required=True)
    number = graphene.Int(required=True)
    subject = graphene.String(required=True)
    preheader = graphene.String(required=True)
    mjml = graphene.String(required=True, description="Email only.")
    text = graphene.String(
        required=True, description="The plain-text part (email), the body (SMS and push)."
    )
    push_url = graphene.String(required=True, description="Push only: where a click leads.")
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root: TemplateVersion, info: graphene.ResolveInfo) -> str:
        return to_global_id("TemplateVersion", root.pk)


class TemplateType(graphene.ObjectType):
    class Meta:
        name = "Template"

    id = graphene.ID(required=True)
    key = graphene.String(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    kind = graphene.String(required=True, description="marketing or transactional")
    channel = graphene.String(required=True, description="email, sms or push")
    is_builtin = graphene.Boolean(required=True)
    default_language = graphene.String(required=True)
    languages = graphene.List(graphene.NonNull(graphene.String), required=True)
    current = graphene.Field(TemplateVersionType, language=graphene.String(required=True))
    versions = graphene.List(
        graphene.NonNull(TemplateVersionType), required=True, language=graphene.String()
    )

    @staticmethod
    def resolve_id(root: Template, info: graphene.ResolveInfo) -> str:
        return to_global_id("Template", root.pk)

    @staticmethod
    def resolve_languages(root: Template, info: graphene.ResolveInfo) -> list[str]:
        return sorted(set(root.versions.values_list("language", flat=True)))

    @staticmethod
    def resolve_current(
        root: Template, info: graphene.ResolveInfo, language: str
    ) -> TemplateVersion | None:
        return template_current(root, language)

    @staticmethod
    def resolve_versions(
        root: Template, info: graphene.ResolveInfo, language: str | None = None
    ) -> list[TemplateVersion]:
        versions = root.versions.order_by("language", "-number")
        return list(versions.filter(language=language) if language else versions)


class TemplatePreview(graphene.ObjectType):
    subject = graphene.String(required=True)
    preheader = graphene.String(required=True)
    html = graphene.String(required=True)
    text = graphene.String(required=True)
    errors = graphene.List(graphene.NonNull(TemplateError), required=True)


def dashboard_template(info: graphene.ResolveInfo, id: str) -> Template:
    """The calling installation's template of that global id, else a NOT_FOUND error."""
    found = Template.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Template", id)
    ).first()
    if found is None:
        raise GraphQLError("No such template", extensions={"code": "NOT_FOUND"})
    return found


def _preview_context(
    info: graphene.ResolveInfo, contact_id: str | None, sources: tuple[str, ...] = ()
) -> dict[str, Any]:
    if contact_id is None:
        return EXAMPLE_CONTEXT
    contact = Contact.objects.filter(
        installation_id=dashboard_installation_id(info), pk=from_global_id("Contact", contact_id)
    ).first()
    if contact is None:
        raise GraphQLError("No such contact", extensions={"code": "NOT_FOUND"})
    return recipient_context(contact=contact, app_url=settings.APP_URL, sources=sources)


class CreateTemplateVersion(graphene.Mutation):
    class Arguments:
        template_id = graphene.ID(required=True)
        language = graphene.String(required=True)
        subject = graphene.String(required=True)
        preheader = graphene.String(default_value="")
        mjml = graphene.String(required=True)

    version = graphene.Field(TemplateVersionType, required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        template_id: str,
        language: str,
        subject: str,
        mjml: str,
        preheader: str,
    ) -> CreateTemplateVersion:
        template = dashboard_template(info, template_id)
        with domain_errors(), render_errors():
            version = template_version_create(
                template=template,
                language=language,
                subject=subject,
                preheader=preheader,
                mjml_source=mjml,
                now=clock.now(),
            )
        return CreateTemplateVersion(version=version)


class SendTestEmail(graphene.Mutation):
    """Send the current version, or the unsaved ``mjml`` and ``subject`` being edited, rendered
    with the example context, to an admin's address."""

    class Arguments:
        template_id = graphene.ID(required=True)
        language = graphene.String(default_value="en")
        to = graphene.String(required=True)
        mjml = graphene.String(description="Unsaved content, sent instead of the saved version.")
        subject = graphene.String(description="With mjml: the unsaved subject.")
        preheader = graphene.String(default_value="", description="With mjml.")

    message_id = graphene.String(required=True)

    @staticmethod
    def mutate(
        root: Any,
        info: graphene.ResolveInfo,
        template_id: str,
        language: str,
        to: str,
        preheader: str,
        mjml: str | None = None,
        subject: str | None = None,
    ) -> SendTestEmail:
        template = dashboard_template(info, template_id)
        content = None
        if mjml is not None or subject is not None:
            if mjml is None or subject is None:
                raise GraphQLError("Give mjml and subject", extensions={"code": "INVALID"})
            # Refused as templatePreview reports it: every stage's errors, the example
            # rendered strictly (INVALID_TEMPLATE with them in extensions.errors).
            with render_errors():
                content = compile_version(mjml_source=mjml, subject=subject, preheader=preheader)
                render(content, EXAMPLE_CONTEXT, strict=True)
        with domain_errors():
            backend = provider_for(
                template.installation_id, allow_private=settings.SALEOR_ALLOW_LOOPBACK
            ).backend
        try:
            # A version that no longer renders (e.g. over the sandbox's limits, ``too_expensive``)
            # is INVALID_TEMPLATE with its staged errors, as when it is saved.
            with domain_errors(), render_errors():
                message_id = template_test_send(
                    template=template,
                    language=language,
                    to=to,
                    context=EXAMPLE_CONTEXT,
                    app_url=settings.APP_URL,
                    default_from=settings.DEFAULT_FROM_EMAIL,
                    backend=backend,
                    now=clock.now(),
                    content=content,
                )
        except HeaderInvalid as exc:
            raise GraphQLError(str(exc), extensions={"code": "INVALID_ADDRESS"}) from exc
        finally:
            backend.close()
        return SendTestEmail(message_id=message_id)


class TemplatesQuery(graphene.ObjectType):
    templates = graphene.List(graphene.NonNull(TemplateType), required=True)
    template = graphene.Field(TemplateType, id=graphene.ID(required=True))
    template_validate = graphene.List(
        graphene.NonNull(TemplateError),
        required=True,
        mjml=graphene.String(required=True),
        subject=graphene.String(required=True),
        preheader=graphene.String(default_value=""),
        description="Errors of every stage, rendering the example context strictly.",
    )
    template_preview = graphene.Field(
        TemplatePreview,
        required=True,
        template_id=graphene.ID(description="A saved template's current version ..."),
        language=graphene.String(default_value="en"),
        mjml=graphene.String(description="... or unsaved content."),
        subject=graphene.String(),
        preheader=graphene.String(default_value=""),
        contact_id=graphene.ID(description="Render for this contact; else the example."),
    )

    @staticmethod
    def resolve_templates(root: Any, info: graphene.ResolveInfo) -> list[Template]:
        return list(
            Template.objects.filter(installation_id=dashboard_installation_id(info)).order_by("key")
        )

    @staticmethod
    def resolve_template(root: Any, info: graphene.ResolveInfo, id: str) -> Template | None:
        return Template.objects.filter(
            installation_id=dashboard_installation_id(info), pk=from_global_id("Template", id)
        ).first()

    @staticmethod
    def resolve_template_validate(
        root: Any, info: graphene.ResolveInfo, mjml: str, subject: str, preheader: str
    ) -> list[TemplateError]:
        dashboard_installation_id(info)
        return _errors(
            validate(
                mjml_source=mjml, subject=subject, preheader=preheader, example=EXAMPLE_CONTEXT
            )
        )

    @staticmethod
    def resolve_template_preview(
        root: Any,
        info: graphene.ResolveInfo,
        language: str,
        preheader: str,
        template_id: str | None = None,
        mjml: str | None = None,
        subject: str | None = None,
        contact_id: str | None = None,
    ) -> TemplatePreview:
        dashboard_installation_id(info)  # first: a preview of given MJML is the Dashboard's too
        if template_id is not None:
            version = template_current(dashboard_template(info, template_id), language)
            if version is None:
                raise GraphQLError("The template has no version", extensions={"code": "EMPTY"})
            mjml, subject, preheader = version.mjml, version.subject, version.preheader
        if mjml is None or subject is None:
            raise GraphQLError(
                "Give templateId, or mjml and subject", extensions={"code": "INVALID"}
            )
        context = _preview_context(info, contact_id, (mjml, subject, preheader))
        try:
            compiled = compile_version(mjml_source=mjml, subject=subject, preheader=preheader)
            rendered = render(compiled, context, strict=contact_id is None)
        except RenderFailed as exc:
            return TemplatePreview(
                subject="", preheader="", html="", text="", errors=_errors(exc.errors)
            )
        return TemplatePreview(
            subject=rendered.subject,
            preheader=rendered.preheader,
            html=rendered.html,
            text=rendered.text,
            errors=[],
        )


class TemplatesMutation(graphene.ObjectType):
    create_template_version = CreateTemplateVersion.Field()
    send_test_email = SendTestEmail.Field()
