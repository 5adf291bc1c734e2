"""The Dashboard's calls to the app's plain HTTP views (downloads, file uploads), authenticated
as its GraphQL calls are: the App Bridge token in ``Authorization-Bearer`` or
``Authorization: Bearer``, the shop in ``Saleor-Api-Url``, staff with MANAGE_USERS."""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from saleor_mautomation.api.responses import error_response, unavailable
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.saleor.auth import bearer_token, dashboard_user
from saleor_mautomation.saleor.models import Installation
from saleor_mautomation.saleor.selectors import installation_by_api_url


class Refused(Exception):
    """The answer to give instead: 401, 403 or 503."""

    def __init__(self, response: HttpResponseBase) -> None:
        super().__init__(response.status_code)
        self.response = response


def dashboard_installation(request: HttpRequest) -> Installation:
    """The installation whose staff user signed the request; else ``Refused``."""
    try:
        installation = installation_by_api_url(request.headers.get("Saleor-Api-Url", ""))
        token = bearer_token(request.headers)
        if installation is None or not token:
            message = "Sign in through the Saleor Dashboard"
            raise Refused(error_response(401, message, "unauthenticated"))
        dashboard_user(installation, token).require("MANAGE_USERS")
    except RetryableError as exc:
        raise Refused(unavailable(exc.message)) from exc
    except PermanentError as exc:
        if exc.code == "permission_missing":
            raise Refused(error_response(403, exc.message, "permission_denied")) from exc
        raise Refused(error_response(401, exc.message, "unauthenticated")) from exc
    except DatabaseError as exc:
        raise Refused(unavailable()) from exc
    return installation
