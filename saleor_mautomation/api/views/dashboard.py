from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET


@xframe_options_exempt
@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponseBase:
    """The dashboard extension's page (the manifest's appUrl), framed by the Saleor Dashboard.

    Its assets are served by WhiteNoise under ``/dashboard/assets/``; the page itself carries
    no data: it gets the Dashboard's token through App Bridge and calls ``/graphql/``.
    """
    index = settings.DASHBOARD_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(
            "The dashboard extension is not built: run `make install`.",
            status=503,
            content_type="text/plain",
        )
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
