"""A shop for the browser test of the backfill restart: a few pages of customers, orders and
checkouts in the shapes Saleor answers (``tests/saleor_reference/graphql-responses/``), each page
answered after a pause, so that the progress bars move while the settings page polls.

The stand-in Saleor of ``tests/support/e2e_server.py`` takes these answers when the test asks
for them (``POST /__e2e/seed/backfill``); until then it answers empty pages, as a new shop.
"""

from __future__ import annotations

import base64
import copy
import time
from collections.abc import Callable
from typing import Any

from tests.support.samples import graphql_response

Answer = tuple[int, Any]
PAGE_SIZE = 3  # fewer than the app asks for, as Saleor may answer: several pages either way


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _nodes(name: str, field: str) -> list[dict[str, Any]]:
    edges = graphql_response(name)["response"]["data"][field]["edges"]
    return [copy.deepcopy(edge["node"]) for edge in edges]


def customers(count: int) -> list[dict[str, Any]]:
    """``count`` customers made from the captured first one: backfill.N@e2e.example."""
    template = _nodes("customers-page", "customers")[0]
    made = []
    for n in range(1, count + 1):
        node = copy.deepcopy(template)
        node.update(
            id=_b64(f"User:{9000 + n}"),
            email=f"backfill.{n}@e2e.example",
            firstName=f"Backfill{n}",
            lastName="Customer",
            metadata=[],
            privateMetadata=[],
        )
        made.append(node)
    return made


def orders(count: int, emails: list[str]) -> list[dict[str, Any]]:
    """``count`` orders made from the captured first one, of ``emails`` in turn."""
    template = _nodes("orders-page", "orders")[0]
    made = []
    for n in range(1, count + 1):
        node = copy.deepcopy(template)
        node.update(
            id=_b64(f"Order:backfill-{n}"),
            number=str(9000 + n),
            userEmail=emails[(n - 1) % len(emails)],
            user=None,
        )
        made.append(node)
    return made


def paced(
    template: str, field: str, nodes: list[dict[str, Any]], delay: float
) -> Callable[[dict[str, Any]], Answer]:
    """Pages of ``PAGE_SIZE`` from ``after``, each answered ``delay`` seconds late."""
    shape = graphql_response(template)["response"]

    def answer(variables: dict[str, Any]) -> Answer:
        time.sleep(delay)
        after = variables.get("after")
        start = int(base64.b64decode(after).decode().split(":")[1]) if after else 0
        chunk = nodes[start : start + min(PAGE_SIZE, int(variables.get("first") or PAGE_SIZE))]
        end = start + len(chunk)
        response = copy.deepcopy(shape)
        response["data"][field] = {
            "totalCount": len(nodes),
            "pageInfo": {
                "hasNextPage": end < len(nodes),
                "endCursor": _b64(f"cursor:{end}") if chunk else None,
            },
            "edges": [{"node": node} for node in chunk],
        }
        return 200, response

    return answer


def backfill_answers(
    *, customer_count: int, order_count: int, delay: float
) -> tuple[dict[str, Callable[[dict[str, Any]], Answer]], dict[str, int]]:
    """The stand-in's answers for the backfill's three connections, and how many of each."""
    people = customers(customer_count)
    bought = orders(order_count, [person["email"] for person in people])
    checkouts = _nodes("checkouts-page", "checkouts")
    answers = {
        "Customers": paced("customers-page", "customers", people, delay),
        "Orders": paced("orders-page", "orders", bought, delay),
        "Checkouts": paced("checkouts-page", "checkouts", checkouts, delay),
    }
    counts = {"customers": len(people), "orders": len(bought), "checkouts": len(checkouts)}
    return answers, counts
