"""Deliveries for one customer, minted in the captured samples' exact shapes and signed.

The captured samples come from several customers; sequences about one person (register,
cart, order, refund, delete) are built from them by replacing the identifying fields.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tests.support.keys import SigningKey
from tests.support.samples import webhook_sample

T0 = datetime.fromisoformat("2026-01-10T09:00:00+00:00")


def at(days: float) -> str:
    return (T0 + timedelta(days=days)).isoformat()


@dataclass(frozen=True)
class Minted:
    event: str
    body: bytes


def _envelope(sample: str, issued_days: float) -> dict[str, Any]:
    body = copy.deepcopy(json.loads(webhook_sample(sample)["raw_body"]))
    body["issuedAt"] = at(issued_days)
    return body


def customer(event: str, *, user_id: str, email: str, day: float, **fields: Any) -> Minted:
    body = _envelope(event, day)
    user = body["user"]
    user.update({"id": user_id, "email": email, "updatedAt": at(day), "dateJoined": at(0)})
    user.update(fields)
    return Minted(event, json.dumps(body).encode())


def checkout(
    event: str,
    *,
    checkout_id: str,
    user_id: str | None,
    email: str | None,
    day: float,
    lines: int = 2,
) -> Minted:
    body = _envelope("CHECKOUT_UPDATED" if event != "CHECKOUT_CREATED" else "CHECKOUT_CREATED", day)
    body["__typename"] = {
        "CHECKOUT_CREATED": "CheckoutCreated",
        "CHECKOUT_UPDATED": "CheckoutUpdated",
        "CHECKOUT_FULLY_PAID": "CheckoutFullyPaid",
    }[event]
    data = body["checkout"]
    data.update(
        {
            "id": checkout_id,
            "email": email,
            "updatedAt": at(day),
            "lastChange": at(day),
            "created": at(0),
        }
    )
    data["user"] = {"id": user_id, "email": email} if user_id else None
    data["lines"] = data["lines"][:lines]
    return Minted(event, json.dumps(body).encode())


ORDER_TYPENAMES = {
    "ORDER_CREATED": "OrderCreated",
    "ORDER_CONFIRMED": "OrderConfirmed",
    "ORDER_FULLY_PAID": "OrderFullyPaid",
    "ORDER_FULFILLED": "OrderFulfilled",
    "ORDER_CANCELLED": "OrderCancelled",
    "ORDER_REFUNDED": "OrderRefunded",
    "ORDER_FULLY_REFUNDED": "OrderFullyRefunded",
    "ORDER_UPDATED": "OrderUpdated",
}


def order(
    event: str,
    *,
    order_id: str,
    number: str,
    user_id: str | None,
    email: str,
    placed: float,
    day: float,
    total: str = "43.98",
    currency: str = "USD",
    status: str = "UNFULFILLED",
    refunded: str = "0",
    checkout_id: str | None = None,
    category: str | None = "Juices",
) -> Minted:
    body = _envelope("ORDER_CREATED", day)
    body["__typename"] = ORDER_TYPENAMES[event]
    data = body["order"]
    data.update(
        {
            "id": order_id,
            "number": number,
            "userEmail": email,
            "created": at(placed),
            "updatedAt": at(day),
            "status": status,
            "checkoutId": checkout_id,
            "user": {"id": user_id, "email": email} if user_id else None,
        }
    )
    money = {"amount": float(Decimal(total)), "currency": currency}
    data["total"] = {"gross": money, "net": money}
    data["totalRefunded"] = {"amount": float(Decimal(refunded)), "currency": currency}
    data["channel"] = {**data["channel"], "currencyCode": currency}
    for line in data["lines"]:
        line["variant"]["product"]["category"] = (
            {"id": f"Q2F0ZWdvcnk6{category}", "name": category, "slug": category.lower()}
            if category
            else None
        )
    return Minted(event, json.dumps(body).encode())


def post(client: Any, key: SigningKey, api_url: str, minted: Minted) -> Any:
    return client.post(
        "/api/webhooks/saleor",
        data=minted.body,
        content_type="application/json",
        headers={
            "Saleor-Event": minted.event.lower(),
            "Saleor-Api-Url": api_url,
            "Saleor-Signature": key.sign_webhook(minted.body),
        },
    )
