"""The demo shop's nodes in Saleor's shapes: customers (``UserFields``), orders
(``OrderFields``) and checkouts (``CheckoutFields``) with their addresses, lines and money, and
the states an order goes through (paid, fulfilled, refunded, cancelled). Pure functions of a
seeded random generator; the generator (``shop.py``) and the simulator build with them.
"""

from __future__ import annotations

import base64
import random
import unicodedata
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from saleor_mautomation.demo.shop_data import CATEGORIES, COUNTRIES, EMAIL_DOMAINS, Country

Node = dict[str, Any]
PRODUCTS_PER_CATEGORY = 12
FAVOURITE_SHARE = 0.7
FREE_SHIPPING_FROM = 75.0
SHIPPING = {"USD": 4.99, "EUR": 4.9}
VAT = {"USD": 0.0, "EUR": 0.2}  # the EUR channel's prices include VAT; the USD prices are net


class Priced(Protocol):
    """What a node builder needs of the shop: a variant's price in a currency."""

    products: list[Any]

    def price(self, variant_id: str, currency: str) -> float: ...


def gid(kind: str, key: object) -> str:
    """A Saleor global id: ``base64("<Type>:<pk>")``."""
    return base64.b64encode(f"{kind}:{key}".encode()).decode()


def gid_decode(value: str) -> tuple[str, str]:
    kind, _, key = base64.b64decode(value).decode().partition(":")
    return kind, key


def random_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def stamp(moment: datetime) -> str:
    """A time as Saleor writes it (``2026-11-23T15:36:02.918163+00:00``)."""
    return moment.astimezone(UTC).isoformat()


def money(amount: float, currency: str) -> Node:
    return {"amount": round(amount, 2), "currency": currency}


def taxed(gross: float, currency: str) -> Node:
    return {
        "gross": money(gross, currency),
        "net": money(gross / (1 + VAT[currency]), currency),
    }


def ascii_fold(text: str) -> str:
    folded = text.replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum() or c == "-").strip("-")


def weighted(rng: random.Random, items: Sequence[Any], weights: Sequence[float]) -> Any:
    return rng.choices(items, weights=weights)[0]


# -- people ----------------------------------------------------------------------------------


def person(rng: random.Random, *, pk: int, joined: datetime, with_address: bool = True) -> Node:
    """A customer as ``UserFields`` shows one, joined at ``joined``."""
    country = weighted(rng, COUNTRIES, [c.weight for c in COUNTRIES])
    first, last = rng.choice(country.first_names), rng.choice(country.last_names)
    email = (
        f"{ascii_fold(first)}.{ascii_fold(last).replace('-', '')}.{pk}@{rng.choice(EMAIL_DOMAINS)}"
    )
    metadata = []
    consent = rng.random()
    if consent < 0.48:
        metadata.append({"key": "marketing_consent", "value": "granted"})
    elif consent < 0.60:
        metadata.append({"key": "marketing_consent", "value": "withdrawn"})
    if rng.random() < 0.35:
        born = date(1955, 1, 1) + timedelta(days=rng.randrange(50 * 365))
        metadata.append({"key": "birthday", "value": born.isoformat()})
    address = _address(rng, country, first, last, pk) if with_address else None
    return {
        "id": gid("User", pk),
        "email": email,
        "firstName": first,
        "lastName": last,
        "dateJoined": stamp(joined),
        "updatedAt": stamp(joined + timedelta(seconds=rng.randrange(5, 600))),
        "isActive": True,
        "isConfirmed": rng.random() < 0.96,
        "languageCode": country.language if rng.random() < 0.85 else "EN_US",
        "externalReference": None,
        "metadata": metadata,
        "privateMetadata": [],
        "defaultBillingAddress": address,
        "defaultShippingAddress": address,
    }


