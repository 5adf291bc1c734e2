"""Who is calling the app: Saleor Dashboard users, by the App Bridge token.

The token is an RS256 JWT from the installation's Saleor (same JWKS as webhooks): signature,
expiry and ``iss`` are verified, ``app`` must be this installation's app and ``type`` a
third-party app token, and the staff user's permissions travel with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import jwt

from saleor_mautomation.saleor import jose, jwks
from saleor_mautomation.saleor.errors import PermissionMissing, SignatureInvalid, TokenInvalid
from saleor_mautomation.saleor.models import Installation


@dataclass(frozen=True)
class DashboardUser:
    installation: Installation
    user_id: str
    email: str
    permissions: frozenset[str]

    def require(self, *permissions: str) -> None:
        missing = [p for p in permissions if p not in self.permissions]
        if missing:
            raise PermissionMissing(f"You need the {', '.join(missing)} permission in Saleor")


def _claims(installation: Installation, token: str) -> dict[str, object]:
    keys = jwks.key_set(installation)
    try:
        jose.verify_kid_known(token, keys)
    except SignatureInvalid:
        if jwks.refresh_allowed(installation):
            keys = jwks.jwks_refresh(installation)
    return jose.decode_token(token, keys, issuer=installation.saleor_api_url)


@dataclass(frozen=True)
class StorefrontCustomer:
    """A signed-in shop customer, by the access token Saleor's ``tokenCreate`` gave them."""

    installation: Installation
    user_id: str
    email: str


def token_kind(token: str) -> str:
    """The ``type`` claim, read before verification only to pick the verifier."""
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid(f"Malformed token: {exc}") from exc
    return str(claims.get("type", ""))


def storefront_customer(installation: Installation, token: str) -> StorefrontCustomer:
    claims = _claims(installation, token)
    if claims.get("type") != "access":
        raise TokenInvalid("Not a customer access token", code="token_wrong_type")
    user_id = claims.get("user_id")
    if not isinstance(user_id, str) or not user_id:
        raise TokenInvalid("The token names no customer")
    return StorefrontCustomer(installation, user_id, str(claims.get("email", "")))


def dashboard_user(installation: Installation, token: str) -> DashboardUser:
    claims = _claims(installation, token)
    if claims.get("type") != "thirdparty":
        raise TokenInvalid("Not a Dashboard app token", code="token_wrong_type")
    if claims.get("app") != installation.app_id:
        raise TokenInvalid("The token was issued for another app", code="token_wrong_app")
    permissions = claims.get("user_permissions") or []
    return DashboardUser(
        installation=installation,
        user_id=str(claims.get("user_id", "")),
        email=str(claims.get("email", "")),
        permissions=frozenset(str(p) for p in permissions)
        if isinstance(permissions, list)
        else frozenset(),
    )


def bearer_token(headers: Mapping[str, str]) -> str:
    """The App Bridge token of a request: ``Authorization-Bearer`` (what the Dashboard sends)
    or ``Authorization: Bearer``."""
    token = headers.get("Authorization-Bearer", "")
    if not token:
        scheme, _, value = headers.get("Authorization", "").partition(" ")
        token = value if scheme.lower() == "bearer" else ""
    return token.strip()
