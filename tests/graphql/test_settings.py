import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from saleor_mautomation.commerce.models import CheckoutRecord
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


# -- the shop's identity, storefront URLs and windows (issue 14, findings 4 and 5) ----------------

IDENTITY = """mutation U($input: AppSettingsInput!) { updateAppSettings(input: $input) {
  settings { shopName senderName fromEmail sender storefrontUrls checkoutAbandonedAfterMinutes
  browseAbandonedAfterMinutes browseWindowHours warnings } } }"""


def test_the_defaults_say_what_would_not_work(client, standin_installation, settings):
    # given: a fresh installation whose shop name Saleor has not given, no storefront set
    settings.DEFAULT_FROM_EMAIL = "shop@localhost"
    query = """{ appSettings { shopName sender storefrontUrls checkoutAbandonedAfterMinutes
      browseAbandonedAfterMinutes browseWindowHours warnings } }"""

    # when
    response = ask(client, standin_installation, query)

    # then
    assert response.json() == {
        "data": {
            "appSettings": {
                "shopName": "",
                "sender": "shop@localhost",
                "storefrontUrls": {},
                "checkoutAbandonedAfterMinutes": 60,
                "browseAbandonedAfterMinutes": 120,
                "browseWindowHours": 24,
                "warnings": [
                    "No storefront URL: the links of emails go to the Saleor API host"
                    ' https://127.0.0.1 (set storefrontUrls, e.g. {"*":'
                    ' "https://shop.example/{channel}"})',
                    'Saleor\'s shop name has not been read yet: emails sign as "Shop"'
                    " (refreshShopName reads it again)",
                    "Emails go from shop@localhost, the deployment's placeholder: set fromEmail"
                    " (or DEFAULT_FROM_EMAIL)",
                ],
            }
        }
    }


def test_the_admin_sets_the_sender_storefront_urls_and_windows(client, standin_installation):
    # given: Saleor gave the shop's name at registration
    Installation.objects.update(shop_name="Linden Goods")

    # when
    response = ask(
        client,
        standin_installation,
        IDENTITY,
        {
            "input": {
                "senderName": "Linden Goods Team",
                "fromEmail": "hello@linden.example",
                "storefrontUrls": {
                    "*": "https://linden.example/{channel}/",
                    "b2b": "https://b2b.linden.example",
                },
                "checkoutAbandonedAfterMinutes": 30,
                "browseAbandonedAfterMinutes": 90,
                "browseWindowHours": 48,
            }
        },
    )

    # then
    assert response.json() == {
        "data": {
            "updateAppSettings": {
                "settings": {
                    "shopName": "Linden Goods",
                    "senderName": "Linden Goods Team",
                    "fromEmail": "hello@linden.example",
                    "sender": "Linden Goods Team <hello@linden.example>",
                    "storefrontUrls": {
                        "*": "https://linden.example/{channel}",
                        "b2b": "https://b2b.linden.example",
                    },
                    "checkoutAbandonedAfterMinutes": 30,
                    "browseAbandonedAfterMinutes": 90,
                    "browseWindowHours": 48,
                    "warnings": [],
                }
            }
        }
    }
    installation = Installation.objects.get()
    assert (
        installation.checkout_abandoned_after_minutes,
        installation.browse_abandoned_after_minutes,
        installation.browse_window_hours,
    ) == (30, 90, 48)