def _address(rng: random.Random, country: Country, first: str, last: str, pk: int) -> Node:
    city, postal = rng.choice(country.cities)
    digits = 5 if country.code in {"US", "DE", "FR", "ES", "IT"} else 4
    postal_code = postal + "".join(str(rng.randrange(10)) for _ in range(digits - len(postal)))
    if country.code == "PL":
        postal_code = f"{postal}-{rng.randrange(100, 999)}"
    if country.code in {"GB", "CA"}:
        postal_code = f"{postal} {rng.randrange(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}X"
    return {
        "id": gid("Address", pk),
        "firstName": first,
        "lastName": last,
        "companyName": "",
        "streetAddress1": f"{rng.randrange(1, 180)} {rng.choice(country.streets)}",
        "streetAddress2": "",
        "city": city.upper(),
        "cityArea": "",
        "postalCode": postal_code,
        "country": {"code": country.code, "country": country.name},
        "countryArea": rng.choice(country.areas),
        "phone": f"{country.phone_prefix}{rng.randrange(10**8, 10**9)}",
    }


def channel_for(country_code: str) -> str:
    for country in COUNTRIES:
        if country.code == country_code:
            return country.channel
    return "default-channel"


# -- orders and checkouts ----------------------------------------------------------------------


def _user_ref(user: Node | None) -> Node | None:
    return {"id": user["id"], "email": user["email"]} if user else None


def order_node(
    *,
    rng: random.Random,
    shop: Priced,
    number: int,
    user: Node | None,
    email: str,
    address: Node | None,
    language: str,
    channel: Node,
    items: Sequence[tuple[Node, int]],
    created: datetime,
) -> Node:
    """A new order, paid (Saleor's checkoutComplete with a charged transaction), unfulfilled."""
    currency = channel["currencyCode"]
    lines: list[Node] = []
    for variant, quantity in items:
        unit = shop.price(variant["id"], currency)
        product = variant["product"]
        lines.append(
            {
                "id": gid("OrderLine", random_uuid(rng)),
                "productName": product["name"],
                "variantName": variant["name"],
                "productSku": variant["sku"],
                "productVariantId": variant["id"],
                "quantity": quantity,
                "quantityFulfilled": 0,
                "thumbnail": product["thumbnail"],
                "variant": variant,
                "unitPrice": taxed(unit, currency),
                "totalPrice": taxed(unit * quantity, currency),
            }
        )
    subtotal = round(sum(line["totalPrice"]["gross"]["amount"] for line in lines), 2)
    shipping = 0.0 if subtotal >= FREE_SHIPPING_FROM else SHIPPING[currency]
    total = round(subtotal + shipping, 2)
    return {
        "id": gid("Order", random_uuid(rng)),
        "number": str(number),
        "userEmail": email,
        "created": stamp(created),
        "updatedAt": stamp(created + timedelta(seconds=1)),
        "status": "UNFULFILLED",
        "paymentStatus": "FULLY_CHARGED",
        "chargeStatus": "FULL",
        "authorizeStatus": "FULL",
        "isPaid": True,
        "origin": "CHECKOUT",
        "checkoutId": gid("Checkout", random_uuid(rng)),
        "languageCodeEnum": language,
        "voucherCode": None,
        "externalReference": None,
        "channel": channel,
        "user": _user_ref(user),
        "metadata": [],
        "privateMetadata": [],
        "billingAddress": address,
        "shippingAddress": address,
        "total": taxed(total, currency),
        "subtotal": taxed(subtotal, currency),
        "shippingPrice": taxed(shipping, currency),
        "totalCharged": money(total, currency),
        "totalRefunded": money(0, currency),
        "lines": lines,
        "fulfillments": [],
    }


def order_fulfilled(order: Node, *, at: datetime, fulfillment_pk: int) -> Node:
    """The order after Saleor's orderFulfill of every line (a new dict)."""
    fulfilled = dict(order)
    fulfilled["lines"] = [
        {**line, "quantityFulfilled": line["quantity"]} for line in order["lines"]
    ]
    fulfilled["fulfillments"] = [
        *order["fulfillments"],
        {"id": gid("Fulfillment", fulfillment_pk), "status": "FULFILLED", "created": stamp(at)},
    ]
    fulfilled.update(status="FULFILLED", updatedAt=stamp(at))
    return fulfilled


