"""What to show a contact or a visitor: ``recommend``, for messages and the storefront alike.

Each strategy ranks candidates (Saleor product ids, each with a score and a reason a person can
read); the same rules then filter them for every strategy: never a context product or an
excluded one, never what the contact already bought (unless its product type is consumable,
``CatalogueSettings.consumable_product_types``), never a product that is not recommendable in
the channel (listed, published, visible, purchasable, a variant in stock with a price there).
Cards carry the channel's prices and currency.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, replace
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count

from saleor_mautomation.catalogue.models import CatalogueSettings, Product
from saleor_mautomation.catalogue.selectors import ProductCard, product_url
from saleor_mautomation.contacts.models import Contact, ContactAlias
from saleor_mautomation.contacts.services import email_normalize
from saleor_mautomation.core import clock
from saleor_mautomation.recommendations import reads
from saleor_mautomation.recommendations.engine import blend, pair_score
from saleor_mautomation.recommendations.models import (
    ContactProduct,
    OrderProduct,
    ProductOrders,
    ProductPair,
)
from saleor_mautomation.recommendations.reads import Facts, Head
from saleor_mautomation.recommendations.reads import History as _History
from saleor_mautomation.recommendations.reasons import (
    ALSO_IN_CATEGORY,
    BESTSELLER,
    BESTSELLER_IN_CATEGORY,
    BOUGHT_TOGETHER,
    VIEWED_RECENTLY,
    Reason,
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
# Seeds whose partners one statement reads (a batch's seeds in a few statements).
SEEDS_PER_READ = 100
SEEDS = reads.SEEDS
RECENT_ORDERS = reads.RECENT_ORDERS
RECENT_VIEWS = reads.RECENT_VIEWS
VIEWED = reads.VIEWED


@dataclass(frozen=True)
class Recommendation:
    product: ProductCard
    why: Reason  # a code and its parameters, rendered in a language by ``why.text``
    score: float

    @property
    def reason(self) -> str:
        """In English, e.g. "Bought together with Monospace Tee in 41 orders"."""
        return self.why.text("en")


@dataclass(frozen=True)
class Candidate:
    product_id: str
    score: float
    reason: Reason


@dataclass(frozen=True)
class Request:
    """One ``recommend`` call of a batch (``recommend_many``)."""

    strategy: str
    channel_slug: str
    contact_id: int | None = None
    product_ids: Sequence[str] = ()
    first: int = 4
    exclude_ids: Sequence[str] = ()


class _Batch:
    """What the requests of one batch share, each read once: the installation's head (the
    tables' version, the consumable product types, the URL patterns), each channel's facts per
    product (recommendable, of which product type, its card), category names, best-seller
    lists, the partners of each seed set and the contacts' histories."""

    def __init__(self, installation_id: int) -> None:
        self.installation_id = installation_id
        self._head: Head | None = None
        self.facts: dict[str, dict[str, Facts | None]] = {}  # channel -> product -> facts
        self.sales: dict[tuple[str, str | None], tuple[list[tuple[str, int]], int]] = {}
        self.partners: dict[tuple[tuple[str, ...], int], list[Candidate]] = {}
        self.unsold: dict[tuple[str, str], tuple[list[str], int]] = {}
        self.category_names: dict[str, str | None] = {}
        self.histories: dict[int, _History] = {}
        self.seed_pairs: dict[str, list[tuple[str, str, int, int, int]]] = {}
        # contact -> product -> bought, for contacts whose history holds only some of it
        self.owned: dict[int, dict[str, bool]] = {}
        # Products whose names reasons give (the seeds of bought together): read with the
        # next facts read of any channel.
        self.named: set[str] = set()

    def head(self) -> Head:
        if self._head is None:
            self._head = reads.head(self.installation_id)
        return self._head

    def tables_version(self) -> int:
        return self.head().version

    def consumable(self) -> frozenset[str]:
        return self.head().consumable

    def facts_of(self, channel_slug: str, product_ids: Iterable[str]) -> dict[str, Facts | None]:
        """Each product's facts in the channel (None: the catalogue does not know it), those
        not read yet read in one statement with the names reasons wait for."""
        known = self.facts.setdefault(channel_slug, {})
        wanted = set(product_ids)
        unknown = wanted - known.keys()
        names = {p for p in self.named if not any(p in f for f in self.facts.values())}
        if unknown or (names and wanted):
            found = reads.facts(self.installation_id, channel_slug, unknown | names)
            for product_id in unknown | names:
                known[product_id] = found.get(product_id)
        return known

    def product_kinds(self, channel_slug: str, product_ids: Iterable[str]) -> dict[str, str | None]:
        """Each product's type name if it is recommendable in the channel, else None."""
        ids = set(product_ids)
        known = self.facts_of(channel_slug, ids)
        return {p: (f.kind if (f := known[p]) is not None else None) for p in ids}

    def product_names(self, product_ids: Iterable[str]) -> dict[str, str]:
        """Names from any channel's facts, the unknown read with the default channel's."""
        names: dict[str, str] = {}
        missing = set(product_ids)
        for known in self.facts.values():
            for product_id in list(missing):
                if product_id in known:
                    missing.discard(product_id)
                    if (found := known[product_id]) is not None:
                        names[product_id] = found.name
        if missing:
            channel = next(iter(self.facts), "")
            known = self.facts_of(channel, missing)
            names.update({p: f.name for p in missing if (f := known[p]) is not None})
        return names

    def category_name(self, category_id: str) -> str | None:
        """The category's name (None: the catalogue has no name for it): from the facts of a
        product of it read already (its best-sellers were), else read."""
        if category_id not in self.category_names:
            found = next(
                (
                    f.category
                    for known in self.facts.values()
                    for f in known.values()
                    if f is not None and f.category_id == category_id
                ),
                None,
            )
            if found is None:
                found = reads.category_name(self.installation_id, category_id)
            self.category_names[category_id] = found or None
        return self.category_names[category_id]

    def pairs_of(self, seeds: Sequence[str]) -> list[tuple[str, str, int, int, int]]:
        """The seeds' top partners (``_top_partners``), each seed's read once per batch."""
        unknown = [seed for seed in dict.fromkeys(seeds) if seed not in self.seed_pairs]
        for start in range(0, len(unknown), SEEDS_PER_READ):
            chunk = unknown[start : start + SEEDS_PER_READ]
            for seed in chunk:
                self.seed_pairs[seed] = []
            for row in _top_partners(self.installation_id, chunk):
                self.seed_pairs[row[0]].append(row)
        return [row for seed in seeds for row in self.seed_pairs[seed]]

    def categories_of(
        self, channel_slug: str, product_ids: Iterable[str]
    ) -> dict[str, tuple[str, str] | None]:
        """Each product's category (Saleor id, name), None if the catalogue knows none."""
        ids = set(product_ids)
        known = self.facts_of(channel_slug, ids)
        return {
            p: (f.category_id, f.category)
            if (f := known[p]) is not None and f.category_id is not None
            else None
            for p in ids
        }

    def category_products(
        self, channel_slug: str, category_id: str, taken: set[str], n: int
    ) -> list[str]:
        """The first ``n`` recommendable products of the category by name, but ``taken``."""
        from saleor_mautomation.catalogue.selectors import recommendable_products

        listed, limit = self.unsold.get((channel_slug, category_id), ([], 0))
        rest = [p for p in listed if p not in taken]
        if len(rest) < n and len(listed) >= limit:  # not all read yet
            limit = n + len(taken)
            listed = list(
                recommendable_products(self.installation_id, channel_slug)
                .filter(category__saleor_id=category_id)
                .order_by("name", "saleor_id")
                .values_list("saleor_id", flat=True)[:limit]
            )
            self.unsold[(channel_slug, category_id)] = (listed, limit)
            rest = [p for p in listed if p not in taken]
        return rest[:n]

    def bought_among(self, contact_id: int, product_ids: Iterable[str]) -> set[str]:
        """Which of the products the contact bought, each product read once per batch."""
        ids = set(product_ids)
        known = self.owned.setdefault(contact_id, {})
        unknown = ids - known.keys()
        if unknown:
            found = reads.bought_among(contact_id, unknown)
            known.update({p: p in found for p in unknown})
        return {p for p in ids if known[p]}

    def histories_read(self, contact_ids: Iterable[int]) -> None:
        wanted = set(contact_ids) - self.histories.keys()
        if wanted:
            self.histories.update(reads.histories(wanted))

    def cards(self, channel_slug: str, product_ids: Iterable[str]) -> dict[str, ProductCard]:
        """Cards of the products in the channel, from their facts (as
        ``catalogue.selectors.product_cards`` makes them)."""
        known = self.facts_of(channel_slug, product_ids)
        patterns = CatalogueSettings(product_url_patterns=dict(self.head().url_patterns))
        cards: dict[str, ProductCard] = {}
        for product_id in product_ids:
            found = known[product_id]
            if found is None:
                continue
            cards[product_id] = ProductCard(
                id=found.id,
                name=found.name,
                slug=found.slug,
                url=product_url(
                    patterns, channel_slug, Product(saleor_id=found.id, slug=found.slug)
                ),
                image=found.image,
                price=found.price,
                currency=found.currency,
                category=found.category,
                available=found.kind is not None,
            )
        return cards


