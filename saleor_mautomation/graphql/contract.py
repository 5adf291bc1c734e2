"""What the dashboard extension builds against, written from the Python source of truth:
the app's GraphQL schema as SDL (``schema.graphql``, every front-end document is validated
against it) and the journey JSON fixtures its definition <-> canvas round-trips read.

``mautomation dump_contract`` (``make schema``) writes them; a test fails when a committed
file differs from what this module produces, so neither side drifts silently.
"""

from __future__ import annotations

from graphql import lexicographic_sort_schema, print_schema

from saleor_mautomation.graphql.schema import schema

SCHEMA_FILE = "schema.graphql"


def schema_sdl() -> str:
    """The schema printed with types and fields in alphabetical order: a change to the API
    is a small diff, never a reshuffle."""
    return print_schema(lexicographic_sort_schema(schema.graphql_schema)) + "\n"


def contract_files() -> dict[str, str]:
    """Each file's text by its path under ``dashboard_extension/``."""
    return {SCHEMA_FILE: schema_sdl()}
