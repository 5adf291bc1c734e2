"""What to show a contact or a visitor: ``recommend``, for messages and the storefront alike.

Each strategy ranks candidates (Saleor product ids, each with a score and a reason a person can
read); the same rules then filter them for every strategy: never a context product or an
excluded one, never what the contact already bought (unless its product type is consumable,
``CatalogueSettings.consumable_product_types``), never a product that is not recommendable in
the channel (listed, published, visible, purchasable, a variant in stock with a price there).
Cards carry the channel's prices and currency.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from saleor_mautomation.catalogue.models import CatalogueSettings, Category, Product
from saleor_mautomation.catalogue.selectors import (
    ProductCard,
    product_cards,
    recommendable_products,
)
from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.models import Contact, ContactAlias
from saleor_mautomation.contacts.services import email_normalize
from saleor_mautomation.core import clock
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.models import Event
from saleor_mautomation.recommendations.engine import NOT_PURCHASES, blend, pair_score
from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductOrders,
    ProductPair,
    RecommendationState,
)

STRATEGIES = (
    "bought_together",
    "similar",
    "bestsellers",
    "bestsellers_in_category",
    "recently_viewed",
    "personalised",
)
MAX_FIRST = 50
# How many of a product's strongest partners are scored (by orders shared; the score then
# weighs them by popularity), and how many recent items seed a contact's recommendations.
PARTNERS = 200
SEEDS = 5
RECENT_ORDERS = 5
RECENT_VIEWS = 50
VIEWED = "product.viewed"


@dataclass(frozen=True)
class Recommendation:
    product: ProductCard
    reason: str  # explainable, e.g. "Bought together with Monospace Tee in 41 orders"
    score: float


@dataclass(frozen=True)
class Candidate:
    product_id: str
    score: float
    reason: str


@dataclass
class _Ask:
    installation_id: int
    channel_slug: str
    history: _History
    context: list[str]
    wanted: int  # candidates to rank: more than shown, as the rules drop some
    rules: _Rules
    version: int | None = None  # of the tables, read once when best-sellers are wanted

    def tables_version(self) -> int:
        if self.version is None:
            self.version = (
                RecommendationState.objects.filter(installation_id=self.installation_id)
                .values_list("version", flat=True)
                .first()
            ) or 0
        return self.version


def recommend(
    installation_id: int,
    *,
    strategy: str,
    channel_slug: str,
    contact_id: int | None = None,
    product_ids: Sequence[str] = (),
    first: int = 4,
    exclude_ids: Sequence[str] = (),
) -> list[Recommendation]:
    """Up to ``first`` (at most ``MAX_FIRST``) recommendations, best first.

    ``product_ids`` is the context (the product page's product, the cart's products): used as
    seeds by ``bought_together``, ``similar`` and ``bestsellers_in_category``, never shown.
    Without them those strategies seed from the contact's recent orders and views.
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"unknown strategy {strategy!r}: one of {', '.join(STRATEGIES)}")
    first = max(0, min(first, MAX_FIRST))
    if first == 0:
        return []
    history = _History.of(contact_id) if contact_id is not None else _History.empty()
    context = list(dict.fromkeys(product_ids))
    rules = _Rules(installation_id, channel_slug, {*context, *exclude_ids}, history.bought)
    ask = _Ask(installation_id, channel_slug, history, context, first * 5 + 20, rules)
    chosen = rules.keep(_STRATEGY[strategy](ask))[:first]
    cards = product_cards(installation_id, channel_slug, [c.product_id for c in chosen])
    return [
        Recommendation(product=cards[c.product_id], reason=c.reason, score=round(c.score, 6))
        for c in chosen
        if c.product_id in cards
    ]


# -- the contact's history ------------------------------------------------------------------------


