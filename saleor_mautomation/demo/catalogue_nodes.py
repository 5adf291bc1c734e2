"""The generated shop's catalogue as Saleor answers the app's catalogue sync (issue 20).

The shop (``demo/shop.py``) keeps what its orders and pickers need; Saleor's product answers
also carry what the app's catalogue reads: ``updatedAt``, collections, public metadata, a
listing per channel (published, visible, purchasable since the shop opened), and per variant
its stocks in the one warehouse and its price in each channel. Stock is derived from the
variant's number, so every run of the demo has the same sold-out variants (one in nine).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from saleor_mautomation.demo.shop_nodes import stamp

Node = dict[str, Any]


def _opened(shop: Any) -> str:
    return stamp(shop.anchor - timedelta(days=730))


def catalogue_category(shop: Any, category: Node) -> Node:
    return {**category, "updatedAt": _opened(shop), "parent": None}


def _quantity(number: int) -> int:
    return 0 if number % 9 == 0 else (number * 37) % 60 + 5


def _variant(shop: Any, variant: Node) -> Node:
    number = int(variant["sku"].rsplit("-", 2)[1]) * 10 + int(variant["sku"].rsplit("-", 1)[1])
    return {
        **variant,
        "updatedAt": _opened(shop),
        "trackInventory": True,
        "stocks": [
            {
                "quantity": _quantity(number),
                "quantityAllocated": 0,
                "quantityReserved": 0,
            }
        ],
        "channelListings": [
            {
                "channel": channel,
                "price": {
                    "amount": shop.price(variant["id"], channel["currencyCode"]),
                    "currency": channel["currencyCode"],
                },
            }
            for channel in shop.channels
        ],
    }


def catalogue_product(shop: Any, product: Node) -> Node:
    """``product`` with the fields Saleor answers the catalogue's documents with."""
    return {
        **product,
        "updatedAt": _opened(shop),
        "category": catalogue_category(shop, product["category"]),
        "collections": [],
        "metadata": [],
        "channelListings": [
            {
                "channel": channel,
                "isPublished": True,
                "visibleInListings": True,
                "isAvailableForPurchase": True,
                "availableForPurchaseAt": _opened(shop),
            }
            for channel in shop.channels
        ],
        "variants": [_variant(shop, variant) for variant in product["variants"]],
    }
