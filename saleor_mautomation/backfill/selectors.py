"""Reads of the backfill: pages of Saleor's connections, and where each import stands."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, get_args

import httpx
import pydantic
from django.db.models import Max

from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import documents, payloads
from saleor_mautomation.saleor.client import SaleorClient, graphql_error, partial_of

logger = logging.getLogger(__name__)

Resource = BackfillRun.Resource
# Saleor refuses pages larger than 100.
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Connection:
    document: str
    field: str
    model: type[payloads.Payload]
    # Never left out of a page, though the model would do without them: what the import is
    # for (who, when, how much, what). A record Saleor cannot answer them for is skipped.
    kept: frozenset[str] = frozenset()


CONNECTIONS: dict[str, Connection] = {
    Resource.CUSTOMERS: Connection(
        "backfill_customers", "customers", payloads.User, frozenset({"dateJoined", "updatedAt"})
    ),
    Resource.ORDERS: Connection(
        "backfill_orders",
        "orders",
        payloads.Order,
        frozenset({"userEmail", "updatedAt", "user", "totalCharged", "totalRefunded", "lines"}),
    ),
    Resource.CHECKOUTS: Connection(
        "backfill_checkouts",
        "checkouts",
        payloads.Checkout,
        frozenset({"email", "created", "updatedAt", "lastChange", "user", "totalPrice", "lines"}),
    ),
}
# Each try of a page either leaves out one more field or ends the page before a record Saleor
# cannot answer: a page that needs more than this is not one odd value but a broken answer.
MAX_PAGE_TRIES = 12


@dataclass(frozen=True)
class Page:
    nodes: list[payloads.Payload]
    invalid: int
    total: int | None
    end_cursor: str | None
    has_next: bool
    # Fields (paths below the node) this page came without: left out of the request because
    # Saleor could not serialise them, or nulled by Saleor in some of its records.
    dropped: tuple[str, ...] = ()


def _model_fields(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _nested_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for argument in get_args(annotation):
        found = _nested_model(argument)
        if found is not None:
            return found
    return None


def droppable(spec: Connection, path: Sequence[str]) -> str | None:
    """The field to leave out when Saleor cannot answer the one at ``path`` (below the node),
    or ``None`` when none can go.

    Leaving out a field the model requires would only break its parent, so it climbs, as
    GraphQL's null does, to the nearest field its model can do without (a thumbnail's ``url``
    goes with the thumbnail). The node's required fields and the connection's ``kept`` ones
    never go.
    """
    model: type[pydantic.BaseModel] | None = spec.model
    optional_at = 0
    for depth, key in enumerate(path, start=1):
        info = _model_fields(model).get(key) if model is not None else None
        if info is None or not info.is_required():
            optional_at = depth
        model = _nested_model(info.annotation) if info is not None else None
    if optional_at == 0:
        return None
    field = ".".join(path[:optional_at])
    return None if field in spec.kept else field


def _node_error(spec: Connection, error: dict[str, Any]) -> tuple[int, tuple[str, ...]] | None:
    """``(edge index, field path below the node)`` of an error inside a node, else ``None``."""
    path = error.get("path")
    if not isinstance(path, list) or len(path) < 5 or path[0] != spec.field:
        return None
    if path[1] != "edges" or not isinstance(path[2], int) or path[3] != "node":
        return None
    return path[2], tuple(str(key) for key in path[4:] if not isinstance(key, int))


def _document(spec: Connection, left_out: Sequence[str]) -> str:
    source = documents.load(spec.document)
    if not left_out:
        return source
    node = (spec.field, "edges", "node")
    return documents.without_fields(source, [(*node, *field.split(".")) for field in left_out])


def page_fetch(client: SaleorClient, resource: str, *, after: str | None, page_size: int) -> Page:
    """One page of a connection, its nodes parsed; one odd value or record never sinks it.

    Saleor answers a value it cannot serialise (an order's empty ``origin`` in its own demo
    data: 'Expected a value of type "OrderOriginEnum" but received: ') with an error at the
    field's path and nulls the nearest nullable parent, which for a node is the whole
    connection. So the page is asked again without that field (see ``droppable``), and the
    field is reported. When the field cannot go, the page ends before the record and that
    record is asked alone without it, then skipped and counted like any node that does not
    parse. Where Saleor nulled only a nullable part of a record, the page is taken as it is
    (the part reported, or the record skipped if it needs that part). Errors outside the
    nodes (a permission) fail the page.
    """
    spec = CONNECTIONS[resource]
    first = max(1, min(page_size, MAX_PAGE_SIZE))
    dropped: list[str] = []  # left out of the whole page
    forced: list[str] = []  # left out of the one record asked alone, which is then skipped
    for _ in range(MAX_PAGE_TRIES):
        variables = {"first": first, "after": after}
        response = client.post(_document(spec, [*dropped, *forced]), variables)
        if not dropped and not forced:
            whole = _page_whole(spec, response)
            if whole is not None:
                return _checked(spec, whole, after)
        result = partial_of(response)
        connection: Any = (result.data or {}).get(spec.field)
        if isinstance(connection, dict) and isinstance(connection.get("pageInfo"), dict):
            # Saleor nulled only nullable parts: a part the record can do without is reported,
            # a record without a part it needs (or asked alone, ``forced``) is skipped.
            nulled: list[str] = []
            unreadable: set[int] = set()
            for error in result.errors:
                logger.warning("Backfill of %s: Saleor answered in part: %s", resource, error)
                located = _node_error(spec, error)
                if located is not None:
                    field = droppable(spec, located[1])
                    if field is None:
                        unreadable.add(located[0])
                    else:
                        nulled.append(field)
            if forced:
                unreadable = set(range(len(connection.get("edges") or [])))
            page = _page(
                spec, resource, connection, dropped=[*dropped, *nulled], unreadable=unreadable
            )
            return _checked(spec, page, after)
        at = [_node_error(spec, error) for error in result.errors]
        if not result.errors or None in at:
            if result.errors:
                raise graphql_error(result.errors)
            raise PermanentError(
                f"Saleor answered no {spec.field} connection", code="backfill_page"
            )
        index, path = min(e for e in at if e is not None)
        field = droppable(spec, path)
        logger.warning(
            "Backfill of %s: Saleor cannot answer %s of record %s: %s",
            resource,
            ".".join(path),
            index,
            "; ".join(str(e.get("message")) for e in result.errors),
        )
        if field is not None and field not in dropped:
            dropped.append(field)
        elif index > 0:
            first = index
        elif ".".join(path) not in forced:
            first = 1
            forced.append(".".join(path))
        else:
            raise graphql_error(result.errors)
    raise PermanentError(
        f"Saleor's {spec.field} page still fails after {MAX_PAGE_TRIES} tries", code="backfill_page"
    )


class _PageInfo(pydantic.BaseModel):
    has_next_page: bool | None = pydantic.Field(None, alias="hasNextPage")
    end_cursor: str | None = pydantic.Field(None, alias="endCursor")


@functools.cache
def _answer_model(spec: Connection) -> type[pydantic.BaseModel]:
    """Saleor's whole answer to a page of ``spec``'s connection, every node parsed by its
    model: no errors, and each node as the model wants it (else ``_page_whole`` refuses it)."""
    edge = pydantic.create_model(f"{spec.field}Edge", node=(spec.model, ...))
    connection = pydantic.create_model(
        f"{spec.field}Connection",
        total_count=(int | None, pydantic.Field(None, alias="totalCount")),
        page_info=(_PageInfo, pydantic.Field(alias="pageInfo")),
        edges=(list[edge], ...),  # type: ignore[valid-type]
    )
    data = pydantic.create_model(
        f"{spec.field}Data", connection=(connection, pydantic.Field(alias=spec.field))
    )
    return pydantic.create_model(
        f"{spec.field}Answer", data=(data, ...), errors=(list[Any] | None, None)
    )


def _page_whole(spec: Connection, response: httpx.Response) -> Page | None:
    """The page when Saleor answered all of it, parsed straight from its body (JSON to models
    in one pass: a page of 100 orders is read in about two thirds of the time of ``json.loads``
    and ``model_validate``); ``None`` for anything else (an error, a node that does not parse),
    which ``_page`` takes apart node by node."""
    if response.status_code != 200:
        return None
    try:
        answer: Any = _answer_model(spec).model_validate_json(response.content)
    except pydantic.ValidationError:
        return None
    if answer.errors:
        return None
    connection = answer.data.connection
    return Page(
        nodes=[edge.node for edge in connection.edges],
        invalid=0,
        total=connection.total_count,
        end_cursor=connection.page_info.end_cursor,
        has_next=bool(connection.page_info.has_next_page),
    )


def _page(
    spec: Connection,
    resource: str,
    connection: dict[str, Any],
    *,
    dropped: Sequence[str],
    unreadable: set[int],
) -> Page:
    nodes: list[payloads.Payload] = []
    invalid = 0
    for index, edge in enumerate(connection.get("edges") or []):
        if index in unreadable:
            invalid += 1
            continue
        try:
            # From JSON text, as ``_page_whole`` and the webhooks parse theirs (a JSON number
            # becomes the Decimal it spells: 90.0 is Decimal("90") from text, "90.0" from float).
            nodes.append(spec.model.model_validate_json(json.dumps(edge["node"])))
        except (pydantic.ValidationError, KeyError, TypeError) as exc:
            invalid += 1
            logger.warning("Backfill of %s: a node does not parse, skipped: %s", resource, exc)
    page_info = connection["pageInfo"]
    return Page(
        nodes=nodes,
        invalid=invalid,
        total=connection.get("totalCount"),
        end_cursor=page_info.get("endCursor"),
        has_next=bool(page_info.get("hasNextPage")),
        dropped=tuple(dict.fromkeys(dropped)),
    )


def _checked(spec: Connection, page: Page, after: str | None) -> Page:
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