@dataclass(frozen=True)
class _History:
    bought: frozenset[str]  # products of the contact's counted orders
    ordered: tuple[str, ...]  # products of their recent orders, newest first
    viewed: tuple[str, ...]  # products they viewed, newest first
    categories: tuple[str, ...]  # categories of both, most frequent first

    @staticmethod
    def empty() -> _History:
        return _History(frozenset(), (), (), ())

    @staticmethod
    def of(contact_id: int) -> _History:
        bought = frozenset(
            ContactProduct.objects.filter(contact_id=contact_id).values_list(
                "product_id", flat=True
            )
        )
        ordered: list[str] = []
        categories: Counter[str] = Counter()
        for lines in (
            OrderRecord.objects.filter(contact_id=contact_id)
            .exclude(status__in=NOT_PURCHASES)
            .order_by("-placed_at")
            .values_list("lines", flat=True)[:RECENT_ORDERS]
        ):
            for line in lines or []:
                if isinstance(line, dict) and isinstance(line.get("product_id"), str):
                    ordered.append(line["product_id"])
                    if line.get("category_id"):
                        categories[str(line["category_id"])] += 1
        viewed: list[str] = []
        for properties in (
            Event.objects.filter(contact_id=contact_id, type=VIEWED)
            .order_by("-occurred_at", "-id")
            .values_list("properties", flat=True)[:RECENT_VIEWS]
        ):
            if not isinstance(properties, dict):
                continue
            if isinstance(properties.get("product_id"), str):
                viewed.append(properties["product_id"])
            if properties.get("category_id"):
                categories[str(properties["category_id"])] += 1
        return _History(
            bought=bought,
            ordered=tuple(dict.fromkeys(ordered)),
            viewed=tuple(dict.fromkeys(viewed)),
            categories=tuple(category for category, _ in categories.most_common()),
        )

    def seeds(self) -> list[str]:
        return list(dict.fromkeys([*self.ordered[:SEEDS], *self.viewed[:SEEDS]]))


# -- strategies -----------------------------------------------------------------------------------


def _names(installation_id: int, product_ids: Iterable[str]) -> dict[str, str]:
    return dict(
        Product.objects.filter(
            installation_id=installation_id, saleor_id__in=set(product_ids)
        ).values_list("saleor_id", "name")
    )


def _orders(n: int) -> str:
    return f"{n} order" if n == 1 else f"{n} orders"


def _bought_together(ask: _Ask) -> list[Candidate]:
    seeds = ask.context[:SEEDS] or ask.history.seeds()
    return _partners(ask.installation_id, seeds, ask.wanted)


def _top_partners(
    installation_id: int, seeds: Sequence[str]
) -> list[tuple[str, str, int, int, int]]:
    """(seed, other, orders together, the seed's orders, the other's orders) of each seed's
    ``PARTNERS`` strongest partners, in one statement (each seed's partners read from the top
    of its index range: a best-seller's thousands of partners are not all read)."""
    pairs, popularity = ProductPair._meta.db_table, ProductOrders._meta.db_table
    one = (
        "SELECT p.product_id, p.other_id, p.orders, s.orders AS seed_orders, "  # noqa: S608
        f"o.orders AS other_orders FROM {pairs} p "
        f"LEFT JOIN {popularity} s "
        "ON s.installation_id = p.installation_id AND s.product_id = p.product_id "
        f"LEFT JOIN {popularity} o "
        "ON o.installation_id = p.installation_id AND o.product_id = p.other_id "
        "WHERE p.installation_id = %s AND p.product_id = %s "
        "ORDER BY p.orders DESC LIMIT %s"
    )
    sql = " UNION ALL ".join(f"SELECT * FROM ({one}) AS s{i}" for i in range(len(seeds)))  # noqa: S608
    params = [value for seed in seeds for value in (installation_id, seed, PARTNERS)]
    return [
        (seed, other, together, seed_orders or 0, other_orders or 0)
        for seed, other, together, seed_orders, other_orders in sql_rows(sql, params, prepare=False)
    ]


def _partners(installation_id: int, seeds: Sequence[str], wanted: int) -> list[Candidate]:
    """Products in the seeds' orders, each scored by ``pair_score`` summed over the seeds; the
    reason names the seed that contributed most."""
    if not seeds:
        return []
    pairs = _top_partners(installation_id, seeds)
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, str, int]] = {}
    for seed, other, together, seed_orders, other_orders in pairs:
        score = pair_score(together, seed_orders, other_orders)
        scores[other] = scores.get(other, 0.0) + score
        if other not in best or score > best[other][0]:
            best[other] = (score, seed, together)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:wanted]
    names = _names(installation_id, {best[other][1] for other, _ in ranked})
    return [
        Candidate(
            other,
            score,
            f"Bought together with {names.get(best[other][1], 'this product')} "
            f"in {_orders(best[other][2])}",
        )
        for other, score in ranked
    ]


