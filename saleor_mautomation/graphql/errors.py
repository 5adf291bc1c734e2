"""Domain errors as GraphQL errors, the same way in every resolver."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError

from saleor_mautomation.core.errors import PermanentError


@contextmanager
def domain_errors() -> Iterator[None]:
    """A ``PermanentError`` raised inside becomes a GraphQL error whose
    ``extensions.code`` is the error's code upper-cased (e.g. ``INVALID_TIME_ZONE``)."""
    try:
        yield
    except PermanentError as exc:
        raise GraphQLError(exc.message, extensions={"code": exc.code.upper()}) from exc