@dataclass
class _Ask:
    installation_id: int
    channel_slug: str
    history: _History
    context: list[str]
    wanted: int  # candidates to rank: more than shown, as the rules drop some
    rules: _Rules
    batch: _Batch

    def tables_version(self) -> int:
        return self.batch.tables_version()


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
    request = Request(strategy, channel_slug, contact_id, product_ids, first, exclude_ids)
    return recommend_many(installation_id, [request])[0]


def recommend_many(installation_id: int, requests: Sequence[Request]) -> list[list[Recommendation]]:
    """``recommend`` for each request, in order, with the same answers; what requests share is
    read once for the batch (the contacts' histories in one query each for all of them, each
    seed set's partners, each channel's verdicts per product, the cards once per channel)."""
    for request in requests:
        if request.strategy not in STRATEGIES:
            raise ValueError(
                f"unknown strategy {request.strategy!r}: one of {', '.join(STRATEGIES)}"
            )
    batch = _Batch(installation_id)
    batch.histories_read(
        r.contact_id for r in requests if r.contact_id is not None and _first(r) > 0
    )
    batch.pairs_of(
        [
            seed
            for request in requests
            if request.contact_id is not None or request.product_ids
            for seed in _partner_seeds(request, batch)
        ]
    )
    seeded: dict[str, set[str]] = {}
    for request in requests:
        seeded.setdefault(request.channel_slug, set()).update(_category_seeds(request, batch))
    for channel, product_ids in seeded.items():
        if product_ids:
            batch.categories_of(channel, product_ids)
    chosen: list[list[Candidate]] = []
    for request in requests:
        first = _first(request)
        if first == 0:
            chosen.append([])
            continue
        history = (
            batch.histories.get(request.contact_id, _History.empty())
            if request.contact_id is not None
            else _History.empty()
        )
        context = list(dict.fromkeys(request.product_ids))
        hidden = {*context, *request.exclude_ids}
        rules = _Rules(batch, request.channel_slug, hidden, history, request.contact_id)
        ask = _Ask(
            installation_id, request.channel_slug, history, context, first * 5 + 20, rules, batch
        )
        chosen.append(rules.keep(_STRATEGY[request.strategy](ask))[:first])
    wanted: dict[str, set[str]] = {}
    for request, candidates in zip(requests, chosen, strict=True):
        wanted.setdefault(request.channel_slug, set()).update(c.product_id for c in candidates)
    cards = {
        channel: batch.cards(channel, sorted(ids)) if ids else {} for channel, ids in wanted.items()
    }
    return [
        [
            Recommendation(
                product=cards[request.channel_slug][c.product_id],
                why=_named(batch, c.reason),
                score=round(c.score, 6),
            )
            for c in candidates
            if c.product_id in cards[request.channel_slug]
        ]
        for request, candidates in zip(requests, chosen, strict=True)
    ]


