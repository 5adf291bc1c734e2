from django.urls import include, path, re_path

from saleor_mautomation.api.views import dashboard, health, manifest, register, segments, webhooks

urlpatterns = [
    path("api/manifest", manifest.manifest, name="manifest"),
    path("api/register", register.register, name="register"),
    path("api/esp/", include("anymail.urls")),
    path("api/webhooks/saleor", webhooks.saleor_webhook, name="saleor-webhook"),
    path(
        "api/segments/<int:segment_id>/members.csv",
        segments.segment_members_csv,
        name="segment-members-csv",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    re_path(
        r"^dashboard/(?!assets/)(?!customer-widget$).*$",
        dashboard.dashboard_index,
        name="dashboard",
    ),
]
