"""A signing key of the tests' own, minting deliveries and tokens in Saleor's exact formats."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    private: rsa.RSAPrivateKey = field(repr=False)

    @property
    def public_jwk(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return {
            "kty": "RSA",
            "key_ops": ["verify"],
            "n": jwk["n"],
            "e": jwk["e"],
            "use": "sig",
            "kid": self.kid,
            "alg": "RS256",
        }

    @property
    def kid(self) -> str:
        """RFC 7638 thumbprint, as Saleor computes its ``kid``."""
        jwk = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        canonical = json.dumps(
            {"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True
        )
        return _b64(hashlib.sha256(canonical.encode()).digest())

    def sign_webhook(self, body: bytes) -> str:
        """Detached JWS with an unencoded payload (``b64: false``), as Saleor-Signature."""
        header = {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": self.kid, "typ": "JWT"}
        encoded = _b64(json.dumps(header, separators=(",", ":")).encode())
        signature = jwt.get_algorithm_by_name("RS256").sign(
            encoded.encode() + b"." + body, self.private
        )
        return f"{encoded}..{_b64(signature)}"

    def mint_token(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private, algorithm="RS256", headers={"kid": self.kid})


@cache
def _key(index: int) -> SigningKey:
    return SigningKey(rsa.generate_private_key(public_exponent=65537, key_size=2048))


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
