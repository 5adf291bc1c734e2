"""Publishing refuses a journey whose steps could never succeed in its shop, naming the node:
profile values the profile rule refuses, templates, segments, lists and Saleor channels the
shop does not have, voucher values Saleor would refuse. Warnings publish all the same."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saleor_mautomation.journeys.models import Journey, JourneyVersion, RunStep
from saleor_mautomation.journeys.presets import PRESETS, journey_preset_install
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.validation import JourneyRefused, NodeError
from saleor_mautomation.messages.models import SmsProvider, Template, TemplateVersion
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.models import Segment, StaticList
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EXIT = {"type": "exit"}
CHANNELS = {
    "data": {
        "channels": [
            {
                "id": "Q2hhbm5lbDox",
                "slug": "default-channel",
                "currencyCode": "USD",
                "isActive": True,
            },
            {"id": "Q2hhbm5lbDoy", "slug": "channel-pln", "currencyCode": "PLN", "isActive": True},
            {"id": "Q2hhbm5lbDoz", "slug": "channel-jpy", "currencyCode": "JPY", "isActive": False},
        ]
    }
}


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


@pytest.fixture
def saleor_channels(standin):
    standin.answers["Channels"] = lambda variables: (200, CHANNELS)
    return standin


def draft(shop, nodes: dict[str, Any], *, entry: dict[str, Any] | None = None) -> Journey:
    definition = {"entry": entry or {"type": "manual"}, "start": next(iter(nodes)), "nodes": nodes}
    return Journey.objects.create(
        installation=shop, key="checked", name="Checked", draft=definition
    )


def refusal(journey: Journey) -> list[tuple[str, str, str]]:
    """(node, code, field) of each error publishing raises; nothing may have been published."""
    with pytest.raises(JourneyRefused) as refused:
        journey_publish(journey=journey, now=T)
    journey.refresh_from_db()
    assert (journey.status, journey.current_version) == ("draft", None)
    assert not JourneyVersion.objects.filter(journey=journey).exists()
    return [(e.node_id, e.code, e.field) for e in refused.value.errors]


def profile_step(**fields: str) -> dict[str, Any]:
    return {"a": {"type": "update_profile", "fields": fields, "next": "end"}, "end": EXIT}


def channel_calls(standin) -> int:
    return sum(" Channels" in r.json()["query"] for r in standin.requests_to("/graphql/"))


def test_a_country_of_germany_is_refused_at_publish_with_its_node(shop):
    journey = draft(shop, profile_step(country="Germany"))

    with pytest.raises(JourneyRefused) as refused:
        journey_publish(journey=journey, now=T)

    assert refused.value.errors == [
        NodeError(
            "a",
            "invalid_country",
            "country: an ISO 3166-1 alpha-2 country code such as DE or US",
            "fields.country",
        )
    ]
    assert refused.value.warnings == []
    assert not JourneyVersion.objects.filter(journey=journey).exists()


def test_a_country_code_publishes_and_the_step_writes_it_normalised(shop):
    journey = draft(shop, profile_step(country="de", time_zone="Europe/Berlin"))
    ada = make_contact(shop)

    version = journey_publish(journey=journey, now=T)
    journey_enroll(journey=journey, contact=ada, now=T)

    assert version.number == 1
    ada.refresh_from_db()
    assert (ada.country, ada.time_zone) == ("DE", "Europe/Berlin")


def test_every_refused_profile_value_is_named(shop):
    journey = draft(
        shop,
        profile_step(
            country="DE",
            birthday="2030-01-01",
            gender="robot",
            language_code="German",
            **{"preferences.news": "true"},
        ),
    )

    assert refusal(journey) == [
        ("a", "invalid_birthday", "fields.birthday"),
        ("a", "invalid_gender", "fields.gender"),
        ("a", "invalid_language_code", "fields.language_code"),
    ]


def test_templates_that_are_missing_empty_or_of_another_channel_are_refused(shop):
    Template.objects.create(installation=shop, key="empty", name="Empty")
    journey = draft(
        shop,
        {
            "a": {"type": "send_email", "template": "no-such", "next": "b"},
            "b": {"type": "send_email", "template": "empty", "next": "c"},
            "c": {"type": "send_sms", "template": "vip", "next": "d"},
            "d": {"type": "send_email", "template": "vip", "next": "end"},
            "end": EXIT,
        },
    )

    assert refusal(journey) == [
        ("a", "template_not_found", "template"),
        ("b", "template_empty", "template"),
        ("c", "template_channel_mismatch", "template"),
    ]


def test_segments_that_are_missing_or_archived_are_refused_at_the_entry_and_in_conditions(shop):
    archived = segment_create(
        installation_id=shop.pk,
        name="Old",
        definition={"root": {"type": "order"}},
        now=T,
    )
    Segment.objects.filter(pk=archived.pk).update(status=Segment.Status.ARCHIVED)
    journey = draft(
        shop,
        {
            "a": {
                "type": "condition",
                "condition": {
                    "type": "or",
                    "conditions": [
                        {"type": "segment", "segment_id": archived.pk},
                        {"type": "segment", "segment_id": 99999},
                    ],
                },
                "yes": "end",
                "no": "end",
            },
            "end": EXIT,
        },
        entry={"type": "segment_entered", "segment_id": 99998},
    )

    assert refusal(journey) == [
        ("entry", "segment_not_found", "segment_id"),
        ("a", "segment_archived", "condition"),
        ("a", "segment_not_found", "condition"),
    ]


def test_taking_contacts_off_a_list_nothing_creates_is_refused(shop):
    journey = draft(
        shop,
        {
            "a": {"type": "list_remove", "list": "nobody-made-this", "next": "b"},
            "b": {"type": "list_remove", "list": "vip-club", "next": "c"},
            "c": {"type": "list_remove", "list": "imported", "next": "end"},
            "end": EXIT,
        },
    )
    StaticList.objects.create(installation=shop, key="imported", name="Imported")
    journey_preset_install(installation_id=shop.pk, key="spend-threshold", now=T)  # adds vip-club

    assert refusal(journey) == [("a", "list_not_found", "list")]


def test_voucher_values_are_checked_per_channel_as_saleor_would(shop, saleor_channels):
    journey = draft(
        shop,
        {
            "a": {
                "type": "give_voucher",
                "discount_type": "fixed",
                "values": {"default-channel": "5.255", "channel-jpy": "10.5", "nowhere": 5},
                "next": "b",
            },
            "b": {
                "type": "give_voucher",
                "discount_type": "fixed",
                "currency": "USD",
                "values": {"*": "5"},
                "next": "end",
            },
            "end": EXIT,
        },
    )

    with pytest.raises(JourneyRefused) as refused:
        journey_publish(journey=journey, now=T)

    assert [(e.node_id, e.code, e.field) for e in refused.value.errors] == [
        ("a", "channel_not_found", "values.nowhere"),
        ("a", "invalid_precision", "values.channel-jpy"),
        ("a", "invalid_precision", "values.default-channel"),
        ("b", "currency_mismatch", "values.*"),
        ("b", "currency_mismatch", "values.*"),
    ]
    assert [e.message for e in refused.value.errors[3:]] == [
        "channel 'channel-jpy' sells in JPY, the amounts are in USD",
        "channel 'channel-pln' sells in PLN, the amounts are in USD",
    ]
    assert [(w.node_id, w.code) for w in refused.value.warnings] == [("a", "channel_inactive")]


def test_a_percentage_above_100_never_reaches_the_shop_check(shop, saleor_channels):
    from saleor_mautomation.segments.errors import DefinitionInvalid

    journey = draft(
        shop,
        {"a": {"type": "give_voucher", "values": {"*": 101}, "next": "end"}, "end": EXIT},
    )

    with pytest.raises(DefinitionInvalid) as invalid:
        journey_publish(journey=journey, now=T)

    assert [e.field for e in invalid.value.errors] == ["nodes.a"]
    assert channel_calls(saleor_channels) == 0
    assert not JourneyVersion.objects.filter(journey=journey).exists()


def test_percentages_in_every_channel_publish_without_asking_saleor(shop, saleor_channels):
    journey = draft(
        shop,
        {"a": {"type": "give_voucher", "values": {"*": "12.5"}, "next": "end"}, "end": EXIT},
    )

    journey_publish(journey=journey, now=T)

    assert channel_calls(saleor_channels) == 0


def test_an_order_condition_on_a_channel_the_shop_lacks_is_refused(shop, saleor_channels):
    journey = draft(
        shop,
        {
            "a": {
                "type": "condition",
                "condition": {"type": "order", "channel": "nowhere"},
                "yes": "end",
                "no": "end",
            },
            "end": EXIT,
        },
    )

    assert refusal(journey) == [("a", "channel_not_found", "")]


def test_when_saleor_does_not_answer_the_channels_are_a_warning(shop, standin):
    standin.answers["Channels"] = lambda variables: (503, {"error": "down"})
    journey = draft(
        shop,
        {
            "a": {"type": "give_voucher", "values": {"channel-pln": 10}, "next": "end"},
            "end": EXIT,
        },
    )
    warnings: list[NodeError] = []

    version = journey_publish(journey=journey, now=T, warnings=warnings)

    assert version.number == 1
    assert [(w.node_id, w.code, w.warning) for w in warnings] == [("a", "channels_unchecked", True)]


def test_an_sms_step_without_a_provider_publishes_with_a_warning(shop):
    sms = Template.objects.create(installation=shop, key="cart-sms", name="Cart", channel="sms")
    TemplateVersion.objects.create(
        template=sms, language="en", number=1, subject="", mjml="", html="", text="Hi", created_at=T
    )
    journey = draft(
        shop, {"a": {"type": "send_sms", "template": "cart-sms", "next": "end"}, "end": EXIT}
    )
    warnings: list[NodeError] = []

    journey_publish(journey=journey, now=T, warnings=warnings)
    SmsProvider.objects.create(installation=shop, account_sid="AC1", auth_token="secret")
    again: list[NodeError] = []
    journey_publish(journey=journey, now=T, warnings=again)

    assert [(w.node_id, w.code) for w in warnings] == [("a", "channel_not_configured")]
    assert again == []
    assert journey.versions.count() == 2


def test_a_plain_http_webhook_is_refused_where_only_https_goes_out(shop, settings):
    settings.SALEOR_ALLOW_LOOPBACK = False
    journey = draft(
        shop,
        {"a": {"type": "webhook", "url": "http://crm.example/hook", "next": "end"}, "end": EXIT},
    )

    assert refusal(journey) == [("a", "webhook_not_https", "url")]


def test_a_valid_journey_publishes_with_nothing_to_report(shop, saleor_channels):
    segment = segment_create(
        installation_id=shop.pk, name="Buyers", definition={"root": {"type": "order"}}, now=T
    )
    journey = draft(
        shop,
        {
            "a": {
                "type": "condition",
                "condition": {"type": "segment", "segment_id": segment.pk},
                "yes": "b",
                "no": "end",
            },
            "b": {
                "type": "give_voucher",
                "discount_type": "fixed",
                "currency": "PLN",
                "values": {"channel-pln": "20.50"},
                "next": "c",
            },
            "c": {"type": "send_email", "template": "win-back-2", "next": "d"},
            "d": {"type": "list_add", "list": "winners", "next": "e"},
            "e": {"type": "update_profile", "fields": {"city": "Kraków"}, "next": "end"},
            "end": EXIT,
        },
        entry={"type": "segment_entered", "segment_id": segment.pk},
    )
    warnings: list[NodeError] = []

    version = journey_publish(journey=journey, now=T, warnings=warnings)

    assert (version.number, warnings) == (1, [])
    journey.refresh_from_db()
    assert (journey.status, journey.current_version) == ("active", version)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_publishes_in_a_registered_shop(shop, preset):
    segments_builtin_ensure(installation_id=shop.pk, now=T)

    journey = journey_preset_install(installation_id=shop.pk, key=preset, now=T)

    assert (journey.status, journey.versions.count()) == ("active", 1)


def test_a_preset_adds_the_default_templates_a_shop_lacks(db):
    bare = make_shop("bare")

    journey = journey_preset_install(installation_id=bare.pk, key="welcome-series", now=T)

    assert journey.status == "active"
    assert Template.objects.filter(installation=bare, key="welcome-1").exists()


def test_a_step_published_before_the_check_writes_nothing_and_fails_alone(shop):
    # given: a version published before publishing checked profile values
    journey = Journey.objects.create(
        installation=shop, key="old", name="Old", status=Journey.Status.ACTIVE, draft={}
    )
    journey.current_version = JourneyVersion.objects.create(
        journey=journey,
        number=1,
        published_at=T,
        definition={
            "entry": {"type": "manual"},
            "start": "a",
            "nodes": {
                "a": {
                    "type": "update_profile",
                    "fields": {"country": "Germany", "city": "Berlin"},
                    "metadata": {"tier": "gold"},
                    "next": "end",
                },
                "end": EXIT,
            },
        },
    )
    journey.save()
    ada = make_contact(shop, country="FR", city="Paris")

    # when
    run = journey_enroll(journey=journey, contact=ada, now=T)

    # then: the run goes on; nothing of the step was written
    assert run is not None
    run.refresh_from_db()
    assert run.status == "exited"
    step = RunStep.objects.get(run=run, kind="update_profile")
    assert step.detail["error"] == ("country: an ISO 3166-1 alpha-2 country code such as DE or US")
    ada.refresh_from_db()
    assert (ada.country, ada.city, ada.writeback_extra) == ("FR", "Paris", {})
