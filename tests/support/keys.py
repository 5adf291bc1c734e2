"""The tests' own signing keys and the claims of Saleor's tokens (the key: ``demo/keys.py``)."""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from saleor_mautomation.demo.keys import SigningKey

__all__ = ["SigningKey", "customer_claims", "dashboard_claims", "signing_key"]


@cache
def _key(index: int) -> SigningKey:
    return SigningKey.generate()


def signing_key(index: int = 0) -> SigningKey:
    """Keys are costly to generate: each index is made once per test process."""
    return _key(index)


def customer_claims(
    *, api_url: str, user_id: str, email: str, now: int | None = None
) -> dict[str, Any]:
    """A storefront customer's access token claims, as Saleor's ``tokenCreate`` issues them,
    valid for five minutes from ``now`` (a Unix time; the current one by default)."""
    issued = int(time.time()) if now is None else now
    return {
        "iat": issued,
        "owner": "saleor",
        "iss": api_url,
        "exp": issued + 300,
        "token": "5wuFF2kpQ5R7",
        "email": email,
        "type": "access",
        "user_id": user_id,
        "is_staff": False,
    }


def dashboard_claims(
    *, api_url: str, app_id: str, user_permissions: list[str] | None = None, **overrides: Any
) -> dict[str, Any]:
    """Claims shaped like ``dashboard-token-sample.json``, valid for five minutes from now."""
    now = int(time.time())
    claims = {
        "iat": now,
        "owner": "saleor",
        "iss": api_url,
        "exp": now + 300,
        "token": "UkljLnr2vZWS",
        "email": "admin@example.com",
        "type": "thirdparty",
        "user_id": "VXNlcjoyMQ==",
        "is_staff": True,
        "app": app_id,
        "permissions": [
            "MANAGE_CHECKOUTS",
            "MANAGE_ORDERS",
            "MANAGE_PRODUCTS",
            "MANAGE_DISCOUNTS",
            "MANAGE_USERS",
        ],
        "user_permissions": ["MANAGE_USERS", "MANAGE_ORDERS"]
        if user_permissions is None
        else user_permissions,
    }
    claims.update(overrides)
    return claims
