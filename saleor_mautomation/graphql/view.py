"""``/graphql/``: bounds the request, authenticates the caller, answers CORS, then runs the
app's schema.

Dashboard calls carry the App Bridge token in ``Authorization-Bearer`` (or
``Authorization: Bearer``) and the ``Saleor-Api-Url`` header; a bad token answers 401 and a
staff user without MANAGE_USERS 403 (marketing data is customer data), both with a
GraphQL-shaped ``errors`` body. Storefront calls carry ``Saleor-Api-Url`` and, for a signed-in
customer, the customer's Saleor access token; they come from the shop's origins (CORS per
installation, see ``Installation.storefront_origins``).

Every request is bounded before it costs anything (``graphql.limits``, docs/adr/0016): its
body by ``Content-Length`` before the body is read (and before a token is checked for a call
without one), its document while it is parsed, its depth, selections, aliases, cost and input
values before the standard validation; the unit of work opens around the execution alone.
An error that is not one of the app's kinds answers ``INTERNAL_ERROR`` with a correlation id,
its detail in the log (``graphql.errors.error_formatted``); an explicit ``null`` for an
argument with a default is the default (``null_means_default``).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.settings import graphene_settings
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLResolveInfo,
    OperationType,
    Undefined,
    execute,
    get_operation_ast,
    validate,
)

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.graphql.context import MANAGE_USERS, Context
from saleor_mautomation.graphql.errors import error_formatted, internal_error, new_correlation_id
from saleor_mautomation.graphql.limits import Limits, document_check, document_parse
from saleor_mautomation.saleor.auth import (
    bearer_token,
    dashboard_user,
    storefront_customer,
    token_kind,
)
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.selectors import (
    installation_by_api_url,
    origin_allowed_anywhere,
)

logger = logging.getLogger(__name__)

CORS_HEADERS = "authorization, authorization-bearer, content-type, saleor-api-url"


class RequestRefused(HttpError):
    """A request refused before its document is read, with a status and a code."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(HttpResponse(status=status), message)
        self.code = code


