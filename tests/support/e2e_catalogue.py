"""The stand-in Saleor's catalogue for the app's pages in the browser tests: the captured products
(``products-page``) with their variants and categories, answered as Saleor answers the rule
builder's pickers (``products(search:, where: {ids:})``, ``categories(filter: {search:, ids:})``,
``productVariants(ids:)``), a connection of what matches, at most ``first``."""

from __future__ import annotations

from typing import Any

from tests.support.samples import graphql_response

ROOTS = ("products", "categories", "productVariants")


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