def _named(batch: _Batch, reason: Reason) -> Reason:
    """The reason with the name of the product or category it names by id (bought
    together's seed, a contact's favourite category: read with the candidates' facts, not in
    a statement of their own)."""
    if "product_id" in reason.params:
        params = dict(reason.params)
        product_id = params.pop("product_id")
        name = batch.product_names([product_id]).get(product_id)
        return Reason(reason.code, {"product": name} | params)
    if "category_id" in reason.params:
        params = dict(reason.params)
        category_id = params.pop("category_id")
        return Reason(reason.code, {"category": batch.category_name(category_id)} | params)
    return reason


def _first(request: Request) -> int:
    return max(0, min(request.first, MAX_FIRST))


def _category_seeds(request: Request, batch: _Batch) -> list[str]:
    """The products whose categories the request's strategy reads (none if it reads none)."""
    if _first(request) == 0:
        return []
    context = list(dict.fromkeys(request.product_ids))
    if request.strategy == "bestsellers_in_category":
        return context
    if request.strategy == "similar":
        history = batch.histories.get(request.contact_id or 0, _History.empty())
        return (context or history.seeds())[:1]
    return []


def _partner_seeds(request: Request, batch: _Batch) -> list[str]:
    """The seeds whose partners the request's strategy reads (none if it reads none)."""
    if _first(request) == 0 or request.strategy not in ("bought_together", "personalised"):
        return []
    history = batch.histories.get(request.contact_id or 0, _History.empty())
    if request.strategy == "bought_together":
        return list(dict.fromkeys(request.product_ids))[:SEEDS] or history.seeds()
    return history.seeds()


