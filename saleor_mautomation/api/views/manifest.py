from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from saleor_mautomation.intake.registry import WEBHOOKS
from saleor_mautomation.saleor.manifest import build_manifest


@cache
def _version() -> str:
    try:
        return version("saleor-mautomation")
    except PackageNotFoundError:
        return "0.0.0"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    built = build_manifest(
        app_url=settings.APP_URL,
        version=_version(),
        required_saleor_version=settings.SALEOR_REQUIRED_VERSION,
        specs=[webhook.spec for webhook in WEBHOOKS.values()],
    )
    return JsonResponse(built.as_json())
