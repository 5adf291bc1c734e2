"""Writes at the Saleor boundary: installing and uninstalling the app."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction

from saleor_mautomation.core import clock
from saleor_mautomation.core.errors import PermanentError, RetryableError
from saleor_mautomation.saleor import documents
from saleor_mautomation.saleor.allowlist import saleor_url_allowed, saleor_url_parse
from saleor_mautomation.saleor.client import SaleorClient
from saleor_mautomation.saleor.errors import (
    SaleorGraphQLError,
    SaleorPermissionDenied,
    SaleorUrlNotAllowed,
    TokenInvalid,
)
from saleor_mautomation.saleor.jwks import fetch_jwks, http_policy, jwks_url_for, retry_policy
from saleor_mautomation.saleor.models import Installation

logger = logging.getLogger(__name__)


def saleor_url_check(saleor_api_url: str, *, allowed_patterns: Sequence[str]) -> None:
    """Raise unless ``saleor_api_url`` is a Saleor API URL whose host one pattern allows."""
    if saleor_url_parse(saleor_api_url) is None:
        raise SaleorUrlNotAllowed(
            f"Saleor-Api-Url {saleor_api_url!r} is not an http(s) URL ending in /graphql/"
            " (without userinfo, query or fragment)"
        )
    if not saleor_url_allowed(saleor_api_url, allowed_patterns=allowed_patterns):
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


class AlreadyInstalled(PermanentError):
    code = "already_installed"


def _token_works(saleor_api_url: str, auth_token: str) -> bool:
    """Whether Saleor still accepts a stored app token (``{ app { id } }``): ``False`` only on
    an auth error; Saleor unreachable raises (retry), any other answer counts as working."""
    client = SaleorClient(
        api_url=saleor_api_url, token=auth_token, http_policy=http_policy(), retry=retry_policy()
    )
    try:
        client.execute(documents.load("app_id"))
    except (TokenInvalid, SaleorPermissionDenied):
        return False
    except SaleorGraphQLError as exc:
        return not set(exc.codes) & TOKEN_ERROR_CODES
    return True


# Saleor's codes for a token it does not accept (besides PermissionDenied and HTTP 401/403).
TOKEN_ERROR_CODES = {"InvalidTokenError", "JSONWebTokenError", "ExpiredSignatureError"}


def _shop_name(client: SaleorClient) -> str | None:
    """Saleor's ``shop { name }``, or None when it cannot be read now (registration goes on
    without it; ``installation_shop_refresh`` tries again later)."""
    try:
        data = client.execute(documents.load("shop"))
    except (PermanentError, RetryableError) as exc:
        logger.warning("%s: the shop's name could not be read: %s", client.api_url, exc.message)
        return None
    name = (data.get("shop") or {}).get("name")
    return name.strip()[:255] if isinstance(name, str) else None


def installation_shop_refresh(*, installation_id: int) -> Installation:
    """Read the shop's name from Saleor again (the admin asked, or it was never read); a
    failure keeps what is stored. Not in a transaction: Saleor is called (ADR 0014)."""
    installation = Installation.objects.get(pk=installation_id)
    if not installation.is_active:
        return installation
    name = _shop_name(saleor_client(installation))
    if name is not None:
        Installation.objects.filter(pk=installation_id).update(
            shop_name=name, shop_name_fetched_at=clock.now()
        )
        installation.shop_name, installation.shop_name_fetched_at = name, clock.now()
    return installation


def installations_shop_refresh() -> int:
    """The active installations whose shop name was never read (Saleor failed at their
    registration): read now. Returns how many were read."""
    read = 0
    for installation_id in Installation.objects.filter(
        status=Installation.Status.ACTIVE, shop_name_fetched_at__isnull=True
    ).values_list("pk", flat=True):
        read += bool(
            installation_shop_refresh(installation_id=installation_id).shop_name_fetched_at
        )
    return read


def _retire(installation: Installation, now: datetime) -> None:
    """Free the Saleor URL of an installation uninstalled longer than the grace period: its
    row (and data) stays, under a URL no registration can name, for deletion."""
    installation.saleor_api_url = f"retired:{installation.pk}:{installation.saleor_api_url}"[:500]
    installation.save(update_fields=["saleor_api_url", "updated_at"])
    logger.warning(
        "Installation %s retired at %s: uninstalled for longer than the grace period",
        installation.pk,
        now.isoformat(),
    )


def installation_register(
    *,
    saleor_api_url: str,
    auth_token: str,
    allowed_patterns: Sequence[str],
    grace: timedelta = timedelta(days=30),
) -> Installation:
    """Prove the token, fetch the JWKS and store the installation.

    A Saleor that already has an installation: the same app (a new token) replaces the token;
    another app is refused while the installation is active and its stored token still works
    (a second app of the shop must not take over the first's data). An installation that was
    uninstalled (APP_DELETED, or its token no longer works) is re-attached, data and all, when
    the uninstall is at most ``grace`` old; after that the re-install starts a fresh
    installation and the old one is retired (kept, under another URL, for deletion).

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
    existing = Installation.objects.filter(saleor_api_url=saleor_api_url).first()
    token_gone_at = None
    if (
        existing is not None
        and existing.is_active
        and existing.app_id != app_id
        and _token_works(saleor_api_url, existing.auth_token)
    ):
        raise AlreadyInstalled(
            f"{saleor_api_url} already has this app installed as another app "
            f"({existing.app_id}) whose token still works: uninstall that one first"
        )
    if existing is not None and existing.is_active and existing.app_id != app_id:
        token_gone_at = clock.now()  # deleted in Saleor without an APP_DELETED reaching us
    shop_name = _shop_name(client)
    jwks = fetch_jwks(jwks_url_for(saleor_api_url))
    now = clock.now()
    with transaction.atomic():
        current = (
            Installation.objects.select_for_update().filter(saleor_api_url=saleor_api_url).first()
        )
        seen = (existing.pk, existing.app_id, existing.status) if existing else None
        if current is not None and (current.pk, current.app_id, current.status) != seen:
            raise AlreadyInstalled(f"{saleor_api_url} was installed meanwhile: try again")
        if current is not None and not current.is_active:
            gone_at = current.uninstalled_at or current.updated_at
            if now - gone_at > grace:
                _retire(current, now)
                current = None
        elif current is not None and token_gone_at is not None:
            logger.warning(
                "%s: app %s's token no longer works; re-attaching its data to app %s",
                saleor_api_url,
                current.app_id,
                app_id,
            )
        fields = {
            "app_id": app_id,
            "auth_token": auth_token,
            "jwks": jwks,
            "jwks_fetched_at": now,
            "status": Installation.Status.ACTIVE,
            "installed_at": now,
            "uninstalled_at": None,
            "credentials_deleted_at": None,
        }
        if shop_name is not None:
            fields.update(shop_name=shop_name, shop_name_fetched_at=now)
        if current is None:
            installation = Installation.objects.create(saleor_api_url=saleor_api_url, **fields)
        else:
            for name, value in fields.items():
                setattr(current, name, value)
            current.save()
            installation = current
    logger.info(
        "%s %s as app %s",
        "Installed on" if current is None else "Re-installed on",
        saleor_api_url,
        app_id,
    )
    return installation


def installation_uninstall(*, installation_id: int) -> bool:
    """Mark an installation uninstalled: its deliveries are refused and its work stops."""
    updated = Installation.objects.filter(
        pk=installation_id, status=Installation.Status.ACTIVE
    ).update(status=Installation.Status.UNINSTALLED, uninstalled_at=clock.now())
    return updated > 0


def installation_credentials_delete(
    *, installation_id: int, uninstalled_before: datetime, now: datetime
) -> bool:
    """Delete the Saleor token (and the JWKS fetched with it) of an installation uninstalled
    before ``uninstalled_before``; False when it is active again (a re-install in the grace
    period), uninstalled later, or deleted already. A re-install brings a new token either way.
    """
    deleted = Installation.objects.filter(
        pk=installation_id,
        status=Installation.Status.UNINSTALLED,
        uninstalled_at__lte=uninstalled_before,
        credentials_deleted_at__isnull=True,
    ).update(auth_token="", jwks={}, jwks_fetched_at=None, credentials_deleted_at=now)
    if deleted:
        logger.info("Installation %s: credentials deleted after its uninstall", installation_id)
    return deleted > 0


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


# A storefront URL may hold the channel's slug; "*" is the URL of every channel not listed.
CHANNEL_PLACEHOLDER = "{channel}"
ANY_CHANNEL = "*"
MAX_STOREFRONT_URLS = 100
# The derived triggers' windows: (lowest, highest) of each setting.
WINDOW_BOUNDS = {
    # at most 3 days: a checkout quiet for 7 days is history (``triggers.CHECKOUT_MAX_AGE``)
    "checkout_abandoned_after_minutes": (15, 3 * 24 * 60),
    "browse_abandoned_after_minutes": (15, 24 * 60),
    "browse_window_hours": (1, 7 * 24),
}


def _storefront_url_clean(channel: object, url: object) -> tuple[str, str]:
    problem = PermanentError(
        f"{channel!r}: {url!r} is not a storefront URL such as https://shop.example/{{channel}}"
        " (a channel's slug, or * for every other channel, to an http(s) URL)",
        code="invalid_storefront_url",
    )
    if not isinstance(channel, str) or not isinstance(url, str):
        raise problem
    channel, url = channel.strip(), url.strip()
    if not channel or len(channel) > 255 or any(c.isspace() for c in channel):
        raise problem
    parts = urlsplit(url.replace(CHANNEL_PLACEHOLDER, "channel"))
    if (
        parts.scheme not in {"http", "https"}
        or not parts.hostname
        or "@" in parts.netloc
        or parts.query
        or parts.fragment
        or "{" in parts.geturl()
        or len(url) > 500
    ):
        raise problem
    return channel, url.rstrip("/")


def installation_settings_update(
    *,
    installation_id: int,
    storefront_urls: object = None,
    checkout_abandoned_after_minutes: int | None = None,
    browse_abandoned_after_minutes: int | None = None,
    browse_window_hours: int | None = None,
) -> Installation:
    """Change the storefront URLs per channel and the triggers' windows (``None`` leaves a
    value as it is); each value within its bounds, else ``PermanentError`` and no change."""
    installation = Installation.objects.select_for_update().get(pk=installation_id)
    if storefront_urls is not None:
        if not isinstance(storefront_urls, dict) or len(storefront_urls) > MAX_STOREFRONT_URLS:
            raise PermanentError(
                f"Storefront URLs map channel slugs (or *) to URLs, at most {MAX_STOREFRONT_URLS}",
                code="invalid_storefront_url",
            )
        installation.storefront_urls = dict(
            _storefront_url_clean(channel, url) for channel, url in storefront_urls.items()
        )
    windows = {
        "checkout_abandoned_after_minutes": checkout_abandoned_after_minutes,
        "browse_abandoned_after_minutes": browse_abandoned_after_minutes,
        "browse_window_hours": browse_window_hours,
    }
    for field, value in windows.items():
        if value is None:
            continue
        low, high = WINDOW_BOUNDS[field]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise PermanentError(f"{field} is {low} to {high}", code="invalid_window")
        setattr(installation, field, value)
    if installation.browse_abandoned_after_minutes >= installation.browse_window_hours * 60:
        raise PermanentError(
            "Browsing is abandoned within its window: browse_abandoned_after_minutes must be"
            " shorter than browse_window_hours",
            code="invalid_window",
        )
    installation.save(
        update_fields=["storefront_urls", *windows, "updated_at"],
    )
    return installation
