"""Secrets at rest: Fernet (AES-128-CBC + HMAC) with key rotation.

``ENCRYPTION_KEY`` holds one or more comma-separated keys; the first encrypts, every one
decrypts, so a new key can be put first and old rows re-encrypted at leisure.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from saleor_mautomation.core.errors import PermanentError


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _current().decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise PermanentError(
            "A secret cannot be decrypted with ENCRYPTION_KEY (was the key changed?)",
            code="decrypt_failed",
        ) from exc


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; Python code only ever sees the plaintext."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else encrypt(str(value))
