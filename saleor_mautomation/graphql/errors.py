"""Domain errors as GraphQL errors, the same way in every resolver; and what the client sees of
any error: the app's kinds with their text, anything else as ``INTERNAL_ERROR``."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from graphql import GraphQLError

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.messages.rendering import RenderFailed
from saleor_mautomation.segments.errors import DefinitionInvalid

logger = logging.getLogger(__name__)


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


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def internal_error(correlation_id: str) -> dict[str, Any]:
    """What a client sees of an error that is not one of the app's kinds: nothing of it but
    the id under which the log holds its detail."""
    return {
        "message": "Internal error",
        "extensions": {"code": "INTERNAL_ERROR", "correlationId": correlation_id},
    }


def error_formatted(error: Exception) -> dict[str, Any]:
    """An error of the answer as the client sees it.

    The app's kinds keep their text: a ``GraphQLError`` (what the resolvers, the limits and
    graphql-core's parser and validation raise), a ``PermanentError`` that no resolver turned
    into one (its code upper-cased, as ``domain_errors`` does) and a ``RetryableError``
    (``UNAVAILABLE``, without its detail). Anything else (a database error, a ``TypeError``)
    is a defect: the client gets ``internal_error`` and the log the traceback, under the same
    correlation id.
    """
    original = error.original_error if isinstance(error, GraphQLError) else error
    located: dict[str, Any] = {}
    if isinstance(error, GraphQLError):
        formatted = error.formatted
        if original is None or isinstance(original, GraphQLError):
            return dict(formatted)
        located = {key: formatted[key] for key in ("locations", "path") if key in formatted}
    if isinstance(original, PermanentError):
        extensions = {"code": original.code.upper()}
        return {"message": original.message, **located, "extensions": extensions}
    if isinstance(original, RetryableError):
        extensions = {"code": "UNAVAILABLE"}
        message = "Temporarily unavailable, please retry"
        return {"message": message, **located, "extensions": extensions}
    correlation_id = new_correlation_id()
    path = located.get("path")
    logger.error("Internal error %s at %s", correlation_id, path, exc_info=original)
    return {**internal_error(correlation_id), **located}
