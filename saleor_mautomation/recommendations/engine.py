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

# Pairs bought together by few customers are noise: a score is shrunk by s / (s + SUPPORT).
SUPPORT = 2.0


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
    """What a run of orders changes: per (contact, product) orders, per product customers,
    per (product, other) customers. Negative for orders taken back."""

    purchases: Counter[tuple[int, str]] = field(default_factory=Counter)
    buyers: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)


def purchases_add(
    deltas: Deltas, owned: dict[str, int], products: Sequence[str], contact_id: int
) -> None:
    """A contact who owns ``owned`` (product to orders, updated in place) orders ``products``:
    each product's orders go up; products new to them gain a customer and pair with everything
    they own (each pair counted once per customer, in both directions)."""
    new = [p for p in dict.fromkeys(products) if owned.get(p, 0) == 0]
    for product in dict.fromkeys(products):
        deltas.purchases[(contact_id, product)] += 1
    before = [p for p, n in owned.items() if n > 0]
    for product in new:
        deltas.buyers[product] += 1
        for other in before:
            deltas.pairs[(product, other)] += 1
            deltas.pairs[(other, product)] += 1
    for i, product in enumerate(new):
        for other in new[i + 1 :]:
            deltas.pairs[(product, other)] += 1
            deltas.pairs[(other, product)] += 1
    for product in dict.fromkeys(products):
        owned[product] = owned.get(product, 0) + 1


def purchases_remove(
    deltas: Deltas, owned: dict[str, int], products: Sequence[str], contact_id: int
) -> None:
    """The inverse of ``purchases_add`` for an order taken back: products the contact no
    longer owns lose a customer and their pairs with what the contact still owns."""
    gone: list[str] = []
    for product in dict.fromkeys(products):
        if owned.get(product, 0) <= 0:
            continue  # never counted for this contact (a merge or erasure since): a rebuild mends
        deltas.purchases[(contact_id, product)] -= 1
        owned[product] -= 1
        if owned[product] == 0:
            del owned[product]
            gone.append(product)
    for product in gone:
        deltas.buyers[product] -= 1
        for other in owned:
            deltas.pairs[(product, other)] -= 1
            deltas.pairs[(other, product)] -= 1
    for i, product in enumerate(gone):
        for other in gone[i + 1 :]:
            deltas.pairs[(product, other)] -= 1
            deltas.pairs[(other, product)] -= 1


def pair_score(together: int, buyers: int, other_buyers: int) -> float:
    """How strongly buying one product points to the other: the cosine of their buyer sets
    (together / sqrt(buyers x other's buyers)), so a best-seller bought by everyone is not
    everyone's partner, shrunk toward 0 for pairs few customers share."""
    if together <= 0 or buyers <= 0 or other_buyers <= 0:
        return 0.0
    cosine = together / math.sqrt(buyers * other_buyers)
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
