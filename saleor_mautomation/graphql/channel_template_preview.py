"""``channelTemplatePreview(channel, text, title, url)``: an unsaved SMS or push version checked
by the rules ``createChannelTemplateVersion`` applies (its errors by field: text, subject for the
title, push_url for the link) and, without errors, rendered for the example contact."""

from __future__ import annotations

from typing import Any

import graphene
from graphql import GraphQLError

from saleor_mautomation.graphql.channels import ChannelEnum
from saleor_mautomation.graphql.context import dashboard_installation_id
from saleor_mautomation.graphql.templates import TemplateError, _errors
from saleor_mautomation.messages.defaults import EXAMPLE_CONTEXT
from saleor_mautomation.messages.models import Template
from saleor_mautomation.messages.push import push_payload
from saleor_mautomation.messages.services import text_version_errors
from saleor_mautomation.messages.sms import sms_text


class ChannelTemplatePreview(graphene.ObjectType):
    title = graphene.String(required=True, description="A notification's title (empty for SMS)")
    text = graphene.String(required=True)
    url = graphene.String(required=True, description="The page a notification opens")
    errors = graphene.List(
        graphene.NonNull(TemplateError),
        required=True,
        description="By field: text, subject (a notification's title) or push_url (its link)",
    )


class ChannelTemplatePreviewQuery(graphene.ObjectType):
    channel_template_preview = graphene.Field(
        ChannelTemplatePreview,
        required=True,
        channel=ChannelEnum(required=True),
        text=graphene.String(required=True),
        title=graphene.String(default_value=""),
        url=graphene.String(default_value=""),
        description="An unsaved SMS or push version's errors, else its text for the example.",
    )

    @staticmethod
    def resolve_channel_template_preview(
        root: Any, info: graphene.ResolveInfo, channel: Any, text: str, title: str, url: str
    ) -> ChannelTemplatePreview:
        dashboard_installation_id(info)
        value = str(getattr(channel, "value", channel))
        if value == Template.Channel.EMAIL:
            raise GraphQLError(
                "An email template is previewed with templatePreview",
                extensions={"code": "WRONG_CHANNEL"},
            )
        if value == Template.Channel.SMS:
            title, url = "", ""
        errors = text_version_errors(channel=value, subject=title, text=text, push_url=url)
        if errors:
            return ChannelTemplatePreview(title="", text="", url="", errors=_errors(errors))
        if value == Template.Channel.SMS:
            rendered = sms_text(text, EXAMPLE_CONTEXT)
            return ChannelTemplatePreview(title="", text=rendered, url="", errors=[])
        payload = push_payload(
            title=title, body=text, url=url, context=EXAMPLE_CONTEXT, campaign="preview", tag=""
        )
        return ChannelTemplatePreview(
            title=payload["title"], text=payload["body"], url=payload["url"], errors=[]
        )