def test_the_sender_is_the_shops_name_until_one_is_set(client, standin_installation, settings):
    settings.DEFAULT_FROM_EMAIL = "mail@app.example"
    Installation.objects.update(shop_name="Linden Goods")

    response = ask(client, standin_installation, "{ appSettings { sender } }")

    assert response.json() == {
        "data": {"appSettings": {"sender": "Linden Goods <mail@app.example>"}}
    }


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"checkoutAbandonedAfterMinutes": 14}, "INVALID_WINDOW"),
        ({"checkoutAbandonedAfterMinutes": 4321}, "INVALID_WINDOW"),
        ({"browseAbandonedAfterMinutes": 10}, "INVALID_WINDOW"),
        ({"browseWindowHours": 0}, "INVALID_WINDOW"),
        ({"browseWindowHours": 169}, "INVALID_WINDOW"),
        ({"browseWindowHours": 1, "browseAbandonedAfterMinutes": 60}, "INVALID_WINDOW"),
        ({"storefrontUrls": {"*": "javascript:alert(1)"}}, "INVALID_STOREFRONT_URL"),
        ({"storefrontUrls": {"*": "https://shop.example/?c={channel}"}}, "INVALID_STOREFRONT_URL"),
        ({"storefrontUrls": {"*": "https://shop.example/{slug}"}}, "INVALID_STOREFRONT_URL"),
        ({"storefrontUrls": {"": "https://shop.example"}}, "INVALID_STOREFRONT_URL"),
        ({"storefrontUrls": {"eu": 5}}, "INVALID_STOREFRONT_URL"),
        ({"storefrontUrls": ["https://shop.example"]}, "INVALID_STOREFRONT_URL"),
        ({"senderName": "Linden\nBcc: x@y.z"}, "INVALID_SENDER_NAME"),
    ],
)
def test_invalid_identity_settings_are_refused_and_change_nothing(
    client, standin_installation, values, code
):
    response = ask(client, standin_installation, IDENTITY, {"input": values})

    assert response.json()["errors"][0]["extensions"]["code"] == code
    installation = Installation.objects.get()
    assert (installation.storefront_urls, installation.checkout_abandoned_after_minutes) == ({}, 60)
    assert (installation.browse_window_hours, installation.browse_abandoned_after_minutes) == (
        24,
        120,
    )
    assert rules_of(installation.pk)[1].sender_name == ""


def test_a_channel_without_a_storefront_url_is_named_in_the_warnings(client, standin_installation):
    # given: checkouts in two channels, a URL for one of them only
    for slug in ("default-channel", "b2b"):
        CheckoutRecord.objects.create(
            installation=standin_installation,
            saleor_id=f"c-{slug}",
            channel_slug=slug,
            currency="USD",
            total=Decimal("10"),
            created_at=datetime(2026, 6, 1, tzinfo=UTC),
            last_change_at=datetime(2026, 6, 1, tzinfo=UTC),
            source_updated_at=datetime(2026, 6, 1, tzinfo=UTC),
        )
    Installation.objects.update(
        shop_name="Linden", storefront_urls={"default-channel": "https://linden.example"}
    )

    # when
    response = ask(client, standin_installation, "{ appSettings { warnings } }")

    # then
    assert response.json()["data"]["appSettings"]["warnings"][0] == (
        "No storefront URL for channel b2b: its resume, product and order links go to the"
        " Saleor API host https://127.0.0.1"
    )


REFRESH = "mutation { refreshShopName { installation { shopName shopNameReadAt } } }"


def test_the_admin_has_the_shops_name_read_again(client, standin, standin_installation):
    # given
    standin.answers["ShopName"] = lambda variables: (200, {"data": {"shop": {"name": "Linden"}}})

    # when
    response = ask(client, standin_installation, REFRESH)

    # then
    installation = response.json()["data"]["refreshShopName"]["installation"]
    assert installation["shopName"] == "Linden"
    assert installation["shopNameReadAt"] is not None
    assert Installation.objects.get().shop_name == "Linden"


def test_saleor_failing_a_refresh_keeps_the_stored_name(client, standin, standin_installation):
    Installation.objects.update(shop_name="Linden")
    standin.fail_next((503, {"errors": [{"message": "down"}]}))
    standin.answers["ShopName"] = lambda variables: (500, {"errors": [{"message": "down"}]})

    response = ask(client, standin_installation, REFRESH)

    assert response.json()["data"]["refreshShopName"]["installation"]["shopName"] == "Linden"
    assert Installation.objects.get().shop_name == "Linden"
