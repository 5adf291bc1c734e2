"""The demo shop: a deterministic synthetic Saleor shop, the same for the same seed.

``load_shop()`` keeps ``DEMO_DIR/shop.json`` (``{seed, customers, anchor}``: ``anchor`` is the
first run's now), so every later run brings the same shop back; what the simulator added
since (customers, orders, checkouts) is journaled to ``DEMO_DIR/shop-live.jsonl`` and replayed.

What it holds, each node a full object in the shape of the app's fragments
(``saleor/graphql/fragments.graphql``: ``UserFields``, ``OrderFields``, ``CheckoutFields``,
``ProductFields``/``VariantFields``, ``ChannelFields``) with Saleor's global ids
(``base64("User:12")``, ``base64("Order:<uuid>")``), so ``demo.graphql_answers.selected`` cuts
any of them to a document's selection:

- two channels, ``default-channel`` (USD) and ``channel-eur`` (EUR);
- a catalogue of 7 categories and 84 products (12 per category) with 1 to 4 variants each,
  a listing price per channel in its currency (USD from the category's range, ending in .99;
  EUR the shop's own price list, about 95 % of the USD one and ending in .95), thumbnails at
  the demo Saleor's ``/thumbnails/<product slug>.svg``; stock in one warehouse (one variant in
  nine sold out); and, from the anchor on, a few variants on promotion in each channel
  (``PROMOTIONS``: 15 to 25 % off, drawn by a generator of their own so the rest of the shop
  is what it was before promotions existed);
- ``customers`` customers who joined over the two years before the anchor (more of them
  recently), in nine countries (US 34 %, DE 16 %, GB 12 %, FR 10 %, PL 8 %, CA 6 %, ES, NL 5 %,
  IT 4 %) with an address (the app derives the time zone from its country), the country's
  language (85 %), and marketing consent in the metadata key the app reads by default
  (``marketing_consent``: 48 % ``granted``, 12 % ``withdrawn``, the rest none) and a
  ``birthday`` (``YYYY-MM-DD``) for 35 %;
- their orders: about two in three customers bought; of the buyers 58 % once, 34 % two to four
  times, 8 % five to twelve times (VIPs), plus one guest order per ten customers. Order times
  follow the seasons (a December peak, ``shop_data.SEASON``), 70 % of a customer's lines come
  from their favourite category, 1 to 4 lines of 1 to 3 items; 3.5 % are cancelled, 3.5 % of
  those older than three days refunded, the rest paid and (after two days) fulfilled;
- open checkouts from the ten days before the anchor, one per fifty customers, a third of
  them guests'.

For the demo Saleor's answers: ``customers``, ``orders`` and ``checkouts`` are oldest first,
as the backfill documents sort them; ``connection(kind, first=, after=)`` is one page of them
in Saleor's connection shape (``totalCount``, ``pageInfo``, ``edges { cursor node }``);
``products_matching(search=, ids=)``, ``categories_matching(...)`` and ``variants(ids)`` answer
the Dashboard's pickers; ``node(id)`` finds any node by its global id.

Live additions (``add_customer``, ``add_order``, which also replaces an order by id,
``upsert_checkout``, ``remove_checkout``) and catalogue moves (``stock_set``,
``discount_set``, ``listing_visible_set``) take a lock: the simulator and the demo Saleor's
threads share one shop, and readers get snapshots. Every one is journaled, so the demo Saleor
answers the full sync after a restart with what the deliveries said.

Prices: ``listing_price`` is a variant's price in a channel (its channel listing's),
``discounted_price`` what a customer pays there (the promotion's price, else the listing's),
and ``price(variant, currency)`` the latter in the channel of that currency, which orders and
checkouts charge: the generated history was placed before the promotions started, at listing
prices; what the simulator orders meanwhile pays the discounted price.
"""

from __future__ import annotations

import base64
import json
import random
import threading
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings

