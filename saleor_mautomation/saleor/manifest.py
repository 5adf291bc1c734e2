"""The Saleor app manifest, built from the webhook specs (one declaration of the boundary)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from saleor_mautomation.saleor.webhooks import WebhookSpec

APP_IDENTIFIER = "app.saleor-mautomation"
APP_NAME = "Marketing Automation"
PERMISSIONS = (
    "MANAGE_USERS",
    "MANAGE_CHECKOUTS",
    "MANAGE_ORDERS",
    "MANAGE_DISCOUNTS",
    "MANAGE_PRODUCTS",
)


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)


class ManifestWebhook(_Model):
    name: str
    async_events: list[str]
    query: str
    target_url: str
    is_active: bool = True


class ManifestExtension(_Model):
    label: str
    mount: str
    target: Literal["POPUP", "APP_PAGE", "WIDGET", "NEW_TAB"]
    permissions: list[str]
    url: str
    options: dict[str, Any] | None = None


class Manifest(_Model):
    id: str
    version: str
    name: str
    about: str
    author: str
    required_saleor_version: str
    permissions: list[str]
    app_url: str
    token_target_url: str
    data_privacy_url: str
    homepage_url: str
    support_url: str
    webhooks: list[ManifestWebhook]
    extensions: list[ManifestExtension]

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, exclude_none=True)


def build_manifest(
    *, app_url: str, version: str, required_saleor_version: str, specs: Iterable[WebhookSpec]
) -> Manifest:
    base = app_url.rstrip("/")
    return Manifest(
        id=APP_IDENTIFIER,
        version=version,
        name=APP_NAME,
        about=(
            "Knows every customer, segments them in real time and runs email journeys "
            "(welcome, abandoned checkout, win-back) on autopilot."
        ),
        author="saleor-mautomation",
        required_saleor_version=required_saleor_version,
        permissions=list(PERMISSIONS),
        app_url=f"{base}/dashboard/",
        token_target_url=f"{base}/api/register",
        data_privacy_url=f"{base}/dashboard/privacy",
        homepage_url=f"{base}/dashboard/",
        support_url=f"{base}/dashboard/support",
        webhooks=[
            ManifestWebhook(
                name=spec.name,
                async_events=[spec.event],
                query=spec.subscription,
                target_url=f"{base}/api/webhooks/saleor",
            )
            for spec in specs
        ],
        extensions=[
            ManifestExtension(
                label="Marketing automation",
                mount="NAVIGATION_CUSTOMERS",
                target="APP_PAGE",
                permissions=["MANAGE_USERS"],
                url=f"{base}/dashboard/",
            ),
            ManifestExtension(
                label="Marketing profile",
                mount="CUSTOMER_DETAILS_WIDGETS",
                target="WIDGET",
                permissions=["MANAGE_USERS"],
                # GET: the widget gets the whole App Bridge (ADR 0018).
                url=f"{base}/dashboard/widgets/customer",
                options={"widgetTarget": {"method": "GET"}},
            ),
        ],
    )
