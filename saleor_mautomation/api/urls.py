from django.urls import include, path, re_path

from saleor_mautomation.api.views import (
    attributes,
    codes,
    dashboard,
    draws,
    health,
    imports,
    manifest,
    metrics,
    postal,
    register,
    segments,
    sms,
    surveys,
    triggers,
    webhooks,
)
from saleor_mautomation.api.views import pages as pages_views
from saleor_mautomation.api.views import short_links as short_links_views
from saleor_mautomation.api.views import tracking as tracking_views

urlpatterns = [
    path("api/manifest", manifest.manifest, name="manifest"),
    path("api/register", register.register, name="register"),
    path("api/esp/", include("anymail.urls")),
    path("api/triggers/<slug:key>", triggers.trigger, name="trigger"),
    path(
        "api/installations/<int:installation_id>/attributes",
        attributes.attributes,
        name="attributes",
    ),
    path("api/sms/twilio/<int:installation_id>/status", sms.twilio_status, name="sms-status"),
    path("api/sms/twilio/<int:installation_id>/inbound", sms.twilio_inbound, name="sms-inbound"),
    path("api/webhooks/saleor", webhooks.saleor_webhook, name="saleor-webhook"),
    path(
        "api/segments/<int:segment_id>/members.csv",
        segments.segment_members_csv,
        name="segment-members-csv",
    ),
    path(
        "api/postal/batches/<int:batch_id>.csv",
        postal.postal_batch_csv,
        name="postal-batch-csv",
    ),
    path("api/imports/preview", imports.import_preview, name="import-preview"),
    path("api/imports", imports.import_start, name="import-start"),
    path(
        "api/imports/<path:import_id>/errors.csv", imports.import_errors_csv, name="import-errors"
    ),
    path("t/o/<str:token>", tracking_views.open_pixel, name="track-open"),
    path("t/c/<str:token>", tracking_views.click_redirect, name="track-click"),
    path("u/<str:token>", pages_views.unsubscribe, name="unsubscribe"),
    path("p/<str:token>", pages_views.preferences, name="preferences"),
    path("v/<str:token>", codes.coupon_page, name="coupon"),
    path("v/<str:token>/<str:kind>.<str:fmt>", codes.coupon_image, name="coupon-image"),
    path("s/<str:token>/<slug:key>", surveys.survey_page, name="survey"),
    path("s/<str:code>", short_links_views.short_link_redirect, name="short-link"),
    path("d/<str:token>/<slug:key>", draws.draw_page, name="draw"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("dashboard/widgets/customer", dashboard.customer_widget, name="customer-widget"),
    re_path(
        r"^dashboard/(?!assets/).*$",
        dashboard.dashboard_index,
        name="dashboard",
    ),
]