from saleor_mautomation.demo import config
from saleor_mautomation.demo.shop_data import (
    CATEGORIES,
    CHANNELS,
    PROMOTIONS,
    SEASON,
    SHOP_NAME,
)
from saleor_mautomation.demo.shop_nodes import (
    PRODUCTS_PER_CATEGORY,
    Node,
    ascii_fold,
    basket,
    channel_for,
    checkout_node,
    gid,
    gid_decode,
    order_cancelled,
    order_fulfilled,
    order_node,
    order_refunded,
    person,
    weighted,
)

KINDS = ("customers", "orders", "checkouts")
# What the journal keeps of the catalogue's moves (``{"kind": ..., "node": ...}`` lines).
CATALOGUE_KINDS = ("stock", "discount", "listing")
CENT = Decimal("0.01")


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent as Saleor's ``quantize_price`` does (half up)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_off(price: float, percent: int) -> float:
    """``price`` less ``percent`` %, as a percentage promotion of Saleor's reduces it (the
    discount rounded half up to the cent, then taken off)."""
    amount = Decimal(str(price))
    return float(amount - cents(amount * percent / 100))


def stock_of(variant_number: int) -> int:
    """A generated variant's stock: none for one in nine, else 5 to 64."""
    return 0 if variant_number % 9 == 0 else (variant_number * 37) % 60 + 5


# -- the shop ----------------------------------------------------------------------------------


