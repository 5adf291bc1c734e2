"""``GET /api/segments/<id>/members.csv``: a segment's current members as a CSV download.

A download, not a GraphQL field, so that a segment of any size streams in pages instead of
being held in memory. Authenticated like the dashboard's GraphQL calls (``dashboard_auth``),
and scoped to that installation: another shop's segment is a 404.
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from saleor_mautomation.api.responses import csv_download, error_response, unavailable
from saleor_mautomation.api.views.dashboard_auth import Refused, dashboard_installation
from saleor_mautomation.segments.selectors import members_csv, segment_get


@require_GET
def segment_members_csv(request: HttpRequest, segment_id: int) -> HttpResponseBase:
    try:
        installation = dashboard_installation(request)
        segment = segment_get(installation_id=installation.pk, segment_id=segment_id)
    except Refused as refused:
        return refused.response
    except DatabaseError:
        return unavailable()
    if segment is None:
        return error_response(404, "No such segment", "not_found")
    return csv_download(members_csv(segment), f"segment-{segment.key}.csv")
