"""Dashboard GraphQL of new templates: createEmailTemplate (blank, starter, copy),
templateStarters, copyTemplate and renameTemplate."""

from __future__ import annotations

import pytest

from saleor_mautomation.messages import authoring
from saleor_mautomation.messages.models import Template, TemplateVersion
from saleor_mautomation.messages.services import (
    template_create,
    template_text_version_create,
    template_version_create,
    templates_builtin_ensure,
)
from saleor_mautomation.messages.starters import BLANK_MJML, starter_of
from tests.contacts.factories import T0, make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_templates import DEFAULT_KEYS, SIMPLE, gid

CREATE = """mutation C($input: CreateEmailTemplateInput!) { createEmailTemplate(input: $input) {
  template { key name description kind channel isBuiltin defaultLanguage languages
    versions { language number subject preheader } } } }"""
STARTERS = "query { templateStarters { key name kind languages } }"
COPY = """mutation C($id: ID!, $name: String) { copyTemplate(id: $id, name: $name) {
  template { key name kind channel languages versions { language number subject text pushUrl }
  } } }"""
RENAME = """mutation R($id: ID!, $name: String!, $description: String) {
  renameTemplate(id: $id, name: $name, description: $description) {
    template { key name description } } }"""


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    return standin_installation


def create(client, shop, **input):
    return ask(client, shop, CREATE, input=input)


def rows(shop):
    return Template.objects.filter(installation=shop, is_builtin=False)


def test_a_blank_template_has_its_subject_and_the_minimal_document(client, shop):
    # when
    body = create(
        client,
        shop,
        name="Spring sale",
        kind="marketing",
        start={"blank": True},
        subject="Spring is here, {{ contact.first_name }}",
        preheader="Ten days of offers",
    )

    # then
    assert body["data"]["createEmailTemplate"]["template"] == {
        "key": "spring-sale",
        "name": "Spring sale",
        "description": "",
        "kind": "marketing",
        "channel": "email",
        "isBuiltin": False,
        "defaultLanguage": "en",
        "languages": ["en"],
        "versions": [
            {
                "language": "en",
                "number": 1,
                "subject": "Spring is here, {{ contact.first_name }}",
                "preheader": "Ten days of offers",
            }
        ],
    }
    (version,) = TemplateVersion.objects.filter(template__key="spring-sale")
    assert version.mjml == BLANK_MJML
    assert "Write your email here." in version.html


def test_a_blank_template_without_a_subject_is_refused_on_its_field(client, shop):
    # when
    body = create(client, shop, name="No subject", start={"blank": True}, subject="  ")

    # then
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_TEMPLATE"
    assert [(e["field"], e["code"]) for e in error["extensions"]["errors"]] == [
        ("subject", "empty")
    ]
    assert not rows(shop).exists()


def test_keys_are_unique_in_the_shop(client, shop):
    # when: the same name three times, a given key that is taken, a built-in's key
    keys = [
        create(client, shop, name="Spring sale", start={"blank": True}, subject="S")["data"][
            "createEmailTemplate"
        ]["template"]["key"]
        for _ in range(3)
    ]
    given = create(
        client, shop, name="Other", key="Spring Sale", start={"blank": True}, subject="S"
    )
    builtin = create(client, shop, name="VIP", start={"blank": True}, subject="S")

    # then
    assert keys == ["spring-sale", "spring-sale-2", "spring-sale-3"]
    assert given["data"]["createEmailTemplate"]["template"]["key"] == "spring-sale-4"
    assert builtin["data"]["createEmailTemplate"]["template"]["key"] == "vip-2"
    assert Template.objects.get(installation=shop, key="vip").is_builtin  # untouched
    assert rows(shop).count() == 5


def test_the_starters_are_listed(client, shop):
    # when
    body = ask(client, shop, STARTERS)

    # then
    assert body["data"]["templateStarters"] == [
        {"key": "newsletter", "name": "Newsletter", "kind": "marketing", "languages": ["en", "de"]},
        {
            "key": "one-product",
            "name": "One product",
            "kind": "marketing",
            "languages": ["en", "de"],
        },
        {
            "key": "order-confirmation",
            "name": "Order confirmation",
            "kind": "transactional",
            "languages": ["en", "de"],
        },
    ]


