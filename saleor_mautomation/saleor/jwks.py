"""Fetching and caching each installation's JWKS.

Parsed key sets are cached in the process, keyed by installation and fetch time, so a
webhook's signature check costs no parsing. After a failed verification the JWKS is fetched
again (key rotation) at most once per ``SALEOR_JWKS_REFRESH_INTERVAL`` per installation, so
forged deliveries cannot turn the app into a request amplifier against Saleor.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from saleor_mautomation.core import clock, http
from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.saleor.client import RetryPolicy, send
from saleor_mautomation.saleor.jose import KeySet
from saleor_mautomation.saleor.models import Installation

_lock = threading.Lock()
_cache: dict[tuple[int, str], KeySet] = {}


def http_policy() -> http.HttpPolicy:
    return http.HttpPolicy(
        timeout=settings.SALEOR_HTTP_TIMEOUT, allow_private=settings.SALEOR_ALLOW_LOOPBACK
    )


def retry_policy() -> RetryPolicy:
    return RetryPolicy(attempts=settings.SALEOR_HTTP_RETRIES, backoff=settings.SALEOR_HTTP_BACKOFF)


def jwks_url_for(saleor_api_url: str) -> str:
    """Saleor serves its JWKS at the API URL's origin."""
    parts = urlsplit(saleor_api_url)
    return f"{parts.scheme}://{parts.netloc}/.well-known/jwks.json"


def fetch_jwks(jwks_url: str) -> dict[str, Any]:
    response = send("GET", jwks_url, http_policy=http_policy(), retry=retry_policy())
    try:
        jwks = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PermanentError(f"{jwks_url} did not answer JSON", code="jwks_invalid") from exc
    if response.status_code != 200 or not isinstance(jwks, dict) or not jwks.get("keys"):
        raise PermanentError(
            f"{jwks_url} answered HTTP {response.status_code} without keys", code="jwks_invalid"
        )
    return jwks


def key_set(installation: Installation) -> KeySet:
    version = installation.jwks_fetched_at.isoformat() if installation.jwks_fetched_at else ""
    cache_key = (installation.pk, version)
    keys = _cache.get(cache_key)
    if keys is None:
        keys = KeySet.from_jwks(installation.jwks)
        with _lock:
            for stale in [k for k in _cache if k[0] == installation.pk]:
                del _cache[stale]
            _cache[cache_key] = keys
    return keys


def refresh_allowed(installation: Installation) -> bool:
    if installation.jwks_fetched_at is None:
        return True
    interval = timedelta(seconds=settings.SALEOR_JWKS_REFRESH_INTERVAL)
    return clock.now() - installation.jwks_fetched_at >= interval


def jwks_refresh(installation: Installation) -> KeySet:
    """Fetch the JWKS again and store it; the caller checks ``refresh_allowed`` first."""
    jwks = fetch_jwks(jwks_url_for(installation.saleor_api_url))
    installation.jwks = jwks
    installation.jwks_fetched_at = clock.now()
    Installation.objects.filter(pk=installation.pk).update(
        jwks=jwks, jwks_fetched_at=installation.jwks_fetched_at
    )
    return key_set(installation)


def clear_cache() -> None:
    with _lock:
        _cache.clear()
