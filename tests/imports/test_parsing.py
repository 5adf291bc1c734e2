"""Reading a CSV file: encodings, delimiters, header aliases, per-row errors, limits."""

from datetime import UTC, date, datetime

import pytest

from saleor_mautomation.imports import parsing
from saleor_mautomation.imports.parsing import Column, FileRefused, Kind, RowError, csv_parse

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def parse(kind, text, encoding="utf-8"):
    return csv_parse(kind=kind, data=text.encode(encoding), now=NOW)


def test_a_mailchimp_export_with_bom_and_semicolons_is_read_with_its_aliases():
    # given: Mailchimp's headers, a byte order mark, ';' as a German spreadsheet saves it
    text = (
        "\ufeffEmail Address;First Name;Last Name;Phone Number;Country;Birthday;MEMBER_RATING\r\n"
        "Ada@Example.com;Ada;Lovelace;+49 151 1234 5678;de;1990-12-10;2\r\n"
    )

    # when
    parsed = parse(Kind.CONTACTS, text)

    # then
    assert parsed.delimiter == ";"
    assert parsed.columns == [
        Column("Email Address", "email"),
        Column("First Name", "first_name"),
        Column("Last Name", "last_name"),
        Column("Phone Number", "phone"),
        Column("Country", "country"),
        Column("Birthday", "birthday"),
        Column("MEMBER_RATING", None, "MEMBER_RATING"),
    ]
    [row] = parsed.rows
    assert row.row == 2
    assert row.errors == []
    assert row.values == {
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "country": "DE",
        "birthday": date(1990, 12, 10),
        "phone": "+4915112345678",
    }
    assert row.attributes == {"MEMBER_RATING": "2"}


def test_commas_and_klaviyo_headers_case_insensitively():
    text = "EMAIL,first_name,LANGUAGE,City\nbo@example.com,Bo,en-us,Berlin\n"

    parsed = parse(Kind.CONTACTS, text)

    assert parsed.delimiter == ","
    assert parsed.rows[0].values == {
        "email": "bo@example.com",
        "first_name": "Bo",
        "language_code": "EN_US",
        "city": "Berlin",
    }


def test_each_bad_value_is_reported_at_its_row_and_column_and_blank_lines_are_not_rows():
    text = (
        "Email,Country,Birthday,Phone\n"
        "ok@example.com,FR,,\n"
        "\n"
        "not-an-email,Germany,31.12.1990,0151 123\n"
        ",,,\n"
        '"multi@example.com","DE","2001-01-01",""\n'
    )

    parsed = parse(Kind.CONTACTS, text)

    assert [row.row for row in parsed.rows] == [2, 4, 6]
    assert parsed.invalid == 1
    assert parsed.errors == [
        RowError(4, "Email", "Not a valid email address: not-an-email"),
        RowError(4, "Country", "Expected an ISO 3166-1 alpha-2 country code such as DE or US"),
        RowError(4, "Birthday", "Expected a past date (YYYY-MM-DD) from 1900 on"),
        RowError(4, "Phone", "Enter the phone number with its country code, e.g. +4915112345678"),
    ]


def test_a_quoted_field_over_two_lines_keeps_the_row_numbers_of_the_file():
    text = 'email,notes\na@example.com,"line one\nline two"\nnot-an-email,x\n'

    parsed = parse(Kind.CONTACTS, text)

    assert [row.row for row in parsed.rows] == [2, 4]
    assert parsed.rows[0].attributes == {"notes": "line one\nline two"}
    assert parsed.errors == [RowError(4, "email", "Not a valid email address: not-an-email")]


def test_a_second_row_for_the_same_address_is_refused_naming_the_first():
    text = "email\nAda@example.com\nbo@example.com\nada@EXAMPLE.com\n"

    parsed = parse(Kind.SUPPRESSIONS, text)

    assert parsed.errors == [
        RowError(4, "email", "Duplicate of row 2: only that row is imported"),
    ]


