"""For the demo Saleor's tests: a client of it at its canonical origin, and the check that an
answer is what Saleor's schema lets Saleor answer to a document. The fixtures that start it
are in ``tests/demo/saleor_fixtures.py``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import httpx
from graphql import GraphQLSchema, build_schema, execute_sync, parse, validate

from saleor_mautomation.demo import config
from saleor_mautomation.demo.shop import Shop
from tests.support.samples import schema_sdl

ROOT = Path(__file__).resolve().parents[2]
ANCHOR = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
APP_URL = "http://localhost:8080"
CUSTOMERS = 60


@cache
def saleor_schema() -> GraphQLSchema:
    return build_schema(schema_sdl())


def assert_valid_answer(document: str, variables: dict[str, Any], data: dict[str, Any]) -> None:
    """``data`` is an answer Saleor's schema allows for ``document`` and ``variables``: the
    document validates, the variables coerce, and executing it over ``data`` (each field read
    by its response key, each abstract type by ``__typename``) serialises every leaf (scalars,
    enum names), honours every non-null and gives ``data`` back unchanged: no field missing,
    none extra."""
    schema = saleor_schema()
    tree = parse(document)
    assert validate(schema, tree) == []

    def field(source: Any, info: Any, **_arguments: Any) -> Any:
        return source.get(info.path.key) if isinstance(source, dict) else None

    def type_of(value: Any, *_args: Any) -> Any:
        return value.get("__typename") if isinstance(value, dict) else None

    result = execute_sync(
        schema,
        tree,
        root_value=data,
        variable_values=variables,
        field_resolver=field,
        type_resolver=type_of,
    )
    assert result.errors is None, [error.message for error in result.errors or []]
    assert result.data == data


def dashboard_documents() -> dict[str, str]:
    """The documents the Dashboard extension sends to Saleor itself (the journey editor's
    channels and products, the rule builder's pickers), read from their TypeScript modules."""
    found = {}
    for path in (
        "dashboard_extension/src/journeys/editor/saleor-queries.ts",
        "dashboard_extension/src/segments/rules/saleor-catalogue.ts",
    ):
        source = (ROOT / path).read_text()
        for name, document in re.findall(r"export const (\w+) = /\* GraphQL \*/ `([^`]*)`", source):
            found[name] = document
    return found


@dataclass
class DemoSaleorClient:
    """Requests to the demo Saleor at its canonical origin (``localhost``), sent to 127.0.0.1."""

    port: int
    shop: Shop
    http: httpx.Client

    @property
    def origin(self) -> str:
        return f"http://localhost:{self.port}"

    def graphql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}})
        return self.http.post("/graphql/", content=body, headers=sent)

    def as_app(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.graphql(query, variables, token=config.app_token())
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer
