"""An import's id as the Dashboard sees it: a global id (``base64("CsvImport:<pk>")``) like
every other id of the app's API, the same from ``POST /api/imports`` and ``csvImport``."""

from __future__ import annotations

import base64
import binascii

KIND = "CsvImport"


def import_global_id(pk: int) -> str:
    return base64.b64encode(f"{KIND}:{pk}".encode()).decode()


def import_pk(global_id: str) -> int | None:
    """The pk inside ``global_id``; None for anything but an import's id."""
    try:
        found, _, pk = base64.b64decode(global_id, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if found != KIND or not (pk.isascii() and pk.isdigit()) or len(pk) > 18:
        return None
    return int(pk)
