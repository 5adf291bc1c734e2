"""Dashboard GraphQL of templates: built-ins, staged validation, preview, versions."""

import base64
from decimal import Decimal

import pytest

from saleor_mautomation.commerce.models import CheckoutRecord
from saleor_mautomation.messages.defaults import default_templates
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.services import (
    template_create,
    template_text_version_create,
    templates_builtin_ensure,
)
from tests.contacts.factories import T0, make_contact, make_shop
from tests.graphql.test_contacts import ask

DEFAULT_KEYS = {template.key for template in default_templates()}

TEMPLATES = """query { templates {
  key kind channel isBuiltin languages current(language: "de") { number subject } } }"""
VALIDATE = """query V($mjml: String!, $subject: String!) {
  templateValidate(mjml: $mjml, subject: $subject) { stage code message line column field } }"""
PREVIEW = """query P($id: ID, $contact: ID, $language: String) {
  templatePreview(templateId: $id, contactId: $contact, language: $language) {
    subject html text errors { code } } }"""
CREATE_VERSION = """mutation C($id: ID!, $mjml: String!, $subject: String!) {
  createTemplateVersion(templateId: $id, language: "en", subject: $subject, mjml: $mjml) {
    version { number subject } } }"""
SIMPLE = (
    "<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ contact.first_name }}</mj-text>"
    "</mj-column></mj-section></mj-body></mjml>"
)


def gid(kind, pk):
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    return standin_installation


def test_every_shop_gets_the_default_templates_in_english_and_german(client, shop):
    rows = ask(client, shop, TEMPLATES)["data"]["templates"]

    assert len(rows) == len(DEFAULT_KEYS)
    assert all(row["languages"] == ["de", "en"] for row in rows)
    kinds = {row["key"]: row["kind"] for row in rows}
    assert kinds["double-opt-in"] == "transactional"
    assert kinds["win-back-1"] == "marketing"
    assert {row["channel"] for row in rows} == {"email"}
    assert all(row["current"]["number"] == 1 for row in rows)
    # idempotent
    assert templates_builtin_ensure(installation_id=shop.pk, now=T0) == []
    assert TemplateVersion.objects.filter(template__installation=shop).count() == 2 * len(
        DEFAULT_KEYS
    )


def test_validation_names_the_stage_and_line(client, shop):
    broken = SIMPLE.replace("</mj-text>", "{% if x %}</mj-text>")

    errors = ask(client, shop, VALIDATE, mjml=broken, subject="Hello")["data"]["templateValidate"]

    assert [(e["stage"], e["code"], e["line"], e["field"]) for e in errors] == [
        ("template", "syntax", 1, "mjml")
    ]
    ok = ask(client, shop, VALIDATE, mjml=SIMPLE, subject="Hi")["data"]["templateValidate"]
    assert ok == []


def test_preview_with_the_example_and_with_a_real_contact(client, shop):
    # given: a contact with an open checkout
    template = Template.objects.get(installation=shop, key="abandoned-checkout-1")
    contact = make_contact(shop, first_name="Grace", language_code="en")
    CheckoutRecord.objects.create(
        installation=shop,
        saleor_id="Q2hlY2tvdXQ6MQ==",
        token="tok-1",
        contact=contact,
        channel_slug="default-channel",
        currency="USD",
        lines=[
            {
                "product_name": "Blue Hoodie",
                "variant_name": "L",
                "unit_price": "39.00",
                "quantity": 1,
                "thumbnail": "https://img.example/h.png",
                "product_slug": "blue-hoodie",
            }
        ],
        total=Decimal("39.00"),
        created_at=T0,
        last_change_at=T0,
        source_updated_at=T0,
    )

    # when
    example = ask(client, shop, PREVIEW, id=gid("Template", template.pk), language="de")
    real = ask(
        client, shop, PREVIEW, id=gid("Template", template.pk), contact=gid("Contact", contact.pk)
    )

    # then
    assert example["data"]["templatePreview"]["errors"] == []
    preview = real["data"]["templatePreview"]
    assert preview["errors"] == []
    assert "Grace" in preview["html"]
    assert "Blue Hoodie" in preview["html"]
    assert "$39.00" in preview["html"]
    assert "Blue Hoodie" in preview["text"]
    assert "/u/" in preview["html"]  # the unsubscribe link


def test_a_new_version_is_numbered_and_an_invalid_one_refused(client, shop):
    template = Template.objects.get(installation=shop, key="welcome-1")

    saved = ask(
        client, shop, CREATE_VERSION, id=gid("Template", template.pk), mjml=SIMPLE, subject="Hi"
    )
    refused = ask(
        client,
        shop,
        CREATE_VERSION,
        id=gid("Template", template.pk),
        mjml=SIMPLE.replace("mj-text", "mj-txt"),
        subject="Hi",
    )

    assert saved["data"]["createTemplateVersion"]["version"] == {"number": 2, "subject": "Hi"}
    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "INVALID_TEMPLATE"
    assert {e["code"] for e in error["extensions"]["errors"]} == {"unknown_tag"}
    assert TemplateVersion.objects.filter(template=template, language="en").count() == 2


def test_another_shops_template_is_not_found(client, shop):
    theirs = make_shop("other")
    templates_builtin_ensure(installation_id=theirs.pk, now=T0)
    template = Template.objects.get(installation=theirs, key="vip")

    body = ask(client, shop, PREVIEW, id=gid("Template", template.pk))

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_a_push_template_shows_its_channel_body_and_link(client, shop):
    push = template_create(
        installation_id=shop.pk, key="back-soon", name="Back soon", channel="push", kind="marketing"
    )
    template_text_version_create(
        template=push,
        language="en",
        subject="We kept your cart",
        text="Hi {{ contact.first_name }}, it is still there.",
        push_url="https://shop.example/cart",
        now=T0,
    )
    query = """query T($id: ID!) { template(id: $id) {
      channel current(language: "en") { subject text pushUrl mjml } } }"""

    answer = ask(client, shop, query, id=gid("Template", push.pk))["data"]["template"]

    assert answer == {
        "channel": "push",
        "current": {
            "subject": "We kept your cart",
            "text": "Hi {{ contact.first_name }}, it is still there.",
            "pushUrl": "https://shop.example/cart",
            "mjml": "",
        },
    }
