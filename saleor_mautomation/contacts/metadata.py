"""Profile fields read from Saleor customer metadata, by keys mapped per installation.

Saleor has no birthday, gender, time zone or marketing consent; shops often keep them in
customer metadata (their own storefront or another app writes them). Values that do not parse
are ignored rather than stored wrong.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from saleor_mautomation.contacts.models import EmailConsent
from saleor_mautomation.contacts.timezones import time_zone_names
from saleor_mautomation.saleor import payloads

GENDERS = {"female", "male", "diverse", "unspecified"}
CONSENT_VALUES = {
    **dict.fromkeys(["granted", "true", "yes", "1", "opt-in", "subscribed"], EmailConsent.GRANTED),
    **dict.fromkeys(
        ["withdrawn", "false", "no", "0", "opt-out", "unsubscribed"], EmailConsent.WITHDRAWN
    ),
}


@dataclass(frozen=True)
class MetadataProfile:
    birthday: date | None = None
    gender: str | None = None
    time_zone: str | None = None
    email_consent: EmailConsent | None = None


def profile_from_metadata(user: payloads.User, keys: Mapping[str, str]) -> MetadataProfile:
    values = {item.key: item.value for item in user.metadata}
    values.update({item.key: item.value for item in user.private_metadata})

    def read(field: str) -> str:
        key = keys.get(field)
        return values.get(key, "").strip() if key else ""

    birthday = None
    try:
        parsed = date.fromisoformat(read("birthday")) if read("birthday") else None
        birthday = parsed if parsed and date(1900, 1, 1) <= parsed <= date.today() else None
    except ValueError:
        birthday = None
    gender = read("gender").lower()
    time_zone = read("time_zone")
    return MetadataProfile(
        birthday=birthday,
        gender=gender if gender in GENDERS else None,
        time_zone=time_zone if time_zone in time_zone_names() else None,
        email_consent=CONSENT_VALUES.get(read("email_consent").lower()),
    )
