"""Reading a CSV file of contacts, consents or suppressions: pure, nothing written.

The file is what another tool exported (Mailchimp, Klaviyo, a spreadsheet): UTF-8 with or
without a byte order mark, ``,`` or ``;`` between the fields (the header decides), column names
matched case-insensitively with their common aliases. Every row is checked as a whole and each
refused value is reported at its row (the line the record starts on in the file, the header
being line 1) and column, so the preview and the import report the same errors.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from saleor_mautomation.contacts.channels_consent import PhoneInvalid, phone_normalize
from saleor_mautomation.contacts.metadata import CONSENT_VALUES
from saleor_mautomation.contacts.models import EmailConsent
from saleor_mautomation.contacts.profile import profile_clean
from saleor_mautomation.core.errors import PermanentError

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
PREVIEW_ROWS = 20
MAX_ATTRIBUTE = 1000
MAX_TEXT_VERSION = 64
BOM = "\ufeff"


class Kind(StrEnum):
    CONTACTS = "contacts"
    CONSENTS = "consents"
    SUPPRESSIONS = "suppressions"


class FileRefused(PermanentError):
    """The file as a whole cannot be read (size, encoding, missing column): nothing in it is
    imported. ``code``: ``file_too_large``, ``too_many_rows``, ``not_utf8``, ``file_empty``,
    ``column_missing``."""

    code = "file_refused"


# Field -> header aliases, normalised (lower case, single spaces), in order of preference:
# when a file has two of them (Mailchimp's CONFIRM_TIME and OPTIN_TIME), the first wins.
EMAIL = ("email", "email address", "e mail", "e mail address", "mail")
ALIASES: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.CONTACTS: {
        "email": EMAIL,
        "first_name": ("first name", "firstname", "given name", "fname", "vorname"),
        "last_name": ("last name", "lastname", "surname", "family name", "lname", "nachname"),
        "phone": ("phone", "phone number", "mobile", "mobile phone", "telephone", "telefon"),
        "country": ("country", "country code", "cc", "land"),
        "language_code": ("language", "language code", "locale", "lang", "sprache"),
        "city": ("city", "town", "ort", "stadt"),
        "birthday": ("birthday", "birth date", "birthdate", "date of birth", "dob"),
    },
    Kind.CONSENTS: {
        "email": EMAIL,
        "channel": ("channel",),
        "status": (
            "status",
            "consent",
            "consent status",
            "email marketing consent",
            "subscription status",
        ),
        "date": (
            "date",
            "consent date",
            "date of consent",
            "consented at",
            "confirm time",
            "optin time",
            "opt in time",
            "opt in date",
            "subscribed at",
            "timestamp",
        ),
        "text_version": ("text version", "consent text version", "consent text"),
    },
    Kind.SUPPRESSIONS: {
        "email": EMAIL,
        "reason": ("reason", "suppression reason", "type"),
    },
}
REQUIRED: dict[Kind, tuple[str, ...]] = {
    Kind.CONTACTS: ("email",),
    Kind.CONSENTS: ("email", "status"),
    Kind.SUPPRESSIONS: ("email",),
}
SUPPRESSION_REASONS = {
    **dict.fromkeys(["bounce", "bounced", "hard bounce", "cleaned"], "bounce"),
    **dict.fromkeys(["complaint", "spam", "spam complaint", "abuse"], "complaint"),
    **dict.fromkeys(["", "manual", "unsubscribed", "blocked", "suppressed"], "manual"),
}
CHANNELS = ("email", "sms")
SEPARATORS = re.compile(r"[\s_\-.]+")
# An address as mail is sent to it: a dot-atom local part, a domain of letter-or-digit labels
# with a top-level label of letters (Django's validate_email, compiled once: it is checked for
# each of up to 200,000 rows).
EMAIL_PATTERN = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$"
)
MAX_EMAIL = 254


def header_key(header: str) -> str:
    """``" Email_Address"`` -> ``"email address"``: how headers are compared."""
    return SEPARATORS.sub(" ", header.replace(BOM, "").strip().lower()).strip()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass(frozen=True)
class Column:
    """One column of the file: its header as written, the field it fills (``None``: ignored),
    or for a contacts file, the custom attribute (metadata key) it becomes."""

    header: str
    field: str | None = None
    attribute: str | None = None


@dataclass
class Row:
    """One record: ``values`` by field (normalised), ``attributes`` (contacts: metadata),
    and the refused values (a row with any is skipped whole)."""

    row: int
    values: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, str] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ParsedFile:
    kind: Kind
    delimiter: str
    columns: list[Column]
    rows: list[Row]

    @property
    def invalid(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    @property
    def errors(self) -> list[RowError]:
        return [error for row in self.rows for error in row.errors]


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB: split it into smaller files",
            code="file_too_large",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            f"The file is not UTF-8 (line {line}): save it as 'CSV UTF-8' and try again",
            code="not_utf8",
        ) from exc
    return text.removeprefix(BOM)


def _delimiter(text: str) -> str:
    """``;`` when the header splits into more fields by it than by ``,`` (a spreadsheet saved
    in a German or French locale), else ``,``."""
    first = text.split("\n", 1)[0]
    counts = {
        delimiter: len(next(csv.reader([first], delimiter=delimiter), []))
        for delimiter in (",", ";")
    }
    return ";" if counts[";"] > counts[","] else ","


def _columns(kind: Kind, headers: list[str]) -> list[Column]:
    keys = [header_key(header) for header in headers]
    fields: dict[int, str] = {}
    for name, aliases in ALIASES[kind].items():
        for alias in aliases:
            if alias in keys and keys.index(alias) not in fields:
                fields[keys.index(alias)] = name
                break
    missing = [name for name in REQUIRED[kind] if name not in fields.values()]
    if missing:
        name = missing[0]
        expected = " or ".join(f"'{alias}'" for alias in ALIASES[kind][name][:2])
        raise FileRefused(
            f"The file has no {name} column: name one {expected} (headers found: "
            f"{', '.join(h.strip() for h in headers) or 'none'})",
            code="column_missing",
        )
    columns = []
    for index, header in enumerate(headers):
        field_name = fields.get(index)
        custom = field_name is None and kind is Kind.CONTACTS and header.strip()
        attribute = header.strip() if custom else None
        columns.append(Column(header=header.strip(), field=field_name, attribute=attribute))
    return columns


def _email(value: str) -> str:
    email = value.strip().lower()
    if not email:
        raise ValueError("The email is missing")
    if len(email) > MAX_EMAIL or not EMAIL_PATTERN.match(email):
        raise ValueError(f"Not a valid email address: {value.strip()}")
    return email


def _moment(value: str, now: datetime) -> datetime:
    """A date (midnight UTC) or a date and time (ISO 8601; Mailchimp's ``2024-03-01 10:00:00``);
    without an offset, UTC. Not in the future."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace(" ", "T", 1) if " " in text else text)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(text), time())
        except ValueError:
            raise ValueError(
                f"Not a date: {text} (use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS)"
            ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment > now:
        raise ValueError(f"The date {text} is in the future")
    return moment


def _contact_row(row: Row, raw: Mapping[str, str], now: datetime, headers: dict[str, str]) -> None:
    profile = {name: value for name, value in raw.items() if name not in ("email", "phone")}
    change = profile_clean({k: v for k, v in profile.items() if v.strip()}, today=now.date())
    for error in change.errors:
        row.errors.append(RowError(row.row, headers[error.field], f"Expected {error.message}"))
    row.values.update(change.fields)
    phone = raw.get("phone", "").strip()
    if phone:
        try:
            row.values["phone"] = phone_normalize(phone)
        except PhoneInvalid as exc:
            row.errors.append(RowError(row.row, headers["phone"], exc.message))


def _consent_row(row: Row, raw: Mapping[str, str], now: datetime, headers: dict[str, str]) -> None:
    channel = raw.get("channel", "").strip().lower() or "email"
    if channel == "push":
        message = "Push consent comes from the browser's permission: it cannot be imported"
        row.errors.append(RowError(row.row, headers["channel"], message))
    elif channel not in CHANNELS:
        row.errors.append(RowError(row.row, headers["channel"], "Use email or sms"))
    row.values["channel"] = channel
    status = CONSENT_VALUES.get(raw.get("status", "").strip().lower())
    if status is None:
        row.errors.append(RowError(row.row, headers["status"], "Use subscribed or unsubscribed"))
    row.values["granted"] = status == EmailConsent.GRANTED
    moment = raw.get("date", "").strip()
    if moment:
        try:
            row.values["date"] = _moment(moment, now)
        except ValueError as exc:
            row.errors.append(RowError(row.row, headers["date"], str(exc)))
    elif status == EmailConsent.GRANTED:
        column = headers.get("date", "date")
        message = "The date of consent is missing: a subscription needs its date as evidence"
        row.errors.append(RowError(row.row, column, message))
    text_version = raw.get("text_version", "").strip()
    if len(text_version) > MAX_TEXT_VERSION:
        message = f"At most {MAX_TEXT_VERSION} characters"
        row.errors.append(RowError(row.row, headers["text_version"], message))
    row.values["text_version"] = text_version


def _suppression_row(
    row: Row, raw: Mapping[str, str], now: datetime, headers: dict[str, str]
) -> None:
    reason = raw.get("reason", "").strip()
    row.values["reason"] = SUPPRESSION_REASONS.get(header_key(reason), "manual")
    row.values["detail"] = reason


ROW_RULES = {
    Kind.CONTACTS: _contact_row,
    Kind.CONSENTS: _consent_row,
    Kind.SUPPRESSIONS: _suppression_row,
}


def _identity(kind: Kind, row: Row) -> tuple[str, ...]:
    email = str(row.values.get("email", ""))
    return (email, str(row.values.get("channel"))) if kind is Kind.CONSENTS else (email,)


def csv_parse(*, kind: Kind, data: bytes, now: datetime) -> ParsedFile:
    """The whole file parsed and checked; ``FileRefused`` when it cannot be read at all.

    A second valid row for the same address (and channel, for consents) is refused with the
    row number of the first, which alone is imported: the file then says one thing per person.
    """
    text = _decode(data)
    if not text.strip():
        raise FileRefused("The file is empty", code="file_empty")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = next(reader)
    columns = _columns(kind, headers)
    by_field = {c.field: c.header for c in columns if c.field}
    rows: list[Row] = []
    first_of: dict[tuple[str, ...], int] = {}
    line = reader.line_num
    for record in reader:
        number, line = line + 1, reader.line_num
        if not any(value.strip() for value in record):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileRefused(
                f"The file has more than {MAX_ROWS:,} rows: split it into smaller files",
                code="too_many_rows",
            )
        row = Row(row=number)
        raw: dict[str, str] = {}
        for column, value in zip(columns, record, strict=False):
            if column.field:
                raw[column.field] = value
            elif column.attribute and value.strip():
                if len(value.strip()) > MAX_ATTRIBUTE:
                    message = f"At most {MAX_ATTRIBUTE} characters"
                    row.errors.append(RowError(number, column.header, message))
                row.attributes[column.attribute] = value.strip()
        try:
            row.values["email"] = _email(raw.get("email", ""))
        except ValueError as exc:
            row.errors.append(RowError(number, by_field["email"], str(exc)))
        ROW_RULES[kind](row, raw, now, by_field)
        if row.valid:
            identity = _identity(kind, row)
            if identity in first_of:
                message = f"Duplicate of row {first_of[identity]}: only that row is imported"
                row.errors.append(RowError(number, by_field["email"], message))
            else:
                first_of[identity] = number
        rows.append(row)
    return ParsedFile(kind=kind, delimiter=delimiter, columns=columns, rows=rows)