class Shop:
    """The generated shop and what was added to it since; see the module's docstring."""

    def __init__(self, *, seed: int, anchor: datetime, origin: str) -> None:
        self.name = SHOP_NAME
        self.seed = seed
        self.anchor = anchor
        self.origin = origin
        self.channels: list[Node] = [
            {
                "id": gid("Channel", pk),
                "slug": slug,
                "name": name,
                "currencyCode": currency,
                "defaultCountry": {"code": country},
                "isActive": True,
            }
            for pk, slug, name, currency, country, _factor in CHANNELS
        ]
        self.categories: list[Node] = []
        self.products: list[Node] = []
        self.affinity: dict[str, int] = {}  # a customer's favourite category (its index)
        self._prices: dict[str, dict[str, float]] = {}  # variant id -> currency -> listing
        self._discounts: dict[tuple[str, str], float] = {}  # (variant id, channel slug)
        self._stock: dict[str, int] = {}  # variant id -> quantity in the one warehouse
        self._unlisted: set[tuple[str, str]] = set()  # (product id, channel slug)
        self._variants: dict[str, Node] = {}
        # Whether the app has read the whole catalogue once (its full sync's last page): the
        # simulator moves the catalogue only then, so no delivery names what the app lacks.
        self.catalogue_read = False
        self._lists: dict[str, list[Node]] = {kind: [] for kind in KINDS}
        self._index: dict[str, Node] = {}
        self._position: dict[str, int] = {}
        self._lock = threading.RLock()
        self._journal: Path | None = None
        self.next_user_pk = 2  # User:1 is the demo's staff user (config.STAFF_USER_ID)
        self.next_order_number = 1
        self.next_fulfillment_pk = 1

    # reads

    @property
    def customers(self) -> list[Node]:
        with self._lock:
            return list(self._lists["customers"])

    @property
    def orders(self) -> list[Node]:
        with self._lock:
            return list(self._lists["orders"])

    @property
    def checkouts(self) -> list[Node]:
        with self._lock:
            return list(self._lists["checkouts"])

    def node(self, node_id: str) -> Node | None:
        with self._lock:
            return self._index.get(node_id)

    def channel(self, slug: str) -> Node:
        return next(c for c in self.channels if c["slug"] == slug)

    def channel_of(self, user: Node | None) -> Node:
        address = (user or {}).get("defaultBillingAddress")
        return self.channel(channel_for(address["country"]["code"] if address else "US"))

    def price(self, variant_id: str, currency: str) -> float:
        """What a customer pays for the variant now in the channel of ``currency``."""
        channel = next(c["slug"] for c in self.channels if c["currencyCode"] == currency)
        return self.discounted_price(variant_id, channel)

    def listing_price(self, variant_id: str, channel: str) -> float:
        return self._prices[variant_id][self.channel(channel)["currencyCode"]]

    def discounted_price(self, variant_id: str, channel: str) -> float:
        """The variant's price in ``channel`` after the promotion it is in, if any."""
        with self._lock:
            found = self._discounts.get((variant_id, channel))
        return self.listing_price(variant_id, channel) if found is None else found

    def discounts(self) -> dict[tuple[str, str], float]:
        """The discounted prices now: (variant id, channel slug) -> price."""
        with self._lock:
            return dict(self._discounts)

    def stock(self, variant_id: str) -> int:
        with self._lock:
            return self._stock[variant_id]

    def listed_visibly(self, product_id: str, channel: str) -> bool:
        """Whether the product is visible in the channel's listings (it may be taken out)."""
        with self._lock:
            return (product_id, channel) not in self._unlisted

    def variant(self, variant_id: str) -> Node | None:
        return self._variants.get(variant_id)

    def product(self, product_id: str) -> Node | None:
        return next((p for p in self.products if p["id"] == product_id), None)

    def variants(self, ids: Iterable[str]) -> list[Node]:
        wanted = list(ids)
        return [self._variants[i] for i in wanted if i in self._variants]

    def products_matching(
        self, *, search: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Node]:
        return _matching(self.products, search, ids)

    def categories_matching(
        self, *, search: str | None = None, ids: Sequence[str] | None = None
    ) -> list[Node]:
        return _matching(self.categories, search, ids)

    def connection(self, kind: str, *, first: int, after: str | None = None) -> Node:
        """One page of ``kind`` (customers, orders, checkouts), oldest first, as a Saleor
        connection; cursors are opaque strings, as Saleor's."""
        with self._lock:
            items = list(self._lists[kind])
        start = int(base64.b64decode(after).decode().rpartition(":")[2]) if after else 0
        page = items[start : start + max(first, 0)]
        cursors = [
            base64.b64encode(f"{kind}:{start + i + 1}".encode()).decode() for i in range(len(page))
        ]
        return {
            "totalCount": len(items),
            "pageInfo": {
                "hasNextPage": start + len(page) < len(items),
                "hasPreviousPage": start > 0,
                "startCursor": cursors[0] if cursors else None,
                "endCursor": cursors[-1] if cursors else None,
            },
            "edges": [{"cursor": c, "node": n} for c, n in zip(cursors, page, strict=True)],
        }

    # writes

    def add_customer(self, node: Node) -> None:
        self._put("customers", node)

    def add_order(self, node: Node) -> None:
        """Add an order, or replace the one with its id (a paid, fulfilled, refunded state)."""
        self._put("orders", node)

    def upsert_checkout(self, node: Node) -> None:
        self._put("checkouts", node)

    def remove_checkout(self, checkout_id: str) -> None:
        """Saleor deletes a checkout once it has become an order."""
        with self._lock:
            if checkout_id not in self._position:
                return
            self._lists["checkouts"] = [
                c for c in self._lists["checkouts"] if c["id"] != checkout_id
            ]
            self._reposition("checkouts")
            del self._index[checkout_id]
            self._write("checkout-removed", {"id": checkout_id})

    def stock_set(self, variant_id: str, quantity: int, *, journal: bool = True) -> int:
        """The variant's new stock; the quantity it had."""
        with self._lock:
            before = self._stock[variant_id]
            self._stock[variant_id] = quantity
            if journal:
                self._write("stock", {"id": variant_id, "quantity": quantity})
        return before

    def discount_set(
        self, variant_id: str, channel: str, price: float | None, *, journal: bool = True
    ) -> float:
        """The variant's price in ``channel`` after its promotion (None: the promotion ended);
        the price paid there before."""
        with self._lock:
            before = self.discounted_price(variant_id, channel)
            if price is None or price >= self.listing_price(variant_id, channel):
                self._discounts.pop((variant_id, channel), None)
            else:
                self._discounts[(variant_id, channel)] = price
            if journal:
                self._write("discount", {"id": variant_id, "channel": channel, "price": price})
        return before

    def listing_visible_set(
        self, product_id: str, channel: str, visible: bool, *, journal: bool = True
    ) -> None:
        with self._lock:
            if visible:
                self._unlisted.discard((product_id, channel))
            else:
                self._unlisted.add((product_id, channel))
            if journal:
                self._write("listing", {"id": product_id, "channel": channel, "visible": visible})

    def catalogue_read_set(self) -> None:
        with self._lock:
            if not self.catalogue_read:
                self.catalogue_read = True
                self._write("catalogue-read", {})

    def _put(self, kind: str, node: Node, *, journal: bool = True) -> None:
        with self._lock:
            nodes = self._lists[kind]
            at = self._position.get(node["id"])
            if at is None:
                self._position[node["id"]] = len(nodes)
                nodes.append(node)
            else:
                nodes[at] = node
            self._index[node["id"]] = node
            if kind == "customers":
                self.next_user_pk = max(self.next_user_pk, int(gid_decode(node["id"])[1]) + 1)
            if kind == "orders":
                self.next_order_number = max(self.next_order_number, int(node["number"]) + 1)
                for fulfillment in node["fulfillments"]:
                    pk = int(gid_decode(fulfillment["id"])[1])
                    self.next_fulfillment_pk = max(self.next_fulfillment_pk, pk + 1)
            if journal:
                self._write(kind, node)

    def _reposition(self, kind: str) -> None:
        for i, node in enumerate(self._lists[kind]):
            self._position[node["id"]] = i

    def _write(self, kind: str, node: Node) -> None:
        if self._journal is not None:
            with self._journal.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"kind": kind, "node": node}) + "\n")

    def journal_replay(self, path: Path) -> None:
        """Re-apply the live additions kept in ``path``, then journal new ones there."""
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut short by a crash
                node = entry["node"]
                if entry["kind"] == "checkout-removed":
                    self.remove_checkout(node["id"])
                elif entry["kind"] == "catalogue-read":
                    self.catalogue_read = True
                elif entry["kind"] == "stock":
                    self.stock_set(node["id"], int(node["quantity"]), journal=False)
                elif entry["kind"] == "discount":
                    self.discount_set(node["id"], node["channel"], node["price"], journal=False)
                elif entry["kind"] == "listing":
                    self.listing_visible_set(
                        node["id"], node["channel"], bool(node["visible"]), journal=False
                    )
                else:
                    self._put(entry["kind"], entry["node"], journal=False)
        self._journal = path