# -- strategies -----------------------------------------------------------------------------------


def _bought_together(ask: _Ask) -> list[Candidate]:
    seeds = ask.context[:SEEDS] or ask.history.seeds()
    return _partners(ask.batch, seeds, ask.wanted)


def _top_partners(
    installation_id: int, seeds: Sequence[str]
) -> list[tuple[str, str, int, int, int]]:
    """(seed, other, orders together, the seed's orders, the other's orders) of each seed's
    ``PARTNERS`` strongest partners, in one statement (each seed's partners read from the top
    of its index range: a best-seller's thousands of partners are not all read; the seed's own
    popularity read once, not joined to each of its partners' rows)."""
    pairs, popularity = ProductPair._meta.db_table, ProductOrders._meta.db_table
    one = (
        "SELECT p.product_id, p.other_id, p.orders, "  # noqa: S608
        f"(SELECT orders FROM {popularity} WHERE installation_id = %s AND product_id = %s) "
        f"AS seed_orders, o.orders AS other_orders FROM {pairs} p "
        f"LEFT JOIN {popularity} o "
        "ON o.installation_id = p.installation_id AND o.product_id = p.other_id "
        "WHERE p.installation_id = %s AND p.product_id = %s "
        "ORDER BY p.orders DESC LIMIT %s"
    )
    sql = " UNION ALL ".join(f"SELECT * FROM ({one}) AS s{i}" for i in range(len(seeds)))  # noqa: S608
    params = [
        value
        for seed in seeds
        for value in (installation_id, seed, installation_id, seed, PARTNERS)
    ]
    return [
        (seed, other, together, seed_orders or 0, other_orders or 0)
        for seed, other, together, seed_orders, other_orders in reads.rows(sql, params)
    ]


def _partners(batch: _Batch, seeds: Sequence[str], wanted: int) -> list[Candidate]:
    """Products in the seeds' orders, each scored by ``pair_score`` summed over the seeds; the
    reason names the seed that contributed most (once per seed set and batch)."""
    if not seeds:
        return []
    key = (tuple(seeds), wanted)
    if key not in batch.partners:
        batch.partners[key] = _partners_read(batch, seeds, wanted)
    return batch.partners[key]


def _partners_read(batch: _Batch, seeds: Sequence[str], wanted: int) -> list[Candidate]:
    pairs = batch.pairs_of(seeds)
    scores: dict[str, float] = {}
    best: dict[str, tuple[float, str, int]] = {}
    for seed, other, together, seed_orders, other_orders in pairs:
        score = pair_score(together, seed_orders, other_orders)
        scores[other] = scores.get(other, 0.0) + score
        if other not in best or score > best[other][0]:
            best[other] = (score, seed, together)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:wanted]
    batch.named.update(best[other][1] for other, _ in ranked)
    return [
        Candidate(
            other,
            score,
            # The seed's name is put in by ``_named`` once the facts are read.
            Reason(BOUGHT_TOGETHER, {"product_id": best[other][1], "orders": best[other][2]}),
        )
        for other, score in ranked
    ]


def _window_days() -> int:
    return int(settings.RECOMMENDATIONS_BESTSELLER_DAYS)


