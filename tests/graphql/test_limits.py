"""Every request to /graphql/ is bounded before it runs: its body, its tokens, depth,
selections, aliases and cost, each refused with its own code and nothing executed."""

import json

import pytest
from graphql import get_introspection_query

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.graphql.context import Context
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import CONTACT, global_id
from tests.graphql.test_storefront import ANON, TRACK, VIEW, customer_token
from tests.support.keys import dashboard_claims, signing_key

TRACK_LITERAL = (
    f'trackEvents(anonymousId: "{ANON}", events: [{{type: PRODUCT_VIEWED, clientId: "e-1",'
    ' properties: {product_id: "UHJvZHVjdDox"}}]) { accepted }'
)
CONTACTS = "query { contacts(first: 100) { edges { node { id email } } } }"


def post(client, installation, body, token=None, **extra):
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if token == "dashboard":
        claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
        headers["Authorization-Bearer"] = signing_key(0).mint_token(claims)
    elif token:
        headers["Authorization"] = f"Bearer {token}"
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(
        "/graphql/", data=data, content_type="application/json", headers=headers, **extra
    )


@pytest.fixture
def resolved(monkeypatch):
    """The resolvers that ran: each asks the context who is calling first."""
    calls: list[str] = []
    for name in ("require_dashboard", "require_installation", "require_customer"):
        original = getattr(Context, name)

        def spy(self, _original=original, _name=name):
            calls.append(_name)
            return _original(self)

        monkeypatch.setattr(Context, name, spy)
    return calls


def refused_with(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    return body["errors"][0]["message"]


def test_the_alias_flood_is_refused_by_its_size_before_its_body_is_read(
    client, standin_installation, resolved, django_assert_num_queries
):
    # given: the attack, 200,000 aliases of __typename (3.9 MB) with a mutation in it
    aliases = " ".join(f"a{n}: __typename" for n in range(200_000))
    body = {"query": f"mutation {{ {TRACK_LITERAL} {aliases} }}"}

    # when: anonymously; no installation is looked up for it
    with django_assert_num_queries(0):
        response = post(client, standin_installation, body)

    # then
    message = refused_with(response, 413, "REQUEST_TOO_LARGE")
    assert message == "The request body exceeds 262144 bytes"
    assert resolved == []
    assert not Event.objects.exists()
    assert not Contact.objects.exists()


def test_the_alias_flood_under_a_larger_body_limit_is_refused_while_it_is_parsed(
    client, standin_installation, resolved, settings
):
    # given
    settings.GRAPHQL_MAX_BODY_BYTES_STOREFRONT = 10_000_000
    aliases = " ".join(f"a{n}: __typename" for n in range(200_000))
    body = {"query": f"mutation {{ {TRACK_LITERAL} {aliases} }}"}

    # when
    response = post(client, standin_installation, body)

    # then
    message = refused_with(response, 400, "QUERY_TOO_LARGE")
    assert message == "The query is too large: at most 5000 tokens"
    assert resolved == []
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("setting", "value", "query", "code", "message"),
    [
        (
            "GRAPHQL_MAX_TOKENS",
            31,
            f"mutation {{ {TRACK_LITERAL} __typename }}",
            "QUERY_TOO_LARGE",
            "The query is too large: at most 31 tokens",
        ),
        (
            "GRAPHQL_MAX_DEPTH",
            1,
            f"mutation {{ {TRACK_LITERAL} }}",
            "QUERY_TOO_DEEP",
            "The query is too deep: at most 1 levels",
        ),
        (
            "GRAPHQL_MAX_SELECTIONS",
            4,
            f"mutation {{ {TRACK_LITERAL} ...More }} fragment More on Mutation "
            "{ __typename b: __typename c: __typename }",
            "QUERY_TOO_MANY_FIELDS",
            "The query selects too much: at most 4 fields",
        ),
        (
            "GRAPHQL_MAX_ALIASES",
            2,
            f"mutation {{ {TRACK_LITERAL} ... on Mutation {{ a: __typename b: __typename "
            "c: __typename } }",
            "QUERY_TOO_MANY_ALIASES",
            "The query has too many aliases: at most 2",
        ),
        (
            "GRAPHQL_MAX_COST",
            2,
            f"mutation {{ {TRACK_LITERAL} __typename }}",
            "QUERY_TOO_EXPENSIVE",
            "The query is too expensive: at most 2 fields counted with the page sizes "
            "(first) of their lists",
        ),
    ],
    ids=["tokens", "depth", "selections", "aliases", "cost"],
)
def test_each_limit_refuses_an_anonymous_mutation_before_it_runs(
    client, standin_installation, resolved, settings, setting, value, query, code, message
):
    # given
    setattr(settings, setting, value)

    # when
    response = post(client, standin_installation, {"query": query})

    # then
    assert refused_with(response, 400, code) == message
    assert resolved == []
    assert not Event.objects.exists()
    assert not Contact.objects.exists()


