"""Products in a recipient's context: the cart, the viewed and the ordered products as cards,
the product a commerce trigger is about, and the recommendations the template asks for.

Each is read only when a template of the batch names it (``blocks.Needs``), for the whole
batch at once: one card query per channel, one query of recent views, and one
``recommendations.selectors.recommend_many`` for every recipient's strategies (the same answers
as ``recommend`` per recipient, what they share read once). Cards come from the
catalogue (``catalogue.selectors.product_cards``) in the recipient's channel: that of the
message's event, else of their open checkout, else of their newest order, else the shop's
main channel (the one most products are listed in). Money is formatted here, once.

The names (``messages/defaults`` and docs/templates.md list them):

- a card: ``id, name, slug, url, image, price, currency, category, available``;
- ``cart``: the open checkout's lines, each a card plus ``variant``, ``quantity``, ``price``
  (the line's unit price) and ``total``;
- ``ordered``: the newest order's lines, the same way;
- ``viewed``: the products of the message's event (a browse abandonment's ``product_ids``),
  else those viewed in the shop's browse window, newest first, available ones only;
- ``product``: the card of the event's ``product_id`` (a commerce trigger's), with ``was``
  (the price before a drop), ``drop_percent`` and ``quantity_left`` where the event says;
- ``recommend(strategy, count)`` and ``recommendations`` (``blocks``): cards with a ``reason``
  in the recipient's language (English or German, ``recommendations.reasons``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count

from saleor_mautomation.catalogue.models import Product, ProductChannelListing
from saleor_mautomation.catalogue.selectors import ProductCard, product_cards
from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages.blocks import DEFAULT, Needs, Picks, recommend_function
from saleor_mautomation.messages.money import money
from saleor_mautomation.recommendations.selectors import Recommendation, Request, recommend_many
from saleor_mautomation.saleor.models import Installation

VIEWED_MAX = 10
PRODUCT_VIEWED = "product.viewed"


def card_of(card: ProductCard, fallback_url: str) -> dict[str, Any]:
    return {
        "id": card.id,
        "name": card.name,
        "slug": card.slug,
        "url": card.url or (f"{fallback_url}/products/{card.slug}" if card.slug else fallback_url),
        "image": card.image,
        "price": money(card.price, card.currency) if card.price is not None else "",
        "currency": card.currency,
        "category": card.category,
        "available": card.available,
    }


def _line(
    line: dict[str, Any], cards: Mapping[str, ProductCard], currency: str, shop_url: str
) -> dict[str, Any]:
    """A stored checkout or order line as a card (the catalogue's when it knows the product,
    else what the line itself carries) with the line's variant, quantity and prices."""
    product_id = str(line.get("product_id") or "")
    slug = line.get("product_slug") or ""
    quantity = int(line.get("quantity") or 1)
    unit = str(line.get("unit_price") or 0)
    card = cards.get(product_id)
    shown = (
        card_of(card, shop_url)
        if card is not None
        else {
            "id": product_id,
            "name": line.get("product_name") or "",
            "slug": slug,
            "url": f"{shop_url}/products/{slug}" if slug else shop_url,
            "image": line.get("thumbnail") or "",
            "currency": currency,
            "category": line.get("category_name") or "",
            "available": False,
        }
    )
    if card is not None and not shown["image"]:
        shown["image"] = line.get("thumbnail") or ""
    total = line.get("total_price")
    return shown | {
        "variant": line.get("variant_name") or "",
        "quantity": quantity,
        "price": money(unit, currency),
        "total": money(str(total) if total not in (None, "") else _times(unit, quantity), currency),
    }


def _times(unit: str, quantity: int) -> str:
    return str(Decimal(unit) * quantity)


def _product_ids(lines: Any) -> list[str]:
    ids: list[str] = []
    for line in lines if isinstance(lines, list) else []:
        product = line.get("product_id") if isinstance(line, dict) else None
        if isinstance(product, str) and product and product not in ids:
            ids.append(product)
    return ids


