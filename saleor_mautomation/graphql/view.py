"""``/graphql/``: authenticates the caller, then runs the app's schema.

Dashboard calls carry the App Bridge token in ``Authorization-Bearer`` (or
``Authorization: Bearer``) and the ``Saleor-Api-Url`` header. A bad token answers 401 and a
staff user without MANAGE_USERS answers 403 (marketing data is customer data), both with a
GraphQL-shaped ``errors`` body. Calls without a token run anonymously (storefront fields).
"""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from graphene_django.views import GraphQLView

from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.graphql.context import MANAGE_USERS, Context
from saleor_mautomation.saleor.auth import dashboard_user
from saleor_mautomation.saleor.selectors import installation_by_api_url


def _errors(status: int, message: str, code: str) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code}}]}, status=status
    )


def _bearer(request: HttpRequest) -> str:
    token = request.headers.get("Authorization-Bearer", "")
    if not token:
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        token = value if scheme.lower() == "bearer" else ""
    return token.strip()


@method_decorator(csrf_exempt, name="dispatch")
class AppGraphQLView(GraphQLView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _bearer(request)
        context = Context()
        if token and request.method == "POST":
            try:
                installation = installation_by_api_url(request.headers.get("Saleor-Api-Url", ""))
                if installation is None:
                    return _errors(
                        401, "No active installation for this Saleor-Api-Url", "UNAUTHENTICATED"
                    )
                user = dashboard_user(installation, token)
                user.require(MANAGE_USERS)
            except RetryableError as exc:
                return _errors(503, exc.message, "UNAVAILABLE")
            except PermanentError as exc:
                status, code = (
                    (403, "PERMISSION_DENIED")
                    if exc.code == "permission_missing"
                    else (401, "UNAUTHENTICATED")
                )
                return _errors(status, exc.message, code)
            except DatabaseError:
                return _errors(503, "Temporarily unavailable, please retry", "UNAVAILABLE")
            context = Context(dashboard_user=user)
        request.mautomation_context = context  # type: ignore[attr-defined]
        return super().dispatch(request, *args, **kwargs)

    def get_context(self, request: HttpRequest) -> Context:
        context: Context = request.mautomation_context  # type: ignore[attr-defined]
        return context
