"""A signing key in Saleor's formats: webhook signatures (detached JWS) and JWTs.

The demo Saleor signs with one kept under ``DEMO_DIR``; the tests mint their own.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    private: rsa.RSAPrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """The key in ``path`` (PEM), made there (mode 0600) on first use."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            pem = cls.generate().private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another process made it first
            else:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(pem)
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
        assert isinstance(private, rsa.RSAPrivateKey)
        return cls(private)

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
