"""The one profile rule: which fields may be set and how each value is validated and
normalised, and that the storefront and journeys' update-profile steps refuse the same
values with the same codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from saleor_mautomation.contacts.models import ConsentRecord, Contact
from saleor_mautomation.contacts.profile import (
    FIELDS,
    ProfileChange,
    ProfileFieldError,
    countries,
    profile_clean,
)
from saleor_mautomation.journeys.definition import PROFILE_FIELDS
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.validation import JourneyRefused
from tests.graphql.test_storefront import call, customer_token

TODAY = date(2026, 6, 15)
T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_good_values_come_back_normalised():
    change = profile_clean(
        {
            "country": " de ",
            "language_code": "pt-br",
            "gender": "Female",
            "time_zone": "America/Argentina/Buenos_Aires",
            "birthday": "1990-04-02",
            "first_name": "  Ada ",
            "city": "",
            "preferences.newsletter": "false",
            "preferences.offers": True,
        },
        today=TODAY,
    )

    assert change == ProfileChange(
        fields={
            "country": "DE",
            "language_code": "PT_BR",
            "gender": "female",
            "time_zone": "America/Argentina/Buenos_Aires",
            "birthday": date(1990, 4, 2),
            "first_name": "Ada",
            "city": "",
        },
        preferences={"newsletter": False, "offers": True},
    )


def test_every_refused_value_is_named_with_its_code():
    change = profile_clean(
        {
            "country": "Germany",
            "language_code": "German",
            "gender": "robot",
            "time_zone": "Mars/Olympus",
            "birthday": "2026-06-16",
            "last_name": "x" * 257,
            "preferences.News": "true",
            "preferences.offers": "maybe",
            "email": "ada@example.com",
        },
        today=TODAY,
    )

    assert [(e.field, e.code) for e in change.errors] == [
        ("country", "invalid_country"),
        ("language_code", "invalid_language_code"),
        ("gender", "invalid_gender"),
        ("time_zone", "invalid_time_zone"),
        ("birthday", "invalid_birthday"),
        ("last_name", "invalid_last_name"),
        ("preferences.News", "invalid_preference"),
        ("preferences.offers", "invalid_preference"),
        ("email", "unknown_field"),
    ]
    assert change.fields == {}
    assert change.preferences == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("country", "XX"),
        ("country", "DEU"),
        ("birthday", "1899-12-31"),
        ("birthday", "02.04.1990"),
        ("time_zone", "europe/berlin"),
        ("language_code", "en_US_x"),
        ("first_name", 5),
    ],
)
def test_a_value_the_column_or_the_storefront_would_refuse_is_refused(name, value):
    change = profile_clean({name: value}, today=TODAY)

    assert [e.field for e in change.errors] == [name]
    assert change.fields == {}


def test_the_countries_are_iso_3166_alpha_2():
    assert len(countries()) == 249
    assert {"DE", "US", "PL", "JP"} <= countries()
    assert all(len(code) == 2 and code.isupper() for code in countries())


def test_journeys_may_set_every_field_of_the_rule_and_only_those():
    assert set(PROFILE_FIELDS) == set(FIELDS)


# -- both sides: the storefront and a journey step refuse the same values alike ------------

REFUSED = [
    # field, value, the storefront's input with it (and a good value that must not be written)
    ("gender", "robot", '{gender: "robot", timeZone: "Europe/Berlin"}', "INVALID_GENDER"),
    (
        "time_zone",
        "Mars/Olympus",
        '{timeZone: "Mars/Olympus", gender: "female"}',
        "INVALID_TIME_ZONE",
    ),
    ("birthday", "2030-01-01", '{birthday: "2030-01-01", gender: "female"}', "INVALID_BIRTHDAY"),
]


@pytest.mark.parametrize(("name", "value", "storefront_input", "code"), REFUSED)
def test_the_storefront_and_a_journey_step_refuse_a_value_alike(
    client, standin_installation, name, value, storefront_input, code
):
    # given: a journey that sets the value
    journey = Journey.objects.create(
        installation=standin_installation,
        key="sets",
        name="Sets",
        draft={
            "entry": {"type": "manual"},
            "start": "a",
            "nodes": {
                "a": {"type": "update_profile", "fields": {name: value}, "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )

    # when: the customer sets it from the storefront, and the admin publishes the journey
    response = call(
        client,
        standin_installation,
        f"mutation {{ updateProfile(input: {storefront_input}) {{ ok }} }}",
        token=customer_token(standin_installation),
    )
    with pytest.raises(JourneyRefused) as refused:
        journey_publish(journey=journey, now=T)

    # then: the same code both ways; the storefront wrote nothing, not even the good value
    error = response.json()["errors"][0]
    message = profile_clean({name: value}, today=TODAY).errors[0].message
    assert error["extensions"] == {
        "code": code,
        "fields": [{"field": name, "code": code, "message": message}],
    }
    assert [(e.node_id, e.code.upper(), e.message) for e in refused.value.errors] == [
        ("a", code, f"{name}: {message}")
    ]
    assert list(Contact.objects.values_list("gender", "time_zone", "birthday")) == [("", "", None)]


def test_the_storefront_checks_preferences_before_writing_anything(client, standin_installation):
    response = call(
        client,
        standin_installation,
        "mutation U($input: ProfileInput!) { updateProfile(input: $input) { ok } }",
        {
            "input": {
                "timeZone": "Europe/Berlin",
                "preferences": {"newsletter": True, "Big Deals": True},
            }
        },
        token=customer_token(standin_installation),
    )

    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_PREFERENCE"
    assert [f["field"] for f in error["extensions"]["fields"]] == ["preferences.Big Deals"]
    contact = Contact.objects.get()
    assert (contact.time_zone, contact.preferences) == ("", {})
    assert not ConsentRecord.objects.filter(action="preferences").exists()


def test_a_journey_step_writes_the_values_the_storefront_would_write(standin_installation):
    journey = Journey.objects.create(
        installation=standin_installation,
        key="sets",
        name="Sets",
        draft={
            "entry": {"type": "manual"},
            "start": "a",
            "nodes": {
                "a": {
                    "type": "update_profile",
                    "fields": {
                        "gender": "Diverse",
                        "time_zone": "Europe/Warsaw",
                        "birthday": "1990-04-02",
                        "language_code": "de-ch",
                        "preferences.newsletter": "true",
                    },
                    "next": "end",
                },
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=T)
    ada = Contact.objects.create(installation=standin_installation, email="ada@example.com")

    journey_enroll(journey=journey, contact=ada, now=T)

    ada.refresh_from_db()
    assert (ada.gender, ada.time_zone, ada.birthday, ada.language_code, ada.preferences) == (
        "diverse",
        "Europe/Warsaw",
        date(1990, 4, 2),
        "DE_CH",
        {"newsletter": True},
    )


def test_an_error_names_its_field():
    assert profile_clean({"country": "Germany"}, today=TODAY).errors == (
        ProfileFieldError(
            "country", "invalid_country", "an ISO 3166-1 alpha-2 country code such as DE or US"
        ),
    )
