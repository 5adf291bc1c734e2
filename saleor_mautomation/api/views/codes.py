"""A voucher code's images and printable page: ``GET /v/<token>`` (the page) and
``GET /v/<token>/<qr|barcode>.<png|svg>``.

The token signs the installation and the code (``messages.codes``): a tampered or truncated
token, or one whose installation is gone or uninstalled, answers 404 and nothing else. What a
token shows never changes, so images are cached for a year (``immutable``); the page for a
day (its shop name could change).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_safe

from saleor_mautomation.api.views import programme_pages as p
from saleor_mautomation.messages import codes
from saleor_mautomation.saleor.models import Installation

IMAGE_CACHE = "public, max-age=31536000, immutable"
PAGE_CACHE = "private, max-age=86400"
CONTENT_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def _coupon(token: str) -> tuple[codes.Coupon, Installation] | None:
    try:
        coupon = codes.coupon_from_token(token)
    except codes.CouponTokenInvalid:
        return None
    installation = Installation.objects.filter(pk=coupon.installation_id).first()
    if installation is None or not installation.is_active:
        return None
    return coupon, installation


@require_safe
def coupon_image(request: HttpRequest, token: str, kind: str, fmt: str) -> HttpResponse:
    found = _coupon(token)
    if found is None or kind not in ("qr", "barcode") or fmt not in CONTENT_TYPES:
        return p.not_found(request)
    coupon, _ = found
    try:
        image = codes.code_image(coupon.code, kind, fmt)
    except codes.CouponTokenInvalid:  # a code Code 128 cannot carry
        return p.not_found(request)
    response = HttpResponse(image, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = IMAGE_CACHE
    response["X-Content-Type-Options"] = "nosniff"
    if fmt == "svg":  # opened on its own, an SVG is a document: it runs nothing
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_safe
def coupon_page(request: HttpRequest, token: str) -> HttpResponse:
    found = _coupon(token)
    if found is None:
        return p.not_found(request)
    coupon, installation = found
    language = p.browser_language(request)
    qr = reverse("coupon-image", args=[token, "qr", "svg"])
    barcode = (
        format_html(
            '<img src="{}" alt="{}" width="360">',
            reverse("coupon-image", args=[token, "barcode", "svg"]),
            p.text(language, "coupon.barcode", code=coupon.code),
        )
        if codes.barcode_modules(coupon.code)
        else ""
    )
    body = format_html(
        '<p>{}</p><p class="code">{}</p><div class="codes">'
        '<img src="{}" alt="{}" width="220" height="220">{}</div><p class="hint">{}</p>',
        p.text(language, "coupon.text"),
        coupon.code,
        qr,
        p.text(language, "coupon.qr", code=coupon.code),
        barcode,
        p.text(language, "coupon.print"),
    )
    return p.page(
        language=language,
        shop=installation.shop_name,
        title=p.text(language, "coupon.title"),
        body=body,
        cache=PAGE_CACHE,
    )