def _window_days() -> int:
    return int(settings.RECOMMENDATIONS_BESTSELLER_DAYS)


def _sales(ask: _Ask, category_id: str | None, limit: int) -> list[tuple[str, int]]:
    """The channel's products by orders in the window (of one category when given), most
    first; cached per version of the tables (a refresh that counted orders moves it) and day."""
    installation_id, channel_slug = ask.installation_id, ask.channel_slug
    version = ask.tables_version()
    today = clock.now().date()
    days = _window_days()
    key = f"rec-sales:{installation_id}:{version}:{today}:{days}:{channel_slug}:{category_id}"
    cached: list[tuple[str, int]] | None = cache.get(key)
    if cached is not None and len(cached) >= limit:
        return cached[:limit]
    rows = OrderProduct.objects.filter(
        installation_id=installation_id,
        channel_slug=channel_slug,
        day__gt=today - timedelta(days=days),
    )
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    sales = [
        (product_id, orders)
        for product_id, orders in rows.values("product_id")
        .annotate(orders=Count("id"))
        .order_by("-orders", "product_id")
        .values_list("product_id", "orders")[: max(limit, PARTNERS)]
    ]
    cache.set(key, sales, settings.RECOMMENDATIONS_CACHE_SECONDS)
    return sales[:limit]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def _bestsellers(ask: _Ask) -> list[Candidate]:
    days = _window_days()
    return [
        Candidate(
            product_id, float(orders), f"Best-seller: ordered {_times(orders)} in {days} days"
        )
        for product_id, orders in _sales(ask, None, ask.wanted)
    ]


def _context_category(installation_id: int, context: Sequence[str]) -> tuple[str, str] | None:
    """The (Saleor id, name) of the category of the first context product the catalogue
    knows with one."""
    found = {
        saleor_id: (category_id, name)
        for saleor_id, category_id, name in Product.objects.filter(
            installation_id=installation_id, saleor_id__in=context, category__isnull=False
        ).values_list("saleor_id", "category__saleor_id", "category__name")
    }
    return next((found[p] for p in context if p in found), None)


def _category(
    installation_id: int, history: _History, context: Sequence[str]
) -> tuple[str, str] | None:
    """The context's category, else the contact's favourite (most frequent in their recent
    orders and views)."""
    if context:
        return _context_category(installation_id, context)
    if not history.categories:
        return None
    favourite = history.categories[0]
    name = (
        Category.objects.filter(installation_id=installation_id, saleor_id=favourite)
        .values_list("name", flat=True)
        .first()
    )
    return favourite, name or "your favourite category"


def _bestsellers_in_category(ask: _Ask) -> list[Candidate]:
    category = _category(ask.installation_id, ask.history, ask.context)
    if category is None:
        return []
    category_id, name = category
    days = _window_days()
    return [
        Candidate(
            product_id,
            float(orders),
            f"Best-seller in {name}: ordered {_times(orders)} in {days} days",
        )
        for product_id, orders in _sales(ask, category_id, ask.wanted)
    ]


def _similar(ask: _Ask) -> list[Candidate]:
    """Products of the context's category: its best-sellers first, then the others by name."""
    seeds = ask.context or ask.history.seeds()
    category = _category(ask.installation_id, ask.history, seeds[:1]) if seeds else None
    if category is None:
        return []
    category_id, name = category
    wanted = ask.wanted
    sold = _sales(ask, category_id, wanted)
    reason = f"Also in {name}"
    ranked = [Candidate(p, float(orders), reason) for p, orders in sold]
    if len(ranked) < wanted:
        taken = {c.product_id for c in ranked} | set(seeds)
        rest = (
            recommendable_products(ask.installation_id, ask.channel_slug)
            .filter(category__saleor_id=category_id)
            .exclude(saleor_id__in=taken)
            .order_by("name", "saleor_id")
            .values_list("saleor_id", flat=True)[: wanted - len(ranked)]
        )
        ranked.extend(Candidate(p, 0.0, reason) for p in rest)
    return ranked


def _recently_viewed(ask: _Ask) -> list[Candidate]:
    count = len(ask.history.viewed)
    return [
        Candidate(product_id, float(count - rank), "You viewed it recently")
        for rank, product_id in enumerate(ask.history.viewed[: ask.wanted])
    ]


