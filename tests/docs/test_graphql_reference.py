"""docs/reference/graphql-*.md are generated from the committed SDL (tools/docs_reference.py);
the SDL itself is kept current with the code by tests/graphql/test_contract.py."""

from pathlib import Path

from graphql import build_schema

from saleor_mautomation.graphql.audiences import STOREFRONT_FIELDS
from tools.docs_reference import (
    GRAPHQL_DASHBOARD,
    GRAPHQL_STOREFRONT,
    ROOT,
    SDL,
    render_graphql,
)

SMALL_SDL = '''
"""A person the app knows."""
type Contact {
  id: ID!
  "Orders of the person."
  orders(first: Int = 20): [Order!]!
}

type Order {
  number: String!
  status: OrderStatus
}

enum OrderStatus {
  "Paid in full."
  PAID
  REFUNDED
}

input SubscribeInput {
  email: String!
  channel: ConsentChannel = EMAIL
}

enum ConsentChannel {
  EMAIL
  SMS
}

type Query {
  "The signed-in admin's contact."
  contact(id: ID!): Contact
  preferences(token: String!): Contact
}

type Mutation {
  subscribe(input: SubscribeInput!): Boolean!
}
'''


def test_the_committed_pages_are_what_the_generator_makes_of_the_sdl():
    pages = render_graphql(SDL.read_text(encoding="utf-8"))

    for name, text in pages.items():
        committed = (Path(ROOT) / name).read_text(encoding="utf-8")
        assert committed == text, f"{name} is out of date with schema.graphql: run make docs"


def test_every_root_field_of_the_sdl_is_on_exactly_one_page():
    # given
    schema = build_schema(SDL.read_text(encoding="utf-8"))
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    roots = [*schema.query_type.fields, *schema.mutation_type.fields]
    pages = render_graphql(SDL.read_text(encoding="utf-8"))

    # when
    on_page = {name: {n for n in roots if f"\n### {n}\n" in text} for name, text in pages.items()}

    # then
    assert on_page[GRAPHQL_STOREFRONT] == STOREFRONT_FIELDS
    assert on_page[GRAPHQL_DASHBOARD] == set(roots) - STOREFRONT_FIELDS


def test_a_field_is_shown_with_its_arguments_defaults_result_and_the_types_it_reaches():
    # when
    pages = render_graphql(SMALL_SDL)

    # then: preferences and subscribe are storefront fields, contact is the Dashboard's
    storefront, dashboard = pages[GRAPHQL_STOREFRONT], pages[GRAPHQL_DASHBOARD]
    assert "1 queries, 1 mutations, 5 types." in storefront
    assert "1 queries, 0 mutations, 3 types." in dashboard
    assert (
        "### contact\n\nReturns [`Contact`](#contact-object).\n\n"
        "The signed-in admin's contact.\n\n"
        "| Argument | Type | Description |\n|---|---|---|\n| `id` | `ID!` |  |\n"
    ) in dashboard
    assert (
        "### Contact (object)\n\nA person the app knows.\n\n"
        "| Field | Type | Description |\n|---|---|---|\n"
        "| `id` | `ID!` |  |\n"
        "| `orders(first: Int)` | `[`[`Order`](#order-object)`!]!` | Orders of the person. |\n"
    ) in dashboard
    assert "| `PAID` | Paid in full. |\n| `REFUNDED` |  |\n" in dashboard
    assert "| `channel` | [`ConsentChannel`](#consentchannel-enum) = `EMAIL` |  |" in storefront
    assert "SubscribeInput (input)" not in dashboard
