"""The pure part of recommendations: what an order counts for, and how candidates are scored.

Nothing here reads or writes the database: ``services`` feeds it rows and writes what it
returns, ``selectors`` ranks what it reads with it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Orders that were never a purchase: they count for nothing, and an order counted before it
# reached one of these is taken back. Refunded and returned orders stay counted: they were
# chosen together, and a refund says nothing about what goes with what.
NOT_PURCHASES = frozenset({"DRAFT", "CANCELED", "EXPIRED"})

# Pairs bought together in few orders are noise: a score is shrunk by s / (s + SUPPORT).
SUPPORT = 2.0
# An order of more products than this counts for best-sellers and "bought", not for pairs.
MAX_BASKET = 30


def order_counts(status: str) -> bool:
    return status.upper() not in NOT_PURCHASES


@dataclass(frozen=True)
class BasketItem:
    product_id: str
    category_id: str
    quantity: int


def order_basket(lines: Iterable[Any]) -> list[BasketItem]:
    """The order's distinct products (lines of one product summed), in line order. Lines with
    no product (a deleted variant) are left out."""
    quantities: dict[str, int] = {}
    categories: dict[str, str] = {}
    for line in lines:
        if not isinstance(line, Mapping):
            continue
        product = line.get("product_id")
        if not product or not isinstance(product, str):
            continue
        quantity = line.get("quantity")
        quantities[product] = quantities.get(product, 0) + (
            quantity if isinstance(quantity, int) and quantity > 0 else 0
        )
        categories.setdefault(product, str(line.get("category_id") or ""))
    return [BasketItem(p, categories[p], q) for p, q in quantities.items()]


@dataclass
class Deltas:
    """What a run of orders changes: per (contact, product) orders, per product orders, per
    (product, other) orders. Negative for orders taken back."""

    purchases: Counter[tuple[int, str]] = field(default_factory=Counter)
    orders: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)


def basket_count(
    deltas: Deltas, products: Sequence[str], contact_id: int | None, sign: int = 1
) -> None:
    """An order of ``products`` (distinct) counted (``sign`` 1) or taken back (-1): each
    product's orders, the contact's, and each pair's in both directions (unless the order holds
    more than ``MAX_BASKET`` products)."""
    for product in products:
        deltas.orders[product] += sign
        if contact_id is not None:
            deltas.purchases[(contact_id, product)] += sign
    if len(products) > MAX_BASKET:
        return
    for i, product in enumerate(products):
        for other in products[i + 1 :]:
            deltas.pairs[(product, other)] += sign
            deltas.pairs[(other, product)] += sign


def pair_score(together: int, orders: int, other_orders: int) -> float:
    """How strongly one product in an order points to the other: the cosine of their order
    sets (together / sqrt(orders x other's orders)), so a best-seller in every order is not
    everyone's partner, shrunk toward 0 for pairs few orders share."""
    if together <= 0 or orders <= 0 or other_orders <= 0:
        return 0.0
    cosine = together / math.sqrt(orders * other_orders)
    return cosine * together / (together + SUPPORT)


def blend(lists: Sequence[Sequence[str]], first: int) -> list[tuple[str, int]]:
    """Round-robin over ranked lists, each product once (where it ranks first): the products
    with the index of the list that brought them."""
    taken: dict[str, int] = {}
    depth = max((len(items) for items in lists), default=0)
    for rank in range(depth):
        for source, items in enumerate(lists):
            if rank < len(items) and items[rank] not in taken:
                taken[items[rank]] = source
                if len(taken) >= first:
                    return list(taken.items())
    return list(taken.items())
