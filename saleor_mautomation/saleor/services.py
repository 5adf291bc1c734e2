"""Writes at the Saleor boundary: installing and uninstalling the app."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.errors import (
    SaleorGraphQLError,
    SaleorUrlNotAllowed,
    TokenInvalid,
)
from saleor_mautomation.saleor.jwks import fetch_jwks, http_policy, jwks_url_for, retry_policy
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


def saleor_url_check(saleor_api_url: str, *, allowed_patterns: Sequence[str]) -> None:
    """Raise unless ``saleor_api_url`` is an http(s) URL matching one allowed glob pattern."""
    parts = urlsplit(saleor_api_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise SaleorUrlNotAllowed(f"Saleor-Api-Url {saleor_api_url!r} is not an http(s) URL")
    if not any(fnmatchcase(saleor_api_url, pattern) for pattern in allowed_patterns):
        raise SaleorUrlNotAllowed(
            f"This app does not accept installations from {saleor_api_url} (ALLOWED_SALEOR_URLS)"
        )


def saleor_client(installation: Installation) -> SaleorClient:
    return SaleorClient(
        api_url=installation.saleor_api_url,
        token=installation.auth_token,
        http_policy=http_policy(),
        retry=retry_policy(),
    )


def installation_register(
    *, saleor_api_url: str, auth_token: str, allowed_patterns: Sequence[str]
) -> Installation:
    """Prove the token, fetch the JWKS and store the installation (a re-install replaces it).

    Network calls come first and the write last, so no transaction is held open on I/O.
    """
    saleor_url_check(saleor_api_url, allowed_patterns=allowed_patterns)
    client = SaleorClient(
        api_url=saleor_api_url, token=auth_token, http_policy=http_policy(), retry=retry_policy()
    )
    try:
        data = client.execute(documents.load("app_id"))
    except SaleorGraphQLError as exc:
        raise TokenInvalid(f"Saleor did not accept the app token: {exc.message}") from exc
    app = data.get("app") or {}
    app_id = app.get("id")
    if not app_id:
        raise TokenInvalid("Saleor did not accept the app token (no app for it)")
    jwks = fetch_jwks(jwks_url_for(saleor_api_url))
    now = clock.now()
    with transaction.atomic():
        installation, created = Installation.objects.select_for_update().update_or_create(
            saleor_api_url=saleor_api_url,
            defaults={
                "app_id": app_id,
                "auth_token": auth_token,
                "jwks": jwks,
                "jwks_fetched_at": now,
                "status": Installation.Status.ACTIVE,
                "installed_at": now,
                "uninstalled_at": None,
            },
        )
    logger.info(
        "%s %s as app %s", "Installed on" if created else "Re-installed on", saleor_api_url, app_id
    )
    return installation


def installation_uninstall(*, installation_id: int) -> bool:
    """Mark an installation uninstalled: its deliveries are refused and its work stops."""
    updated = Installation.objects.filter(
        pk=installation_id, status=Installation.Status.ACTIVE
    ).update(status=Installation.Status.UNINSTALLED, uninstalled_at=clock.now())
    return updated > 0


def installation_storefront_origins_set(
    *, installation_id: int, origins: Sequence[str]
) -> list[str]:
    """The browser origins allowed to call the storefront API: ``scheme://host[:port]`` only."""
    cleaned: list[str] = []
    for origin in origins:
        parts = urlsplit(origin.strip())
        if (
            parts.scheme not in {"http", "https"}
            or not parts.hostname
            or parts.path
            not in {
                "",
                "/",
            }
            or parts.query
            or parts.fragment
        ):
            raise PermanentError(
                f"{origin!r} is not an origin such as https://shop.example.com",
                code="invalid_origin",
            )
        normalized = f"{parts.scheme}://{parts.netloc.lower()}"
        if normalized not in cleaned:
            cleaned.append(normalized)
    Installation.objects.filter(pk=installation_id).update(storefront_origins=cleaned)
    return cleaned