def _sales(ask: _Ask, category_id: str | None, limit: int) -> list[tuple[str, int]]:
    """The channel's products by orders in the window (of one category when given), most
    first; cached per version of the tables (a refresh that counted orders moves it) and day."""
    installation_id, channel_slug = ask.installation_id, ask.channel_slug
    known = ask.batch.sales.get((channel_slug, category_id))
    if known is not None and _enough(known, limit):
        return known[0][:limit]
    version = ask.tables_version()
    today = clock.now().date()
    days = _window_days()
    key = f"rec-sales2:{installation_id}:{version}:{today}:{days}:{channel_slug}:{category_id}"
    cached: tuple[list[tuple[str, int]], int] | None = cache.get(key)
    if cached is None and category_id is not None and limit <= PARTNERS:
        cached = _category_sales(installation_id, channel_slug, version, days).get(
            category_id, ([], PARTNERS)
        )
    if cached is not None and _enough(cached, limit):
        ask.batch.sales[(channel_slug, category_id)] = cached
        return cached[0][:limit]
    rows = OrderProduct.objects.filter(
        installation_id=installation_id,
        channel_slug=channel_slug,
        day__gt=today - timedelta(days=days),
    )
    if category_id is not None:
        rows = rows.filter(category_id=category_id)
    read = max(limit, PARTNERS)
    sales = [
        (product_id, orders)
        for product_id, orders in rows.values("product_id")
        .annotate(orders=Count("id"))
        .order_by("-orders", "product_id")
        .values_list("product_id", "orders")[:read]
    ]
    cache.set(key, (sales, read), settings.RECOMMENDATIONS_CACHE_SECONDS)
    ask.batch.sales[(channel_slug, category_id)] = (sales, read)
    return sales[:limit]


# Every category's best-sellers of a channel, read in one statement and kept in the process:
# (installation, version, day, window, channel) -> (read at, category -> (list, rows read)).
_CATEGORY_SALES: dict[
    tuple[int, int, str, int, str], tuple[float, dict[str, tuple[list[tuple[str, int]], int]]]
] = {}
_CATEGORY_SALES_KEPT = 16


def _category_sales(
    installation_id: int, channel_slug: str, version: int, days: int
) -> dict[str, tuple[list[tuple[str, int]], int]]:
    """Each category's ``PARTNERS`` best-selling products in the channel over the window, most
    first (as ``_sales`` ranks one category's), in one statement for all the categories: a
    contact's favourite category is then never a statement of its own. Kept in the process
    per version of the tables and day, for ``RECOMMENDATIONS_CACHE_SECONDS`` at most."""
    today = clock.now().date()
    key = (installation_id, version, today.isoformat(), days, channel_slug)
    kept = _CATEGORY_SALES.get(key)
    now = time.monotonic()
    if kept is not None and now - kept[0] < settings.RECOMMENDATIONS_CACHE_SECONDS:
        return kept[1]
    ledger = OrderProduct._meta.db_table
    since = connection.ops.adapt_datefield_value(today - timedelta(days=days))
    ranked = reads.rows(
        "SELECT category_id, product_id, n FROM (SELECT category_id, product_id, "  # noqa: S608
        "count(*) AS n, row_number() OVER (PARTITION BY category_id "
        "ORDER BY count(*) DESC, product_id) AS r "
        f"FROM {ledger} WHERE installation_id = %s AND channel_slug = %s AND day > %s "
        "GROUP BY category_id, product_id) t WHERE r <= %s ORDER BY category_id, r",
        [installation_id, channel_slug, since, PARTNERS],
    )
    lists: dict[str, tuple[list[tuple[str, int]], int]] = {}
    for category_id, product_id, orders in ranked:
        lists.setdefault(category_id, ([], PARTNERS))[0].append((product_id, int(orders)))
    while len(_CATEGORY_SALES) >= _CATEGORY_SALES_KEPT:
        del _CATEGORY_SALES[next(iter(_CATEGORY_SALES))]
    _CATEGORY_SALES[key] = (now, lists)
    return lists


def recommendations_cache_clear() -> None:
    """Forget what the process keeps (tests start each from nothing)."""
    _CATEGORY_SALES.clear()


def _enough(known: tuple[list[tuple[str, int]], int], limit: int) -> bool:
    """Whether a list read up to ``read`` rows answers for ``limit``: it holds that many, or
    fewer than it read (there are no more)."""
    sales, read = known
    return len(sales) >= limit or len(sales) < read


def _bestsellers(ask: _Ask) -> list[Candidate]:
    days = _window_days()
    return [
        Candidate(product_id, float(orders), Reason(BESTSELLER, {"orders": orders, "days": days}))
        for product_id, orders in _sales(ask, None, ask.wanted)
    ]


