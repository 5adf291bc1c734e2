"""Dashboard GraphQL of the journey editor's draft: its layout (saved, checked, copied into
each published version), optimistic concurrency on saves, the version history, and the
presets gallery installing a preset as a draft."""

import math
from datetime import datetime
from typing import Any

from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.presets import LAYOUTS, PRESETS
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import T0, make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_journeys import CREATE, DRAFT, PUBLISH, gid

SAVE = """mutation S($id: ID!, $draft: GenericScalar, $layout: GenericScalar,
  $expected: DateTime) {
  updateJourneyDraft(id: $id, draft: $draft, layout: $layout, expectedUpdatedAt: $expected) {
    journey { draft layout updatedAt } } }"""
READ = """query R($id: ID!) { journey(id: $id) {
  layout updatedAt versions { number definition layout } } }"""
LAYOUT: dict[str, Any] = {
    "entry": {"x": 0, "y": 0},
    "a": {"x": 10.5, "y": 140},
    "b": {"x": -20, "y": 280},
}


def moment(text):
    return datetime.fromisoformat(text)


def created(client, installation, draft=DRAFT):
    body = ask(client, installation, CREATE, name="Thanks", draft=draft)
    return body["data"]["createJourney"]["journey"]["id"]


def test_the_layout_is_saved_with_the_draft_and_copied_into_the_published_version(
    client, standin_installation
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    journey_id = created(client, standin_installation)

    # when
    saved = ask(client, standin_installation, SAVE, id=journey_id, draft=DRAFT, layout=LAYOUT)
    ask(client, standin_installation, PUBLISH, id=journey_id)
    moved = {**LAYOUT, "b": {"x": 0, "y": 300}}
    ask(client, standin_installation, SAVE, id=journey_id, layout=moved)
    ask(client, standin_installation, PUBLISH, id=journey_id)
    read = ask(client, standin_installation, READ, id=journey_id)

    # then
    assert saved["data"]["updateJourneyDraft"]["journey"]["layout"] == LAYOUT
    journey = read["data"]["journey"]
    assert journey["layout"] == moved
    assert [(v["number"], v["layout"]) for v in journey["versions"]] == [(2, moved), (1, LAYOUT)]
    assert journey["versions"][0]["definition"]["nodes"].keys() == DRAFT["nodes"].keys()


def test_a_draft_saved_without_a_layout_keeps_the_positions_of_the_nodes_it_still_has(
    client, standin_installation
):
    # given
    journey_id = created(client, standin_installation)
    ask(client, standin_installation, SAVE, id=journey_id, layout=LAYOUT)
    shorter = {"entry": {"type": "manual"}, "start": "a", "nodes": {"a": {"type": "exit"}}}

    # when
    saved = ask(client, standin_installation, SAVE, id=journey_id, draft=shorter)

    # then
    journey = saved["data"]["updateJourneyDraft"]["journey"]
    assert journey["draft"] == shorter
    assert journey["layout"] == {"entry": LAYOUT["entry"], "a": LAYOUT["a"]}


def test_a_save_over_a_journey_changed_since_it_was_loaded_is_refused(client, standin_installation):
    # given: two tabs loaded the journey; the first saves
    journey_id = created(client, standin_installation)
    loaded = ask(client, standin_installation, READ, id=journey_id)["data"]["journey"]
    first = ask(
        client,
        standin_installation,
        SAVE,
        id=journey_id,
        draft={**DRAFT, "start": "b"},
        expected=loaded["updatedAt"],
    )
    current = first["data"]["updateJourneyDraft"]["journey"]["updatedAt"]

    # when: the second saves what it loaded
    stale = ask(
        client, standin_installation, SAVE, id=journey_id, draft={}, expected=loaded["updatedAt"]
    )

    # then
    assert moment(current) > moment(loaded["updatedAt"])
    assert stale["data"] == {"updateJourneyDraft": None}
    (error,) = stale["errors"]
    assert error["extensions"] == {"code": "DRAFT_CHANGED", "updatedAt": current}
    assert Journey.objects.get().draft == {**DRAFT, "start": "b"}

    # when: saved with the current one
    again = ask(client, standin_installation, SAVE, id=journey_id, draft={}, expected=current)

    # then
    assert again["data"]["updateJourneyDraft"]["journey"]["draft"] == {}
    assert moment(again["data"]["updateJourneyDraft"]["journey"]["updatedAt"]) > moment(current)


def test_publishing_changes_the_journey_a_stale_editor_would_overwrite(
    client, standin_installation
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    journey_id = created(client, standin_installation)
    loaded = ask(client, standin_installation, READ, id=journey_id)["data"]["journey"]
    ask(client, standin_installation, PUBLISH, id=journey_id)

    # when
    stale = ask(
        client, standin_installation, SAVE, id=journey_id, draft={}, expected=loaded["updatedAt"]
    )

    # then
    assert stale["errors"][0]["extensions"]["code"] == "DRAFT_CHANGED"
    assert Journey.objects.get().draft == DRAFT


def test_a_layout_of_the_wrong_shape_is_refused_and_nothing_changes(client, standin_installation):
    # given
    journey_id = created(client, standin_installation)
    ask(client, standin_installation, SAVE, id=journey_id, layout=LAYOUT)
    wrong = {
        "a": {"x": "10", "y": 0},
        "b": {"x": 1e7, "y": 0},
        "zz": {"x": 0, "y": 0},
        "entry": {"x": 0},
    }

    # when
    body = ask(client, standin_installation, SAVE, id=journey_id, layout=wrong)
    not_a_map = ask(client, standin_installation, SAVE, id=journey_id, layout=[1, 2])
    too_many = ask(
        client,
        standin_installation,
        SAVE,
        id=journey_id,
        layout={f"n{i}": {"x": 0, "y": 0} for i in range(102)},
    )

    # then
    assert body["data"] == {"updateJourneyDraft": None}
    assert body["errors"][0]["extensions"] == {
        "code": "INVALID_LAYOUT",
        "fields": [
            {"field": "layout.a", "message": "x and y are numbers within ±1000000"},
            {"field": "layout.b", "message": "x and y are numbers within ±1000000"},
            {"field": "layout.zz", "message": "no such node"},
            {"field": "layout.entry", "message": "an object of x and y"},
        ],
    }
    assert not_a_map["errors"][0]["extensions"]["fields"] == [
        {"field": "layout", "message": "an object of node id -> {x, y}"}
    ]
    assert too_many["errors"][0]["extensions"]["fields"] == [
        {"field": "layout", "message": "at most 101 positions"}
    ]
    assert Journey.objects.get().layout == LAYOUT


def test_a_position_that_is_not_a_finite_number_is_refused(client, standin_installation):
    # given: Python's JSON reads NaN and Infinity; a layout must not hold them
    journey_id = created(client, standin_installation)

    # when
    answers = [
        ask(client, standin_installation, SAVE, id=journey_id, layout={"a": {"x": bad, "y": 0}})
        for bad in (math.nan, math.inf, True)
    ]

    # then
    assert [a["errors"][0]["extensions"]["code"] for a in answers] == ["INVALID_LAYOUT"] * 3
    assert Journey.objects.get().layout == {}


def test_another_shops_journey_is_invisible_and_cannot_be_saved(client, standin_installation):
    # given
    theirs = Journey.objects.create(
        installation=make_shop("other"), key="x", name="Theirs", draft=DRAFT, layout=LAYOUT
    )

    # when
    read = ask(client, standin_installation, READ, id=gid("Journey", theirs.pk))
    listed = ask(client, standin_installation, "{ journeys { id } }")
    saved = ask(
        client, standin_installation, SAVE, id=gid("Journey", theirs.pk), draft={}, layout={}
    )

    # then
    assert read == {"data": {"journey": None}}
    assert listed == {"data": {"journeys": []}}
    assert saved["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    theirs.refresh_from_db()
    assert (theirs.draft, theirs.layout) == (DRAFT, LAYOUT)


PRESETS_QUERY = "{ journeyPresets { key name description definition layout } }"
INSTALL = """mutation I($key: String!, $draft: Boolean) {
  installJourneyPreset(key: $key, asDraft: $draft) {
    journey { key name status draft layout currentVersion { number } } } }"""


def test_the_gallery_lists_every_preset_with_a_description_and_a_layout(
    client, standin_installation
):
    # when
    body = ask(client, standin_installation, PRESETS_QUERY)

    # then
    presets = body["data"]["journeyPresets"]
    assert [p["key"] for p in presets] == list(PRESETS)
    welcome = presets[0]
    assert welcome == {
        "key": "welcome-series",
        "name": "Welcome series",
        "description": PRESETS["welcome-series"].description,
        "definition": PRESETS["welcome-series"].definition,
        "layout": LAYOUTS["welcome-series"],
    }
    assert welcome["layout"]["entry"] == {"x": 0.0, "y": 0.0}
    assert welcome["layout"]["bought"]["y"] < welcome["layout"]["cross-sell"]["y"]
    assert welcome["layout"]["cross-sell"]["y"] < welcome["layout"]["end"]["y"]


def test_a_preset_installs_as_a_draft_each_time_and_goes_live_only_when_asked(
    client, standin_installation
):
    # when
    first = ask(client, standin_installation, INSTALL, key="abandoned-checkout")
    second = ask(client, standin_installation, INSTALL, key="abandoned-checkout", draft=True)
    live = ask(client, standin_installation, INSTALL, key="win-back", draft=False)

    # then
    drafts = [a["data"]["installJourneyPreset"]["journey"] for a in (first, second)]
    assert [(j["key"], j["status"], j["currentVersion"]) for j in drafts] == [
        ("abandoned-checkout", "draft", None),
        ("abandoned-checkout-2", "draft", None),
    ]
    assert drafts[0]["draft"] == PRESETS["abandoned-checkout"].definition
    assert drafts[0]["layout"] == LAYOUTS["abandoned-checkout"]
    journey = live["data"]["installJourneyPreset"]["journey"]
    assert (journey["status"], journey["currentVersion"]) == ("active", {"number": 1})
    assert Journey.objects.filter(status="draft").count() == 2


def test_an_unknown_preset_is_refused(client, standin_installation):
    body = ask(client, standin_installation, INSTALL, key="no-such")

    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_PRESET"
    assert not Journey.objects.exists()
