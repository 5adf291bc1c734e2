"""A Saleor shop's catalogue as the tests' stand-in answers the full sync's queries.

The app's documents (``CatalogueCategories``, ``CatalogueCollections``, ``CatalogueProducts``)
are executed with graphql-core against Saleor's schema over the rows here
(``standin_errors.execute``), so each answer holds exactly the fields asked, in Saleor's shapes.
Paging is Saleor's (``saleor/graphql/core/connection.py`` at 3.23.28): keyset cursors, the base64
of a JSON array of the sort values (products, categories and collections by slug, then pk:
``["ascii-tee","134"]`` in ``products-page.json``), so a row added or removed between two pages
shifts nothing; ``first`` above 100 is refused with Saleor's message (an ``AssertionError``
formatted by ``format_error``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from graphql import DocumentNode

from tests.support.standin import Answer
from tests.support.standin_errors import DocumentStandIn, execute

PAGINATION_LIMIT = 100  # GRAPHQL_PAGINATION_LIMIT
OPERATIONS = {
    "CatalogueCategories": "categories",
    "CatalogueCollections": "collections",
    "CatalogueProducts": "products",
}
PRICES = "CatalogueVariantPrices"


def cursor(row: dict[str, Any]) -> str:
    values = [str(row["slug"]), str(row["_pk"])]
    return base64.b64encode(json.dumps(values, separators=(",", ":")).encode()).decode()


def _key(row: dict[str, Any]) -> tuple[str, int]:
    return (str(row["slug"]), int(row["_pk"]))


def _gid(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


@dataclass
class SaleorCatalogue:
    """Rows by connection, each with a ``_pk`` (Saleor's database id) and a ``slug``."""

    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"categories": [], "collections": [], "products": []}
    )
    next_pk: int = 1
    # The channels' flat-rate tax (Saleor's tax configuration): the rate, and whether prices
    # are entered with it (then ``pricing``'s gross is the entered price, else its net).
    tax_rate: Decimal = Decimal(0)
    prices_entered_with_tax: bool = True

    def _pk(self) -> int:
        self.next_pk += 1
        return self.next_pk

    def category(self, name: str, slug: str, parent: dict[str, Any] | None = None):
        pk = self._pk()
        row = {
            "_pk": pk,
            "id": _gid("Category", pk),
            "name": name,
            "slug": slug,
            "updatedAt": "2026-11-20T10:00:00+00:00",
            "parent": parent,
        }
        self.rows["categories"].append(row)
        return row

    def collection(self, name: str, slug: str) -> dict[str, Any]:
        pk = self._pk()
        row = {"_pk": pk, "id": _gid("Collection", pk), "name": name, "slug": slug}
        self.rows["collections"].append(row)
        return row

    def product(
        self,
        name: str,
        slug: str,
        *,
        category: dict[str, Any] | None = None,
        collections: list[dict[str, Any]] = (),  # type: ignore[assignment]
        channels: dict[str, str] | None = None,
        variants: list[tuple[str, dict[str, float], list[tuple[int, int]]]] = (),  # type: ignore[assignment]
        updated_at: str = "2026-11-20T10:00:00+00:00",
    ) -> dict[str, Any]:
        """A product listed (published, visible, purchasable) in ``channels`` (slug ->
        currency), with ``variants`` as (name, price per channel, [(quantity, allocated)])."""
        pk = self._pk()
        channels = channels if channels is not None else {"default-channel": "USD"}
        row: dict[str, Any] = {
            "_pk": pk,
            "id": _gid("Product", pk),
            "name": name,
            "slug": slug,
            "updatedAt": updated_at,
            "category": category,
            "collections": list(collections),
            "productType": {"id": _gid("ProductType", 1), "name": "Top"},
            "thumbnail": {"url": f"https://cdn.example/{slug}.webp", "alt": name},
            "metadata": [],
            "channelListings": [
                {
                    "channel": {"slug": slug_, "currencyCode": currency},
                    "isPublished": True,
                    "visibleInListings": True,
                    "isAvailableForPurchase": True,
                    "availableForPurchaseAt": "2026-01-01T00:00:00+00:00",
                }
                for slug_, currency in channels.items()
            ],
        }
        variants_out: list[dict[str, Any]] = []
        row["variants"] = variants_out
        for variant_name, prices, stocks in variants:
            vpk = self._pk()
            variants_out.append(
                {
                    "id": _gid("ProductVariant", vpk),
                    "name": variant_name,
                    "sku": f"SKU-{vpk}",
                    "updatedAt": updated_at,
                    "trackInventory": True,
                    "stocks": [{"quantity": q, "quantityAllocated": a} for q, a in stocks],
                    "channelListings": [
                        {
                            "channel": {"slug": channel, "currencyCode": channels[channel]},
                            "price": {"amount": amount, "currency": channels[channel]},
                        }
                        for channel, amount in prices.items()
                    ],
                }
            )
        self.rows["products"].append(row)
        return row

    def discount(self, variant: dict[str, Any], channel: str, amount: float | None) -> None:
        """The variant's discounted price in the channel (Saleor's promotions); None: none."""
        variant.setdefault("_discounted", {})[channel] = amount

    def _taxed(self, amount: Decimal, currency: str) -> dict[str, Any]:
        """Saleor's calculate_flat_rate_tax: the entered side exact, the other quantized."""
        rate = 1 + self.tax_rate / 100
        if self.prices_entered_with_tax:
            gross, net = amount, (amount / rate).quantize(Decimal("0.01"))
        else:
            net, gross = amount, (amount * rate).quantize(Decimal("0.01"))
        return {
            "gross": {"amount": float(gross), "currency": currency},
            "net": {"amount": float(net), "currency": currency},
        }

    def _pricing(self, variant: dict[str, Any], channel: str) -> dict[str, Any] | None:
        listing = next(
            (x for x in variant["channelListings"] if x["channel"]["slug"] == channel), None
        )
        if listing is None or listing["price"] is None:
            return None
        currency = listing["price"]["currency"]
        price = Decimal(str(listing["price"]["amount"]))
        discounted = variant.get("_discounted", {}).get(channel)
        # Saleor's listing.discounted_price is the price when no promotion applies.
        paid = price if discounted is None else Decimal(str(discounted))
        return {
            "price": self._taxed(paid, currency),
            "priceUndiscounted": self._taxed(price, currency),
        }

    def prices_answer(self, document: DocumentNode, variables: dict[str, Any]) -> Answer:
        """``productVariants(ids:, channel:, first:)`` with each variant's pricing there."""
        first = variables.get("first")
        if isinstance(first, int) and first > PAGINATION_LIMIT:
            return 200, {
                "data": {"productVariants": None},
                "errors": [
                    {
                        "message": f"Requesting {first} records on the `productVariants` "
                        f"connection exceeds the `first` limit of {PAGINATION_LIMIT} records.",
                        "locations": [{"line": 2, "column": 3}],
                        "path": ["productVariants"],
                        "extensions": {"exception": {"code": "AssertionError"}},
                    }
                ],
            }
        ids = set(variables.get("ids") or [])
        channel = str(variables.get("channel") or "")
        variants = [
            variant
            for product in self.rows["products"]
            for variant in product["variants"]
            if variant["id"] in ids
        ][:first]
        nodes = [{"id": v["id"], "pricing": self._pricing(v, channel)} for v in variants]
        return execute(
            document, variables, {"productVariants": {"edges": [{"node": n} for n in nodes]}}
        )

    def remove(self, connection: str, row: dict[str, Any]) -> None:
        self.rows[connection].remove(row)

    def answer(self, connection: str):
        def answer(document: DocumentNode, variables: dict[str, Any]) -> Answer:
            first = variables.get("first")
            if isinstance(first, int) and first > PAGINATION_LIMIT:
                return 200, {
                    "data": {connection: None},
                    "errors": [
                        {
                            "message": f"Requesting {first} records on the `{connection}` "
                            f"connection exceeds the `first` limit of {PAGINATION_LIMIT} records.",
                            "locations": [{"line": 2, "column": 3}],
                            "path": [connection],
                            "extensions": {"exception": {"code": "AssertionError"}},
                        }
                    ],
                }
            rows = sorted(self.rows[connection], key=_key)
            after = variables.get("after")
            if after:
                slug, pk = json.loads(base64.b64decode(after))
                rows = [row for row in rows if _key(row) > (slug, int(pk))]
            chunk = rows[:first]
            root = {
                connection: {
                    "totalCount": len(self.rows[connection]),
                    "pageInfo": {
                        "hasNextPage": len(rows) > len(chunk),
                        "hasPreviousPage": bool(after),
                        "startCursor": cursor(chunk[0]) if chunk else None,
                        "endCursor": cursor(chunk[-1]) if chunk else None,
                    },
                    "edges": [{"node": row, "cursor": cursor(row)} for row in chunk],
                }
            }
            return execute(document, variables, root)

        return answer

    def install(self, standin: DocumentStandIn) -> None:
        for operation, connection in OPERATIONS.items():
            standin.documents[operation] = self.answer(connection)
        standin.documents[PRICES] = self.prices_answer