def test_a_starter_gives_its_languages_and_its_kind(client, shop):
    # when
    body = create(client, shop, name="Order confirmation", start={"starter": "order-confirmation"})

    # then
    template = body["data"]["createEmailTemplate"]["template"]
    starter = starter_of("order-confirmation")
    assert starter is not None
    assert template["kind"] == "transactional"
    assert template["key"] == "order-confirmation"
    assert template["description"] == starter.description
    assert template["versions"] == [
        {
            "language": "de",
            "number": 1,
            "subject": "Ihre Bestellung Nr. {{ order.number }} bei {{ shop.name }}",
            "preheader": starter.preheaders["de"],
        },
        {
            "language": "en",
            "number": 1,
            "subject": "Your order #{{ order.number }} at {{ shop.name }}",
            "preheader": starter.preheaders["en"],
        },
    ]
    saved = TemplateVersion.objects.get(template__key="order-confirmation", language="en")
    assert saved.mjml == starter.sources["en"]
    assert "{% for line in order.lines %}" in saved.html


def test_a_starter_in_german_by_default_and_marketing_when_asked(client, shop):
    # when
    body = create(
        client,
        shop,
        name="Newsletter",
        language="de",
        kind="transactional",
        start={"starter": "newsletter"},
    )

    # then
    template = body["data"]["createEmailTemplate"]["template"]
    assert (template["defaultLanguage"], template["kind"]) == ("de", "transactional")
    assert template["languages"] == ["de", "en"]


@pytest.mark.parametrize(
    ("input", "code"),
    [
        ({"name": "X", "start": {"starter": "nope"}}, "UNKNOWN_STARTER"),
        ({"name": "X", "language": "fr", "start": {"starter": "newsletter"}}, "INVALID_LANGUAGE"),
        ({"name": "X", "kind": "urgent", "start": {"starter": "newsletter"}}, "INVALID_KIND"),
        ({"name": " ", "start": {"starter": "newsletter"}}, "INVALID_NAME"),
        ({"name": "X", "start": {}}, "INVALID"),
        ({"name": "X", "start": {"blank": True, "starter": "newsletter"}}, "INVALID"),
        ({"name": "X", "start": {"blank": True}, "subject": "{{ x"}, "INVALID_TEMPLATE"),
        ({"name": "X", "start": {"copyOf": gid("Template", 999999)}}, "NOT_FOUND"),
        ({"name": "X", "start": {"copyOf": ""}}, "INVALID_ID"),
        (
            {"name": "X", "language": "x" * 20, "start": {"blank": True}, "subject": "S"},
            "INVALID_LANGUAGE",
        ),
    ],
)
def test_refusals_create_nothing(client, shop, input, code):
    # when
    body = ask(client, shop, CREATE, input=input)

    # then
    assert body["errors"][0]["extensions"]["code"] == code
    assert body["data"] == {"createEmailTemplate": None}
    assert not rows(shop).exists()
    assert TemplateVersion.objects.filter(template__installation=shop).count() == 2 * len(
        DEFAULT_KEYS
    )


def test_a_copy_takes_every_languages_newest_version_and_stays_independent(client, shop):
    # given: welcome-1 with a second English version
    source = Template.objects.get(installation=shop, key="welcome-1")
    template_version_create(
        template=source, language="en", subject="Hi v2", preheader="", mjml_source=SIMPLE, now=T0
    )

    # when
    body = create(client, shop, name="My welcome", start={"copyOf": gid("Template", source.pk)})

    # then: version 1 of each language, the newest content, the source's kind
    template = body["data"]["createEmailTemplate"]["template"]
    german = source.versions.get(language="de")
    assert template["key"] == "my-welcome"
    assert template["kind"] == "marketing"
    assert template["isBuiltin"] is False
    assert template["versions"] == [
        {"language": "de", "number": 1, "subject": german.subject, "preheader": german.preheader},
        {"language": "en", "number": 1, "subject": "Hi v2", "preheader": ""},
    ]
    copy = Template.objects.get(installation=shop, key="my-welcome")
    assert copy.versions.get(language="en").html == source.versions.get(number=2).html

    # when: the source gets a new version
    template_version_create(
        template=source, language="en", subject="Hi v3", preheader="", mjml_source=SIMPLE, now=T0
    )

    # then: the copy is unchanged
    assert sorted(copy.versions.values_list("language", "number", "subject")) == [
        ("de", 1, german.subject),
        ("en", 1, "Hi v2"),
    ]


def test_a_copy_keeps_the_transactional_kind_unless_given(client, shop):
    # given
    source = Template.objects.get(installation=shop, key="double-opt-in")
    start = {"copyOf": gid("Template", source.pk)}

    # when
    kept = create(client, shop, name="Confirm", start=start)
    changed = create(client, shop, name="Confirm", start=start, kind="marketing")

    # then
    assert kept["data"]["createEmailTemplate"]["template"]["kind"] == "transactional"
    assert changed["data"]["createEmailTemplate"]["template"]["kind"] == "marketing"