def _errors(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Credentials"] = "false"
    response["Vary"] = "Origin"
    return response


def _limits() -> Limits:
    return Limits(
        body_bytes=settings.GRAPHQL_MAX_BODY_BYTES,
        storefront_body_bytes=settings.GRAPHQL_MAX_BODY_BYTES_STOREFRONT,
        tokens=settings.GRAPHQL_MAX_TOKENS,
        depth=settings.GRAPHQL_MAX_DEPTH,
        selections=settings.GRAPHQL_MAX_SELECTIONS,
        aliases=settings.GRAPHQL_MAX_ALIASES,
        cost=settings.GRAPHQL_MAX_COST,
    )


def _body_refused(request: HttpRequest, limit: int) -> JsonResponse | None:
    """A 413 for a body over ``limit`` bytes, told by its ``Content-Length`` (a body without
    one is read as empty), so that the body is never read."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return _errors(400, "Invalid Content-Length", "BAD_REQUEST")
    if length > limit:
        return _errors(413, f"The request body exceeds {limit} bytes", "REQUEST_TOO_LARGE")
    return None


def null_means_default(next_: Any, root: Any, info: GraphQLResolveInfo, **kwargs: Any) -> Any:
    """Field middleware: an explicit ``null`` for an argument that has a default is the
    default (``first: null`` pages by the default page size), so that no resolver receives a
    ``None`` its signature does not expect."""
    if None in kwargs.values():
        arguments = info.parent_type.fields[info.field_name].args
        for name, argument in arguments.items():
            key = argument.out_name or name
            default = argument.default_value
            if key in kwargs and kwargs[key] is None and default not in (None, Undefined):
                kwargs[key] = default
    return next_(root, info, **kwargs)


def _authenticate(request: HttpRequest, installation: Installation | None) -> Context:
    """Raises PermanentError (401/403) or RetryableError (503) for a token that fails."""
    client_ip = request.META.get("REMOTE_ADDR")
    token = bearer_token(request.headers)
    if not token:
        return Context(installation=installation, client_ip=client_ip)
    if installation is None:
        raise PermanentError("No active installation for this Saleor-Api-Url", code="unknown")
    if token_kind(token) == "access":
        customer = storefront_customer(installation, token)
        return Context(installation=installation, customer=customer, client_ip=client_ip)
    user = dashboard_user(installation, token)
    user.require(MANAGE_USERS)
    return Context(installation=installation, dashboard_user=user, client_ip=client_ip)


@method_decorator(csrf_exempt, name="dispatch")
class AppGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        origin = request.headers.get("Origin", "")
        if request.method == "OPTIONS":
            return self._preflight(origin)
        self.limits = _limits()
        # Only a Dashboard call may send the larger body: a call without a token is refused
        # here, before the database is asked for its installation.
        has_token = bool(bearer_token(request.headers))
        refused = _body_refused(
            request, self.limits.body_bytes if has_token else self.limits.storefront_body_bytes
        )
        if refused is not None:
            return refused
        try:
            api_url = request.headers.get("Saleor-Api-Url", "")
            installation = installation_by_api_url(api_url) if api_url else None
            context = _authenticate(request, installation)
        except RetryableError as exc:
            return _errors(503, exc.message, "UNAVAILABLE")
        except PermanentError as exc:
            if exc.code == "permission_missing":
                return _errors(403, exc.message, "PERMISSION_DENIED")
            return _errors(401, exc.message, "UNAUTHENTICATED")
        except DatabaseError:
            return _errors(503, "Temporarily unavailable, please retry", "UNAVAILABLE")
        if context.dashboard_user is None:
            refused = _body_refused(request, self.limits.storefront_body_bytes)
            if refused is not None:
                return refused
        request.mautomation_context = context  # type: ignore[attr-defined]
        try:
            response = super().dispatch(request, *args, **kwargs)
        except Exception:
            # The boundary: what escaped the execution (the unit of work's finish, a bug in
            # this view) answers the generic error; the detail goes to the log.
            correlation_id = new_correlation_id()
            logger.exception("Internal error %s in %s", correlation_id, request.path)
            response = JsonResponse({"errors": [internal_error(correlation_id)]}, status=500)
        # graphene-django's view sets a CSRF cookie on every answer (ensure_csrf_cookie); this
        # API authenticates by token, never by cookie, so none is sent.
        response.cookies.pop(settings.CSRF_COOKIE_NAME, None)
        if origin and installation is not None and origin in installation.storefront_origins:
            _cors(response, origin)
        return response

    def _preflight(self, origin: str) -> HttpResponse:
        """The preflight carries no Saleor-Api-Url value, so it is answered for an origin any
        installation allows; the request itself is then checked against its installation."""
        response = HttpResponse(status=204)
        if origin and origin_allowed_anywhere(origin):
            _cors(response, origin)
            response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response["Access-Control-Allow-Headers"] = CORS_HEADERS
            response["Access-Control-Max-Age"] = "600"
        return response

    def get_middleware(self, request: HttpRequest) -> list[Any]:
        return [null_means_default, *(self.middleware or [])]

    def get_context(self, request: HttpRequest) -> Context:
        context: Context = request.mautomation_context  # type: ignore[attr-defined]
        return context

    def parse_body(self, request: HttpRequest) -> Any:
        """The JSON body as graphene reads it, except that a body nested too deeply for the
        decoder (a ``RecursionError``) or not UTF-8 is a 400 with a code, never a 500."""
        content_type = self.get_content_type(request)
        if content_type not in ("application/json", "application/graphql"):
            return super().parse_body(request)
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise RequestRefused(400, "The body is not UTF-8", "INVALID_JSON") from None
        if content_type == "application/graphql":
            return {"query": body}
        try:
            data = json.loads(body)
        except RecursionError:
            raise RequestRefused(400, "The body is nested too deeply", "INVALID_JSON") from None
        except ValueError:
            raise RequestRefused(400, "The body is not valid JSON", "INVALID_JSON") from None
        if not isinstance(data, dict):
            raise RequestRefused(400, "The body must be a JSON object", "INVALID_JSON")
        return data

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: Any,
        query: Any,
        variables: Any,
        operation_name: Any,
        show_graphiql: bool = False,
    ) -> ExecutionResult:
        """graphene's steps with the limits first: parse within the token limit, the limits
        and input checks, the standard validation, then the execution in a unit of work.
        (``ATOMIC_MUTATIONS`` is not used: the unit of work has its own transaction.)"""
        if not query:
            raise RequestRefused(400, "Must provide query string.", "BAD_REQUEST")
        if not isinstance(query, str) or not isinstance(operation_name, str | None):
            raise RequestRefused(400, "query and operationName must be strings", "BAD_REQUEST")
        if variables is not None and not isinstance(variables, dict):
            raise RequestRefused(400, "variables must be a JSON object", "INVALID_INPUT")
        schema = self.schema.graphql_schema
        try:
            document = document_parse(query, self.limits)
        except GraphQLError as error:
            return ExecutionResult(errors=[error])
        errors = document_check(schema, document, variables, self.limits)
        if errors:
            return ExecutionResult(errors=errors)
        operation = get_operation_ast(document, operation_name)
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            raise HttpError(HttpResponseNotAllowed(["POST"]), "Only queries are answered to GET")
        errors = validate(schema, document, max_errors=graphene_settings.MAX_VALIDATION_ERRORS)
        if errors:
            return ExecutionResult(errors=errors)
        # What a mutation changes (events tracked, a profile, consent) re-evaluates the
        # segments it can affect and feeds the journeys before the answer goes out (the
        # mutation's own writes commit as they go: no network call runs in a transaction).
        with unit_of_work(now=clock.now()):
            result = execute(
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
            )
        assert isinstance(result, ExecutionResult)
        return result

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        if isinstance(error, RequestRefused):
            return {"message": error.message, "extensions": {"code": error.code}}
        if isinstance(error, HttpError):
            return {"message": error.message, "extensions": {"code": "BAD_REQUEST"}}
        return error_formatted(error)
