"""sendTestEmail of content being edited (unsaved mjml, subject and preheader), over real SMTP
(aiosmtpd on loopback): rendered with the example, marked [Test], refused per stage like
templatePreview, and nothing saved. (A preheader is checked as the preview checks it; what an
inbox shows before opening is the MJML's <mj-preview>.)"""

from __future__ import annotations

import email
from email import policy

import pytest

from saleor_mautomation.messages.models import Message, Template, TemplateVersion
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import T0
from tests.graphql.test_contacts import ask
from tests.graphql.test_templates import SIMPLE, gid

SEND = """mutation T($id: ID!, $to: String!, $mjml: String, $subject: String, $preheader: String) {
  sendTestEmail(templateId: $id, language: "en", to: $to, mjml: $mjml, subject: $subject,
    preheader: $preheader) { messageId } }"""
PREVIEW = """query P($mjml: String, $subject: String) {
  templatePreview(mjml: $mjml, subject: $subject) { errors { stage code line field } } }"""


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    return standin_installation


def parsed(raw):
    return email.message_from_bytes(raw, policy=policy.default)


def vip(shop):
    return Template.objects.get(installation=shop, key="vip")


def test_the_unsaved_content_arrives_marked_as_a_test(client, shop, mailbox):
    # given
    template = vip(shop)
    unsaved = SIMPLE.replace(
        "Hi {{ contact.first_name }}", "Unsaved body for {{ contact.first_name }}"
    )

    # when
    body = ask(
        client,
        shop,
        SEND,
        id=gid("Template", template.pk),
        to="admin@shop.example",
        mjml=unsaved,
        subject="Draft for {{ contact.first_name }}",
        preheader="Not saved yet",
    )

    # then
    assert body["data"]["sendTestEmail"]["messageId"].startswith("<m0.")
    ((_, recipients, raw),) = mailbox.received
    assert recipients == ["admin@shop.example"]
    mime = parsed(raw)
    assert mime["Subject"] == "[Test] Draft for Ada"
    html = mime.get_body(preferencelist=("html",)).get_content()
    assert "Unsaved body for Ada" in html
    assert "Unsaved body for Ada" in mime.get_body(preferencelist=("plain",)).get_content()
    # nothing saved, nothing queued
    assert TemplateVersion.objects.filter(template=template).count() == 2
    assert Message.objects.count() == 0


@pytest.mark.parametrize(
    ("mjml", "subject"),
    [
        (SIMPLE.replace("mj-text", "mj-txt"), "Hi"),  # mjml stage
        (SIMPLE.replace("</mj-text>", "{% if x %}</mj-text>"), "Hi"),  # template stage
        (SIMPLE.replace("first_name", "frist_name"), "Hi"),  # render stage (strict)
        (SIMPLE, "Hi {% if %}"),  # template stage, on the subject
        (SIMPLE.replace("<mj-text>", '<mj-text><a href="javascript:x">x</a>'), "Hi"),  # links
    ],
)
def test_unsaved_content_with_errors_is_refused_as_the_preview_reports_them(
    client, shop, mailbox, mjml, subject
):
    # given: what the editor's preview says of it
    preview = ask(client, shop, PREVIEW, mjml=mjml, subject=subject)
    expected = preview["data"]["templatePreview"]["errors"]
    assert expected

    # when
    body = ask(
        client,
        shop,
        SEND,
        id=gid("Template", vip(shop).pk),
        to="admin@shop.example",
        mjml=mjml,
        subject=subject,
    )

    # then
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_TEMPLATE"
    assert [
        {key: e[key] for key in ("stage", "code", "line", "field")}
        for e in error["extensions"]["errors"]
    ] == expected
    assert mailbox.received == []


def test_mjml_without_a_subject_is_refused(client, shop, mailbox):
    # when
    body = ask(
        client, shop, SEND, id=gid("Template", vip(shop).pk), to="admin@shop.example", mjml=SIMPLE
    )

    # then
    assert body["errors"][0]["extensions"]["code"] == "INVALID"
    assert mailbox.received == []