def test_the_same_mutation_within_the_limits_runs(client, standin_installation, resolved):
    # when: the documents above, under the default limits
    response = post(client, standin_installation, {"query": f"mutation {{ {TRACK_LITERAL} }}"})

    # then
    assert response.json() == {"data": {"trackEvents": {"accepted": 1}}}
    assert resolved == ["require_installation"]
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "allowed"),
    [(100, True), (101, False)],
)
def test_the_cost_counts_each_field_once_per_item_of_its_page(
    client, standin_installation, resolved, settings, first, allowed
):
    # given: contacts(first: N) { edges { node { id email } } } costs 1 + 4N
    settings.GRAPHQL_MAX_COST = 401
    make_contact(standin_installation, email="a@example.com")
    query = CONTACTS.replace("100", str(first))

    # when
    response = post(client, standin_installation, {"query": query}, token="dashboard")

    # then
    if allowed:
        assert response.json()["data"]["contacts"]["edges"][0]["node"]["email"] == "a@example.com"
        assert resolved == ["require_dashboard"]
    else:
        refused_with(response, 400, "QUERY_TOO_EXPENSIVE")
        assert resolved == []


def test_a_page_size_given_by_a_variable_or_by_default_is_counted(
    client, standin_installation, resolved, settings
):
    # given: contacts without first pages by 20 (cost 81); with $first = 30 (cost 121)
    settings.GRAPHQL_MAX_COST = 100
    by_default = "query { contacts { edges { node { id email } } } }"
    by_variable = "query Q($n: Int) { contacts(first: $n) { edges { node { id email } } } }"

    # when
    default_response = post(client, standin_installation, {"query": by_default}, "dashboard")
    variable_response = post(
        client, standin_installation, {"query": by_variable, "variables": {"n": 30}}, "dashboard"
    )

    # then
    assert default_response.json() == {"data": {"contacts": {"edges": []}}}
    refused_with(variable_response, 400, "QUERY_TOO_EXPENSIVE")
    assert resolved == ["require_dashboard"]


def test_the_operations_of_a_document_share_one_budget(
    client, standin_installation, resolved, settings
):
    # given: two operations of 2 selections each, under a limit of 3
    settings.GRAPHQL_MAX_SELECTIONS = 3
    query = "query A { installation { appId } } query B { installation { appId } }"

    # when: only A is to run
    response = post(
        client, standin_installation, {"query": query, "operationName": "A"}, token="dashboard"
    )

    # then: the standard validation would read both
    refused_with(response, 400, "QUERY_TOO_MANY_FIELDS")
    assert resolved == []


def test_a_cycle_of_fragments_is_left_to_the_standard_validation(
    client, standin_installation, resolved
):
    # given
    query = (
        "query { ...A } fragment A on Query { installation { appId } ...B } "
        "fragment B on Query { ...A }"
    )

    # when
    response = post(client, standin_installation, {"query": query}, token="dashboard")

    # then
    assert response.status_code == 400
    assert [error["message"] for error in response.json()["errors"]] == [
        "Cannot spread fragment 'A' within itself via 'B'."
    ]
    assert resolved == []


def test_an_exponential_fragment_expansion_stops_at_the_selection_limit(
    client, standin_installation, resolved
):
    # given: each fragment spreads the next twice, 2^40 fields once expanded
    fragments = " ".join(f"fragment F{n} on Query {{ ...F{n + 1} ...F{n + 1} }}" for n in range(40))
    query = f"query {{ ...F0 }} {fragments} fragment F40 on Query {{ __typename }}"

    # when
    response = post(client, standin_installation, {"query": query}, token="dashboard")

    # then
    refused_with(response, 400, "QUERY_TOO_MANY_FIELDS")
    assert resolved == []


