"""Custom attributes another system sends (the trigger endpoint's ``attributes``, an import's
extra columns): keys of the contact's metadata, values kept as text as Saleor keeps metadata (a
number as its decimal text, ``None`` removes the key).

``Contact.metadata`` is the merged view every reader takes (segments' SQL, date entries,
thresholds, templates, the export, GraphQL). A key written here is recorded in
``Contact.attribute_writes`` as ``{"at": when, "saleor": what Saleor's metadata said then}``,
a removal too; a Saleor delivery then merges (``metadata_from_saleor``) instead of replacing,
and takes a recorded key from Saleor only when Saleor changed that key after the write
(ADR 0047)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core import clock
from saleor_mautomation.events.changes import ATTRIBUTES, PROFILE, change_note

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


def attributes_apply(
    contact: Contact, attributes: Mapping[str, str | None], *, now: datetime
) -> bool:
    """Set (or with None remove) custom attributes on the unsaved contact, each changed key
    recorded as written by another system at ``now``; True if anything changed."""
    metadata = dict(contact.metadata)
    writes = dict(contact.attribute_writes)
    for key, value in attributes.items():
        if metadata.get(key) == value:
            continue
        # What Saleor said of the key: kept from an earlier write, else the value held now
        # (a key nobody wrote here came from Saleor).
        saleor = writes[key]["saleor"] if key in writes else metadata.get(key)
        writes[key] = {"at": now.isoformat(), "saleor": saleor}
        if value is None:
            metadata.pop(key, None)
        else:
            metadata[key] = value
    if metadata == contact.metadata:
        return False
    contact.metadata, contact.attribute_writes = metadata, writes
    return True


def contact_attributes_set(
    *, contact: Contact, attributes: Mapping[str, str | None], now: datetime | None = None
) -> bool:
    """Set (or with None remove) custom attributes; True if anything changed."""
    if not attributes_apply(contact, attributes, now=now or clock.now()):
        return False
    contact.save(update_fields=["metadata", "attribute_writes", "updated_at"])
    change_note(contact.pk, PROFILE)
    change_note(contact.pk, ATTRIBUTES)
    return True


def metadata_from_saleor(contact: Contact, saleor: Mapping[str, str], *, at: datetime) -> None:
    """The contact's metadata as Saleor's ``saleor`` (its customer's state at ``at``) merged
    with the keys written here: such a key keeps its value (or its removal) unless Saleor's
    value of it differs from the one recorded and ``at`` is after the write, Saleor having
    changed it since; then Saleor's value (or its removal) wins and the record goes. A removal
    Saleor agrees with later is forgotten."""
    merged = dict(saleor)
    writes: dict[str, dict[str, str | None]] = {}
    for key, record in contact.attribute_writes.items():
        said = saleor.get(key)
        later = at > datetime.fromisoformat(str(record["at"]))
        if later and said != record["saleor"]:
            continue
        if key in contact.metadata:
            merged[key] = contact.metadata[key]
        elif said is None and later:
            continue
        else:
            merged.pop(key, None)
        writes[key] = {**record, "saleor": said}
    contact.metadata, contact.attribute_writes = merged, writes
