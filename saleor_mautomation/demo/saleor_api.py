"""The demo Saleor's GraphQL API: the documents the app and its Dashboard pages send to Saleor,
answered from the generated shop the way Saleor 3.23.28 answers them.

- Who asks: ``Authorization: Bearer <token>`` with the app token the demo gave the app
  (``config.app_token()``), or a staff user's App Bridge token (a JWT the demo Saleor signed,
  ``config.staff_token()``). Any other token is nobody: Saleor reads an unknown token as an
  anonymous request, so each root field that needs a permission is ``null`` with a
  ``PermissionDenied`` error naming the permissions, as in ``error-invalid-token.json``
  (``saleor/core/exceptions.py`` ``PermissionDenied``; each root's permissions from its
  ``schema.py``). An expired or forged JWT is refused as a whole, as Saleor's view does with
  the ``PyJWTError`` it handles.
- Connections page as ``saleor/graphql/core/connection.py`` does: sorted by the sort field's
  columns (``CREATED_AT``: customers ``date_joined, pk``; orders ``created_at, status,
  number``; checkouts ``CREATION_DATE``: ``created_at, pk``), the cursor is the base64 of the
  JSON list of those values as strings, ``after`` resumes strictly after it, ``first`` is at
  most ``GRAPHQL_PAGINATION_LIMIT`` (100), ``totalCount`` counts the whole filtered list and
  ``hasPreviousPage`` is set whenever a cursor was given.
- ``updatePrivateMetadata`` per alias (``saleor/graphql/meta/mutations/base.py``): a user id
  that is no user of the shop raises ``PermissionDenied`` at its alias; a malformed id is the
  mutation's own ``GRAPHQL_ERROR`` on ``id``; an empty key ``REQUIRED`` on ``input``.
- ``productVariants(channel:)`` answers each variant's ``pricing`` in that channel, its
  promotion's price against its listing's (``demo.catalogue_nodes.variant_pricing``).
- Vouchers through ``demo.vouchers`` (Saleor's discount module modelled rule by rule).

Every answer is a source object cut to the document's selection (``graphql_answers.selected``).
A root field the demo does not answer is an error naming the operation, never an empty answer.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    Undefined,
    get_location,
    parse,
    value_from_ast_untyped,
)

from saleor_mautomation.demo import config
from saleor_mautomation.demo.catalogue_nodes import (
    catalogue_category,
    catalogue_product,
    variant_in_channel,
)
from saleor_mautomation.demo.graphql_answers import selected
from saleor_mautomation.demo.vouchers import Channel, SaleorVouchers
from saleor_mautomation.saleor.manifest import APP_IDENTIFIER, APP_NAME

Node = dict[str, Any]
Answer = tuple[int, dict[str, Any]]

PAGINATION_LIMIT = 100  # Saleor's GRAPHQL_PAGINATION_LIMIT
APP = {"id": config.APP_ID, "name": APP_NAME, "identifier": APP_IDENTIFIER, "isActive": True}
AUTHENTICATED = ("AUTHENTICATED_STAFF_USER", "AUTHENTICATED_APP")
# Who may read or run each root field (``permissions=[...]`` in Saleor's schema modules, in
# their order); () is public.
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "app": AUTHENTICATED,
    "shop": (),
    "customers": ("MANAGE_ORDERS", "MANAGE_USERS"),
    "orders": ("MANAGE_ORDERS",),
    "checkouts": ("MANAGE_CHECKOUTS", "HANDLE_PAYMENTS"),
    "channels": ("AUTHENTICATED_APP", "AUTHENTICATED_STAFF_USER"),
    "vouchers": ("MANAGE_DISCOUNTS",),
    "voucherCreate": ("MANAGE_DISCOUNTS",),
    "voucherUpdate": ("MANAGE_DISCOUNTS",),
    "voucherChannelListingUpdate": ("MANAGE_DISCOUNTS",),
    "updatePrivateMetadata": (),  # per object, below
    "products": (),
    "productVariants": (),
    "categories": (),
    "collections": (),
}
# The status column of an order (``saleor/order/__init__.py`` ``OrderStatus``) per enum name.
ORDER_STATUS = {
    "DRAFT": "draft",
    "UNCONFIRMED": "unconfirmed",
    "UNFULFILLED": "unfulfilled",
    "PARTIALLY_FULFILLED": "partially fulfilled",
    "FULFILLED": "fulfilled",
    "PARTIALLY_RETURNED": "partially_returned",
    "RETURNED": "returned",
    "CANCELED": "canceled",
    "EXPIRED": "expired",
}


class FieldError(Exception):
    """An exception raised while resolving a root field: that field is ``null`` and the error
    is listed at its path, as graphql-core does for Saleor."""

    def __init__(self, message: str, code: str = "GraphQLError") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _pk(global_id: str) -> tuple[str, str]:
    try:
        kind, _, key = base64.b64decode(global_id, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return "", ""
    return kind, key


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


# Each connection's sort columns: the cursor's values (as Saleor's ``str()`` writes them) and
# the typed key they sort by.
SortKey = Callable[[Node], tuple[Any, ...]]
SORTS: dict[str, tuple[Callable[[Node], list[str]], Callable[[list[str]], tuple[Any, ...]]]] = {
    "customers": (
        lambda n: [str(_moment(n["dateJoined"])), _pk(n["id"])[1]],
        lambda v: (_moment(v[0]), int(v[1])),
    ),
    "orders": (
        lambda n: [str(_moment(n["created"])), ORDER_STATUS[n["status"]], str(n["number"])],
        lambda v: (_moment(v[0]), v[1], int(v[2])),
    ),
    "checkouts": (
        lambda n: [str(_moment(n["created"])), n["token"]],
        lambda v: (_moment(v[0]), v[1]),
    ),
    "products": (lambda n: [n["slug"], _pk(n["id"])[1]], lambda v: (v[0], int(v[1]))),
    "categories": (lambda n: [n["slug"], _pk(n["id"])[1]], lambda v: (v[0], int(v[1]))),
    "collections": (lambda n: [n["slug"], _pk(n["id"])[1]], lambda v: (v[0], int(v[1]))),
    "productVariants": (lambda n: [n["sku"], _pk(n["id"])[1]], lambda v: (v[0], int(v[1]))),
}


WIDTHS = {"orders": 3}  # the number of sort columns; 2 for the others
WIDTHS.update({root: 2 for root in SORTS if root not in WIDTHS})


def cursor_of(values: Sequence[str]) -> str:
    return base64.b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode()


def connection(
    root: str, nodes: Sequence[Node], arguments: dict[str, Any], *, selects_edges: bool = True
) -> Node:
    """One page of ``nodes`` as ``connection_from_queryset_slice`` makes it."""
    values_of, key_of = SORTS[root]
    first = arguments.get("first")
    if first is not None and not (isinstance(first, int) and first > 0):
        raise FieldError("Argument `first` must be a non-negative integer.")
    if arguments.get("last") is not None or arguments.get("before") is not None:
        raise FieldError(f"The demo Saleor pages `{root}` forwards only (`first`, `after`).")
    if selects_edges and not first:
        raise FieldError(
            "You must provide a `first` or `last` value to properly paginate the "
            f"`{root}` connection."
        )
    if first and first > PAGINATION_LIMIT:
        raise FieldError(
            f"Requesting {first} records on the `{root}` connection exceeds the `first` "
            f"limit of {PAGINATION_LIMIT} records."
        )
    descending = (arguments.get("sortBy") or {}).get("direction") == "DESC"
    ordered = sorted(nodes, key=lambda n: key_of(values_of(n)), reverse=descending)
    after = arguments.get("after")
    remaining = ordered
    if after:
        try:
            cursor = json.loads(base64.b64decode(after, validate=True))
            if not isinstance(cursor, list) or len(cursor) != WIDTHS[root]:
                raise ValueError
            start = key_of([str(v) for v in cursor])
        except (ValueError, TypeError, IndexError, binascii.Error) as exc:
            raise FieldError("Received cursor is invalid.") from exc
        if descending:
            remaining = [n for n in ordered if key_of(values_of(n)) < start]
        else:
            remaining = [n for n in ordered if key_of(values_of(n)) > start]
    page = remaining[: first or 0]
    edges = [{"cursor": cursor_of(values_of(n)), "node": n} for n in page]
    return {
        "totalCount": len(ordered),
        "pageInfo": {
            "hasNextPage": len(remaining) > len(page),
            "hasPreviousPage": bool(after),
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "edges": edges,
    }


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the app, a staff user through the app (an App Bridge token), or
    nobody; with the permissions its token carries."""

    kind: str  # "app" | "staff" | "anonymous"
    permissions: frozenset[str] = frozenset()

    def may(self, root: str) -> bool:
        required = PERMISSIONS.get(root, ())
        if not required:
            return True
        held = set(self.permissions)
        if self.kind == "app":
            held.add("AUTHENTICATED_APP")
        if self.kind == "staff":
            held.add("AUTHENTICATED_STAFF_USER")
        return bool(held & set(required))


