"""Profile fields the app keeps for a contact, and the one rule for setting them.

The storefront (``updateProfile``) and journeys (update-profile steps, checked again when a
journey is published) set profile fields through ``profile_clean``: which fields may be set,
how each value is validated and normalised. Neither can then write what the column or the
other would refuse: a journey once set ``country`` to "Germany" (the column holds two
characters) and every batch that reached the step failed at the database.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

from django.db import models

from saleor_mautomation.contacts.metadata import GENDERS
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.timezones import time_zone_names
from saleor_mautomation.core.errors import PermanentError

PREFERENCES = "preferences."
TOPIC = re.compile(r"^[a-z0-9_\-]{1,40}$")
MAX_TOPICS = 50
EARLIEST_BIRTHDAY = date(1900, 1, 1)
# A BCP 47 language tag in the shape Saleor's LanguageCodeEnum uses (language, script,
# region, variant: DE, EN_US, ZH_HANS_CN, CA_ES_VALENCIA), "-" or "_" between the parts.
LANGUAGE = re.compile(
    r"^[a-z]{2,3}(?:[_-][a-z]{4})?(?:[_-](?:[a-z]{2}|[0-9]{3}))?(?:[_-][a-z0-9]{5,8})?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ProfileFieldError:
    """One refused value: ``field`` as the caller named it (``country``,
    ``preferences.newsletter``), a stable ``code`` (``invalid_country``) and a message."""

    field: str
    code: str
    message: str


class ProfileInvalid(PermanentError):
    """Some values are refused; nothing was written. ``code`` is the first error's."""

    def __init__(self, errors: list[ProfileFieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors), code=errors[0].code)
        self.errors = errors


@dataclass(frozen=True)
class ProfileChange:
    """What ``profile_clean`` made of the values: normalised fields, preference topics, and
    the values it refused (when there is any, nothing is to be written)."""

    fields: dict[str, Any] = field(default_factory=dict)
    preferences: dict[str, bool] = field(default_factory=dict)
    errors: tuple[ProfileFieldError, ...] = ()


class _Refused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@cache
def countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from the IANA ``iso3166.tab`` the ``tzdata`` package ships
    (the same source as ``contacts.timezones``)."""
    text = files("tzdata").joinpath("zoneinfo/iso3166.tab").read_text(encoding="utf-8")
    return frozenset(
        line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")
    )


def _text(name: str) -> Callable[[object, date], str]:
    """Free text, at most what the column holds."""
    column = Contact._meta.get_field(name)
    assert isinstance(column, models.CharField)
    limit = column.max_length or 0

    def clean(value: object, today: date) -> str:
        if not isinstance(value, str):
            raise _Refused(f"invalid_{name}", "a text")
        text = value.strip()
        if len(text) > limit:
            raise _Refused(f"invalid_{name}", f"at most {limit} characters")
        return text

    return clean


def _country(value: object, today: date) -> str:
    code = value.strip().upper() if isinstance(value, str) else None
    if code is None or (code and code not in countries()):
        raise _Refused("invalid_country", "an ISO 3166-1 alpha-2 country code such as DE or US")
    return code


def _language(value: object, today: date) -> str:
    tag = value.strip() if isinstance(value, str) else None
    if tag is None or (tag and not (len(tag) <= 35 and LANGUAGE.match(tag))):
        raise _Refused("invalid_language_code", "a language code such as DE, EN_US or pt-BR")
    return tag.replace("-", "_").upper()  # as Saleor's LanguageCodeEnum spells it


def _time_zone(value: object, today: date) -> str:
    zone = value.strip() if isinstance(value, str) else None
    if zone is None or (zone and zone not in time_zone_names()):
        raise _Refused("invalid_time_zone", "an IANA time zone such as Europe/Berlin")
    return zone


def _gender(value: object, today: date) -> str:
    gender = value.strip().lower() if isinstance(value, str) else None
    if gender is None or (gender and gender not in GENDERS):
        raise _Refused("invalid_gender", f"one of {', '.join(sorted(GENDERS))}")
    return gender


def _birthday(value: object, today: date) -> date | None:
    if value == "":
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        day = None
    if day is None or not EARLIEST_BIRTHDAY <= day <= today:
        raise _Refused("invalid_birthday", "a past date (YYYY-MM-DD) from 1900 on")
    return day


# Field -> its rule. An empty text clears a field ("" for the birthday too).
FIELDS: dict[str, Callable[[object, date], Any]] = {
    "first_name": _text("first_name"),
    "last_name": _text("last_name"),
    "city": _text("city"),
    "country": _country,
    "language_code": _language,
    "time_zone": _time_zone,
    "birthday": _birthday,
    "gender": _gender,
}


def _preference(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise _Refused("invalid_preference", "true or false")


def profile_clean(values: Mapping[str, object], *, today: date) -> ProfileChange:
    """Validate and normalise ``values`` (field -> value; ``preferences.<topic>`` -> a boolean,
    or "true"/"false" as journeys write it). Every refused value is listed, not only the first.
    """
    fields: dict[str, Any] = {}
    preferences: dict[str, bool] = {}
    errors: list[ProfileFieldError] = []
    for name, value in values.items():
        try:
            if name.startswith(PREFERENCES):
                topic = name.removeprefix(PREFERENCES)
                if not TOPIC.match(topic):
                    raise _Refused("invalid_preference", "a topic of a-z, 0-9, '_' and '-'")
                preferences[topic] = _preference(value)
            elif name in FIELDS:
                fields[name] = FIELDS[name](value, today)
            else:
                raise _Refused(
                    "unknown_field",
                    f"not a profile field (one of {', '.join(FIELDS)}, or preferences.<topic>)",
                )
        except _Refused as refused:
            errors.append(ProfileFieldError(name, refused.code, refused.message))
    if len(preferences) > MAX_TOPICS:
        errors.append(
            ProfileFieldError("preferences", "invalid_preference", f"at most {MAX_TOPICS} topics")
        )
    return ProfileChange(fields=fields, preferences=preferences, errors=tuple(errors))


def profile_assign(contact: Contact, change: ProfileChange) -> list[str]:
    """Put a clean change on the contact (topics merge into its preferences); returns the
    columns to save. The caller saves, with whatever else it writes in the same statement."""
    assert not change.errors, "a change with refused values is never written"
    for name, value in change.fields.items():
        setattr(contact, name, value)
    changed = list(change.fields)
    if change.preferences:
        contact.preferences = {**contact.preferences, **change.preferences}
        changed.append("preferences")
    return changed


def profile_update(*, contact: Contact, values: Mapping[str, object], today: date) -> ProfileChange:
    """The storefront's profile change: every value is checked before any is written. The
    fields are saved here; the preference topics are returned for the caller to record with
    their evidence (the consent ledger wants to know who asked)."""
    change = profile_clean(values, today=today)
    if change.errors:
        raise ProfileInvalid(list(change.errors))
    changed = profile_assign(contact, ProfileChange(fields=change.fields))
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    return change
