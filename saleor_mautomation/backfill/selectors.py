"""Reads of the backfill: pages of Saleor's connections, and where each import stands."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import pydantic
from django.db.models import Max

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import documents, payloads
from saleor_mautomation.saleor.client import SaleorClient

logger = logging.getLogger(__name__)

Resource = BackfillRun.Resource
# Saleor refuses pages larger than 100.
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Connection:
    document: str
    field: str
    model: type[payloads.Payload]


CONNECTIONS: dict[str, Connection] = {
    Resource.CUSTOMERS: Connection("backfill_customers", "customers", payloads.User),
    Resource.ORDERS: Connection("backfill_orders", "orders", payloads.Order),
    Resource.CHECKOUTS: Connection("backfill_checkouts", "checkouts", payloads.Checkout),
}


@dataclass(frozen=True)
class Page:
    nodes: list[payloads.Payload]
    invalid: int
    total: int | None
    end_cursor: str | None
    has_next: bool


def page_fetch(client: SaleorClient, resource: str, *, after: str | None, page_size: int) -> Page:
    """One page of a connection, its nodes parsed.

    A node that does not parse is counted in ``invalid`` and left out: one odd record must not
    stop the import of a whole shop (the run shows how many were skipped).
    """
    spec = CONNECTIONS[resource]
    size = max(1, min(page_size, MAX_PAGE_SIZE))
    data = client.execute(documents.load(spec.document), {"first": size, "after": after})
    connection: Any = data.get(spec.field)
    if not isinstance(connection, dict) or not isinstance(connection.get("pageInfo"), dict):
        raise PermanentError(f"Saleor answered no {spec.field} connection", code="backfill_page")
    nodes: list[payloads.Payload] = []
    invalid = 0
    for edge in connection.get("edges") or []:
        try:
            nodes.append(spec.model.model_validate(edge["node"]))
        except (pydantic.ValidationError, KeyError, TypeError) as exc:
            invalid += 1
            logger.warning("Backfill of %s: a node does not parse, skipped: %s", resource, exc)
    page_info = connection["pageInfo"]
    page = Page(
        nodes=nodes,
        invalid=invalid,
        total=connection.get("totalCount"),
        end_cursor=page_info.get("endCursor"),
        has_next=bool(page_info.get("hasNextPage")),
    )
    if page.has_next and (not page.end_cursor or page.end_cursor == after):
        # Asking again with the same cursor would loop for ever.
        raise PermanentError(
            f"Saleor's {spec.field} page has a next page but no new cursor", code="backfill_page"
        )
    return page


def backfill_status(*, installation_id: int) -> list[BackfillRun]:
    """The latest run of each resource (in import order); resources never imported are absent."""
    latest = (
        BackfillRun.objects.filter(installation_id=installation_id)
        .values("resource")
        .annotate(last=Max("id"))
        .values("last")
    )
    runs = {run.resource: run for run in BackfillRun.objects.filter(pk__in=latest)}
    return [runs[resource] for resource in CONNECTIONS if resource in runs]