def _event_products(event: Mapping[str, Any]) -> list[str]:
    ids = [event["product_id"]] if isinstance(event.get("product_id"), str) else []
    listed = event.get("product_ids")
    ids += [p for p in listed if isinstance(p, str)] if isinstance(listed, list) else []
    return [p for p in dict.fromkeys(ids) if p]


def _main_channel(installation_id: int) -> str:
    row = (
        ProductChannelListing.objects.filter(product__installation_id=installation_id)
        .values("channel_slug")
        .annotate(n=Count("pk"))
        .order_by("-n", "channel_slug")
        .first()
    )
    return str(row["channel_slug"]) if row else ""


def _recent_views(contact_ids: list[int], since: datetime) -> dict[int, list[str]]:
    """Per contact, the distinct products viewed since ``since``, newest first."""
    viewed: dict[int, list[str]] = {}
    rows = (
        Event.objects.filter(contact_id__in=contact_ids, type=PRODUCT_VIEWED, occurred_at__gt=since)
        .order_by("contact_id", "-occurred_at", "-pk")
        .values_list("contact_id", "properties__product_id")
    )
    for contact_id, product in rows:
        products = viewed.setdefault(contact_id, [])
        if isinstance(product, str) and product and product not in products:
            products.append(product)
    return viewed


@dataclass
class _Recipient:
    contact: Contact
    needs: Needs
    event: Mapping[str, Any]
    channel: str
    checkout: CheckoutRecord | None
    order: OrderRecord | None
    viewed: list[str]


def products_fill(
    contexts: dict[int, dict[str, Any]],
    *,
    installation: Installation,
    contacts: Sequence[Contact],
    checkouts: Mapping[int, CheckoutRecord],
    orders: Mapping[int, OrderRecord],
    needs: Mapping[int, Needs],
    events: Mapping[int, Mapping[str, Any]],
    now: datetime,
) -> None:
    """Add the product names to each contact's context (in place), reading what the
    contacts' templates need (``needs``; a contact absent from it needs nothing)."""
    recipients = []
    main: str | None = None
    for contact in contacts:
        context = contexts[contact.pk]
        context |= {"cart": [], "viewed": [], "ordered": [], "product": None}
        wanted = needs.get(contact.pk, Needs())
        picks: Picks = {}
        context["recommend"] = recommend_function(picks)
        if wanted.empty:
            continue
        event = events.get(contact.pk, {})
        checkout, order = checkouts.get(contact.pk), orders.get(contact.pk)
        channel = str(event.get("channel") or "") or (
            checkout.channel_slug if checkout else order.channel_slug if order else ""
        )
        if not channel:
            main = _main_channel(installation.pk) if main is None else main
            channel = main
        viewed = _event_products(event) if "product_ids" in event else []
        recipients.append(_Recipient(contact, wanted, event, channel, checkout, order, viewed))
    if not recipients:
        return
    browsing = [r for r in recipients if "viewed" in r.needs.names and not r.viewed]
    if browsing:
        since = now - timedelta(hours=installation.browse_window_hours)
        recent = _recent_views([r.contact.pk for r in browsing], since)
        for recipient in browsing:
            recipient.viewed = recent.get(recipient.contact.pk, [])[:VIEWED_MAX]
    # A shop whose catalogue is not synced (yet) has no cards and nothing to recommend: its
    # lines show what they carry, and no recipient costs a recommendation's queries.
    catalogued = Product.objects.filter(installation_id=installation.pk).exists()
    cards = _cards(installation.pk, recipients) if catalogued else {}
    found = _recommendations(installation.pk, recipients) if catalogued else {}
    for recipient in recipients:
        _fill(
            contexts[recipient.contact.pk],
            recipient,
            cards.get(recipient.channel, {}),
            found.get(recipient.contact.pk, {}),
        )


def _seeds(r: _Recipient) -> list[str]:
    return (
        _event_products(r.event)
        or (_product_ids(r.checkout.lines) if r.checkout else [])
        or (_product_ids(r.order.lines) if r.order else [])
        or r.viewed
    )