def _matching(nodes: list[Node], search: str | None, ids: Sequence[str] | None) -> list[Node]:
    if search:
        nodes = [n for n in nodes if search.lower() in n["name"].lower()]
    if ids is not None:
        nodes = [n for n in nodes if n["id"] in ids]
    return nodes


# -- generation --------------------------------------------------------------------------------


def _catalogue(shop: Shop, rng: random.Random) -> None:
    variant_pk = 1
    for c, spec in enumerate(CATEGORIES, start=1):
        category = {"id": gid("Category", c), "name": spec.name, "slug": spec.slug}
        shop.categories.append(category)
        product_type = {"id": gid("ProductType", c), "name": spec.product_type}
        names = [f"{a} {n}" for a in spec.adjectives for n in spec.nouns]
        for p, name in enumerate(sorted(rng.sample(names, PRODUCTS_PER_CATEGORY)), start=1):
            pk = (c - 1) * PRODUCTS_PER_CATEGORY + p
            slug = ascii_fold(name.replace(" ", "-"))
            core = {
                "id": gid("Product", pk),
                "name": name,
                "slug": slug,
                "category": category,
                "productType": product_type,
                "thumbnail": {"url": f"{shop.origin}/thumbnails/{slug}.svg", "alt": name},
            }
            base = round(rng.uniform(spec.low, spec.high), 0) - 0.01
            variants = []
            for v, variant_name in enumerate(rng.choice(spec.variants)):
                variant: Node = {
                    "id": gid("ProductVariant", variant_pk),
                    "name": variant_name,
                    "sku": f"{spec.slug[:3].upper()}-{pk:03d}-{v + 1}",
                    "product": core,
                }
                usd = round(base * (1 + 0.25 * v), 2)
                shop._prices[variant["id"]] = {
                    currency: usd if factor == 1 else max(round(usd * factor) - 0.05, 0.95)
                    for _pk, _s, _n, currency, _c, factor in CHANNELS
                }
                shop._stock[variant["id"]] = stock_of(pk * 10 + v + 1)
                shop._variants[variant["id"]] = variant
                variants.append(variant)
                variant_pk += 1
            shop.products.append({**core, "variants": variants})


