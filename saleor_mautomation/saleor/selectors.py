"""Reads of installations."""

from __future__ import annotations

from saleor_mautomation.saleor.models import Installation


def installation_by_api_url(saleor_api_url: str) -> Installation | None:
    """The active installation for a ``Saleor-Api-Url`` header, or ``None``."""
    if not saleor_api_url:
        return None
    return (
        Installation.objects.filter(
            saleor_api_url=saleor_api_url, status=Installation.Status.ACTIVE
        )
        .only("id", "saleor_api_url", "app_id", "jwks", "jwks_fetched_at", "status")
        .first()
    )