def _recommendations(
    installation_id: int, recipients: list[_Recipient]
) -> dict[int, dict[str, list[Recommendation]]]:
    """Per contact, the recommendations of each strategy their template names, seeded by the
    event's products, else the cart's, else the newest order's, else the viewed (one
    ``recommend_many`` for the batch)."""
    asked: list[tuple[int, str]] = []
    requests: list[Request] = []
    for r in recipients:
        if not r.channel or not r.needs.blocks:
            continue
        seeds = _seeds(r)
        for strategy, count in sorted(r.needs.blocks.items()):
            asked.append((r.contact.pk, strategy))
            requests.append(
                Request(
                    strategy=strategy,
                    channel_slug=r.channel,
                    contact_id=r.contact.pk,
                    product_ids=seeds,
                    first=count,
                )
            )
    found: dict[int, dict[str, list[Recommendation]]] = {}
    for (contact_id, strategy), recommendations in zip(
        asked, recommend_many(installation_id, requests), strict=True
    ):
        found.setdefault(contact_id, {})[strategy] = recommendations
    return found


def _cards(installation_id: int, recipients: list[_Recipient]) -> dict[str, dict[str, ProductCard]]:
    wanted: dict[str, set[str]] = {}
    for r in recipients:
        ids = wanted.setdefault(r.channel, set())
        names = r.needs.names
        if "cart" in names and r.checkout is not None:
            ids.update(_product_ids(r.checkout.lines))
        if "ordered" in names and r.order is not None:
            ids.update(_product_ids(r.order.lines))
        if "viewed" in names:
            ids.update(r.viewed)
        if "product" in names:
            ids.update(_event_products(r.event)[:1])
    return {
        channel: product_cards(installation_id, channel, sorted(ids)) if channel and ids else {}
        for channel, ids in wanted.items()
    }


def _fill(
    context: dict[str, Any],
    r: _Recipient,
    cards: Mapping[str, ProductCard],
    recommendations: Mapping[str, list[Recommendation]],
) -> None:
    shop_url = str(context["shop"]["url"])
    names = r.needs.names
    if "cart" in names and r.checkout is not None:
        lines = r.checkout.lines if isinstance(r.checkout.lines, list) else []
        context["cart"] = [_line(line, cards, r.checkout.currency, shop_url) for line in lines]
    if "ordered" in names and r.order is not None:
        lines = r.order.lines if isinstance(r.order.lines, list) else []
        context["ordered"] = [_line(line, cards, r.order.currency, shop_url) for line in lines]
    if "viewed" in names:
        context["viewed"] = [
            card_of(cards[p], shop_url) for p in r.viewed if p in cards and cards[p].available
        ][:VIEWED_MAX]
    if "product" in names:
        context["product"] = _product(r.event, cards, shop_url)
    language = r.contact.language_code or "en"  # the reasons in the recipient's language
    picks: Picks = {
        strategy: [
            card_of(found.product, shop_url) | {"reason": found.why.text(language)}
            for found in shown
        ]
        for strategy, shown in sorted(recommendations.items())
    }
    context["recommend"] = recommend_function(picks)
    context["recommendations"] = picks.get(DEFAULT[0], [])[: DEFAULT[1]]


def _product(
    event: Mapping[str, Any], cards: Mapping[str, ProductCard], shop_url: str
) -> dict[str, Any] | None:
    """The card of the event's product with what the event adds (a price drop's old price, a
    low stock's quantity); from the event alone if the catalogue does not know it."""
    ids = _event_products(event)
    if not ids:
        return None
    currency = str(event.get("currency") or "")
    card = cards.get(ids[0])
    shown = (
        card_of(card, shop_url)
        if card is not None
        else {
            "id": ids[0],
            "name": str(event.get("product_name") or ""),
            "slug": "",
            "url": shop_url,
            "image": "",
            "price": money(str(event["new_price"]), currency) if event.get("new_price") else "",
            "currency": currency,
            "category": "",
            "available": False,
        }
    )
    old = event.get("old_price")
    return shown | {
        "variant": str(event.get("variant_name") or ""),
        "was": money(str(old), currency or str(shown["currency"])) if old else "",
        "drop_percent": event.get("drop_percent"),
        "quantity_left": event.get("quantity"),
    }
