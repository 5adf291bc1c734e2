"""Dashboard GraphQL of journeys: create, validate, publish, pause, presets, enrol one contact
and read its run with the step log and the per-node counts."""

import base64
from typing import Any

from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.messages.models import Message, Template, TemplateVersion
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import T0, make_contact, make_order, make_shop
from tests.graphql.test_contacts import ask

CREATE = """mutation C($name: String!, $draft: GenericScalar) {
  createJourney(name: $name, draft: $draft) { journey { id key status } } }"""
PUBLISH = """mutation P($id: ID!) { publishJourney(id: $id) {
  journey { status currentVersion { number } } } }"""
STATUS = """mutation S($id: ID!, $status: String!) {
  setJourneyStatus(id: $id, status: $status) { journey { status } } }"""
VALIDATE = "query V($d: GenericScalar!) { journeyValidate(definition: $d) { field message } }"
PRESET = """mutation I($key: String!) { installJourneyPreset(key: $key, asDraft: false) {
  journey { key status nodeCounts { node waiting passed exited converted } } } }"""
ENROL = """mutation E($j: ID!, $c: ID!) { enrolContact(journeyId: $j, contactId: $c) {
  run { status node steps { node kind } } } }"""
RUNS = """query R($c: ID!) { contactRuns(contactId: $c) {
  journey { key } version status node } }"""
DRAFT: dict[str, Any] = {
    "entry": {"type": "manual"},
    "start": "a",
    "nodes": {"a": {"type": "send_email", "template": "vip", "next": "b"}, "b": {"type": "exit"}},
}