class TokenRefused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def caller_of(authorization: str) -> Caller:
    token = authorization.removeprefix("Bearer ").strip() if authorization else ""
    if not token:
        return Caller("anonymous")
    if token == config.app_token():
        return Caller("app", frozenset(config.PERMISSIONS))
    if token.count(".") != 2:
        return Caller("anonymous")  # an opaque token Saleor does not know: nobody
    try:
        claims = jwt.decode(
            token,
            config.signing_key().private.public_key(),
            algorithms=["RS256"],
            issuer=config.saleor_api_url(),
            options={"require": ["exp", "iss"]},
        )
    except jwt.PyJWTError as exc:
        raise TokenRefused(str(exc), type(exc).__name__) from exc
    if claims.get("type") != "thirdparty" or claims.get("app") != config.APP_ID:
        return Caller("anonymous")
    return Caller("staff", frozenset(str(p) for p in claims.get("permissions") or []))


def _error(
    message: str, code: str, path: list[str] | None = None, node: FieldNode | None = None
) -> dict[str, Any]:
    found: dict[str, Any] = {"message": message}
    if node is not None and node.loc is not None:
        where = get_location(node.loc.source, node.loc.start)
        found["locations"] = [{"line": where.line, "column": where.column}]
    if path is not None:
        found["path"] = path
    found["extensions"] = {"exception": {"code": code}}
    return found


