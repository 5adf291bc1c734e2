"""What a client sees of an error: the app's kinds with their text and code; anything else
(a database error, a TypeError) as a generic INTERNAL_ERROR whose detail is in the log."""

import json
import logging

import pytest

from saleor_mautomation.graphql.context import Context
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.models import Membership, Segment
from tests.contacts.factories import T0, make_contact
from tests.support.keys import dashboard_claims, signing_key

CURRENT = """query { templates { key current(language: "\\u0000") { number } } }"""
CURRENT_BY_VARIABLE = """query C($language: String!) {
  templates { key current(language: $language) { number } } }"""
HISTORY = """query H($first: Int, $contact: ID) {
  segments { key history(first: $first, contactId: $contact) { contact { email } } } }"""
INSTALLATION = "query { installation { appId } }"


def post(client, installation, query, variables=None):
    claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
    return client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={
            "Saleor-Api-Url": installation.saleor_api_url,
            "Authorization-Bearer": signing_key(0).mint_token(claims),
        },
    )


@pytest.fixture
def logged():
    """The records of the GraphQL package's loggers (pytest's log capture is off)."""
    records: list[logging.LogRecord] = []

    class Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Handler()
    logger = logging.getLogger("saleor_mautomation.graphql")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("query", "variables"),
    [(CURRENT, None), (CURRENT_BY_VARIABLE, {"language": "en\x00"})],
    ids=["literal", "variable"],
)
def test_a_nul_character_in_a_string_argument_is_invalid_input(
    client, standin_installation, logged, query, variables
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)

    # when
    response = post(client, standin_installation, query, variables)

    # then: refused before a resolver asked PostgreSQL, which cannot compare a NUL
    assert response.status_code == 400
    body = response.json()
    assert "data" not in body
    assert [error["extensions"]["code"] for error in body["errors"]] == ["INVALID_INPUT"]
    assert body["errors"][0]["message"] == "Text must not contain the NUL character (\\u0000)"
    assert logged == []


def test_a_null_page_size_pages_by_the_default(client, standin_installation, logged):
    # given: a segment with two memberships
    segments_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    segment = Segment.objects.filter(installation=standin_installation).order_by("pk")[0]
    for n in range(2):
        contact = make_contact(standin_installation, email=f"m{n}@example.com")
        Membership.objects.create(
            installation=standin_installation, segment=segment, contact=contact, entered_at=T0
        )

    # when
    response = post(client, standin_installation, HISTORY, {"first": None})

    # then
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    histories = {row["key"]: row["history"] for row in body["data"]["segments"]}
    assert [row["contact"]["email"] for row in histories[segment.key]] == [
        "m1@example.com",
        "m0@example.com",
    ]
    assert sum(len(rows) for rows in histories.values()) == 2
    assert logged == []


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        (
            "query { failures(kind: DELIVERY, first: null) { edges { cursor } } }",
            None,
            {"failures": {"edges": []}},
        ),
        (
            "query P($d: GenericScalar!) { segmentPreview(definition: $d, sampleSize: null) "
            "{ count sample { email } } }",
            {
                "d": {
                    "version": 1,
                    "root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"},
                }
            },
            {"segmentPreview": {"count": 1, "sample": [{"email": "f@example.com"}]}},
        ),
    ],
    ids=["failures-first", "segment-preview-sample-size"],
)
def test_an_explicit_null_for_an_argument_with_a_default_is_the_default(
    client, standin_installation, logged, query, variables, expected
):
    # given
    make_contact(standin_installation, email="f@example.com", gender="f")

    # when
    response = post(client, standin_installation, query, variables)

    # then
    assert response.json() == {"data": expected}
    assert logged == []


def test_a_null_page_size_with_a_bad_contact_id_names_the_id(client, standin_installation):
    # given
    segments_builtin_ensure(installation_id=standin_installation.pk, now=T0)

    # when
    response = post(client, standin_installation, HISTORY, {"first": None, "contact": "e"})

    # then
    body = response.json()
    assert body["data"] is None
    codes = {error["extensions"]["code"] for error in body["errors"]}
    assert codes == {"INVALID_ID"}
    assert body["errors"][0]["message"] == "Not a Contact id: 'e'"


def test_an_unexpected_exception_answers_a_generic_error_and_logs_its_detail(
    client, standin_installation, logged, monkeypatch
):
    # given: a resolver that fails in a way the app does not know
    def broken(self):
        raise RuntimeError("secret detail: relation mautomation_contact at 10.0.0.7")

    monkeypatch.setattr(Context, "require_dashboard", broken)

    # when
    response = post(client, standin_installation, INSTALLATION)

    # then: the client sees nothing of it but a correlation id ...
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    correlation_id = error["extensions"]["correlationId"]
    assert error == {
        "message": "Internal error",
        "locations": [{"line": 1, "column": 9}],
        "path": ["installation"],
        "extensions": {"code": "INTERNAL_ERROR", "correlationId": correlation_id},
    }
    assert len(correlation_id) == 32
    assert "secret" not in response.content.decode()
    # ... under which the log holds the traceback
    [record] = logged
    assert record.levelno == logging.ERROR
    assert correlation_id in record.getMessage()
    assert record.exc_info is not None
    assert str(record.exc_info[1]) == "secret detail: relation mautomation_contact at 10.0.0.7"


def test_an_exception_after_the_execution_answers_a_generic_500(
    client, standin_installation, logged, monkeypatch
):
    # given: the unit of work fails when it finishes (after every resolver ran)
    def broken(unit):
        raise RuntimeError("secret detail of the finish")

    monkeypatch.setattr("saleor_mautomation.flows.unit.unit_finish", broken)

    # when
    response = post(client, standin_installation, INSTALLATION)

    # then
    assert response.status_code == 500
    [error] = response.json()["errors"]
    correlation_id = error["extensions"]["correlationId"]
    assert error == {
        "message": "Internal error",
        "extensions": {"code": "INTERNAL_ERROR", "correlationId": correlation_id},
    }
    assert "secret" not in response.content.decode()
    [record] = logged
    assert correlation_id in record.getMessage()
    assert str(record.exc_info[1]) == "secret detail of the finish"


def test_a_domain_error_keeps_its_message_and_code(client, standin_installation, logged):
    # when: a known kind (an id of another type) is not an internal error
    response = post(client, standin_installation, 'query { segment(id: "e") { name } }')

    # then
    [error] = response.json()["errors"]
    assert (error["message"], error["extensions"]) == (
        "Not a Segment id: 'e'",
        {"code": "INVALID_ID"},
    )
    assert logged == []
