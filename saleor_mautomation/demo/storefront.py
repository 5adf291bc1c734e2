"""The demo shop's storefront: the few pages the links of the app's emails land on, and the
product images.

The demo installation's storefront URL is ``<demo Saleor>/shop/{channel}``
(``STOREFRONT_URL``), so the app's links (``messages/context.py``) are:

- ``/shop/<channel>`` the shop (``shop.url``; the review link), and ``/`` for a contact with no
  channel (``storefront_url`` without a channel gives the ``*`` URL's root);
- ``/shop/<channel>/products/<slug>`` a product (a checkout's or an order's line);
- ``/shop/<channel>/checkout?checkout=<token>`` the checkout to resume;
- ``/shop/<channel>/orders/<number>`` an order.

``/thumbnails/<slug>.svg`` is a product's image (the shop's thumbnails point there).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from typing import Any
from urllib.parse import quote

from saleor_mautomation.demo import config

Page = tuple[int, bytes, str]
HTML = "text/html; charset=utf-8"
SVG = "image/svg+xml"
PALETTE = ("#7c3aed", "#0f766e", "#b45309", "#be123c", "#1d4ed8", "#15803d", "#6d28d9", "#a21caf")


def storefront_url() -> str:
    """The demo installation's storefront URL pattern (``storefrontUrls`` ``*``)."""
    return f"{config.saleor_origin()}/shop/{{channel}}"


def _page(title: str, body: str, *, channel: str | None = None, status: int = 200) -> Page:
    home = f"/shop/{quote(channel)}" if channel else "/"
    document = f"""<!doctype html>
<html lang="en"><head><meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>{html.escape(title)}</title>
<style>
body {{ margin: 0; font: 16px/1.5 sans-serif; color: #14231e; background: #fbfaf7; }}
header {{ padding: 12px 24px; background: #14231e; }}
header a {{ color: #fff; text-decoration: none; }}
main {{ max-width: 880px; margin: 0 auto; padding: 24px; }}
.grid {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr)); gap: 16px; }}
.card {{ background: #fff; border: 1px solid #e7e5e4; border-radius: 8px; padding: 8px; }}
.card a {{ color: inherit; text-decoration: none; }}
img {{ max-width: 100%; border-radius: 6px; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ padding: 6px; border-bottom: 1px solid #e7e5e4; text-align: left; }}
.note {{ color: #57534e; font-size: 14px; }}
</style></head>
<body><header><a href="{home}">Demo shop</a></header><main>{body}</main></body></html>
"""
    return status, document.encode(), HTML


def not_found(what: str) -> Page:
    return _page("Not found", f"<h1>Not found</h1><p>{html.escape(what)}</p>", status=404)


def _money(amount: Any) -> str:
    return f"{amount['amount']:.2f} {amount['currency']}"


def _product_card(product: dict[str, Any], channel: str) -> str:
    url = f"/shop/{quote(channel)}/products/{quote(product['slug'])}"
    image = product["thumbnail"]["url"] if product.get("thumbnail") else ""
    return (
        f'<div class="card"><a href="{html.escape(url)}"><img src="{html.escape(image)}" alt="" />'
        f"<div>{html.escape(product['name'])}</div></a></div>"
    )


def home(shop: Any, channel: str | None) -> Page:
    if channel is None:
        channels = "".join(
            f'<li><a href="/shop/{quote(c["slug"])}">{html.escape(c["name"])}</a></li>'
            for c in shop.channels
        )
        return _page(shop.name, f"<h1>{html.escape(shop.name)}</h1><ul>{channels}</ul>")
    if not any(c["slug"] == channel for c in shop.channels):
        return not_found(f"The shop has no channel {channel}.")
    cards = "".join(_product_card(p, channel) for p in shop.products[:24])
    body = f'<h1>{html.escape(shop.name)}</h1><div class="grid">{cards}</div>'
    return _page(shop.name, body, channel=channel)


# The storefront's side of the app's tracking: a product page a browser shows sends a
# PRODUCT_VIEWED event (``trackEvents``) with a first-party visitor id kept in the browser.
TRACK_SCRIPT = """<p class="note" id="tracked"></p>
<script type="module">
const view = JSON.parse(document.getElementById("product-view").textContent);
const key = "demo-visitor";
const visitor = localStorage.getItem(key) ?? crypto.randomUUID();
localStorage.setItem(key, visitor);
const query = `mutation DemoProductView($anonymousId: String, $events: [TrackEventInput!]!) {
  trackEvents(anonymousId: $anonymousId, events: $events) { accepted }
}`;
const events = [
  { type: "PRODUCT_VIEWED", clientId: crypto.randomUUID(), properties: view.properties },
];
const shown = document.getElementById("tracked");
try {
  const response = await fetch(view.api, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Saleor-Api-Url": view.saleorApiUrl },
    body: JSON.stringify({ query, variables: { anonymousId: visitor, events } }),
  });
  const body = await response.json();
  shown.textContent = body.data?.trackEvents
    ? "This view was sent to the app as a PRODUCT_VIEWED event."
    : `The app did not take the view: ${body.errors?.[0]?.message ?? response.status}`;
} catch (error) {
  shown.textContent = `The app could not be reached: ${error}`;
}
</script>"""


def _inline_json(value: Any) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e")