def _permission_message(required: Sequence[str]) -> str:
    return f"To access this path, you need one of the following permissions: {', '.join(required)}"


@dataclass
class DemoSaleorApi:
    """Answers ``POST /graphql/`` from ``shop`` (the generated shop, ``demo/shop.py``)."""

    shop: Any
    # The app's manifest (``GET /api/manifest``): Saleor made its webhooks at installation.
    manifest: Callable[[], dict[str, Any]] = lambda: {"webhooks": []}
    discounts: SaleorVouchers = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.discounts = SaleorVouchers(
            channels=[
                Channel(
                    id=c["id"],
                    slug=c["slug"],
                    currency=c["currencyCode"],
                    active=c.get("isActive", True),
                    name=c.get("name", ""),
                )
                for c in self.shop.channels
            ]
        )

    def answer(self, payload: Any, authorization: str) -> Answer:
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            return 400, {"errors": [_error("Must provide query string.", "GraphQLError")]}
        try:
            document = parse(payload["query"])
        except GraphQLError as exc:
            return 400, {"errors": [_error(exc.message, "GraphQLError")]}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        wanted = payload.get("operationName")
        operation = next(
            (o for o in operations if wanted is None or (o.name and o.name.value == wanted)), None
        )
        if operation is None or (wanted is None and len(operations) > 1):
            return 400, {"errors": [_error("Must provide a valid operation name.", "GraphQLError")]}
        try:
            caller = caller_of(authorization)
        except TokenRefused as refused:
            return 200, {"errors": [_error(refused.message, refused.code)]}
        name = operation.name.value if operation.name else "(anonymous)"
        roots = [s for s in operation.selection_set.selections if isinstance(s, FieldNode)]
        unknown = [r.name.value for r in roots if r.name.value not in PERMISSIONS]
        if unknown:
            message = f"The demo Saleor does not answer {name}: it has no {unknown[0]!r}"
            return 200, {"data": None, "errors": [_error(message, "GraphQLError")]}
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = payload.get("variables") or {}
        data: dict[str, Any] = {}
        errors: list[dict[str, Any]] = []
        for root in roots:
            key = root.alias.value if root.alias else root.name.value
            arguments = {
                a.name.value: _defined(value_from_ast_untyped(a.value, variables))
                for a in root.arguments
            }
            arguments = {k: v for k, v in arguments.items() if v is not Undefined}
            try:
                source = self.resolve(caller, root.name.value, arguments, root)
                if root.name.value == "app" and caller.kind != "app" and _selects(root, "webhooks"):
                    # App.webhooks: MANAGE_APPS or the app itself (has_required_permission).
                    source = {**source, "webhooks": None}
                    message = _permission_message(["MANAGE_APPS"])
                    errors.append(_error(message, "PermissionDenied", [key, "webhooks"], root))
            except FieldError as exc:
                data[key] = None
                errors.append(_error(exc.message, exc.code, [key], root))
                continue
            data[key] = selected(root.selection_set, source, fragments)
        body: dict[str, Any] = {"data": data}
        if errors:
            body = {"errors": errors, "data": data}
        return 200, body

    # -- the root fields ---------------------------------------------------------------------

    def resolve(self, caller: Caller, root: str, arguments: dict[str, Any], node: FieldNode) -> Any:
        if not caller.may(root):
            raise FieldError(_permission_message(PERMISSIONS[root]), "PermissionDenied")
        if root == "app":
            permissions = [
                {"code": p, "name": p.replace("_", " ").title()} for p in config.PERMISSIONS
            ]
            return {**APP, "permissions": permissions, "webhooks": self.webhooks()}
        if root == "shop":
            return {"name": self.shop.name}
        if root in ("customers", "orders", "checkouts"):
            nodes = getattr(self.shop, root)
            if root == "orders":
                nodes = [n for n in nodes if n["status"] != "DRAFT"]
            return connection(root, nodes, arguments, selects_edges=_selects_edges(node))
        if root == "channels":
            return self.shop.channels
        if root == "products":
            where = arguments.get("where") or {}
            nodes = self.shop.products_matching(
                search=arguments.get("search"), ids=where.get("ids")
            )
            nodes = [catalogue_product(self.shop, product) for product in nodes]
            page = connection(root, nodes, arguments, selects_edges=_selects_edges(node))
            if caller.kind == "app" and not where and not page["pageInfo"]["hasNextPage"]:
                self.shop.catalogue_read_set()  # the app's full sync read its last page
            return page
        if root == "categories":
            given = arguments.get("filter") or {}
            nodes = self.shop.categories_matching(search=given.get("search"), ids=given.get("ids"))
            nodes = [catalogue_category(self.shop, category) for category in nodes]
            return connection(root, nodes, arguments, selects_edges=_selects_edges(node))
        if root == "collections":
            # The generated shop has no collections.
            return connection(root, [], arguments, selects_edges=_selects_edges(node))
        if root == "productVariants":
            return connection(
                root, self._variants(arguments), arguments, selects_edges=_selects_edges(node)
            )
        if root == "updatePrivateMetadata":
            return self._private_metadata(caller, arguments)
        return self.discounts.resolve(root, arguments)

    def _variants(self, arguments: dict[str, Any]) -> list[Node]:
        """``productVariants``: with ``channel``, in that channel's context (each variant's
        ``pricing`` there; a channel the shop does not have: none, as ``visible_to_user``
        gives a caller with product permissions), else without pricing."""
        ids = arguments.get("ids")
        wanted = (
            ids if ids is not None else [v["id"] for p in self.shop.products for v in p["variants"]]
        )
        channel = arguments.get("channel")
        if channel is not None and not any(c["slug"] == channel for c in self.shop.channels):
            return []
        return [
            variant_in_channel(self.shop, variant, channel)
            for variant in self.shop.variants(wanted)
        ]

    def webhooks(self) -> list[Node]:
        """The app's webhooks as Saleor made them from its manifest at installation
        (``saleor/app/installation_utils.py``: one per manifest webhook, active, its async
        events and subscription query)."""
        return [
            {
                "id": base64.b64encode(f"Webhook:{n}".encode()).decode(),
                "name": webhook["name"],
                "isActive": webhook.get("isActive", True),
                "targetUrl": webhook["targetUrl"],
                "asyncEvents": [
                    {"name": event.replace("_", " ").capitalize(), "eventType": event}
                    for event in webhook.get("asyncEvents") or []
                ],
                "syncEvents": [
                    {"name": event.replace("_", " ").capitalize(), "eventType": event}
                    for event in webhook.get("syncEvents") or []
                ],
                "subscriptionQuery": webhook.get("query"),
            }
            for n, webhook in enumerate(self.manifest().get("webhooks") or [], start=1)
        ]

    def _private_metadata(self, caller: Caller, arguments: dict[str, Any]) -> Node:
        object_id = str(arguments.get("id") or "")
        kind, _pk_value = _pk(object_id)
        if not kind:
            message = f"Couldn't resolve id: {object_id}."
            return {
                "item": None,
                "errors": [{"field": "id", "message": message, "code": "GRAPHQL_ERROR"}],
            }
        needed = {"User": "MANAGE_USERS", "Order": "MANAGE_ORDERS", "Checkout": "MANAGE_CHECKOUTS"}
        if kind not in needed:
            message = f"Couldn't resolve to a node: {object_id}"
            return {
                "item": None,
                "errors": [{"field": "id", "message": message, "code": "NOT_FOUND"}],
            }
        found = self.shop.node(object_id)
        if found is None:
            raise FieldError(
                "You do not have permission to perform this action", "PermissionDenied"
            )
        if needed[kind] not in caller.permissions:
            raise FieldError(_permission_message([needed[kind]]), "PermissionDenied")
        items = arguments.get("input") or []
        if any(not str(item.get("key") or "").strip() for item in items):
            error = {"field": "input", "message": "Key cannot be empty.", "code": "REQUIRED"}
            return {"item": None, "errors": [error]}
        with self.lock:  # the node read again: the simulator may have replaced it meanwhile
            found = self.shop.node(object_id) or found
            stored = {m["key"]: m["value"] for m in found.get("privateMetadata") or []}
            stored.update({str(item["key"]): str(item["value"]) for item in items})
            updated = {
                **found,
                "privateMetadata": [{"key": k, "value": v} for k, v in stored.items()],
            }
            {"User": self.shop.add_customer, "Order": self.shop.add_order}.get(
                kind, self.shop.upsert_checkout
            )(updated)
        return {"item": {**updated, "__typename": kind}, "errors": []}


def _defined(value: Any) -> Any:
    """An argument's value without the variables the request did not give (absent, as
    GraphQL's coercion leaves them)."""
    if isinstance(value, dict):
        return {k: _defined(v) for k, v in value.items() if v is not Undefined}
    if isinstance(value, list):
        return [None if v is Undefined else _defined(v) for v in value]
    return value


def _selects(node: FieldNode, name: str) -> bool:
    return any(
        isinstance(s, FieldNode) and s.name.value == name
        for s in (node.selection_set.selections if node.selection_set else ())
    )


def _selects_edges(node: FieldNode) -> bool:
    """``_is_first_or_last_required``: paging arguments are required when edges are asked."""
    return any(
        isinstance(s, FieldNode) and s.name.value == "edges"
        for s in (node.selection_set.selections if node.selection_set else ())
    )
