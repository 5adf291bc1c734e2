"""The personalisation context of one recipient: the names templates may use.

The contract (the default templates and the editor's example use exactly these):
``contact`` (first_name, last_name, email, language_code), ``shop`` (name, url, logo_url,
address, support_email), ``checkout`` (lines: image, name, variant, price, quantity, url;
total; resume_url), ``order`` (number, lines, total, url), ``voucher`` (code, description;
qr_url, barcode_url and print_url added at sending: ``messages.codes``), ``offers`` and
``links`` (unsubscribe, preferences, confirm; survey and draw: ``messages.programme_links``);
and the products (``messages.products``): ``cart``, ``viewed``, ``ordered``, ``product``,
``recommendations`` and ``recommend(strategy, count)``, read only for the templates that name
them. Money is formatted per currency here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.db.models import OuterRef, Subquery

from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.messages.blocks import EVERYTHING, Needs, needs_of_sources
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.money import money
from saleor_mautomation.messages.offers import offers_for_contacts
from saleor_mautomation.messages.products import products_fill
from saleor_mautomation.messages.programme_links import programme_links
from saleor_mautomation.saleor.models import Installation


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


CHANNEL = "{channel}"  # in a storefront URL: the channel's slug
ANY_CHANNEL = "*"


def storefront_url(installation: Installation, channel: str | None) -> str:
    """Where the storefront serves ``channel`` (no trailing slash): the channel's own URL in
    ``storefront_urls``, else the ``*`` URL, ``{channel}`` replaced by the slug. Without a
    channel (a contact with no checkout or order), the ``*`` URL, or its root when its path
    names the channel, else the first channel's. Then the first storefront origin, and last
    the Saleor API's host, which serves no storefront (the settings' ``warnings`` say so)."""
    urls = {str(key): str(url) for key, url in (installation.storefront_urls or {}).items()}
    if channel:
        url = urls.get(channel, urls.get(ANY_CHANNEL))
        if url is not None:
            return url.replace(CHANNEL, channel).rstrip("/")
    else:
        url = urls.get(ANY_CHANNEL, "")
        parts = urlsplit(url)
        if url and CHANNEL not in url:
            return url.rstrip("/")
        if url and CHANNEL not in parts.netloc:  # the path names the channel: its root
            return f"{parts.scheme}://{parts.netloc}"
        named = sorted(key for key in urls if key != ANY_CHANNEL)
        if named:
            return urls[named[0]].replace(CHANNEL, named[0]).rstrip("/")
    if installation.storefront_origins:
        return str(installation.storefront_origins[0]).rstrip("/")
    return _api_host(installation)


def shop_of(installation: Installation, channel: str | None = None) -> dict[str, str]:
    """The ``shop`` of the templates: Saleor's shop name (``shop { name }``, read at
    registration), the storefront of the channel, and the support address if one is set."""
    return {
        "name": installation.shop_name or "Shop",
        "url": storefront_url(installation, channel),
        "logo_url": "",
        "address": "",
        "support_email": "",
    }


def _api_host(installation: Installation) -> str:
    return f"https://{urlsplit(installation.saleor_api_url).hostname or 'localhost'}"


def link_warnings(installation: Installation) -> list[str]:
    """What the admin should know about the links of the shop's messages: each channel its
    checkouts and orders use whose links would go to the Saleor API's host (which serves no
    storefront), or all links when no storefront URL or origin is set at all."""
    host = _api_host(installation)
    channels = sorted(
        set(
            CheckoutRecord.objects.filter(installation_id=installation.pk)
            .values_list("channel_slug", flat=True)
            .distinct()
        )
        | set(
            OrderRecord.objects.filter(installation_id=installation.pk)
            .values_list("channel_slug", flat=True)
            .distinct()
        )
    )
    warnings = [
        f"No storefront URL for channel {channel}: its resume, product and order links go to"
        f" the Saleor API host {host}"
        for channel in channels
        if channel and storefront_url(installation, channel) == host
    ]
    if not warnings and storefront_url(installation, None) == host:
        warnings.append(
            f"No storefront URL: the links of emails go to the Saleor API host {host}"
            ' (set storefrontUrls, e.g. {"*": "https://shop.example/{channel}"})'
        )
    return warnings


def recipient_context(
    *,
    contact: Contact,
    app_url: str,
    now: datetime | None = None,
    sources: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The context for a real contact: its newest open checkout and newest order, the
    offers of the shop's pool that fit it, and the products the template ``sources`` name
    (every product name and ``recommendations`` when not given)."""
    needs = EVERYTHING if sources is None else needs_of_sources(sources)
    return recipient_contexts(
        contacts=[contact], app_url=app_url, now=now, needs={contact.pk: needs}
    )[contact.pk]


