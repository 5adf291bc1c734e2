"""The personalisation context of one recipient: the names templates may use.

The contract (the default templates and the editor's example use exactly these):
``contact`` (first_name, last_name, email, language_code), ``shop`` (name, url, logo_url,
address, support_email), ``checkout`` (lines: image, name, variant, price, quantity, url;
total; resume_url), ``order`` (number, lines, total, url), ``voucher`` (code, description),
``recommendations`` (a slot a later catalogue feature fills), ``offers`` and ``links``
(unsubscribe, preferences, confirm). Money is formatted per currency here, once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.messages.offers import offers_for
from saleor_mautomation.saleor.models import Installation

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "PLN": "zł ", "CHF": "CHF "}


def money(amount: Decimal | str, currency: str) -> str:
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{value:,}" if symbol else f"{value:,} {currency}"


def _lines(lines: list[dict[str, Any]], currency: str, shop_url: str) -> list[dict[str, Any]]:
    return [
        {
            "image": line.get("thumbnail") or "",
            "name": line.get("product_name") or "",
            "variant": line.get("variant_name") or "",
            "price": money(str(line.get("unit_price") or 0), currency),
            "quantity": line.get("quantity") or 1,
            "url": f"{shop_url}/products/{line['product_slug']}"
            if line.get("product_slug")
            else shop_url,
        }
        for line in lines
    ]


def shop_of(installation: Installation) -> dict[str, str]:
    host = urlsplit(installation.saleor_api_url).hostname or ""
    origin = installation.storefront_origins[0] if installation.storefront_origins else ""
    return {
        "name": host.split(".")[0].capitalize() if host else "Shop",
        "url": origin or f"https://{host}",
        "logo_url": "",
        "address": "",
        "support_email": "",
    }


def recipient_context(
    *, contact: Contact, app_url: str, now: datetime | None = None
) -> dict[str, Any]:
    """The context for a real contact: its newest open checkout and newest order, and the
    offers of the shop's pool that fit it."""
    installation = Installation.objects.get(pk=contact.installation_id)
    shop = shop_of(installation)
    token = consent_token(contact, Purpose.PREFERENCES)
    context: dict[str, Any] = {
        "contact": {
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "email": contact.email or "",
            "language_code": contact.language_code,
        },
        "shop": shop,
        "checkout": None,
        "order": None,
        "voucher": None,
        "recommendations": [],
        "offers": offers_for(contact=contact, now=now or clock.now()),
        "links": {
            "unsubscribe": f"{app_url}/u/{token}",
            "preferences": f"{app_url}/p/{token}",
            "confirm": f"{app_url}/p/{consent_token(contact, Purpose.CONFIRM)}",
            "review": shop["url"],
        },
    }
    checkout = (
        CheckoutRecord.objects.filter(contact=contact, completed_at__isnull=True)
        .order_by("-last_change_at")
        .first()
    )
    if checkout is not None:
        context["checkout"] = {
            "lines": _lines(checkout.lines, checkout.currency, shop["url"]),
            "total": money(checkout.total, checkout.currency),
            "resume_url": f"{shop['url']}/checkout?checkout={checkout.token or checkout.saleor_id}",
        }
    order = OrderRecord.objects.filter(contact=contact).order_by("-placed_at").first()
    if order is not None:
        context["order"] = {
            "number": order.number,
            "lines": _lines(order.lines, order.currency, shop["url"]),
            "total": money(order.total_gross, order.currency),
            "url": f"{shop['url']}/orders/{order.number}",
        }
    return context