def test_another_shops_template_cannot_be_copied(client, shop):
    # given
    theirs = make_shop("other")
    templates_builtin_ensure(installation_id=theirs.pk, now=T0)
    vip = Template.objects.get(installation=theirs, key="vip")

    # when
    created = create(client, shop, name="Stolen", start={"copyOf": gid("Template", vip.pk)})
    copied = ask(client, shop, COPY, id=gid("Template", vip.pk))

    # then
    assert created["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert copied["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert not rows(shop).exists()
    assert not Template.objects.filter(installation=theirs, is_builtin=False).exists()


def test_an_sms_template_is_not_an_email_to_create_from(client, shop):
    # given
    sms = template_create(
        installation_id=shop.pk, key="hello", name="Hello", channel="sms", kind="marketing"
    )
    template_text_version_create(
        template=sms, language="en", subject="", text="Hi {{ shop.name }}", push_url="", now=T0
    )

    # when
    body = create(client, shop, name="Mail", start={"copyOf": gid("Template", sms.pk)})

    # then
    assert body["errors"][0]["extensions"]["code"] == "WRONG_CHANNEL"
    assert not Template.objects.filter(installation=shop, key="mail").exists()


def test_copy_template_of_an_email_and_of_a_push_template(client, shop):
    # given
    vip = Template.objects.get(installation=shop, key="vip")
    push = template_create(
        installation_id=shop.pk, key="back-soon", name="Back soon", channel="push", kind="marketing"
    )
    template_text_version_create(
        template=push,
        language="en",
        subject="We kept your cart",
        text="It is still there.",
        push_url="https://shop.example/cart",
        now=T0,
    )

    # when
    email = ask(client, shop, COPY, id=gid("Template", vip.pk))["data"]["copyTemplate"]
    named = ask(client, shop, COPY, id=gid("Template", push.pk), name="Cart nudge")

    # then
    assert email["template"]["key"] == "vip-copy"
    assert email["template"]["name"] == "Vip (copy)"
    assert email["template"]["languages"] == ["de", "en"]
    assert [v["number"] for v in email["template"]["versions"]] == [1, 1]
    assert named["data"]["copyTemplate"]["template"] == {
        "key": "cart-nudge",
        "name": "Cart nudge",
        "kind": "marketing",
        "channel": "push",
        "languages": ["en"],
        "versions": [
            {
                "language": "en",
                "number": 1,
                "subject": "We kept your cart",
                "text": "It is still there.",
                "pushUrl": "https://shop.example/cart",
            }
        ],
    }
    assert push.versions.count() == 1


def test_rename_keeps_the_key(client, shop):
    # given
    vip = Template.objects.get(installation=shop, key="vip")

    # when
    renamed = ask(client, shop, RENAME, id=gid("Template", vip.pk), name="  Our best  ")
    described = ask(
        client, shop, RENAME, id=gid("Template", vip.pk), name="Best", description="For VIPs"
    )
    refused = ask(client, shop, RENAME, id=gid("Template", vip.pk), name="")

    # then
    assert renamed["data"]["renameTemplate"]["template"] == {
        "key": "vip",
        "name": "Our best",
        "description": vip.description,
    }
    assert described["data"]["renameTemplate"]["template"] == {
        "key": "vip",
        "name": "Best",
        "description": "For VIPs",
    }
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_NAME"
    vip.refresh_from_db()
    assert (vip.name, vip.description) == ("Best", "For VIPs")


def test_a_key_taken_between_the_check_and_the_insert_gets_the_next_suffix(
    client, shop, monkeypatch
):
    # given: the first key the check finds free is taken by the time of the insert
    real = authoring._unique_key
    answers = iter(["vip"])
    monkeypatch.setattr(
        authoring,
        "_unique_key",
        lambda installation_id, base: next(answers, None) or real(installation_id, base),
    )

    # when
    body = create(client, shop, name="VIP", start={"blank": True}, subject="S")

    # then
    assert body["data"]["createEmailTemplate"]["template"]["key"] == "vip-2"
    assert list(rows(shop).values_list("key", flat=True)) == ["vip-2"]


def test_a_too_long_description_is_refused(client, shop):
    # given
    vip = Template.objects.get(installation=shop, key="vip")

    # when
    body = ask(client, shop, RENAME, id=gid("Template", vip.pk), name="VIP", description="x" * 1001)

    # then
    assert body["errors"][0]["extensions"]["code"] == "INVALID_DESCRIPTION"
    vip.refresh_from_db()
    assert vip.name == "Vip"