def _seasonal(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A moment between ``start`` and ``end``, more likely in busy months."""
    span = (end - start).total_seconds()
    while True:
        moment = start + timedelta(seconds=rng.random() * span)
        if rng.random() * max(SEASON) <= SEASON[moment.month - 1]:
            return moment


def _order_count(rng: random.Random) -> int:
    kind = rng.random()
    if kind < 0.58:
        return 1
    if kind < 0.92:
        return rng.randint(2, 4)
    return rng.randint(5, 12)


def _history(shop: Shop, rng: random.Random, order: Node, created: datetime) -> Node:
    """The order as it stands at the anchor: most fulfilled, a few cancelled or refunded."""
    age = shop.anchor - created
    fate = rng.random()
    if fate < 0.035:
        return order_cancelled(order, at=created + timedelta(hours=rng.uniform(1, 20)))
    if age < timedelta(days=2) or (age < timedelta(days=5) and fate < 0.5):
        return order
    shipped = created + timedelta(hours=rng.uniform(12, 60))
    order = order_fulfilled(order, at=shipped, fulfillment_pk=shop.next_fulfillment_pk)
    shop.next_fulfillment_pk += 1
    if fate < 0.07 and age > timedelta(days=3):
        order = order_refunded(order, at=min(shipped + timedelta(days=2), shop.anchor))
    return order


def generate_shop(
    *, seed: int, customers: int, anchor: datetime, origin: str | None = None
) -> Shop:
    """The shop for ``seed`` with ``customers`` customers, as it stands at ``anchor``."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible shop, not a secret)
    anchor = anchor.astimezone(UTC).replace(microsecond=0)
    shop = Shop(seed=seed, anchor=anchor, origin=origin or config.saleor_origin())
    _catalogue(shop, rng)
    two_years = timedelta(days=730)
    joined = sorted(
        anchor - two_years * rng.random() ** 1.25 for _ in range(customers)
    )  # more of them recently: the shop grows
    placed: list[tuple[datetime, Node | None, str, Node | None, str, int]] = []
    for when in joined:
        buys = rng.random() < 0.66
        user = person(
            rng, pk=shop.next_user_pk, joined=when, with_address=buys or rng.random() < 0.4
        )
        favourite = weighted(rng, range(len(CATEGORIES)), [c.weight for c in CATEGORIES])
        shop.affinity[user["id"]] = favourite
        shop.add_customer(user)
        if not buys:
            continue
        first = when + timedelta(days=rng.expovariate(1 / 5))
        if first >= anchor:
            continue  # joined too recently: their first order is still to come
        times = [first, *(_seasonal(rng, first, anchor) for _ in range(_order_count(rng) - 1))]
        for moment in times:
            placed.append(
                (
                    moment,
                    user,
                    user["email"],
                    user["defaultBillingAddress"],
                    user["languageCode"],
                    favourite,
                )
            )
    for pk in range(customers // 10):
        guest = person(rng, pk=10_000_000 + pk, joined=anchor, with_address=True)
        moment = _seasonal(rng, anchor - two_years, anchor)
        favourite = rng.randrange(len(CATEGORIES))
        placed.append(
            (
                moment,
                None,
                guest["email"],
                guest["defaultBillingAddress"],
                guest["languageCode"],
                favourite,
            )
        )
    placed.sort(key=lambda item: item[0])
    for moment, buyer, email, address, language, favourite in placed:
        channel = shop.channel(channel_for(address["country"]["code"] if address else "US"))
        order = order_node(
            rng=rng,
            shop=shop,
            number=shop.next_order_number,
            user=buyer,
            email=email,
            address=address,
            language=language,
            channel=channel,
            items=basket(shop, rng, favourite),
            created=moment,
        )
        shop.add_order(_history(shop, rng, order, moment))
    _open_checkouts(shop, rng, customers // 50)
    _promotions(shop, seed)
    return shop


def _promotions(shop: Shop, seed: int) -> None:
    """The promotions running at the anchor: per channel, ``PROMOTIONS`` variants (of as
    many products) at 15, 20 or 25 % off, from a generator of their own."""
    rng = random.Random(f"{seed}:promotions")  # noqa: S311 (a reproducible shop)
    for channel in shop.channels:
        products = rng.sample(shop.products, PROMOTIONS)
        for product in products:
            variant = rng.choice(product["variants"])
            listing = shop.listing_price(variant["id"], channel["slug"])
            off = percent_off(listing, rng.choice((15, 20, 25)))
            shop.discount_set(variant["id"], channel["slug"], off, journal=False)


def _open_checkouts(shop: Shop, rng: random.Random, count: int) -> None:
    customers = shop.customers
    opened: list[Node] = []
    for _ in range(max(count, 3)):
        created = shop.anchor - timedelta(days=10) * rng.random()
        if rng.random() < 0.34:
            guest = person(rng, pk=20_000_000 + len(opened), joined=created)
            user, email, address = None, guest["email"], guest["defaultBillingAddress"]
            language, favourite = guest["languageCode"], rng.randrange(len(CATEGORIES))
        else:
            user = rng.choice(customers)
            email, address = user["email"], user["defaultBillingAddress"]
            language, favourite = user["languageCode"], shop.affinity[user["id"]]
        changed = min(created + timedelta(minutes=rng.uniform(1, 120)), shop.anchor)
        opened.append(
            checkout_node(
                rng=rng,
                shop=shop,
                user=user,
                email=email,
                address=address,
                language=language,
                channel=shop.channel_of(user)
                if user
                else shop.channel(channel_for(address["country"]["code"])),
                items=basket(shop, rng, favourite),
                created=created,
                changed=changed,
            )
        )
    for checkout in sorted(opened, key=lambda c: c["created"]):
        shop.upsert_checkout(checkout)


def load_shop() -> Shop:
    """The demo's shop: ``DEMO_DIR/shop.json`` made on first use (``DEMO_SEED``,
    ``DEMO_CUSTOMERS``, now as the anchor), then the live additions journaled since."""
    path = config.demo_dir() / "shop.json"
    if not path.exists():
        anchor = datetime.now(tz=UTC).replace(microsecond=0)
        plan = {"seed": settings.DEMO_SEED, "customers": settings.DEMO_CUSTOMERS}
        path.write_text(json.dumps({**plan, "anchor": anchor.isoformat()}) + "\n")
    plan = json.loads(path.read_text())
    shop = generate_shop(
        seed=int(plan["seed"]),
        customers=int(plan["customers"]),
        anchor=datetime.fromisoformat(plan["anchor"]),
    )
    shop.journal_replay(config.demo_dir() / "shop-live.jsonl")
    return shop
