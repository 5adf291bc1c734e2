"""The Saleor side of every webhook the app subscribes to: event, subscription, payload model.

This is the one declaration of the boundary. The manifest is generated from it, the intake
registry pairs each spec with its handler, and the tests validate every subscription against
Saleor's schema and parse every captured delivery with its payload model.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.documents import with_fragments

ENVELOPE = "__typename issuedAt version issuingPrincipal { ...Principal }"


@dataclass(frozen=True)
class WebhookSpec:
    event: str
    typename: str
    selection: str
    payload: type[payloads.Event]

    @cached_property
    def subscription(self) -> str:
        body = (
            "subscription {\n  event {\n    " + ENVELOPE + "\n"
            f"    ... on {self.typename} {{ {self.selection} }}\n  }}\n}}"
        )
        return with_fragments(body)

    @property
    def name(self) -> str:
        return f"mautomation-{self.event.lower().replace('_', '-')}"

    def parse(self, body: bytes | str) -> payloads.Event:
        return self.payload.model_validate_json(body)


def _customer(event: str, typename: str, fragment: str = "UserFields") -> WebhookSpec:
    return WebhookSpec(event, typename, f"user {{ ...{fragment} }}", payloads.CustomerEvent)


def _account(event: str, typename: str, fragment: str = "UserFields") -> WebhookSpec:
    return WebhookSpec(
        event,
        typename,
        f"redirectUrl channel {{ ...ChannelFields }} user {{ ...{fragment} }}",
        payloads.AccountEvent,
    )


def _checkout(event: str, typename: str) -> WebhookSpec:
    return WebhookSpec(event, typename, "checkout { ...CheckoutFields }", payloads.CheckoutEvent)


def _order(event: str, typename: str) -> WebhookSpec:
    return WebhookSpec(event, typename, "order { ...OrderFields }", payloads.OrderEvent)


def _product(event: str, typename: str) -> WebhookSpec:
    return WebhookSpec(
        event, typename, "product { ...CatalogueProductFields }", payloads.ProductEvent
    )


def _variant(event: str, typename: str) -> WebhookSpec:
    return WebhookSpec(
        event, typename, "productVariant { ...CatalogueVariantFields }", payloads.VariantEvent
    )


# Deletions need the ids alone (Saleor builds these payloads from the instance it is deleting).
PRODUCT_DELETED = WebhookSpec(
    "PRODUCT_DELETED", "ProductDeleted", "product { id }", payloads.ProductEvent
)
VARIANT_DELETED = WebhookSpec(
    "PRODUCT_VARIANT_DELETED",
    "ProductVariantDeleted",
    "productVariant { id updatedAt product { id } }",
    payloads.VariantEvent,
)
# Sent when Saleor recomputes a variant's discounted price in a channel (a promotion starts
# or ends, the listing's price changes): the price a customer pays there, before and after.
VARIANT_PRICE = WebhookSpec(
    "PRODUCT_VARIANT_DISCOUNTED_PRICE_UPDATED",
    "ProductVariantDiscountedPriceUpdated",
    "productVariant { id updatedAt product { id } } channel { slug currencyCode } "
    "previousPrice { amount currency } newPrice { amount currency }",
    payloads.VariantPriceEvent,
)


def _category(event: str, typename: str, selection: str) -> WebhookSpec:
    return WebhookSpec(event, typename, f"category {{ {selection} }}", payloads.CategoryEvent)


def _collection(event: str, typename: str, selection: str) -> WebhookSpec:
    return WebhookSpec(event, typename, f"collection {{ {selection} }}", payloads.CollectionEvent)


CATALOGUE_SPECS: tuple[WebhookSpec, ...] = (
    _product("PRODUCT_CREATED", "ProductCreated"),
    _product("PRODUCT_UPDATED", "ProductUpdated"),
    PRODUCT_DELETED,
    _variant("PRODUCT_VARIANT_CREATED", "ProductVariantCreated"),
    _variant("PRODUCT_VARIANT_UPDATED", "ProductVariantUpdated"),
    VARIANT_DELETED,
    VARIANT_PRICE,
    _variant("PRODUCT_VARIANT_BACK_IN_STOCK", "ProductVariantBackInStock"),
    _variant("PRODUCT_VARIANT_OUT_OF_STOCK", "ProductVariantOutOfStock"),
    _variant("PRODUCT_VARIANT_STOCK_UPDATED", "ProductVariantStockUpdated"),
    _category("CATEGORY_CREATED", "CategoryCreated", "...CatalogueCategoryFields"),
    _category("CATEGORY_UPDATED", "CategoryUpdated", "...CatalogueCategoryFields"),
    _category("CATEGORY_DELETED", "CategoryDeleted", "id"),
    _collection("COLLECTION_CREATED", "CollectionCreated", "id name slug"),
    _collection("COLLECTION_UPDATED", "CollectionUpdated", "id name slug"),
    _collection("COLLECTION_DELETED", "CollectionDeleted", "id"),
)

SPECS: tuple[WebhookSpec, ...] = (
    _customer("CUSTOMER_CREATED", "CustomerCreated"),
    _customer("CUSTOMER_UPDATED", "CustomerUpdated"),
    _customer("CUSTOMER_DELETED", "CustomerDeleted", "DeletedUserFields"),
    _customer("CUSTOMER_METADATA_UPDATED", "CustomerMetadataUpdated"),
    # The confirmation and deletion tokens are deliberately not asked for: the app has no use
    # for them and must not store secrets that let someone act as the customer.
    _account("ACCOUNT_CONFIRMATION_REQUESTED", "AccountConfirmationRequested"),
    _account("ACCOUNT_CONFIRMED", "AccountConfirmed"),
    _account("ACCOUNT_DELETE_REQUESTED", "AccountDeleteRequested"),
    _account("ACCOUNT_DELETED", "AccountDeleted", "DeletedUserFields"),
    _checkout("CHECKOUT_CREATED", "CheckoutCreated"),
    _checkout("CHECKOUT_UPDATED", "CheckoutUpdated"),
    _checkout("CHECKOUT_FULLY_PAID", "CheckoutFullyPaid"),
    _order("ORDER_CREATED", "OrderCreated"),
    _order("ORDER_CONFIRMED", "OrderConfirmed"),
    _order("ORDER_FULLY_PAID", "OrderFullyPaid"),
    _order("ORDER_FULFILLED", "OrderFulfilled"),
    _order("ORDER_CANCELLED", "OrderCancelled"),
    _order("ORDER_REFUNDED", "OrderRefunded"),
    _order("ORDER_FULLY_REFUNDED", "OrderFullyRefunded"),
    _order("ORDER_UPDATED", "OrderUpdated"),
    WebhookSpec("APP_DELETED", "AppDeleted", "app { id name }", payloads.AppDeletedEvent),
    *CATALOGUE_SPECS,
)

SPECS_BY_EVENT: dict[str, WebhookSpec] = {spec.event: spec for spec in SPECS}
