"""Domain errors as GraphQL errors, the same way in every resolver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.messages.rendering import RenderFailed
from saleor_mautomation.segments.errors import DefinitionInvalid


@contextmanager
def domain_errors() -> Iterator[None]:
    """A ``PermanentError`` raised inside becomes a GraphQL error whose
    ``extensions.code`` is the error's code upper-cased (e.g. ``INVALID_TIME_ZONE``)."""
    try:
        yield
    except PermanentError as exc:
        raise GraphQLError(exc.message, extensions={"code": exc.code.upper()}) from exc


@contextmanager
def definition_errors() -> Iterator[None]:
    """An invalid segment or journey definition: ``INVALID_DEFINITION`` with one
    ``{field, message}`` per problem in ``extensions.fields``."""
    try:
        yield
    except DefinitionInvalid as exc:
        raise GraphQLError(
            exc.message,
            extensions={
                "code": "INVALID_DEFINITION",
                "fields": [{"field": e.field, "message": e.message} for e in exc.errors],
            },
        ) from exc


@contextmanager
def render_errors() -> Iterator[None]:
    """A template version that does not render: ``INVALID_TEMPLATE`` with its staged errors
    (stage, code, message, line, column, field) in ``extensions.errors``."""
    try:
        yield
    except RenderFailed as exc:
        raise GraphQLError(
            "The template has errors",
            extensions={
                "code": "INVALID_TEMPLATE",
                "errors": [
                    {
                        "stage": e.stage,
                        "code": e.code,
                        "message": e.message,
                        "line": e.line,
                        "column": e.column,
                        "field": e.field,
                    }
                    for e in exc.errors
                ],
            },
        ) from exc
