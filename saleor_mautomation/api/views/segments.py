"""``GET /api/segments/<id>/members.csv``: a segment's current members as a CSV download.

A download, not a GraphQL field, so that a segment of any size streams in pages instead of
being held in memory. Authenticated like the dashboard's GraphQL calls (App Bridge token in
``Authorization-Bearer`` or ``Authorization: Bearer``, the shop in ``Saleor-Api-Url``; staff
need MANAGE_USERS), and scoped to that installation: another shop's segment is a 404.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from saleor_mautomation.api.responses import error_response, unavailable
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.saleor.auth import bearer_token, dashboard_user
from saleor_mautomation.saleor.selectors import installation_by_api_url
from saleor_mautomation.segments.selectors import members_csv, segment_get


@require_GET
def segment_members_csv(request: HttpRequest, segment_id: int) -> HttpResponseBase:
    try:
        installation = installation_by_api_url(request.headers.get("Saleor-Api-Url", ""))
        token = bearer_token(request.headers)
        if installation is None or not token:
            return error_response(401, "Sign in through the Saleor Dashboard", "unauthenticated")
        dashboard_user(installation, token).require("MANAGE_USERS")
        segment = segment_get(installation_id=installation.pk, segment_id=segment_id)
    except RetryableError as exc:
        return unavailable(exc.message)
    except PermanentError as exc:
        if exc.code == "permission_missing":
            return error_response(403, exc.message, "permission_denied")
        return error_response(401, exc.message, "unauthenticated")
    except DatabaseError:
        return unavailable()
    if segment is None:
        return error_response(404, "No such segment", "not_found")
    response = StreamingHttpResponse(members_csv(segment), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="segment-{segment.key}.csv"'
    response["Cache-Control"] = "no-store"
    return response