def test_consents_need_a_date_to_subscribe_and_push_cannot_be_imported():
    text = (
        "Email,Status,Channel,CONFIRM_TIME,OPTIN_TIME,Text Version\n"
        "a@example.com,subscribed,,2024-03-01 10:00:00,2024-02-28,v3\n"
        "b@example.com,unsubscribed,email,,,\n"
        "c@example.com,subscribed,email,,2024-01-01,\n"
        "d@example.com,yes,push,2024-01-01,,\n"
        "e@example.com,maybe,sms,2027-01-01,,\n"
        "a@example.com,subscribed,sms,2024-03-01T10:00:00+01:00,,\n"
    )

    parsed = parse(Kind.CONSENTS, text)

    # CONFIRM_TIME is preferred over OPTIN_TIME; the second is left unread
    assert [c.field for c in parsed.columns] == [
        "email",
        "status",
        "channel",
        "date",
        None,
        "text_version",
    ]
    assert parsed.rows[0].values == {
        "email": "a@example.com",
        "channel": "email",
        "granted": True,
        "date": datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        "text_version": "v3",
    }
    assert parsed.rows[1].values["granted"] is False
    assert "date" not in parsed.rows[1].values
    assert parsed.rows[5].values["channel"] == "sms"
    assert parsed.errors == [
        RowError(
            4,
            "CONFIRM_TIME",
            "The date of consent is missing: a subscription needs its date as evidence",
        ),
        RowError(
            5,
            "Channel",
            "Push consent comes from the browser's permission: it cannot be imported",
        ),
        RowError(6, "Status", "Use subscribed or unsubscribed"),
        RowError(6, "CONFIRM_TIME", "The date 2027-01-01 is in the future"),
    ]


def test_suppression_reasons_are_read_from_common_words():
    text = "email,reason\na@example.com,Hard bounce\nb@example.com,spam\nc@example.com,\n"

    parsed = parse(Kind.SUPPRESSIONS, text)

    assert [(r.values["reason"], r.values["detail"]) for r in parsed.rows] == [
        ("bounce", "Hard bounce"),
        ("complaint", "spam"),
        ("manual", ""),
    ]


@pytest.mark.parametrize(
    ("kind", "text", "code", "message"),
    [
        (
            Kind.CONTACTS,
            "name,phone\nAda,+4915112345678\n",
            "column_missing",
            "The file has no email column: name one 'email' or 'email address' "
            "(headers found: name, phone)",
        ),
        (
            Kind.CONSENTS,
            "email\na@example.com\n",
            "column_missing",
            "The file has no status column: name one 'status' or 'consent' (headers found: email)",
        ),
        (Kind.CONTACTS, "  \n", "file_empty", "The file is empty"),
    ],
)
def test_a_file_without_what_it_needs_is_refused_whole(kind, text, code, message):
    with pytest.raises(FileRefused) as refused:
        parse(kind, text)

    assert (refused.value.code, refused.value.message) == (code, message)


def test_a_file_not_in_utf8_is_refused_with_the_line():
    with pytest.raises(FileRefused) as refused:
        parse(Kind.CONTACTS, "email,city\na@example.com,Köln\n", encoding="latin-1")

    assert refused.value.code == "not_utf8"
    assert refused.value.message == (
        "The file is not UTF-8 (line 2): save it as 'CSV UTF-8' and try again"
    )


def test_size_and_row_limits(monkeypatch):
    over = b"email\n" + b"a@example.com\n" * (20 * 1024 * 1024 // 14 + 1)
    monkeypatch.setattr(parsing, "MAX_ROWS", 2)

    with pytest.raises(FileRefused) as too_large:
        csv_parse(kind=Kind.SUPPRESSIONS, data=over, now=NOW)
    with pytest.raises(FileRefused) as too_many:
        parse(Kind.SUPPRESSIONS, "email\na@example.com\nb@example.com\nc@example.com\n")
    two = parse(Kind.SUPPRESSIONS, "email\na@example.com\nb@example.com\n")

    assert (too_large.value.code, too_large.value.message) == (
        "file_too_large",
        "The file is larger than 20 MB: split it into smaller files",
    )
    assert (too_many.value.code, too_many.value.message) == (
        "too_many_rows",
        "The file has more than 2 rows: split it into smaller files",
    )
    assert len(two.rows) == 2