def message_needs(
    messages: Iterable[Message],
) -> tuple[dict[int, Needs], dict[int, dict[str, Any]]]:
    """What a batch's templates ask of each contact's context, and each contact's event (the
    run's entry event of its first message that has one, for ``viewed`` and ``product``)."""
    needs: dict[int, Needs] = {}
    events: dict[int, dict[str, Any]] = {}
    for message in messages:
        version = message.template_version
        if message.contact_id is None or version is None:
            continue
        asked = needs_of_sources(
            (version.html, version.text, version.subject, version.preheader, version.push_url)
        )
        needs[message.contact_id] = needs.get(message.contact_id, Needs()) | asked
        event = (message.context or {}).get("event")
        if isinstance(event, dict) and message.contact_id not in events:
            events[message.contact_id] = event
    return needs, events


def recipient_contexts(
    *,
    contacts: list[Contact],
    app_url: str,
    now: datetime | None = None,
    messages: Iterable[Message] | None = None,
    needs: Mapping[int, Needs] | None = None,
) -> dict[int, dict[str, Any]]:
    """``recipient_context`` of many contacts (a batch of sends), by contact id: the same
    values, read in a few queries per installation instead of a few per contact. The
    products are those the ``messages``' templates name (or ``needs``, given directly)."""
    moment = now or clock.now()
    events: dict[int, dict[str, Any]] = {}
    if messages is not None:
        needs, events = message_needs(messages)
    contexts: dict[int, dict[str, Any]] = {}
    by_installation: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_installation.setdefault(contact.installation_id, []).append(contact)
    for installation_id, group in by_installation.items():
        installation = Installation.objects.get(pk=installation_id)
        ids = [contact.pk for contact in group]
        checkouts = _newest(CheckoutRecord, ids, "-last_change_at", completed_at__isnull=True)
        orders = _newest(OrderRecord, ids, "-placed_at")
        offers = offers_for_contacts(
            installation_id=installation_id,
            contact_ids=ids,
            now=moment,
            channels={contact.pk: _channel(checkouts, orders, contact.pk) for contact in group},
        )
        for contact in group:
            contexts[contact.pk] = _context(
                contact,
                installation,
                app_url=app_url,
                checkout=checkouts.get(contact.pk),
                order=orders.get(contact.pk),
                offers=offers[contact.pk],
            )
        products_fill(
            contexts,
            installation=installation,
            contacts=group,
            checkouts=checkouts,
            orders=orders,
            needs=needs or {},
            events=events,
            now=moment,
        )
    return contexts


def _channel(
    checkouts: Mapping[int, CheckoutRecord], orders: Mapping[int, OrderRecord], contact_id: int
) -> str | None:
    """The channel of the shop the contact last met (``_context``'s ``shop``)."""
    checkout, order = checkouts.get(contact_id), orders.get(contact_id)
    return checkout.channel_slug if checkout else order.channel_slug if order else None


def _newest(model: Any, contact_ids: list[int], order: str, **where: Any) -> dict[int, Any]:
    """The first record per contact in ``order`` (the newest row on a tie), in one query."""
    first = (
        model.objects.filter(contact_id=OuterRef("contact_id"), **where)
        .order_by(order, "-pk")
        .values("pk")[:1]
    )
    records = model.objects.filter(contact_id__in=contact_ids, **where).filter(pk=Subquery(first))
    return {record.contact_id: record for record in records}


def _context(
    contact: Contact,
    installation: Installation,
    *,
    app_url: str,
    checkout: CheckoutRecord | None,
    order: OrderRecord | None,
    offers: list[dict[str, str]],
) -> dict[str, Any]:
    # The shop as the contact last met it: the channel of its open checkout, else its order.
    channel = checkout.channel_slug if checkout else order.channel_slug if order else None
    shop = shop_of(installation, channel)
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
        "offers": offers,
        "links": {
            "unsubscribe": f"{app_url}/u/{token}",
            "preferences": f"{app_url}/p/{token}",
            "confirm": f"{app_url}/p/{consent_token(contact, Purpose.CONFIRM)}",
            "review": shop["url"],
            **programme_links(
                app_url=app_url, installation_id=installation.pk, contact_id=contact.pk
            ),
        },
    }
    if checkout is not None:
        url = storefront_url(installation, checkout.channel_slug)
        context["checkout"] = {
            "lines": _lines(checkout.lines, checkout.currency, url),
            "total": money(checkout.total, checkout.currency),
            "resume_url": f"{url}/checkout?checkout={checkout.token or checkout.saleor_id}",
        }
    if order is not None:
        url = storefront_url(installation, order.channel_slug)
        context["order"] = {
            "number": order.number,
            "lines": _lines(order.lines, order.currency, url),
            "total": money(order.total_gross, order.currency),
            "url": f"{url}/orders/{order.number}",
        }
    return context