def order_refunded(order: Node, *, at: datetime) -> Node:
    """The order after a full refund of its charged transaction (a new dict)."""
    currency = order["total"]["gross"]["currency"]
    refunded = dict(order)
    refunded.update(
        paymentStatus="FULLY_REFUNDED",
        chargeStatus="NONE",
        totalCharged=money(0, currency),
        totalRefunded=money(order["total"]["gross"]["amount"], currency),
        updatedAt=stamp(at),
    )
    return refunded


def order_cancelled(order: Node, *, at: datetime) -> Node:
    """The order cancelled before any payment was taken (a new dict)."""
    currency = order["total"]["gross"]["currency"]
    cancelled = dict(order)
    cancelled.update(
        status="CANCELED",
        paymentStatus="NOT_CHARGED",
        chargeStatus="NONE",
        authorizeStatus="NONE",
        isPaid=False,
        totalCharged=money(0, currency),
        updatedAt=stamp(at),
    )
    return cancelled


def checkout_node(
    *,
    rng: random.Random,
    shop: Priced,
    user: Node | None,
    email: str | None,
    address: Node | None,
    language: str,
    channel: Node,
    items: Sequence[tuple[Node, int]],
    created: datetime,
    changed: datetime,
    anonymous_id: str | None = None,
) -> Node:
    """An open checkout; ``anonymous_id`` is what a storefront keeps in its metadata."""
    token = random_uuid(rng)
    node: Node = {"id": gid("Checkout", token), "token": str(token), "created": stamp(created)}
    node.update(
        email=email,
        languageCode=language,
        voucherCode=None,
        channel=channel,
        user=_user_ref(user),
        metadata=[{"key": "mautomation.anonymous_id", "value": anonymous_id}]
        if anonymous_id
        else [],
        privateMetadata=[],
        billingAddress=address,
        shippingAddress=address,
        chargeStatus="NONE",
        authorizeStatus="NONE",
    )
    return checkout_lines_set(node, rng=rng, shop=shop, items=items, at=changed)


def checkout_lines_set(
    checkout: Node,
    *,
    rng: random.Random,
    shop: Priced,
    items: Sequence[tuple[Node, int]],
    at: datetime,
) -> Node:
    """The checkout with these lines, changed at ``at`` (a new dict)."""
    currency = checkout["channel"]["currencyCode"]
    lines: list[Node] = []
    for variant, quantity in items:
        unit = shop.price(variant["id"], currency)
        lines.append(
            {
                "id": gid("CheckoutLine", random_uuid(rng)),
                "quantity": quantity,
                "variant": variant,
                "unitPrice": taxed(unit, currency),
                "totalPrice": taxed(unit * quantity, currency),
            }
        )
    subtotal = round(sum(line["totalPrice"]["gross"]["amount"] for line in lines), 2)
    return {
        **checkout,
        "lines": lines,
        "subtotalPrice": taxed(subtotal, currency),
        "totalPrice": taxed(subtotal, currency),
        "updatedAt": stamp(at),
        "lastChange": stamp(at),
    }


def basket(shop: Priced, rng: random.Random, favourite: int) -> list[tuple[Node, int]]:
    """1 to 4 lines of 1 to 3 items, mostly from the favourite category."""
    items: dict[str, tuple[Node, int]] = {}
    for _ in range(weighted(rng, (1, 2, 3, 4), (50, 30, 15, 5))):
        category = favourite if rng.random() < FAVOURITE_SHARE else rng.randrange(len(CATEGORIES))
        product = shop.products[
            category * PRODUCTS_PER_CATEGORY + rng.randrange(PRODUCTS_PER_CATEGORY)
        ]
        variant = rng.choice(product["variants"])
        items[variant["id"]] = (variant, weighted(rng, (1, 2, 3), (80, 15, 5)))
    return list(items.values())
