"""The Dashboard's GraphQL of surveys and draws: results, a draw run with a seed, refusals, and
another shop's surveys and draws out of reach."""

from __future__ import annotations

import pytest

from saleor_mautomation.events.models import Event
from saleor_mautomation.programmes.draws import winners_of
from saleor_mautomation.programmes.models import Draw, Survey
from saleor_mautomation.programmes.services import draw_enter, survey_answer
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import ask
from tests.programmes.conftest import T
from tests.support.keys import signing_key

CREATE_SURVEY = """mutation C($input: SurveyCreateInput!) {
  createSurvey(input: $input) { survey { id key scaleMin scaleMax open } } }"""
SURVEYS = """{ surveys { key question results { answers average nps
  counts { rating answers } comments { rating comment } } } }"""
UPDATE_SURVEY = """mutation U($id: ID!, $input: SurveyUpdateInput!) {
  updateSurvey(id: $id, input: $input) { survey { name open askComment } } }"""
CREATE_DRAW = """mutation C($input: DrawCreateInput!) {
  createDraw(input: $input) { draw { id key winnersCount drawn entries } } }"""
RUN_DRAW = """mutation R($id: ID!, $seed: String) {
  runDraw(id: $id, seed: $seed) { draw { drawn seed entries winners { rank email } } } }"""
DELETE_DRAW = "mutation D($id: ID!) { deleteDraw(id: $id) { deletedId } }"


def dashboard_shop(name):
    """A shop whose Dashboard tokens (signed by the tests' key 0) verify."""
    return make_installation(
        saleor_api_url=f"https://{name}.example/graphql/",
        jwks={"keys": [signing_key(0).public_jwk]},
    )


@pytest.fixture
def shop(db, time_machine):
    time_machine.move_to(T, tick=False)
    return dashboard_shop("linden")


def code_of(body):
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def fields_of(body):
    """The inputs the refusals name in ``extensions.fields``."""
    return [
        problem["field"]
        for error in body.get("errors", [])
        for problem in error["extensions"].get("fields", [])
    ]


def test_a_survey_made_in_the_dashboard_reports_its_results(client, shop):
    # given
    made = ask(
        client,
        shop,
        CREATE_SURVEY,
        input={"key": "nps", "name": "NPS", "question": "Would you recommend us?"},
    )
    survey = Survey.objects.get(key="nps")
    for score, comment in [(10, "Great"), (9, ""), (3, "Late")]:
        survey_answer(
            survey=survey, contact=make_contact(shop), score=score, comment=comment, now=T
        )

    # when
    body = ask(client, shop, SURVEYS)

    # then
    assert made["data"]["createSurvey"]["survey"]["key"] == "nps"
    assert (
        made["data"]["createSurvey"]["survey"]["scaleMin"],
        made["data"]["createSurvey"]["survey"]["scaleMax"],
    ) == (0, 10)
    (listed,) = body["data"]["surveys"]
    results = listed["results"]
    assert (results["answers"], results["average"], results["nps"]) == (3, 7.33, 33.3)
    assert [c for c in results["counts"] if c["answers"]] == [
        {"rating": 3, "answers": 1},
        {"rating": 9, "answers": 1},
        {"rating": 10, "answers": 1},
    ]
    assert len(results["counts"]) == 11
    assert sorted(c["comment"] for c in results["comments"]) == ["Great", "Late"]


def test_refusals_and_another_shops_survey(client, shop):
    # given
    theirs = dashboard_shop("other")
    made = ask(client, theirs, CREATE_SURVEY, input={"key": "nps", "name": "N", "question": "Q?"})
    their_id = made["data"]["createSurvey"]["survey"]["id"]

    # when
    bad_key = ask(client, shop, CREATE_SURVEY, input={"key": "N P S", "name": "N", "question": "Q"})
    bad_scale = ask(
        client,
        shop,
        CREATE_SURVEY,
        input={"key": "csat", "name": "N", "question": "Q", "scaleMin": 2, "scaleMax": 7},
    )
    taken = [
        ask(client, shop, CREATE_SURVEY, input={"key": "csat", "name": "N", "question": "Q"})
        for _ in range(2)
    ][1]
    foreign = ask(
        client,
        shop,
        UPDATE_SURVEY,
        id=their_id,
        input={"name": "Mine", "question": "Q", "askComment": False, "open": False},
    )

    # then
    assert code_of(bad_key) == ["INVALID"]
    assert code_of(bad_scale) == ["INVALID"]
    assert code_of(taken) == ["KEY_TAKEN"]
    assert code_of(foreign) == ["NOT_FOUND"]
    assert fields_of(bad_key) == ["key"]
    assert fields_of(bad_scale) == ["scale"]
    assert fields_of(taken) == ["key"]
    assert fields_of(foreign) == []  # about no input
    assert Survey.objects.get(installation=theirs).name == "N"
    assert [s["key"] for s in ask(client, shop, SURVEYS)["data"]["surveys"]] == ["csat"]


def test_run_draw_with_a_seed_names_the_seeds_winners_once(client, shop):
    # given
    made = ask(
        client,
        shop,
        CREATE_DRAW,
        input={"key": "prize-draw", "name": "Summer", "prize": "A throw", "winnersCount": 2},
    )
    draw_id = made["data"]["createDraw"]["draw"]["id"]
    people = [make_contact(shop, email=f"p{n}@example.com") for n in range(4)]
    draw = Draw.objects.get(key="prize-draw")
    for person in people:
        draw_enter(draw=draw, contact=person, now=T)

    # when
    run = ask(client, shop, RUN_DRAW, id=draw_id, seed="linden-2026")
    again = ask(client, shop, RUN_DRAW, id=draw_id, seed="other")

    # then
    emails = {p.pk: p.email for p in people}
    expected = winners_of("linden-2026", emails, 2)
    assert run["data"]["runDraw"]["draw"] == {
        "drawn": True,
        "seed": "linden-2026",
        "entries": 4,
        "winners": [
            {"rank": 1, "email": emails[expected[0]]},
            {"rank": 2, "email": emails[expected[1]]},
        ],
    }
    assert code_of(again) == ["CLOSED"]
    assert sorted(Event.objects.filter(type="draw.won").values_list("contact_id", flat=True)) == (
        sorted(expected)
    )


def test_another_shops_draw_cannot_be_run_or_deleted(client, shop):
    # given
    theirs = dashboard_shop("other")
    made = ask(client, theirs, CREATE_DRAW, input={"key": "their-draw", "name": "Theirs"})
    their_id = made["data"]["createDraw"]["draw"]["id"]

    # when
    run = ask(client, shop, RUN_DRAW, id=their_id)
    deleted = ask(client, shop, DELETE_DRAW, id=their_id)

    # then
    assert code_of(run) == ["NOT_FOUND"]
    assert code_of(deleted) == ["NOT_FOUND"]
    assert made["data"]["createDraw"]["draw"]["drawn"] is False
