"""The email templates every shop starts with, in English and German, and the example context
that the editor's preview and the tests render them with.

Each template is MJML in ``<key>/<language>.mjml``; ``catalog.json`` holds what is not markup
(purpose, subject, preheader). The files are the source of truth: a shop's admin copies a
default and edits the copy. Personalisation is Jinja, rendered in a sandbox *after* MJML
compilation, so Jinja that wraps MJML elements sits in ``<mj-raw>``, and loops over lines sit in
``<mj-table>`` (the compiler passes both through untouched). The templates use only the names in
``EXAMPLE_CONTEXT``:

- ``contact``: first_name, last_name, email, language_code
- ``shop``: name, url, logo_url (may be empty: the name is shown instead), address,
  support_email
- ``checkout``: lines, total, resume_url; ``order``: number, lines, total, url; a line is
  ``{image, name, variant, price, quantity, url}`` with price and totals already formatted
- ``voucher``: code, description, qr_url, barcode_url (empty for a code Code 128 cannot
  carry), print_url (the printable coupon page), or None (no voucher block)
- products (``messages.products``), each a card ``{id, name, slug, url, image, price,
  currency, category, available}``: ``cart`` and ``ordered`` (the open checkout's and the
  newest order's lines: cards with variant, quantity, price and total), ``viewed`` (a browse
  abandonment's products), ``product`` (a commerce trigger's, with was, drop_percent,
  quantity_left), ``recommend(strategy, count)`` (cards with a reason; the arguments written in
  the template, ``messages.blocks``) and ``recommendations`` (``recommend("personalised", 4)``)
- ``offers``: ``[{title, text, url}]`` (may be empty: no block)
- ``links``: unsubscribe, preferences, confirm (double opt-in), review (post-purchase review),
  survey and draw (``{{ links.survey }}/<survey key>?score=N``, ``{{ links.draw }}/<draw key>``)
- from the journey run: ``date`` (a date entry's field, ``on`` the day it fires and
  ``occurrence`` the date, ISO), ``series`` (a recurring entry's ``n``, from 1, and ``on``),
  ``event`` (the entering event's properties, e.g. an ``attribute.threshold_crossed``)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saleor_mautomation.messages.blocks import STRATEGIES, recommend_function
from saleor_mautomation.messages.sandbox import frozen

LANGUAGES = ("en", "de")
DEFAULTS_DIR = Path(__file__).parent


@dataclass(frozen=True)
class DefaultTemplate:
    key: str
    purpose: str
    language: str
    subject: str  # Jinja
    preheader: str  # Jinja, also the template's <mj-preview>
    mjml: str


def default_templates() -> list[DefaultTemplate]:
    """Every default template in every language, in catalog order."""
    catalog = json.loads((DEFAULTS_DIR / "catalog.json").read_text(encoding="utf-8"))
    return [
        DefaultTemplate(
            key=entry["key"],
            purpose=entry["purpose"],
            language=language,
            subject=entry["subject"][language],
            preheader=entry["preheader"][language],
            mjml=(DEFAULTS_DIR / entry["key"] / f"{language}.mjml").read_text(encoding="utf-8"),
        )
        for entry in catalog
        for language in LANGUAGES
    ]


def _line(seed: str, name: str, variant: str, price: str, quantity: int) -> dict[str, Any]:
    return {
        "image": f"https://picsum.photos/seed/{seed}/120",
        "name": name,
        "variant": variant,
        "price": price,
        "quantity": quantity,
        "url": f"https://linden-goods.example/products/{seed}/",
    }


def _card(seed: str, name: str, price: str, category: str, reason: str = "") -> dict[str, Any]:
    """A product card (``messages.products.card_of``), with a recommendation's ``reason``."""
    card = {
        "id": f"UHJvZHVjdDo{seed}",
        "name": name,
        "slug": seed,
        "url": f"https://linden-goods.example/products/{seed}/",
        "image": f"https://picsum.photos/seed/{seed}/260",
        "price": price,
        "currency": "EUR",
        "category": category,
        "available": True,
    }
    return card | {"reason": reason} if reason else card


def _cart_line(
    seed: str, name: str, variant: str, price: str, quantity: int, total: str
) -> dict[str, Any]:
    """A cart or order line: its product's card with the line's variant, quantity and prices."""
    return _card(seed, name, price, "Home") | {
        "image": f"https://picsum.photos/seed/{seed}/120",
        "variant": variant,
        "quantity": quantity,
        "total": total,
    }


