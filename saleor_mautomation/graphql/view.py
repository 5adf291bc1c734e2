"""``/graphql/``: authenticates the caller, answers CORS, then runs the app's schema.

Dashboard calls carry the App Bridge token in ``Authorization-Bearer`` (or
``Authorization: Bearer``) and the ``Saleor-Api-Url`` header; a bad token answers 401 and a
staff user without MANAGE_USERS 403 (marketing data is customer data), both with a
GraphQL-shaped ``errors`` body. Storefront calls carry ``Saleor-Api-Url`` and, for a signed-in
customer, the customer's Saleor access token; they come from the shop's origins (CORS per
installation, see ``Installation.storefront_origins``).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.graphql.context import MANAGE_USERS, Context
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

CORS_HEADERS = "authorization, authorization-bearer, content-type, saleor-api-url"


def _errors(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


def _cors(response: HttpResponse, origin: str) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = origin
    response["Access-Control-Allow-Credentials"] = "false"
    response["Vary"] = "Origin"
    return response


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
        request.mautomation_context = context  # type: ignore[attr-defined]
        # What a mutation changes (events tracked, a profile, consent) re-evaluates the
        # segments it can affect and feeds the journeys before the answer goes out (the
        # mutation's own writes commit as they go: no network call runs in a transaction).
        with unit_of_work(now=clock.now()):
            response = super().dispatch(request, *args, **kwargs)
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

    def get_context(self, request: HttpRequest) -> Context:
        context: Context = request.mautomation_context  # type: ignore[attr-defined]
        return context