def _context_category(
    batch: _Batch, channel_slug: str, context: Sequence[str]
) -> tuple[str, str] | None:
    """The (Saleor id, name) of the category of the first context product the catalogue
    knows with one."""
    found = batch.categories_of(channel_slug, context)
    return next((category for p in context if (category := found[p]) is not None), None)


def _category(
    batch: _Batch, channel_slug: str, history: _History, context: Sequence[str]
) -> tuple[str, dict[str, str | None]] | None:
    """The context's category, else the contact's favourite (most frequent in their recent
    orders and views): its Saleor id and what a reason names it by. The favourite is named by
    id, its name put in by ``_named`` from the facts of its best-sellers that are read anyway
    (a statement of its own only when none of them was)."""
    if context:
        found = _context_category(batch, channel_slug, context)
        return None if found is None else (found[0], {"category": found[1]})
    if not history.categories:
        return None
    favourite = history.categories[0]
    return favourite, {"category_id": favourite}


def _bestsellers_in_category(ask: _Ask) -> list[Candidate]:
    category = _category(ask.batch, ask.channel_slug, ask.history, ask.context)
    if category is None:
        return []
    category_id, named = category
    days = _window_days()
    return [
        Candidate(
            product_id,
            float(orders),
            Reason(BESTSELLER_IN_CATEGORY, {**named, "orders": orders, "days": days}),
        )
        for product_id, orders in _sales(ask, category_id, ask.wanted)
    ]


def _similar(ask: _Ask) -> list[Candidate]:
    """Products of the context's category: its best-sellers first, then the others by name."""
    seeds = ask.context or ask.history.seeds()
    category = _category(ask.batch, ask.channel_slug, ask.history, seeds[:1]) if seeds else None
    if category is None:
        return []
    category_id, named = category
    wanted = ask.wanted
    sold = _sales(ask, category_id, wanted)
    reason = Reason(ALSO_IN_CATEGORY, named)
    ranked = [Candidate(p, float(orders), reason) for p, orders in sold]
    if len(ranked) < wanted:
        taken = {c.product_id for c in ranked} | set(seeds)
        rest = ask.batch.category_products(
            ask.channel_slug, category_id, taken, wanted - len(ranked)
        )
        ranked.extend(Candidate(p, 0.0, reason) for p in rest)
    return ranked


def _recently_viewed(ask: _Ask) -> list[Candidate]:
    count = len(ask.history.viewed)
    return [
        Candidate(product_id, float(count - rank), Reason(VIEWED_RECENTLY))
        for rank, product_id in enumerate(ask.history.viewed[: ask.wanted])
    ]


def _personalised(ask: _Ask) -> list[Candidate]:
    """What goes with the contact's recent orders and views, their favourite category's
    best-sellers and the channel's, blended in turn (each product once, with the reason of the
    list that ranked it first). A visitor with no history gets the best-sellers."""
    general = replace(ask, context=[])
    ranked = (
        _partners(ask.batch, ask.history.seeds(), ask.wanted),
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
    """The rules every strategy follows, each product's verdict in the channel read once per
    batch."""

    def __init__(
        self,
        batch: _Batch,
        channel_slug: str,
        hidden: set[str],
        history: _History,
        contact_id: int | None = None,
    ) -> None:
        self.batch = batch
        self.channel_slug = channel_slug
        self.hidden = hidden
        self.history = history
        self.contact_id = contact_id

    def keep(self, candidates: Sequence[Candidate]) -> list[Candidate]:
        wanted = [c for c in candidates if c.product_id not in self.hidden]
        kinds = self.batch.product_kinds(self.channel_slug, {c.product_id for c in wanted})
        bought = self._bought({c.product_id for c in wanted if kinds[c.product_id] is not None})
        return [c for c in wanted if self._allowed(c.product_id, kinds[c.product_id], bought)]

    def _bought(self, product_ids: set[str]) -> frozenset[str] | set[str]:
        """What the contact bought among the products: from their history, or read for the
        products when it holds only some of it."""
        if self.history.bought_all or self.contact_id is None:
            return self.history.bought
        return self.batch.bought_among(self.contact_id, product_ids)

    def _allowed(self, product_id: str, kind: str | None, bought: Set[str]) -> bool:
        return kind is not None and (product_id not in bought or kind in self.batch.consumable())


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
