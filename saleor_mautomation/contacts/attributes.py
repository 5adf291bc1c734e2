"""Custom attributes another system sends (the trigger endpoint's ``attributes``): keys of the
contact's metadata, values kept as text as Saleor keeps metadata (a number as its decimal text,
``None`` removes the key)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.changes import PROFILE, change_note

KEY = re.compile(r"^[A-Za-z0-9_.\-]{1,100}$")
MAX_ATTRIBUTES = 50
MAX_VALUE = 1000


class AttributesInvalid(ValueError):
    """Attributes that are not a map of named keys to text, numbers or null."""


def attributes_parse(raw: object) -> dict[str, str | None]:
    """The attributes of a request body as text (numbers as written), or AttributesInvalid."""
    if not isinstance(raw, dict) or len(raw) > MAX_ATTRIBUTES:
        raise AttributesInvalid(f"attributes: an object of at most {MAX_ATTRIBUTES} keys")
    parsed: dict[str, str | None] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not KEY.match(key):
            raise AttributesInvalid("attribute names: letters, digits, '_', '.', '-' (at most 100)")
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            raise AttributesInvalid(f"attribute {key!r}: text, a number or null")
        text = value if isinstance(value, str) or value is None else str(value)
        if text is not None and len(text) > MAX_VALUE:
            raise AttributesInvalid(f"attribute {key!r}: at most {MAX_VALUE} characters")
        parsed[key] = text
    return parsed


def contact_attributes_set(*, contact: Contact, attributes: Mapping[str, str | None]) -> bool:
    """Set (or with None remove) custom attributes; True if anything changed."""
    metadata = dict(contact.metadata)
    for key, value in attributes.items():
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    if metadata == contact.metadata:
        return False
    contact.metadata = metadata
    contact.save(update_fields=["metadata", "updated_at"])
    change_note(contact.pk, PROFILE)
    return True