# What ``recommend(strategy, count)`` shows in the preview, whatever the strategy.
EXAMPLE_PICKS = [
    _card("wool-blanket", "Merino Wool Blanket", "€129.00", "Textiles", "Popular in Textiles"),
    _card("ceramic-vase", "Ceramic Vase", "€45.00", "Decor", "Bought together with Linen Throw"),
    _card("linen-napkins", "Linen Napkins", "€28.00", "Kitchen", "Similar to Stoneware Mug"),
    _card("olive-soap", "Olive Oil Soap", "€9.50", "Bath", "Often bought again"),
]


EXAMPLE_CONTEXT: dict[str, Any] = {
    "contact": {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "language_code": "en",
    },
    "shop": {
        "name": "Linden Goods",
        "url": "https://linden-goods.example/",
        "logo_url": "https://picsum.photos/seed/linden-logo/320/96",
        "address": "Linden Goods GmbH, Lindenstraße 12, 10969 Berlin, Germany",
        "support_email": "hello@linden-goods.example",
    },
    "checkout": {
        "lines": [
            _line("linen-throw", "Linen Throw", "Sand / 130 x 170 cm", "€79.00", 1),
            _line("stoneware-mug", "Stoneware Mug", "Moss green", "€36.00", 2),
        ],
        "total": "€115.00",
        "resume_url": "https://linden-goods.example/checkout/?token=7f3c9a",
    },
    "order": {
        "number": "10482",
        "lines": [
            _line("oak-tray", "Oak Serving Tray", "Large", "€54.00", 1),
            _line("beeswax-candle", "Beeswax Candle", "", "€12.50", 2),
        ],
        "total": "€79.00",
        "url": "https://linden-goods.example/account/orders/10482/",
    },
    "voucher": {
        "code": "WELCOME10",
        "description": "10% off your first order over €50",
        "qr_url": "https://mautomation.example/v/7f3c9a/qr.png",
        "barcode_url": "https://mautomation.example/v/7f3c9a/barcode.png",
        "print_url": "https://mautomation.example/v/7f3c9a",
    },
    "recommendations": EXAMPLE_PICKS[:2],
    "recommend": recommend_function({strategy: EXAMPLE_PICKS for strategy in STRATEGIES}),
    "cart": [
        _cart_line("linen-throw", "Linen Throw", "Sand / 130 x 170 cm", "€79.00", 1, "€79.00"),
        _cart_line("stoneware-mug", "Stoneware Mug", "Moss green", "€36.00", 2, "€72.00"),
    ],
    "ordered": [
        _cart_line("oak-tray", "Oak Serving Tray", "Large", "€54.00", 1, "€54.00"),
        _cart_line("beeswax-candle", "Beeswax Candle", "", "€12.50", 2, "€25.00"),
    ],
    "viewed": [
        _card("linen-throw", "Linen Throw", "€79.00", "Textiles"),
        _card("rattan-basket", "Rattan Basket", "€39.00", "Storage"),
    ],
    "product": _card("linen-throw", "Linen Throw", "€59.00", "Textiles")
    | {"variant": "Sand", "was": "€79.00", "drop_percent": 25.3, "quantity_left": 3},
    "offers": [
        {
            "title": "Autumn edit",
            "text": "Warm textiles and candles for cosy evenings, hand-picked by our team.",
            "url": "https://linden-goods.example/collections/autumn/",
        }
    ],
    "links": {
        "unsubscribe": "https://mautomation.example/u/7f3c9a",
        "preferences": "https://mautomation.example/p/7f3c9a",
        "confirm": "https://mautomation.example/c/7f3c9a",
        "review": "https://linden-goods.example/reviews/new/?order=10482",
        "survey": "https://mautomation.example/s/7f3c9a",
        "draw": "https://mautomation.example/d/7f3c9a",
    },
    "date": {"field": "check_up_due", "on": "2027-03-01", "occurrence": "2027-03-15"},
    "series": {"n": 3, "on": "2027-03-01"},
    "event": {"attribute": "loyalty_points", "threshold": 1000, "direction": "up", "value": 1040},
}
# Read-only (a deep copy of it is a plain dict): every shop previews and test-sends with it.
EXAMPLE_CONTEXT = frozen(EXAMPLE_CONTEXT)
