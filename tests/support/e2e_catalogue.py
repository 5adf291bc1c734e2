"""The stand-in Saleor's catalogue for the app's pages in the browser tests: the captured products
(``products-page``) with their variants and categories, answered as Saleor answers the rule
builder's pickers (``products(search:, where: {ids:})``, ``categories(filter: {search:, ids:})``,
``productVariants(ids:)``), a connection of what matches, at most ``first``; and the app's
full sync of the catalogue (``sync_answers``) over the same products."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import DocumentNode, parse

from saleor_mautomation.saleor import documents
from tests.support.saleor_catalogue import OPERATIONS, PRICES, SaleorCatalogue
from tests.support.samples import graphql_response
from tests.support.standin import Answer

ROOTS = ("products", "categories", "productVariants")
# The app's document of each full-sync operation (saleor_mautomation/saleor/graphql/).
DOCUMENTS = {
    "CatalogueCategories": "catalogue_categories",
    "CatalogueCollections": "catalogue_collections",
    "CatalogueProducts": "catalogue_products",
    PRICES: "catalogue_variant_prices",
}


def _products() -> list[dict[str, Any]]:
    page = graphql_response("products-page")["response"]["data"]["products"]
    return [edge["node"] for edge in page["edges"]]


def _connection(nodes: list[dict[str, Any]], first: Any) -> dict[str, Any]:
    shown = nodes[: first if isinstance(first, int) else len(nodes)]
    return {
        "totalCount": len(nodes),
        "pageInfo": {"hasNextPage": len(shown) < len(nodes), "endCursor": None},
        "edges": [{"node": node} for node in shown],
    }


def _matching(
    nodes: list[dict[str, Any]], search: Any = None, ids: Any = None
) -> list[dict[str, Any]]:
    if isinstance(search, str) and search:
        nodes = [node for node in nodes if search.lower() in node["name"].lower()]
    if isinstance(ids, list):
        nodes = [node for node in nodes if node["id"] in ids]
    return nodes


def catalogue_answer(root: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """One of ``ROOTS`` for the arguments the request gave as variables."""
    products = _products()
    first = arguments.get("first")
    if root == "products":
        where = arguments.get("where") or {}
        return _connection(_matching(products, arguments.get("search"), where.get("ids")), first)
    if root == "categories":
        categories = list({p["category"]["id"]: p["category"] for p in products}.values())
        given = arguments.get("filter") or {}
        return _connection(_matching(categories, given.get("search"), given.get("ids")), first)
    variants = [
        {**variant, "product": {key: product[key] for key in ("id", "name", "slug")}}
        for product in products
        for variant in product["variants"]
    ]
    given = arguments.get("filter") or {}
    return _connection(_matching(variants, given.get("search"), arguments.get("ids")), first)


def sync_answers() -> dict[str, Callable[[dict[str, Any]], Answer]]:
    """The full sync's queries (``CatalogueCategories``, ``CatalogueCollections``,
    ``CatalogueProducts``, ``CatalogueVariantPrices``) answered over the captured products as
    Saleor would (``tests.support.saleor_catalogue``: its paging, its limits, exactly the fields
    asked), with
    the captured ids: two categories, no collection, two products, six variants listed in
    ``default-channel`` at their captured prices, each with the captured quantity in stock."""
    catalogue = SaleorCatalogue()
    categories: dict[str, dict[str, Any]] = {}
    for node in _products():
        given = node["category"]
        if given["id"] not in categories:
            row = catalogue.category(given["name"], given["slug"])
            row["id"] = given["id"]
            categories[given["id"]] = row
        variants = [
            (
                variant["name"],
                {"default-channel": variant["pricing"]["price"]["gross"]["amount"]},
                [(variant["quantityAvailable"], 0)],
            )
            for variant in node["variants"]
        ]
        product = catalogue.product(
            node["name"],
            node["slug"],
            category=categories[given["id"]],
            variants=variants,
        )
        product["id"] = node["id"]
        for row, variant in zip(product["variants"], node["variants"], strict=True):
            row["id"] = variant["id"]
    answers: dict[str, Callable[[dict[str, Any]], Answer]] = {}

    def bound(
        answer: Callable[[DocumentNode, dict[str, Any]], Answer], document: DocumentNode
    ) -> Callable[[dict[str, Any]], Answer]:
        return lambda variables: answer(document, variables)

    for operation, connection in OPERATIONS.items():
        answers[operation] = bound(
            catalogue.answer(connection), parse(documents.load(DOCUMENTS[operation]))
        )
    answers[PRICES] = bound(catalogue.prices_answer, parse(documents.load(DOCUMENTS[PRICES])))
    return answers