def gid(kind, pk):
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def test_create_publish_pause_and_resume(client, standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    created = ask(client, standin_installation, CREATE, name="VIP thanks", draft=DRAFT)
    journey = created["data"]["createJourney"]["journey"]
    assert (journey["key"], journey["status"]) == ("vip-thanks", "draft")

    published = ask(client, standin_installation, PUBLISH, id=journey["id"])
    assert published["data"]["publishJourney"]["journey"] == {
        "status": "active",
        "currentVersion": {"number": 1},
    }
    paused = ask(client, standin_installation, STATUS, id=journey["id"], status="paused")
    assert paused["data"]["setJourneyStatus"]["journey"]["status"] == "paused"
    wrong = ask(client, standin_installation, STATUS, id=journey["id"], status="draft")
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_STATUS"


def test_an_invalid_draft_is_named_by_node_and_cannot_be_published(client, standin_installation):
    broken = {**DRAFT, "nodes": {**DRAFT["nodes"], "a": {**DRAFT["nodes"]["a"], "next": "zz"}}}

    errors = ask(client, standin_installation, VALIDATE, d=broken)["data"]["journeyValidate"]
    created = ask(client, standin_installation, CREATE, name="Broken", draft=broken)
    refused = ask(
        client, standin_installation, PUBLISH, id=created["data"]["createJourney"]["journey"]["id"]
    )

    assert errors == [{"field": "nodes.a", "message": "leads to a missing node 'zz'"}]
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_DEFINITION"
    assert refused["errors"][0]["extensions"]["fields"] == errors
    assert Journey.objects.get().status == "draft"


PUBLISH_CHECKED = """mutation P($id: ID!) { publishJourney(id: $id) {
  journey { status } errors { nodeId field code message } warnings { nodeId code } } }"""


def test_a_step_that_could_never_succeed_is_returned_by_node_and_nothing_is_published(
    client, standin_installation
):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    broken = {
        **DRAFT,
        "nodes": {
            "a": {"type": "update_profile", "fields": {"country": "Germany"}, "next": "b"},
            "b": {"type": "send_email", "template": "no-such", "next": "c"},
            "c": {"type": "exit"},
        },
    }
    created = ask(client, standin_installation, CREATE, name="Broken", draft=broken)

    body = ask(
        client,
        standin_installation,
        PUBLISH_CHECKED,
        id=created["data"]["createJourney"]["journey"]["id"],
    )

    assert "errors" not in body
    assert body["data"]["publishJourney"] == {
        "journey": None,
        "errors": [
            {
                "nodeId": "a",
                "field": "fields.country",
                "code": "INVALID_COUNTRY",
                "message": "country: an ISO 3166-1 alpha-2 country code such as DE or US",
            },
            {
                "nodeId": "b",
                "field": "template",
                "code": "TEMPLATE_NOT_FOUND",
                "message": "no template 'no-such'",
            },
        ],
        "warnings": [],
    }
    journey = Journey.objects.get()
    assert (journey.status, journey.current_version, journey.versions.count()) == (
        "draft",
        None,
        0,
    )


def test_a_warning_comes_back_with_the_published_journey(client, standin_installation):
    sms = Template.objects.create(
        installation=standin_installation, key="cart-sms", name="Cart", channel="sms"
    )
    TemplateVersion.objects.create(
        template=sms,
        language="en",
        number=1,
        subject="",
        mjml="",
        html="",
        text="Hi",
        created_at=T0,
    )
    texting = {
        **DRAFT,
        "nodes": {
            "a": {"type": "send_sms", "template": "cart-sms", "next": "b"},
            "b": {"type": "exit"},
        },
    }
    created = ask(client, standin_installation, CREATE, name="Texts", draft=texting)

    body = ask(
        client,
        standin_installation,
        PUBLISH_CHECKED,
        id=created["data"]["createJourney"]["journey"]["id"],
    )

    assert body["data"]["publishJourney"] == {
        "journey": {"status": "active"},
        "errors": [],
        "warnings": [{"nodeId": "a", "code": "CHANNEL_NOT_CONFIGURED"}],
    }


def test_a_preset_and_a_test_run_with_one_contact(client, standin_installation):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    installed = ask(client, standin_installation, PRESET, key="browse-abandonment")
    assert installed["data"]["installJourneyPreset"]["journey"]["status"] == "active"
    journey = Journey.objects.get(key="browse-abandonment")
    ada = make_contact(standin_installation, email_consent="granted")

    # when
    enrolled = ask(
        client, standin_installation, ENROL, j=gid("Journey", journey.pk), c=gid("Contact", ada.pk)
    )

    # then
    run = enrolled["data"]["enrolContact"]["run"]
    assert (run["status"], run["node"]) == ("exited", "end")
    assert [(s["node"], s["kind"]) for s in run["steps"]] == [
        ("nudge", "entered"),
        ("nudge", "passed"),
        ("nudge", "queued"),  # in the outbox; the sender's outcome replaces it
        ("end", "passed"),
        ("end", "exited"),
    ]
    runs = ask(client, standin_installation, RUNS, c=gid("Contact", ada.pk))["data"]
    assert runs["contactRuns"] == [
        {"journey": {"key": "browse-abandonment"}, "version": 1, "status": "exited", "node": "end"}
    ]
    counts = ask(client, standin_installation, PRESET, key="browse-abandonment")
    assert counts["data"]["installJourneyPreset"]["journey"]["nodeCounts"] == [
        {"node": "end", "waiting": 0, "passed": 1, "exited": 1, "converted": 0},
        {"node": "nudge", "waiting": 0, "passed": 1, "exited": 0, "converted": 0},
    ]


def test_another_shops_journey_is_not_found(client, standin_installation):
    theirs = Journey.objects.create(installation=make_shop("other"), key="x", name="x", draft=DRAFT)

    body = ask(client, standin_installation, PUBLISH, id=gid("Journey", theirs.pk))

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


TEST = """query T($j: ID!, $c: ID!, $d: GenericScalar, $e: Boolean) {
  journeyTest(journeyId: $j, contactId: $c, definition: $d, eventsHappen: $e) {
    at node kind detail } }"""


def test_testing_a_journey_with_one_contact_is_a_dry_run(client, standin_installation):
    draft = {
        "entry": {"type": "manual"},
        "start": "wait",
        "nodes": {
            "wait": {"type": "wait", "duration": {"days": 2}, "next": "ordered"},
            "ordered": {"type": "condition", "condition": {"type": "order"}, "yes": "b", "no": "c"},
            "b": {"type": "send_email", "template": "vip", "next": "end"},
            "c": {"type": "give_voucher", "values": {"*": 10}, "next": "d"},
            "d": {"type": "send_email", "template": "win-back-2", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = Journey.objects.create(
        installation=standin_installation, key="t", name="t", draft=draft
    )
    buyer = make_contact(standin_installation)
    make_order(buyer)
    other = make_contact(standin_installation)

    def trace(contact, **extra):
        return ask(
            client,
            standin_installation,
            TEST,
            j=gid("Journey", journey.pk),
            c=gid("Contact", contact.pk),
            **extra,
        )

    bought = trace(buyer)["data"]["journeyTest"]
    not_bought = trace(other)["data"]["journeyTest"]
    broken = trace(other, d={**draft, "start": "nowhere"})

    assert [(s["node"], s["kind"]) for s in bought] == [
        ("wait", "waiting"),
        ("wait", "passed"),
        ("ordered", "passed"),
        ("b", "passed"),
        ("b", "send_email"),
        ("end", "passed"),
        ("end", "exited"),
    ]
    # the wait is jumped over: the send comes two days later in the simulated time
    assert bought[4]["at"] > bought[0]["at"]
    assert [(s["node"], s["kind"], s["detail"].get("code")) for s in not_bought][3:5] == [
        ("c", "passed", None),
        ("c", "give_voucher", "TEST-CODE"),
    ]
    assert broken["errors"][0]["extensions"]["code"] == "INVALID_DEFINITION"
    # nothing ran and nothing was sent
    assert not JourneyRun.objects.exists()
    assert not Message.objects.exists()


CHECK = """query C($d: GenericScalar!) { journeyCheck(definition: $d) {
  errors { nodeId field code } warnings { nodeId code } } }"""


def test_the_editor_asks_what_publishing_would_refuse_without_publishing(
    client, standin_installation
):
    # given: the default templates, and a draft naming one the shop does not have
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T0)
    broken = {
        **DRAFT,
        "nodes": {
            "a": {"type": "send_email", "template": "no-such", "next": "b"},
            "b": {"type": "exit"},
        },
    }
    fixed = {
        **broken,
        "nodes": {**broken["nodes"], "a": {**broken["nodes"]["a"], "template": "welcome-1"}},
    }

    # when
    refused = ask(client, standin_installation, CHECK, d=broken)["data"]["journeyCheck"]
    accepted = ask(client, standin_installation, CHECK, d=fixed)["data"]["journeyCheck"]

    # then
    assert refused == {
        "errors": [{"nodeId": "a", "field": "template", "code": "TEMPLATE_NOT_FOUND"}],
        "warnings": [],
    }
    assert accepted == {"errors": [], "warnings": []}
    assert not Journey.objects.exists()


def test_node_counts_tell_the_runs_that_reached_the_goal_apart(client, standin_installation):
    # given: at "a" one run waits and one reached the goal; at "b" one ended
    journey = Journey.objects.create(installation=standin_installation, key="k", name="K")
    version = JourneyVersion.objects.create(
        journey=journey, number=1, definition=DRAFT, published_at=T0
    )
    for node, status, reason in [
        ("a", "waiting", ""),
        ("a", "exited", "goal"),
        ("b", "exited", "end"),
    ]:
        run = JourneyRun.objects.create(
            installation=standin_installation,
            journey=journey,
            version=version,
            contact=make_contact(standin_installation),
            status=status,
            exit_reason=reason,
            node=node,
            node_entered_at=T0,
            entered_at=T0,
        )
        if node == "b":
            RunStep.objects.create(run=run, node="a", kind="passed", at=T0)

    # when
    body = ask(
        client,
        standin_installation,
        "query J($id: ID!) { journey(id: $id) {"
        " nodeCounts { node waiting passed exited converted } } }",
        id=gid("Journey", journey.pk),
    )

    # then
    assert body["data"]["journey"]["nodeCounts"] == [
        {"node": "a", "waiting": 1, "passed": 1, "exited": 1, "converted": 1},
        {"node": "b", "waiting": 0, "passed": 0, "exited": 1, "converted": 0},
    ]
