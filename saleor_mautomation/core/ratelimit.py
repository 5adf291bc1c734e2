"""Fixed-window rate limits on the shared cache (Redis in production, memory embedded)."""

from __future__ import annotations

from django.core.cache import cache

from saleor_mautomation.core import clock


def allow(key: str, *, cost: int, limit: int, window: int) -> bool:
    """Spend ``cost`` of ``limit`` units in the current ``window``-second bucket of ``key``."""
    bucket = f"ratelimit:{key}:{int(clock.now().timestamp()) // window}"
    cache.add(bucket, 0, timeout=window * 2)
    try:
        used = cache.incr(bucket, cost)
    except ValueError:  # expired between add and incr: start the bucket again
        cache.set(bucket, cost, timeout=window * 2)
        used = cost
    return used <= limit
