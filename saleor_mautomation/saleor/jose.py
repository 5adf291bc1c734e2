"""Saleor's JOSE: detached JWS on webhooks and RS256 JWTs from the Dashboard and storefront.

Pure functions over a parsed key set (``KeySet``); fetching and caching the JWKS is the job of
``jwks.py``. Saleor signs webhooks with a detached, unencoded-payload JWS (RFC 7797,
``b64: false``): the signing input is the base64url header, a dot and the raw body bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from jwt.algorithms import RSAAlgorithm

from saleor_mautomation.saleor.errors import SignatureInvalid, TokenInvalid

ALGORITHMS = ["RS256"]


@dataclass(frozen=True)
class KeySet:
    """Public keys by ``kid``, parsed once per JWKS document."""

    keys: Mapping[str, Any]

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> KeySet:
        keys: dict[str, Any] = {}
        for jwk in jwks.get("keys", []):
            if jwk.get("kty") != "RSA" or "kid" not in jwk:
                continue
            keys[jwk["kid"]] = RSAAlgorithm.from_jwk(json.dumps(jwk))
        return cls(keys)

    def key_for(self, kid: str | None) -> Any:
        if kid is None or kid not in self.keys:
            raise SignatureInvalid(f"No key with kid {kid!r} in the JWKS", code="unknown_kid")
        return self.keys[kid]


def _kid(token: str) -> str | None:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError as exc:
        raise SignatureInvalid(f"Malformed signature: {exc}") from exc
    kid = header.get("kid")
    return kid if isinstance(kid, str) else None


def verify_kid_known(token: str, keys: KeySet) -> None:
    """Raise ``SignatureInvalid`` if the token names a key the set does not have."""
    keys.key_for(_kid(token))


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def verify_webhook_signature(signature: str, body: bytes, keys: KeySet) -> None:
    """Raise ``SignatureInvalid`` unless ``signature`` is Saleor's detached JWS over ``body``.

    Checked with ``cryptography`` directly: it is on the hot path of every delivery, and the
    format is fixed (RS256, ``b64: false`` declared critical, the payload detached).
    """
    header_b64, middle, signature_b64 = [*signature.split("."), "", ""][:3]
    if signature.count(".") != 2 or middle != "" or not header_b64 or not signature_b64:
        raise SignatureInvalid("Saleor-Signature is not a detached JWS")
    try:
        header = json.loads(_b64decode(header_b64))
        raw_signature = _b64decode(signature_b64)
    except (ValueError, binascii.Error) as exc:
        raise SignatureInvalid(f"Malformed Saleor-Signature: {exc}") from exc
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise SignatureInvalid("Saleor-Signature must use RS256")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise SignatureInvalid("Saleor-Signature must sign the unencoded body (b64: false)")
    kid = header.get("kid")
    key = keys.key_for(kid if isinstance(kid, str) else None)
    try:
        key.verify(
            raw_signature, header_b64.encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature as exc:
        raise SignatureInvalid("Signature does not verify over the body") from exc


def decode_token(
    token: str,
    keys: KeySet,
    *,
    issuer: str,
    required_claims: Sequence[str] = ("exp", "iat", "iss"),
    leeway: float = 5.0,
) -> dict[str, Any]:
    """Verify an RS256 JWT minted by Saleor (signature, expiry, issuer) and return its claims."""
    try:
        key = keys.key_for(_kid(token))
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=ALGORITHMS,
            issuer=issuer,
            leeway=leeway,
            options={"require": list(required_claims)},
        )
    except SignatureInvalid as exc:
        raise TokenInvalid(exc.message) from exc
    except jwt.ExpiredSignatureError as exc:
        raise TokenInvalid("The token has expired", code="token_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise TokenInvalid(f"The token is not valid: {exc}") from exc
    return claims
