"""What the demo's parts agree on: the demo Saleor's address, its signing key, the app token
it gave the app at installation, and the staff token of the demo sign-in.

Everything is kept under ``DEMO_DIR`` and made on first use, so a second ``make demo`` finds
the same Saleor (same key, same token) and the app's installation still works.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from saleor_mautomation.demo.keys import SigningKey

# The demo shop's app, as Saleor's global ids name it ("App:1").
APP_ID = "QXBwOjE="
STAFF_USER_ID = "VXNlcjox"  # "User:1"
STAFF_EMAIL = "admin@demo.example"
# What the app's manifest asks for; the demo staff user has them all.
PERMISSIONS = [
    "MANAGE_CHECKOUTS",
    "MANAGE_DISCOUNTS",
    "MANAGE_ORDERS",
    "MANAGE_PRODUCTS",
    "MANAGE_USERS",
]


def demo_dir() -> Path:
    path = Path(settings.DEMO_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def saleor_api_url() -> str:
    """The demo Saleor's API, as the app's installation records it."""
    return f"http://localhost:{settings.DEMO_SALEOR_PORT}/graphql/"


def saleor_origin() -> str:
    return f"http://localhost:{settings.DEMO_SALEOR_PORT}"


def signing_key() -> SigningKey:
    return SigningKey.load_or_create(demo_dir() / "saleor-key.pem")


def _secret(name: str) -> str:
    path = demo_dir() / name
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


def app_token() -> str:
    """The token the demo Saleor gave the app (its ``auth_token`` at registration)."""
    return _secret("app-token")


def sign_in_password() -> str:
    """The demo sign-in's password, printed by ``mautomation demo``."""
    return _secret("sign-in-password")


def staff_claims(*, ttl: int = 3600, now: int | None = None) -> dict[str, Any]:
    """An App Bridge token's claims for the demo's staff user, as Saleor mints them for a
    third-party app (``dashboard-token-sample.json``)."""
    issued = int(time.time()) if now is None else now
    return {
        "iat": issued,
        "owner": "saleor",
        "iss": saleor_api_url(),
        "exp": issued + ttl,
        "token": secrets.token_urlsafe(9),
        "email": STAFF_EMAIL,
        "type": "thirdparty",
        "user_id": STAFF_USER_ID,
        "is_staff": True,
        "app": APP_ID,
        "permissions": PERMISSIONS,
        "user_permissions": PERMISSIONS,
    }


def staff_token(*, ttl: int = 3600) -> str:
    return signing_key().mint_token(staff_claims(ttl=ttl))
