"""GraphQL fuzzing that stays in the suite: documents generated from the app's own schema
(hypothesis-graphql, the engine schemathesis uses for GraphQL), sent to ``/graphql/`` with a
Dashboard token and anonymously. Whatever the arguments, no answer is a 5xx and none carries an
internal error's text. The number of examples is bounded, so the run is too."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import hypothesis_graphql
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from saleor_mautomation.graphql.schema import schema
from tests.contacts.factories import make_contact, make_signed_shop
from tests.support.keys import dashboard_claims, signing_key

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
EXAMPLES = 60
# What an internal error's text looks like when it leaks (Python's and the database's own).
LEAKS = (
    "Traceback",
    "psycopg",
    "DataError",
    "TypeError",
    "KeyError",
    "AttributeError",
    "cannot contain NUL",  # PostgreSQL's own words
)

SCALARS = {
    "DateTime": st.datetimes(timezones=st.just(UTC)).map(lambda d: nodes.String(d.isoformat())),
    "Date": st.dates().map(lambda d: nodes.String(d.isoformat())),
    "Decimal": st.decimals(allow_nan=False, allow_infinity=False, places=2).map(nodes.String),
    "GenericScalar": st.one_of(
        st.text(max_size=20).map(nodes.String), st.integers().map(nodes.Int)
    ),
}
QUERIES = hypothesis_graphql.queries(schema.graphql_schema, custom_scalars=SCALARS)
MUTATIONS = hypothesis_graphql.mutations(schema.graphql_schema, custom_scalars=SCALARS)


@pytest.fixture
def shop(db):
    installation = make_signed_shop("fuzz", now=T)
    make_contact(installation, email="ada@example.com", first_name="Ada")
    return installation


def _post(client: Any, installation: Any, document: str, dashboard: bool) -> Any:
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if dashboard:
        claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
        headers["Authorization-Bearer"] = signing_key(0).mint_token(claims)
    return client.post(
        "/graphql/",
        data=json.dumps({"query": document}),
        content_type="application/json",
        headers=headers,
    )


def _check(response: Any, document: str) -> None:
    assert response.status_code < 500, (document, response.content[:500])
    text = response.content.decode(errors="replace")
    assert not any(leak in text for leak in LEAKS), (document, text[:500])


@pytest.mark.parametrize("dashboard", [True, False], ids=["dashboard", "anonymous"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=QUERIES)
def test_generated_queries_never_fail_the_server(client, shop, dashboard, document):
    _check(_post(client, shop, str(document), dashboard), str(document))


@pytest.mark.parametrize("dashboard", [True, False], ids=["dashboard", "anonymous"])
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(document=MUTATIONS)
def test_generated_mutations_never_fail_the_server(client, shop, dashboard, document):
    _check(_post(client, shop, str(document), dashboard), str(document))
