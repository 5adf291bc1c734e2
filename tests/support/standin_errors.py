"""Saleor's field errors as the tests' stand-in answers them: the document is executed.

A stand-in that answers canned pages whatever it is asked cannot show what a real Saleor does
with one odd value: Saleor's GraphQL (graphql-core 2, which 3.23.28 pins in ``pyproject.toml``:
``graphql-core>=2.3.2,<3``) answers an error for the field it cannot serialise and nulls the
nearest nullable parent, as the GraphQL spec says ("Handling Field Errors"). For an order that
is the whole ``orders`` connection: ``Order``, its edge and the edges list are non-null. So here
the operation's document is executed over stored rows with graphql-core against Saleor's
schema (``tests/saleor_reference/schema.graphql``): a value a non-null enum cannot hold, a missing
non-null field and an exception raised by a resolver all come back as Saleor answers them:
``data`` nulled up to the nearest nullable parent, and an error with the field's ``path`` and
Saleor's wording and ``extensions.exception.code`` (``saleor/graphql/utils/__init__.py``,
``format_error``).

``DocumentStandIn`` is the stand-in with one more kind of answer: ``documents`` maps an
operation name to a function of the parsed document and the variables.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    Visitor,
    build_schema,
    graphql_sync,
    parse,
    print_ast,
    visit,
)

from tests.support.samples import graphql_response, schema_sdl
from tests.support.standin import Answer, Recorded, StandInSaleor

DocumentAnswer = Callable[[DocumentNode, dict[str, Any]], Answer]

# graphql-core 3 words an enum that cannot hold a value so; graphql-core 2 (Saleor's) words it
# 'Expected a value of type "OrderOriginEnum" but received: ' (``complete_leaf_value`` in its
# ``execution/executor.py``), the message of the import of Saleor's demo orders.
_ENUM_REFUSAL = re.compile(r"^Enum '(?P<type>\w+)' cannot represent value: (?P<value>.*)$")


@cache
def saleor_schema() -> GraphQLSchema:
    return build_schema(schema_sdl())


@dataclass
class DocumentStandIn(StandInSaleor):
    documents: dict[str, DocumentAnswer] = field(default_factory=dict)
    # What it answered to the operations in ``documents``, in order.
    answered: list[Answer] = field(default_factory=list)

    def _graphql(self, request: Recorded) -> Answer:
        payload = request.json()
        document = parse(payload["query"])
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        name = operation.name.value if operation.name else ""
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if name in self.documents and token in self.valid_tokens:
            answer = self.documents[name](document, payload.get("variables") or {})
            self.answered.append(answer)
            return answer
        return super()._graphql(request)


def _saleor_message(error: GraphQLError) -> str:
    refused = _ENUM_REFUSAL.match(error.message)
    if refused is None:
        return error.message
    value = refused["value"]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        value = value[1:-1]
    return f'Expected a value of type "{refused["type"]}" but received: {value}'


def saleor_error(error: GraphQLError) -> dict[str, Any]:
    """One error as Saleor formats it: message, locations, path, the exception's class name."""
    original: BaseException = error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    formatted = error.formatted
    return {
        "message": _saleor_message(error),
        "locations": formatted.get("locations", []),
        "path": formatted.get("path", []),
        "extensions": {"exception": {"code": type(original).__name__}},
    }


def execute(document: DocumentNode, variables: Mapping[str, Any], root: Any) -> Answer:
    """Run ``document`` over ``root`` (dicts; callables are resolvers) as Saleor would answer."""
    result = graphql_sync(
        saleor_schema(),
        print_ast(document),
        root_value=root,
        variable_values=dict(variables),
    )
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [saleor_error(error) for error in result.errors]
    return 200, body


def _cursor(end: int) -> str:
    return base64.b64encode(f"cursor:{end}".encode()).decode()


def _start(after: str | None) -> int:
    return int(base64.b64decode(after).decode().split(":")[1]) if after else 0


def connection_rows(field_name: str, rows: Sequence[dict[str, Any]]) -> DocumentAnswer:
    """A connection of stored ``rows`` paged by ``first``/``after``, each page executed."""

    def answer(document: DocumentNode, variables: dict[str, Any]) -> Answer:
        start = _start(variables.get("after"))
        chunk = rows[start : start + variables["first"]]
        end = start + len(chunk)
        root = {
            field_name: {
                "totalCount": len(rows),
                "pageInfo": {
                    "hasNextPage": end < len(rows),
                    "hasPreviousPage": start > 0,
                    "startCursor": _cursor(start) if chunk else None,
                    "endCursor": _cursor(end) if chunk else None,
                },
                "edges": [
                    {"node": row, "cursor": _cursor(start + n + 1)} for n, row in enumerate(chunk)
                ],
            }
        }
        return execute(document, variables, root)

    return answer


# Saleor's GRAPHQL_ALIAS_COUNT_LIMIT default (saleor/settings.py).
ALIAS_COUNT_LIMIT = 100


def _alias_count(document: DocumentNode) -> int:
    counted = 0

    class Count(Visitor):
        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            nonlocal counted
            counted += node.alias is not None

    visit(document, Count())
    return counted


# -- customers' private metadata (saleor/graphql/meta/mutations/) -----------------------------


class PermissionDenied(Exception):
    """``saleor.core.exceptions.PermissionDenied``: its message with and without permissions."""

    def __init__(self, permissions: Sequence[str] = ()) -> None:
        if permissions:
            message = (
                "To access this path, you need one of the following permissions: "
                + ", ".join(permissions)
            )
        else:
            message = "You do not have permission to perform this action"
        super().__init__(message)


@dataclass
class SaleorUser:
    is_staff: bool = False
    private_metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class SaleorCustomers:
    """Saleor's users, whose private metadata the app writes (``updatePrivateMetadata``).

    Modelled on ``BaseMetadataMutation.mutate`` (``saleor/graphql/meta/mutations/base.py``):
    the permissions are resolved before anything else, by ``private_user_permissions``
    (``saleor/graphql/meta/permissions.py``), which raises ``PermissionDenied()`` when the user
    row is gone and asks MANAGE_STAFF for a staff user; the app holds MANAGE_USERS only. The
    exception leaves the mutation, so that one alias is ``null`` with a top-level error at its
    path, and the other aliases of the document are done.
    """

    users: dict[str, SaleorUser] = field(default_factory=dict)
    app_permissions: frozenset[str] = frozenset({"MANAGE_USERS"})

    def install(self, standin: DocumentStandIn, operation: str = "WriteBack") -> None:
        standin.documents[operation] = self.answer

    def _update_private_metadata(self, _info: Any, id: str, input: list[dict[str, str]]) -> Any:
        user = self.users.get(id)
        if user is None:
            raise PermissionDenied()
        needed = "MANAGE_STAFF" if user.is_staff else "MANAGE_USERS"
        if needed not in self.app_permissions:
            raise PermissionDenied([needed])
        user.private_metadata.update({item["key"]: item["value"] for item in input})
        item = {
            "__typename": "User",
            "id": id,
            "privateMetadata": [
                {"key": key, "value": value} for key, value in user.private_metadata.items()
            ],
        }
        return {"item": item, "errors": []}

    def answer(self, document: DocumentNode, variables: dict[str, Any]) -> Answer:
        aliases = _alias_count(document)
        if aliases > ALIAS_COUNT_LIMIT:
            # AliasCountLimitRule (saleor/graphql/core/validators/alias_count_limit_rule.py):
            # a validation error, so nothing runs and there is no data.
            message = f"Number of aliases exceed the limit of {ALIAS_COUNT_LIMIT}"
            error = {"message": message, "extensions": {"exception": {"code": "GraphQLError"}}}
            return 400, {"errors": [error]}
        return execute(
            document,
            variables,
            {"updatePrivateMetadata": self._update_private_metadata},
        )


def permission_denied_shape() -> dict[str, Any]:
    """The captured PermissionDenied error (``error-permission-denied.json``), for comparison."""
    error: dict[str, Any] = graphql_response("error-permission-denied")["response"]["errors"][0]
    return error
