from __future__ import annotations

from typing import ClassVar

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

    objects: ClassVar[models.Manager[Installation]]

    def __str__(self) -> str:
        return f"{self.saleor_api_url} ({self.app_id}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE
