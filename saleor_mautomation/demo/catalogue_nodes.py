"""The generated shop's catalogue as Saleor answers the app's catalogue sync and sends it in
product and variant deliveries (issue 20): one source for both, so a full sync and a delivery
say the same.

The shop (``demo/shop.py``) keeps what its orders and pickers need, and the catalogue's live
state (stock, promotions, listings taken out); Saleor's product answers also carry what the
app's catalogue reads: ``updatedAt``, collections, public metadata, a listing per channel
(published, purchasable since the shop opened, visible in listings unless taken out), and per
variant its stock in the one warehouse and its listing price in each channel.

A variant's ``pricing`` exists only in a channel's context (``productVariants(channel:)``;
Saleor's ``resolve_pricing`` answers null without one, and for a channel the variant is not
listed in), as ``get_variant_availability`` computes it with the demo's flat-rate taxes:
``price`` the discounted price, ``priceUndiscounted`` the listing price, each taxed. The EUR
channel's prices are entered with its 20 % VAT (gross is the price, net the price / 1.2); the
USD channel's carry no tax (gross equals net). Amounts are rounded half up to the cent, as
Saleor's ``Money.amount`` resolves them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from saleor_mautomation.demo.shop import cents
from saleor_mautomation.demo.shop_nodes import VAT, stamp

Node = dict[str, Any]


def _opened(shop: Any) -> str:
    return stamp(shop.anchor - timedelta(days=730))


def catalogue_category(shop: Any, category: Node) -> Node:
    return {**category, "updatedAt": _opened(shop), "parent": None}


def _variant(shop: Any, variant: Node) -> Node:
    return {
        **variant,
        "updatedAt": _opened(shop),
        "trackInventory": True,
        "stocks": [
            {
                "quantity": shop.stock(variant["id"]),
                "quantityAllocated": 0,
                "quantityReserved": 0,
            }
        ],
        "channelListings": [
            {
                "channel": channel,
                "price": {
                    "amount": shop.listing_price(variant["id"], channel["slug"]),
                    "currency": channel["currencyCode"],
                },
                "costPrice": None,
                "priorPrice": None,
            }
            for channel in shop.channels
        ],
        "pricing": None,
    }


def _product_core(shop: Any, product: Node) -> Node:
    """The product's own fields and listings (``CatalogueProductCore``), without variants."""
    core = {k: v for k, v in product.items() if k != "variants"}
    return {
        **core,
        "updatedAt": _opened(shop),
        "category": catalogue_category(shop, product["category"]),
        "collections": [],
        "metadata": [],
        "channelListings": [
            {
                "channel": channel,
                "isPublished": True,
                "visibleInListings": shop.listed_visibly(product["id"], channel["slug"]),
                "isAvailableForPurchase": True,
                "availableForPurchaseAt": _opened(shop),
            }
            for channel in shop.channels
        ],
    }


def catalogue_product(shop: Any, product: Node) -> Node:
    """``product`` with the fields Saleor answers the catalogue's documents with."""
    return {
        **_product_core(shop, product),
        "variants": [_variant(shop, variant) for variant in product["variants"]],
    }


def catalogue_variant(shop: Any, variant: Node) -> Node:
    """``variant`` as ``CatalogueVariantFields`` reads it: its product without variants."""
    product = shop.product(variant["product"]["id"])
    return {**_variant(shop, variant), "product": _product_core(shop, product)}


def _money(amount: Decimal, currency: str) -> Node:
    return {"amount": float(cents(amount)), "currency": currency}


def _taxed(price: Decimal, currency: str) -> Node:
    """A price entered in ``currency``'s channel, with its flat-rate tax
    (``calculate_flat_rate_tax``): the EUR channel's entered with VAT, the USD one's untaxed."""
    rate = Decimal(str(VAT[currency]))
    net, gross = (price / (1 + rate), price) if rate else (price, price)
    return {
        "currency": currency,
        "gross": _money(gross, currency),
        "net": _money(net, currency),
        "tax": _money(gross - net, currency),
    }


def variant_pricing(shop: Any, variant: Node, channel: str) -> Node:
    """``ProductVariant.pricing`` in ``channel`` (``VariantPricingInfo``)."""
    currency = shop.channel(channel)["currencyCode"]
    listing = Decimal(str(shop.listing_price(variant["id"], channel)))
    paid = Decimal(str(shop.discounted_price(variant["id"], channel)))
    price, undiscounted = _taxed(paid, currency), _taxed(listing, currency)
    # _get_total_discount: the undiscounted less the discounted price, when there is a discount
    discount = _taxed(listing - paid, currency) if paid < listing else None
    return {
        "onSale": discount is not None,
        "discount": discount,
        "discountPrior": None,
        "discountLocalCurrency": None,
        "price": price,
        "priceUndiscounted": undiscounted,
        "pricePrior": None,
        "priceLocalCurrency": None,
    }


def variant_in_channel(shop: Any, variant: Node, channel: str | None) -> Node:
    """The variant as ``productVariants`` answers it, in ``channel``'s context if given."""
    node = catalogue_variant(shop, variant)
    if channel is not None:
        node["pricing"] = variant_pricing(shop, variant, channel)
    return node
