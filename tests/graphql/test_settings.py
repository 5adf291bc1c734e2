import json

import pytest

from saleor_mautomation.contacts.models import ContactsConfig
from saleor_mautomation.messages.services import rules_of
from saleor_mautomation.saleor.models import Installation
from tests.graphql.test_dashboard_auth import token_for

UPDATE = """mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {
  settings { storefrontOrigins lapsingAfterDays lapsedAfterDays vipMinOrders metadataKeys } } }"""


def ask(client, installation, query, variables=None):
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={
            "Saleor-Api-Url": installation.saleor_api_url,
            "Authorization-Bearer": token_for(installation),
        },
    )


def test_the_admin_reads_and_updates_the_settings(client, standin_installation):
    response = ask(
        client,
        standin_installation,
        UPDATE,
        {
            "input": {
                "storefrontOrigins": ["https://Shop.example.com/", "https://shop.example.com"],
                "lapsingAfterDays": 90,
                "lapsedAfterDays": 200,
                "vipMinOrders": 4,
                "metadataKeys": {"birthday": "dob"},
            }
        },
    )

    assert response.json() == {
        "data": {
            "updateAppSettings": {
                "settings": {
                    "storefrontOrigins": ["https://shop.example.com"],
                    "lapsingAfterDays": 90,
                    "lapsedAfterDays": 200,
                    "vipMinOrders": 4,
                    "metadataKeys": {"birthday": "dob"},
                }
            }
        }
    }
    assert Installation.objects.get().storefront_origins == ["https://shop.example.com"]
    read = ask(client, standin_installation, "{ appSettings { vipMinOrders } }")
    assert read.json() == {"data": {"appSettings": {"vipMinOrders": 4}}}


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"storefrontOrigins": ["https://shop.example.com/checkout"]}, "INVALID_ORIGIN"),
        ({"storefrontOrigins": ["javascript:alert(1)"]}, "INVALID_ORIGIN"),
        ({"lapsingAfterDays": 400, "lapsedAfterDays": 365}, "INVALID_THRESHOLDS"),
        ({"metadataKeys": {"shoe_size": "x"}}, "INVALID_METADATA_KEYS"),
        ({"spendThresholds": {"usd": ["500"]}}, "INVALID_SPEND_THRESHOLDS"),
        ({"spendThresholds": {"USD": ["-5"]}}, "INVALID_SPEND_THRESHOLDS"),
        ({"spendThresholds": {"USD": ["lots"]}}, "INVALID_SPEND_THRESHOLDS"),
        ({"spendThresholds": {"USD": []}}, "INVALID_SPEND_THRESHOLDS"),
        ({"fromEmail": "Shop <shop@example.com>\nBcc: x@y.z"}, "INVALID_FROM_EMAIL"),
        ({"quietStartHour": 24}, "INVALID_HOUR"),
        ({"capHours": 0}, "INVALID_CAP"),
        ({"quietAction": "drop"}, "INVALID_QUIET_ACTION"),
        ({"channelCaps": {"fax": [1, 24]}}, "INVALID_CAP"),
        ({"channelCaps": {"sms": [1]}}, "INVALID_CAP"),
        ({"channelCaps": {"sms": [1, 0]}}, "INVALID_CAP"),
        ({"channelCaps": {"push": [-1, 24]}}, "INVALID_CAP"),
        ({"channelCaps": {"sms": ["1", 24]}}, "INVALID_CAP"),
    ],
)
def test_invalid_settings_are_refused_with_a_field_error(
    client, standin_installation, values, code
):
    response = ask(client, standin_installation, UPDATE, {"input": values})

    assert response.json()["errors"][0]["extensions"]["code"] == code
    assert Installation.objects.get().storefront_origins == []
    assert not ContactsConfig.objects.filter(lapsing_after_days=400).exists()


def test_spend_thresholds_are_set_per_currency(client, standin_installation):
    query = """mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {
      settings { spendThresholds } } }"""

    response = ask(
        client,
        standin_installation,
        query,
        {"input": {"spendThresholds": {"USD": ["1000", 500, "500.00"], "EUR": ["250.50"]}}},
    )

    stored = {"USD": ["500", "1000"], "EUR": ["250.5"]}
    assert response.json()["data"]["updateAppSettings"]["settings"]["spendThresholds"] == stored
    assert ContactsConfig.objects.get().spend_thresholds == stored


def test_settings_need_a_dashboard_user(client, standin_installation):
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": "{ appSettings { vipMinOrders } }"}),
        content_type="application/json",
        headers={"Saleor-Api-Url": standin_installation.saleor_api_url},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_refused_update_changes_nothing(client, standin_installation):
    response = ask(
        client,
        standin_installation,
        UPDATE,
        {"input": {"storefrontOrigins": ["https://shop.example.com"], "vipMinOrders": 1}},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_THRESHOLDS"
    assert Installation.objects.get().storefront_origins == []


SENDING = """mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {
  settings { fromEmail replyTo capCount capHours quietStartHour quietEndHour quietAction } } }"""


def test_the_admin_sets_the_sender_and_the_sending_rules(client, standin_installation):
    # when
    response = ask(
        client,
        standin_installation,
        SENDING,
        {
            "input": {
                "fromEmail": "Linden Goods <hello@linden.example>",
                "capCount": 2,
                "capHours": 24,
                "quietStartHour": 22,
                "quietEndHour": 7,
                "quietAction": "skip",
            }
        },
    )

    # then
    assert response.json() == {
        "data": {
            "updateAppSettings": {
                "settings": {
                    "fromEmail": "Linden Goods <hello@linden.example>",
                    "replyTo": "",
                    "capCount": 2,
                    "capHours": 24,
                    "quietStartHour": 22,
                    "quietEndHour": 7,
                    "quietAction": "skip",
                }
            }
        }
    }


def test_sms_and_push_get_caps_of_their_own(client, standin_installation):
    query = """mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {
      settings { capCount capHours channelCaps } } }"""

    response = ask(
        client,
        standin_installation,
        query,
        {"input": {"channelCaps": {"sms": [1, 72], "push": [0, 24]}}},
    )

    assert response.json()["data"]["updateAppSettings"]["settings"] == {
        "capCount": 1,
        "capHours": 16,
        "channelCaps": {"sms": [1, 72], "push": [0, 24]},
    }
    rules, _ = rules_of(standin_installation.pk)
    assert (rules.cap("email"), rules.cap("sms"), rules.cap("push")) == ((1, 16), (1, 72), (0, 24))