def test_a_dashboard_body_may_be_larger_than_a_storefront_one(
    client, standin_installation, resolved
):
    # given: a 300 kB body (a long template, say), over the storefront's 256 KiB
    body = {"query": "query { installation { appId } }", "variables": {"pad": "x" * 300_000}}

    # when
    dashboard = post(client, standin_installation, body, token="dashboard")
    customer = post(client, standin_installation, body, token=customer_token(standin_installation))
    anonymous = post(client, standin_installation, body)

    # then
    assert dashboard.json() == {"data": {"installation": {"appId": "QXBwOjE="}}}
    refused_with(customer, 413, "REQUEST_TOO_LARGE")
    refused_with(anonymous, 413, "REQUEST_TOO_LARGE")
    assert resolved == ["require_dashboard"]


def test_a_dashboard_body_over_its_own_limit_is_refused(client, standin_installation, resolved):
    # given
    body = {"query": "query { installation { appId } }", "variables": {"pad": "x" * 2**20}}

    # when
    response = post(client, standin_installation, body, token="dashboard")

    # then
    assert refused_with(response, 413, "REQUEST_TOO_LARGE") == (
        "The request body exceeds 1048576 bytes"
    )
    assert resolved == []


def test_the_dashboards_queries_and_introspection_pass_the_default_limits(
    client, standin_installation
):
    # given
    contact = make_contact(standin_installation, email="a@example.com")

    # when
    detail = post(
        client,
        standin_installation,
        {"query": CONTACT, "variables": {"id": global_id(contact), "first": 100}},
        token="dashboard",
    )
    schema = post(
        client,
        standin_installation,
        {"query": get_introspection_query(descriptions=True)},
        token="dashboard",
    )

    # then
    assert "errors" not in detail.json()
    assert detail.json()["data"]["contact"]["email"] == "a@example.com"
    assert "errors" not in schema.json()
    assert schema.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_the_storefronts_calls_pass_the_default_limits(client, standin_installation):
    # when: a full batch of events with the largest properties allowed
    view = {**VIEW, "properties": {"product_id": "UHJvZHVjdDox", "note": "x" * 4000}}
    events = [{**view, "clientId": f"e-{n}"} for n in range(50)]
    response = post(
        client,
        standin_installation,
        {"query": TRACK, "variables": {"anon": ANON, "events": events}},
    )

    # then
    assert response.json() == {"data": {"trackEvents": {"accepted": 50}}}


def test_a_body_nested_too_deeply_is_a_400(client, standin_installation, resolved):
    # given: 100,000 levels of JSON
    body = '{"query": "{ __typename }", "variables": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"

    # when
    response = post(client, standin_installation, body, token="dashboard")

    # then
    assert refused_with(response, 400, "INVALID_JSON") == "The body is nested too deeply"
    assert resolved == []


def test_a_generic_scalar_nested_too_deeply_is_a_400(client, standin_installation, resolved):
    # given: a segment definition nested past the document bound, as a variable and inline
    nested: dict = {"type": "and", "conditions": []}
    for _ in range(300):
        nested = {"type": "and", "conditions": [nested]}
    by_variable = {
        "query": "query P($d: GenericScalar!) { segmentPreview(definition: $d) { count } }",
        "variables": {"d": {"version": 1, "root": nested}},
    }
    inline = {
        "query": "query { segmentPreview(definition: %s) { count } }" % ("[" * 300 + "]" * 300)
    }

    # when
    variable_response = post(client, standin_installation, by_variable, token="dashboard")
    inline_response = post(client, standin_installation, inline, token="dashboard")

    # then
    assert refused_with(variable_response, 400, "INVALID_INPUT") == (
        "The variables are nested too deeply: at most 200 levels"
    )
    assert refused_with(inline_response, 400, "QUERY_TOO_DEEP") == (
        "The query is nested too deeply: at most 200 levels"
    )
    assert resolved == []