def _price_cell(shop: Any, variant_id: str, channel: str, currency: str) -> str:
    """The price paid in the channel, the listing's struck through beside a promotion's."""
    paid = shop.discounted_price(variant_id, channel)
    listing = shop.listing_price(variant_id, channel)
    if paid < listing:
        return f"<s>{listing:.2f}</s> {paid:.2f} {currency}"
    return f"{paid:.2f} {currency}"


def product(shop: Any, channel: str, slug: str, *, app_url: str | None = None) -> Page:
    found = next((p for p in shop.products if p["slug"] == slug), None)
    if found is None or not any(c["slug"] == channel for c in shop.channels):
        return not_found(f"No product {slug} in {channel}.")
    currency = shop.channel(channel)["currencyCode"]
    rows = "".join(
        f"<tr><td>{html.escape(v['name'])}</td><td>{html.escape(v['sku'])}</td>"
        f"<td>{_price_cell(shop, v['id'], channel, currency)}</td></tr>"
        for v in found["variants"]
    )
    image = found["thumbnail"]["url"] if found.get("thumbnail") else ""
    body = (
        f"<h1>{html.escape(found['name'])}</h1>"
        f'<p class="note">{html.escape(found["category"]["name"])}</p>'
        f'<img src="{html.escape(image)}" alt="{html.escape(found["name"])}" width="320" />'
        f"<table><tr><th>Variant</th><th>SKU</th><th>Price</th></tr>{rows}</table>"
    )
    if app_url:
        view = {
            "api": f"{app_url.rstrip('/')}/graphql/",
            "saleorApiUrl": config.saleor_api_url(),
            "properties": {
                "product_id": found["id"],
                "category_id": found["category"]["id"],
                "slug": found["slug"],
                "channel": channel,
            },
        }
        body += (
            f'<script id="product-view" type="application/json">{_inline_json(view)}</script>'
            + TRACK_SCRIPT
        )
    return _page(found["name"], body, channel=channel)


def _lines_table(lines: list[dict[str, Any]], channel: str) -> str:
    rows = []
    for line in lines:
        variant = line.get("variant") or {}
        item = variant.get("product") or {}
        name = item.get("name") or line.get("productName") or ""
        url = f"/shop/{quote(channel)}/products/{quote(item.get('slug') or '')}"
        link = f'<a href="{url}">{html.escape(name)}</a>' if item.get("slug") else html.escape(name)
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(variant.get('name') or '')}</td>"
            f"<td>{line['quantity']}</td><td>{_money(line['totalPrice']['gross'])}</td></tr>"
        )
    head = "<tr><th>Product</th><th>Variant</th><th>Quantity</th><th>Total</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def checkout(shop: Any, channel: str, token: str) -> Page:
    found = next((c for c in shop.checkouts if c["token"] == token), None)
    if found is None:
        order = next(
            (o for o in shop.orders if o.get("checkoutId") and _token_of(o) == token), None
        )
        body = (
            "<h1>This checkout is complete</h1><p>It became an order; thank you.</p>"
            if order is not None
            else "<h1>This checkout is gone</h1><p>It was completed or has expired.</p>"
        )
        return _page("Checkout", body, channel=channel, status=200 if order else 404)
    body = (
        "<h1>Your cart</h1>"
        f"{_lines_table(found['lines'], channel)}"
        f"<p>Total: <strong>{_money(found['totalPrice']['gross'])}</strong></p>"
        '<p class="note">The demo shop takes no payment: this is where the storefront would '
        "resume the checkout.</p>"
    )
    return _page("Your cart", body, channel=channel)


def _token_of(order: dict[str, Any]) -> str:
    return base64.b64decode(order["checkoutId"]).decode().partition(":")[2]


def order(shop: Any, channel: str, number: str) -> Page:
    found = next((o for o in shop.orders if str(o["number"]) == number), None)
    if found is None:
        return not_found(f"No order {number}.")
    body = (
        f"<h1>Order #{html.escape(str(found['number']))}</h1>"
        f"<p>Placed {html.escape(found['created'][:10])}, "
        f"{html.escape(found['status'].replace('_', ' ').lower())}.</p>"
        f"{_lines_table(found['lines'], channel)}"
        f"<p>Total: <strong>{_money(found['total']['gross'])}</strong></p>"
    )
    return _page(f"Order #{found['number']}", body, channel=channel)


def thumbnail(shop: Any, slug: str) -> Page:
    """A product's image: its initials on a colour of its own (the same for the same slug)."""
    found = next((p for p in shop.products if p["slug"] == slug), None)
    if found is None:
        return 404, b"", SVG
    digest = hashlib.sha256(slug.encode()).digest()
    colour = PALETTE[digest[0] % len(PALETTE)]
    initials = "".join(word[0] for word in found["name"].split()[:2]).upper()
    name = html.escape(found["name"])
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"
 viewBox="0 0 512 512">
<title>{name}</title>
<rect width="512" height="512" fill="{colour}"/>
<circle cx="256" cy="220" r="120" fill="#ffffff" fill-opacity="0.18"/>
<text x="256" y="262" font-family="sans-serif" font-size="120" font-weight="700" fill="#ffffff"
 text-anchor="middle">{html.escape(initials)}</text>
<text x="256" y="440" font-family="sans-serif" font-size="30" fill="#ffffff"
 text-anchor="middle">{name}</text>
</svg>
"""
    return 200, svg.encode(), SVG
