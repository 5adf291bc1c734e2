from __future__ import annotations

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from saleor_mautomation.saleor.framing import dashboard_frame_policy


def _framable_by_installation(request: HttpRequest, response: HttpResponseBase) -> None:
    """Framable only by the Dashboard of the installation the page is opened for (the
    ``saleorApiUrl`` parameter the Dashboard adds); unknown: by nobody."""
    saleor_api_url = request.GET.get("saleorApiUrl") or request.POST.get("saleorApiUrl", "")
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
    """The dashboard extension's page (the manifest's appUrl), framed by the Saleor Dashboard.

    Its assets are served by WhiteNoise under ``/dashboard/assets/``; the page itself carries
    no data: it gets the Dashboard's token through App Bridge and calls ``/graphql/``.
    """
    return _index(request)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def customer_widget(request: HttpRequest) -> HttpResponseBase:
    """The CUSTOMER_DETAILS_WIDGETS widget: the same front end; the Dashboard opens it with a
    form POST (``widgetTarget``) into its iframe. The form's token is not read here: the page
    gets its token through App Bridge like every other page."""
    return _index(request)
