"""Reads of installations."""

from __future__ import annotations

import threading

from saleor_mautomation.core import clock
from saleor_mautomation.saleor.models import Installation

# Webhook intake looks the installation up on every delivery: a short-lived per-process cache
# saves that query. An uninstall is seen here within the TTL; deliveries accepted meanwhile
# are stored and then ignored by the drain, which reads the installation afresh.
_CACHE_TTL = 5.0
_lock = threading.Lock()
_cache: dict[str, tuple[float, Installation]] = {}


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


def installation_by_api_url_cached(saleor_api_url: str) -> Installation | None:
    """``installation_by_api_url`` through the per-process cache (hits only, not misses)."""
    now = clock.monotonic()
    hit = _cache.get(saleor_api_url)
    if hit is not None and now - hit[0] < _CACHE_TTL:
        return hit[1]
    installation = installation_by_api_url(saleor_api_url)
    with _lock:
        if installation is None:
            _cache.pop(saleor_api_url, None)
        else:
            _cache[saleor_api_url] = (now, installation)
    return installation


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def origin_allowed_anywhere(origin: str) -> bool:
    """Whether any active installation lets ``origin`` call the storefront API (CORS)."""
    # A handful of installations per deployment: checked in Python, the same on every backend
    # (JSON containment is not available on SQLite).
    lists = Installation.objects.filter(status=Installation.Status.ACTIVE).values_list(
        "storefront_origins", flat=True
    )
    return any(origin in origins for origins in lists)
