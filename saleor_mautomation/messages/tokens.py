"""Signed tokens of the open pixel and the click redirect.

Django's ``Signer`` (keyed by SECRET_KEY, one salt per purpose, no timestamp: links in old
emails keep working). A click token signs the target URL with the message id, so the redirect
only ever goes to a URL we put in one of our own emails: never an open redirect.

Signing runs once per link per recipient, so it takes a fast path that yields exactly
``Signer(salt=...).sign_object(payload)``: the HMAC key Django derives per call (a SHA-256 of
salt and secret) is derived once per process here and the keyed HMAC copied per token.
The token format is Django's, unchanged: tokens in emails sent before verify as they did.
Verifying goes through Django's ``Signer`` itself (which also accepts
``SECRET_KEY_FALLBACKS`` during a key rotation).
"""

from __future__ import annotations

import binascii
import functools
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring_ascii
from typing import Any

from django.conf import settings
from django.core import signing

from saleor_mautomation.core.errors import PermanentError

OPEN_SALT = "mautomation.tracking.open"
CLICK_SALT = "mautomation.tracking.click"


class TrackingTokenInvalid(PermanentError):
    """A pixel or redirect token that is not ours (tampered, truncated, another salt)."""

    code = "tracking_token_invalid"


@dataclass(frozen=True)
class Click:
    message_id: int
    url: str


@functools.lru_cache(maxsize=16)
def _hmac(salt: str, secret: str) -> hmac.HMAC:
    """The HMAC ``Signer(salt=salt)`` computes, keyed once: Django derives the key (a SHA-256
    of salt and secret, ``salted_hmac``) on every call; each token copies this instead."""
    key = hashlib.sha256(f"{salt}signer".encode() + secret.encode()).digest()
    return hmac.new(key, digestmod=hashlib.sha256)


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _b64_bytes(data: bytes) -> bytes:
    """Django's ``b64_encode`` (URL-safe, unpadded), with less call overhead."""
    return binascii.b2a_base64(data, newline=False).translate(_URLSAFE).rstrip(b"=")


def _b64(data: bytes) -> str:
    return _b64_bytes(data).decode()


def _signer(salt: str) -> Callable[[str], str]:
    """Signs compact JSON payloads as ``signing.Signer(salt=salt).sign_object`` does (its
    JSON serializer writes the same text), with the HMAC keyed once (``_hmac``)."""
    base = _hmac(salt, settings.SECRET_KEY)

    def sign(payload: str) -> str:
        value = _b64_bytes(payload.encode())
        mac = base.copy()
        mac.update(value)
        return f"{value.decode()}:{_b64(mac.digest())}"

    return sign


def _unsign(token: str, salt: str) -> dict[str, Any]:
    try:
        payload = signing.Signer(salt=salt).unsign_object(token)
    except signing.BadSignature as exc:
        raise TrackingTokenInvalid("This link is not valid") from exc
    if not isinstance(payload, dict) or type(payload.get("m")) is not int:
        raise TrackingTokenInvalid("This link is not valid")
    return payload


def open_token(message_id: int) -> str:
    """Signs ``{"m": message_id}``."""
    return _signer(OPEN_SALT)(f'{{"m":{int(message_id)}}}')


def click_signer(message_id: int) -> Callable[[str], str]:
    """``click_token`` for one message and many URLs (a message's links), keyed once."""
    sign = _signer(CLICK_SALT)
    head = f'{{"m":{int(message_id)},"u":'
    return lambda url: sign(f"{head}{encode_basestring_ascii(url)}}}")


def click_token(message_id: int, url: str) -> str:
    """Signs ``{"m": message_id, "u": url}``."""
    return click_signer(message_id)(url)


def open_from_token(token: str) -> int:
    """The message id of a pixel token; ``TrackingTokenInvalid`` if the token is not ours."""
    return int(_unsign(token, OPEN_SALT)["m"])


def click_from_token(token: str) -> Click:
    """The message and the URL a click token redirects to; ``TrackingTokenInvalid`` if the
    token is not ours (only http and https URLs are ever signed, and only those come back)."""
    payload = _unsign(token, CLICK_SALT)
    url = payload.get("u")
    if not isinstance(url, str) or not url[:8].lower().startswith(("http://", "https://")):
        raise TrackingTokenInvalid("This link is not valid")
    return Click(message_id=payload["m"], url=url)
