from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from saleor_mautomation.saleor.framing import dashboard_frame_policy


def _framable_by_installation(request: HttpRequest, response: HttpResponseBase) -> None:
    """Framable only by the Dashboard of the installation the page is opened for (the
    ``saleorApiUrl`` parameter the Dashboard adds); unknown: by nobody."""
    saleor_api_url = request.GET.get("saleorApiUrl", "")
    policy = dashboard_frame_policy(saleor_api_url)
    response["Content-Security-Policy"] = policy
    if policy == "frame-ancestors 'none'":
        response["X-Frame-Options"] = "DENY"


def _index(request: HttpRequest) -> HttpResponseBase:
    index = settings.DASHBOARD_DIST / "index.html"
    response: HttpResponseBase
    if not index.is_file():
        response = HttpResponse(
            "The dashboard extension is not built: run `make install`.",
            status=503,
            content_type="text/plain",
        )
    else:
        response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "no-cache"
    _framable_by_installation(request, response)
    return response


@xframe_options_exempt
@require_GET
def dashboard_index(request: HttpRequest) -> HttpResponseBase:
    """The dashboard extension's pages (the manifest's appUrl and every route under it, the
    privacy and support pages included, which are also opened outside the Dashboard: a top-level
    visit is never refused, only framing by others than the installation's Dashboard).

    Its assets are served by WhiteNoise under ``/dashboard/assets/``; the page itself carries
    no data: it gets the Dashboard's token through App Bridge and calls ``/graphql/``.
    """
    return _index(request)


@xframe_options_exempt
@require_GET
def customer_widget(request: HttpRequest) -> HttpResponseBase:
    """The CUSTOMER_DETAILS_WIDGETS widget, a GET widget (ADR 0018): the same front end, whose
    ``/widgets/customer`` route reads ``customerId`` from the query the Dashboard adds and gets
    its token, theme and locale through the App Bridge handshake like every other page."""
    return _index(request)
