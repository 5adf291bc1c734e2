"""Profile fields Saleor does not have, set by the customer from the storefront."""

from __future__ import annotations

from datetime import date
from zoneinfo import available_timezones

from saleor_mautomation.contacts.metadata import GENDERS
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.errors import PermanentError


def profile_update(
    *,
    contact: Contact,
    birthday: date | None = None,
    gender: str | None = None,
    time_zone: str | None = None,
) -> Contact:
    changed = []
    if birthday is not None:
        if not date(1900, 1, 1) <= birthday <= date.today():
            raise PermanentError("birthday must be a past date", code="invalid_birthday")
        contact.birthday = birthday
        changed.append("birthday")
    if gender is not None:
        if gender not in GENDERS:
            raise PermanentError(f"gender must be one of {sorted(GENDERS)}", code="invalid_gender")
        contact.gender = gender
        changed.append("gender")
    if time_zone is not None:
        if time_zone not in available_timezones():
            raise PermanentError("time_zone must be an IANA zone", code="invalid_time_zone")
        contact.time_zone = time_zone
        changed.append("time_zone")
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return contact
