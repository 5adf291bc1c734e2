"""Typed webhook payloads: what the subscriptions in ``webhooks.py`` ask Saleor for.

Models are lenient about extra fields (Saleor adds fields over time) and strict about the
ones handlers rely on. Money stays ``Decimal`` with its currency: never mix currencies.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel


class Payload(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="ignore", frozen=True
    )


class Principal(Payload):
    typename: str = Field(alias="__typename")
    id: str | None = None
    email: str | None = None
    name: str | None = None


class MetadataItem(Payload):
    key: str
    value: str


class Country(Payload):
    code: str
    country: str | None = None


class Address(Payload):
    id: str | None = None
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    street_address_1: str = Field("", alias="streetAddress1")
    street_address_2: str = Field("", alias="streetAddress2")
    city: str = ""
    city_area: str = ""
    postal_code: str = ""
    country: Country | None = None
    country_area: str = ""
    phone: str | None = None


class Money(Payload):
    amount: Decimal
    currency: str


class TaxedMoney(Payload):
    gross: Money
    net: Money | None = None


class CountryCode(Payload):
    code: str


class Channel(Payload):
    id: str | None = None
    slug: str
    name: str | None = None
    currency_code: str | None = None
    default_country: CountryCode | None = None


class UserRef(Payload):
    id: str
    email: str | None = None


class User(Payload):
    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    date_joined: datetime | None = None
    updated_at: datetime | None = None
    is_active: bool = True
    is_confirmed: bool = True
    language_code: str | None = None
    external_reference: str | None = None
    metadata: list[MetadataItem] = Field(default_factory=list)
    private_metadata: list[MetadataItem] = Field(default_factory=list)
    default_billing_address: Address | None = None
    default_shipping_address: Address | None = None


class Named(Payload):
    id: str
    name: str | None = None
    slug: str | None = None


class Image(Payload):
    url: str
    alt: str | None = None


class Product(Payload):
    id: str
    name: str
    slug: str | None = None
    category: Named | None = None
    product_type: Named | None = None
    thumbnail: Image | None = None


class Variant(Payload):
    id: str
    name: str | None = None
    sku: str | None = None
    product: Product | None = None


class CheckoutLine(Payload):
    id: str
    quantity: int
    variant: Variant | None = None
    unit_price: TaxedMoney | None = None
    total_price: TaxedMoney | None = None


class Checkout(Payload):
    id: str
    token: str | None = None
    email: str | None = None
    created: datetime | None = None
    updated_at: datetime | None = None
    last_change: datetime | None = None
    language_code: str | None = None
    voucher_code: str | None = None
    channel: Channel
    user: UserRef | None = None
    metadata: list[MetadataItem] = Field(default_factory=list)
    billing_address: Address | None = None
    shipping_address: Address | None = None
    lines: list[CheckoutLine] = Field(default_factory=list)
    subtotal_price: TaxedMoney | None = None
    total_price: TaxedMoney | None = None
    charge_status: str | None = None
    authorize_status: str | None = None


class OrderLine(Payload):
    id: str
    product_name: str = ""
    variant_name: str = ""
    product_sku: str | None = None
    product_variant_id: str | None = None
    quantity: int
    quantity_fulfilled: int = 0
    thumbnail: Image | None = None
    variant: Variant | None = None
    unit_price: TaxedMoney | None = None
    total_price: TaxedMoney | None = None


class Fulfillment(Payload):
    id: str
    status: str
    created: datetime | None = None


class Order(Payload):
    id: str
    number: str
    user_email: str | None = None
    created: datetime
    updated_at: datetime | None = None
    status: str
    payment_status: str | None = None
    charge_status: str | None = None
    authorize_status: str | None = None
    is_paid: bool = False
    checkout_id: str | None = None
    language_code_enum: str | None = None
    voucher_code: str | None = None
    external_reference: str | None = None
    channel: Channel
    user: UserRef | None = None
    metadata: list[MetadataItem] = Field(default_factory=list)
    billing_address: Address | None = None
    shipping_address: Address | None = None
    total: TaxedMoney
    subtotal: TaxedMoney | None = None
    shipping_price: TaxedMoney | None = None
    total_charged: Money | None = None
    total_refunded: Money | None = None
    lines: list[OrderLine] = Field(default_factory=list)
    fulfillments: list[Fulfillment] = Field(default_factory=list)


class AppRef(Payload):
    id: str
    name: str | None = None


class Event(Payload):
    """The envelope every subscription asks for."""

    typename: str = Field(alias="__typename")
    issued_at: datetime
    version: str | None = None
    issuing_principal: Principal | None = None


class CustomerEvent(Event):
    user: User | None = None


class AccountEvent(Event):
    user: User | None = None
    channel: Channel | None = None
    redirect_url: str | None = None


class CheckoutEvent(Event):
    checkout: Checkout | None = None


class OrderEvent(Event):
    order: Order | None = None


class AppDeletedEvent(Event):
    app: AppRef | None = None


# The catalogue (issue 20): what the product, variant, category and collection subscriptions
# and the full sync ask for. No channel is given, so listings and stocks come for every channel
# and warehouse; a field the subscription did not ask for (an older subscription still in
# Saleor, the captured deliveries) stays ``None`` and the stored value is kept.


class ChannelRef(Payload):
    slug: str
    currency_code: str = ""


class Amount(Payload):
    amount: Decimal
    currency: str


class ProductListing(Payload):
    channel: ChannelRef
    is_published: bool = False
    visible_in_listings: bool = False
    is_available_for_purchase: bool | None = None
    available_for_purchase_at: datetime | None = None


class VariantListing(Payload):
    channel: ChannelRef
    price: Amount | None = None


class Stock(Payload):
    quantity: int
    quantity_allocated: int = 0


class IdRef(Payload):
    id: str


class CatalogueCategory(Payload):
    id: str
    name: str = ""
    slug: str = ""
    parent: IdRef | None = None
    updated_at: datetime | None = None


class CatalogueCollection(Payload):
    id: str
    name: str = ""
    slug: str = ""


class CatalogueVariant(Payload):
    id: str
    name: str | None = None
    sku: str | None = None
    updated_at: datetime | None = None
    track_inventory: bool | None = None
    quantity_available: int | None = None
    stocks: list[Stock] | None = None
    channel_listings: list[VariantListing] | None = None


class CatalogueProduct(Payload):
    id: str
    name: str = ""
    slug: str = ""
    updated_at: datetime | None = None
    category: CatalogueCategory | None = None
    collections: list[CatalogueCollection] | None = None
    product_type: Named | None = None
    thumbnail: Image | None = None
    metadata: list[MetadataItem] | None = None
    channel_listings: list[ProductListing] | None = None
    variants: list[CatalogueVariant] | None = None


class CatalogueVariantOf(CatalogueVariant):
    """A variant with its product (without the product's variants): variant deliveries."""

    product: CatalogueProduct | None = None


class ProductEvent(Event):
    product: CatalogueProduct | None = None


class VariantEvent(Event):
    product_variant: CatalogueVariantOf | None = None


class VariantPriceEvent(Event):
    product_variant: CatalogueVariantOf | None = None
    channel: ChannelRef | None = None
    previous_price: Amount | None = None
    new_price: Amount | None = None


class CategoryEvent(Event):
    category: CatalogueCategory | None = None


class CollectionEvent(Event):
    collection: CatalogueCollection | None = None