def _personalised(ask: _Ask) -> list[Candidate]:
    """What goes with the contact's recent orders and views, their favourite category's
    best-sellers and the channel's, blended in turn (each product once, with the reason of the
    list that ranked it first). A visitor with no history gets the best-sellers."""
    general = replace(ask, context=[])
    ranked = (
        _partners(ask.installation_id, ask.history.seeds(), ask.wanted),
        _bestsellers_in_category(general),
        _bestsellers(general),
    )
    ask.rules.keep([c for candidates in ranked for c in candidates])  # one read for all
    lists = [ask.rules.keep(candidates) for candidates in ranked]
    by_id = [{c.product_id: c for c in candidates} for candidates in lists]
    blended = blend([[c.product_id for c in candidates] for candidates in lists], ask.wanted)
    return [
        Candidate(product_id, float(len(blended) - rank), by_id[source][product_id].reason)
        for rank, (product_id, source) in enumerate(blended)
    ]


_STRATEGY = {
    "bought_together": _bought_together,
    "similar": _similar,
    "bestsellers": _bestsellers,
    "bestsellers_in_category": _bestsellers_in_category,
    "recently_viewed": _recently_viewed,
    "personalised": _personalised,
}


# -- the rules every strategy follows -------------------------------------------------------------


class _Rules:
    """The rules every strategy follows, each product's verdict read once per call."""

    def __init__(
        self, installation_id: int, channel_slug: str, hidden: set[str], bought: frozenset[str]
    ) -> None:
        self.installation_id = installation_id
        self.channel_slug = channel_slug
        self.hidden = hidden
        self.bought = bought
        self.allowed: dict[str, bool] = {}
        self._consumable: set[str] | None = None

    def consumable(self) -> set[str]:
        if self._consumable is None:
            self._consumable = set(
                CatalogueSettings.objects.filter(installation_id=self.installation_id)
                .values_list("consumable_product_types", flat=True)
                .first()
                or []
            )
        return self._consumable

    def keep(self, candidates: Sequence[Candidate]) -> list[Candidate]:
        wanted = [c for c in candidates if c.product_id not in self.hidden]
        unknown = {c.product_id for c in wanted} - self.allowed.keys()
        if unknown:
            found = dict(
                recommendable_products(self.installation_id, self.channel_slug)
                .filter(saleor_id__in=unknown)
                .values_list("saleor_id", "product_type_name")
            )
            for product_id in unknown:
                kind = found.get(product_id)
                self.allowed[product_id] = kind is not None and (
                    product_id not in self.bought or kind in self.consumable()
                )
        return [c for c in wanted if self.allowed[c.product_id]]


def visitor_contact_id(
    *,
    installation_id: int,
    saleor_user_id: str | None = None,
    email: str | None = None,
    anonymous_id: str | None = None,
) -> int | None:
    """The contact of a storefront visitor, read only (a visitor never seen has none): the
    signed-in customer's (``saleor_user_id`` and ``email`` from their token, never an address
    a visitor typed), else the anonymous id's."""
    contacts = Contact.objects.filter(installation_id=installation_id)
    for field, value in (("saleor_user_id", saleor_user_id), ("email", email_normalize(email))):
        if value:
            found = contacts.filter(**{field: value}).values_list("pk", flat=True).first()
            if found is not None:
                return found
    if anonymous_id:
        return (
            ContactAlias.objects.filter(installation_id=installation_id, anonymous_id=anonymous_id)
            .values_list("contact_id", flat=True)
            .first()
        )
    return None


def recommendations_export(*, contact_id: int) -> dict[str, list[dict[str, object]]]:
    """What recommendations hold about a contact (the GDPR export): the products of their
    counted orders, and their orders per product."""
    return {
        "counted_order_products": [
            {
                "order_id": row["order__saleor_id"],
                "channel": row["channel_slug"],
                "day": row["day"].isoformat(),
                "product_id": row["product_id"],
                "category_id": row["category_id"],
                "quantity": row["quantity"],
            }
            for row in OrderProduct.objects.filter(contact_id=contact_id)
            .order_by("day", "order_id", "product_id")
            .values(
                "order__saleor_id", "channel_slug", "day", "product_id", "category_id", "quantity"
            )
        ],
        "purchased_products": [
            {"product_id": product_id, "orders": orders}
            for product_id, orders in ContactProduct.objects.filter(contact_id=contact_id)
            .order_by("product_id")
            .values_list("product_id", "orders")
        ],
    }
