"""``GET /api/postal/batches/<id>.csv``: a print batch's cards as a CSV download for the
print-and-mail partner.

Downloading closes an open batch first (nothing is added to it afterwards: the step's next
cards open a new batch), so the file holds every card the batch will ever hold. Streamed in
pages like the segment export; authenticated like the Dashboard's GraphQL calls and scoped to
that installation (another shop's batch is a 404).
"""

from __future__ import annotations

from django.db import DatabaseError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from saleor_mautomation.api.responses import csv_download, error_response, unavailable
from saleor_mautomation.api.views.dashboard_auth import Refused, dashboard_installation
from saleor_mautomation.core import clock
from saleor_mautomation.postal.selectors import batch_csv
from saleor_mautomation.postal.services import BatchNotFound, postal_batch_download


@require_GET
def postal_batch_csv(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    try:
        installation = dashboard_installation(request)
        batch = postal_batch_download(
            installation_id=installation.pk, batch_id=batch_id, now=clock.now()
        )
    except Refused as refused:
        return refused.response
    except BatchNotFound:
        return error_response(404, "No such postal batch", "not_found")
    except DatabaseError:
        return unavailable()
    name = f"postal-{batch.day:%Y-%m-%d}-{batch.node}-{batch.sequence}.csv"
    return csv_download(batch_csv(batch), name)
