from graphql import parse, validate

from saleor_mautomation.saleor.webhooks import SPECS
from tests.saleor.test_documents import saleor_schema

EVENTS = {
    "CUSTOMER_CREATED",
    "CUSTOMER_UPDATED",
    "CUSTOMER_DELETED",
    "CUSTOMER_METADATA_UPDATED",
    "ACCOUNT_CONFIRMATION_REQUESTED",
    "ACCOUNT_CONFIRMED",
    "ACCOUNT_DELETE_REQUESTED",
    "ACCOUNT_DELETED",
    "CHECKOUT_CREATED",
    "CHECKOUT_UPDATED",
    "CHECKOUT_FULLY_PAID",
    "ORDER_CREATED",
    "ORDER_CONFIRMED",
    "ORDER_FULLY_PAID",
    "ORDER_FULFILLED",
    "ORDER_CANCELLED",
    "ORDER_REFUNDED",
    "ORDER_FULLY_REFUNDED",
    "ORDER_UPDATED",
    "APP_DELETED",
    "PRODUCT_CREATED",
    "PRODUCT_UPDATED",
    "PRODUCT_DELETED",
    "PRODUCT_VARIANT_CREATED",
    "PRODUCT_VARIANT_UPDATED",
    "PRODUCT_VARIANT_DELETED",
    "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
    "PRODUCT_VARIANT_BACK_IN_STOCK",
    "PRODUCT_VARIANT_OUT_OF_STOCK",
    "PRODUCT_VARIANT_STOCK_UPDATED",
    "CATEGORY_CREATED",
    "CATEGORY_UPDATED",
    "CATEGORY_DELETED",
    "COLLECTION_CREATED",
    "COLLECTION_UPDATED",
    "COLLECTION_DELETED",
}


def get_manifest(client, settings):
    settings.APP_URL = "https://mautomation.example.com"
    response = client.get("/api/manifest")
    assert response.status_code == 200
    return response.json()


def test_manifest_declares_the_app(client, settings):
    manifest = get_manifest(client, settings)

    assert manifest["id"] == "app.saleor-mautomation"
    assert manifest["appUrl"] == "https://mautomation.example.com/dashboard/"
    assert manifest["tokenTargetUrl"] == "https://mautomation.example.com/api/register"
    assert manifest["dataPrivacyUrl"] == "https://mautomation.example.com/dashboard/privacy"
    assert manifest["supportUrl"] == "https://mautomation.example.com/dashboard/support"
    assert manifest["requiredSaleorVersion"] == ">=3.22 <4"
    assert sorted(manifest["permissions"]) == [
        "MANAGE_CHECKOUTS",
        "MANAGE_DISCOUNTS",
        "MANAGE_ORDERS",
        "MANAGE_PRODUCTS",
        "MANAGE_USERS",
    ]


def test_manifest_subscribes_to_every_event_once_with_a_valid_query(client, settings):
    manifest = get_manifest(client, settings)

    events = [event for hook in manifest["webhooks"] for event in hook["asyncEvents"]]
    assert sorted(events) == sorted(EVENTS)
    for hook in manifest["webhooks"]:
        assert hook["targetUrl"] == "https://mautomation.example.com/api/webhooks/saleor"
        assert hook["isActive"] is True
        assert validate(saleor_schema(), parse(hook["query"])) == []
    assert len(SPECS) == len(EVENTS)


def test_manifest_extensions(client, settings):
    manifest = get_manifest(client, settings)

    by_mount = {ext["mount"]: ext for ext in manifest["extensions"]}
    assert by_mount["NAVIGATION_CUSTOMERS"]["target"] == "APP_PAGE"
    widget = by_mount["CUSTOMER_DETAILS_WIDGETS"]
    assert widget["target"] == "WIDGET"
    assert widget["url"] == "https://mautomation.example.com/dashboard/widgets/customer"
    assert widget["options"] == {"widgetTarget": {"method": "GET"}}
    assert all(ext["permissions"] == ["MANAGE_USERS"] for ext in manifest["extensions"])
