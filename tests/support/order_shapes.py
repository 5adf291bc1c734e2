"""Orders in the shape the app's backfill document asks Saleor for."""

import copy
from typing import Any


def money(amount: float, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


def order_row(node: dict[str, Any]) -> dict[str, Any]:
    """A captured order node completed to a row holding every field the app's document asks
    for (the capture asked for fewer), with Saleor's values for a paid demo order."""
    row = copy.deepcopy(node)
    currency = row["total"]["gross"]["currency"]
    row.update(
        authorizeStatus="FULL",
        origin="CHECKOUT",
        languageCodeEnum="EN_US",
        voucherCode=None,
        externalReference=None,
        metadata=[],
        billingAddress=None,
        shippingAddress=None,
        subtotal={"gross": row["total"]["gross"]},
        shippingPrice={"gross": money(0.0, currency)},
        totalCharged=row["total"]["gross"],
        fulfillments=[],
    )
    row["channel"] = {
        "id": "Q2hhbm5lbDox",
        "name": row["channel"]["slug"],
        "defaultCountry": {"code": "US"},
        **row["channel"],
    }
    for line in row["lines"]:
        amount = line["unitPrice"]["gross"]["amount"] * line["quantity"]
        line.update(
            productVariantId=line["variant"]["id"],
            thumbnail=None,
            totalPrice={"gross": money(amount, currency)},
        )
        line["variant"].update(name=line["variantName"], sku=line["productSku"])
        line["variant"]["product"]["productType"] = {"id": "UHJvZHVjdFR5cGU6MQ==", "name": "Shoes"}
    return row
