from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlsplit

from django.db import models

from saleor_mautomation.core.crypto import EncryptedTextField


class Installation(models.Model):
    """One Saleor that installed the app: the tenant every other row is scoped to."""

    class Status(models.TextChoices):
        ACTIVE = "active"
        UNINSTALLED = "uninstalled"

    saleor_api_url = models.URLField(max_length=500, unique=True)
    app_id = models.CharField(max_length=100)
    auth_token = EncryptedTextField()
    jwks = models.JSONField(default=dict)
    jwks_fetched_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    installed_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)
    uninstalled_at = models.DateTimeField(null=True, blank=True)
    # Storefront origins (scheme://host[:port]) allowed to call the app's API from browsers.
    storefront_origins = models.JSONField(default=list, blank=True)
    # Origins whose pages may frame the app's Dashboard pages and widget (CSP frame-ancestors);
    # empty: the Saleor API URL's own origin (a Saleor Cloud dashboard lives elsewhere: set it).
    dashboard_origins = models.JSONField(default=list, blank=True)
    # The shop's identity as Saleor names it (``shop { name }``, read at registration and
    # again while empty); the templates' ``shop.name``.
    shop_name = models.CharField(max_length=255, blank=True, default="")
    shop_name_fetched_at = models.DateTimeField(null=True, blank=True)
    # Where the storefront serves each channel (Saleor has no such field): channel slug to a
    # base URL, "*" for every other channel; ``{channel}`` in a URL is the channel's slug.
    storefront_urls = models.JSONField(default=dict, blank=True)
    # The derived triggers' windows (``journeys.triggers``): a checkout untouched this long is
    # abandoned; browsing quiet this long, within the last ``browse_window_hours``, is too.
    checkout_abandoned_after_minutes = models.PositiveIntegerField(default=60)
    browse_abandoned_after_minutes = models.PositiveIntegerField(default=120)
    browse_window_hours = models.PositiveIntegerField(default=24)
    # When the credentials (the Saleor token, provider secrets) of an uninstalled installation
    # were deleted (``UNINSTALL_CREDENTIALS_GRACE`` after the uninstall).
    credentials_deleted_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[Installation]]

    def __str__(self) -> str:
        return f"{self.saleor_api_url} ({self.app_id}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def dashboard_frame_origins(self) -> list[str]:
        """The origins that may frame the Dashboard pages: the ones set, else Saleor's own."""
        if self.dashboard_origins:
            return [str(origin) for origin in self.dashboard_origins]
        parts = urlsplit(self.saleor_api_url)
        return [f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"]


class ApiKey(models.Model):
    """A shop-level key another system shows to the app's API (``POST
    /api/installations/<id>/attributes``): ``mau_<prefix>_<secret>``, given once when made. Only
    the prefix (to find the row) and the SHA-256 of the whole key are kept, so a leaked
    database names no usable key; the secret is 32 random bytes, a slow hash adds nothing."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[models.Manager[ApiKey]]

    def __str__(self) -> str:
        return f"API key {self.prefix} ({self.name}) of installation {self.installation_id}"
