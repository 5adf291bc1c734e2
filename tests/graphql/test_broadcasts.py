"""Dashboard GraphQL of broadcasts: the list, one broadcast's progress counted from its runs
and messages (exact figures), local-time runs counted apart, and cancelling one."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine

from saleor_mautomation.journeys.entries import broadcasts_due
from saleor_mautomation.journeys.models import BroadcastRest, Journey, JourneyRun
from saleor_mautomation.messages.models import Message, Template
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.services import segment_create
from tests.conftest import make_installation
from tests.contacts.factories import make_contact
from tests.graphql.test_contacts import ask

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
WOMEN = {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}
CREATE = """mutation C($name: String!, $draft: GenericScalar) {
  createJourney(name: $name, draft: $draft) { journey { id } } }"""
PUBLISH = """mutation P($id: ID!) { publishJourney(id: $id) {
  journey { status } errors { code message } } }"""
FIGURES = """snapshotAt recipients runsDue runsLocalTime testRest runsFailed
  queued deferred sent suppressed failed unknown cancelled"""
PROGRESS = f"""query B($id: ID!) {{ broadcastProgress(journeyId: $id) {{
  journey {{ name status }} {FIGURES} }} }}"""
LIST = "query { broadcasts { journey { name status } recipients sent } }"
CANCEL = """mutation X($id: ID!) { cancelBroadcast(id: $id) {
  journey { status } cancelledMessages } }"""
ZERO = {
    "snapshotAt": None,
    "recipients": 0,
    "runsDue": 0,
    "runsLocalTime": 0,
    "testRest": 0,
    "runsFailed": 0,
    "queued": 0,
    "deferred": 0,
    "sent": 0,
    "suppressed": 0,
    "failed": 0,
    "unknown": 0,
    "cancelled": 0,
}


def gid(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


def broadcast(segment_id: int, send_at: datetime, **entry: Any) -> dict[str, Any]:
    return {
        "entry": {
            "type": "broadcast",
            "segment_id": segment_id,
            "send_at": send_at.isoformat(),
            **entry,
        },
        "start": "mail",
        "nodes": {
            "mail": {"type": "send_email", "template": "welcome-1", "next": "end"},
            "end": {"type": "exit"},
        },
    }


@pytest.fixture
def women(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    segment = segment_create(
        installation_id=standin_installation.pk, name="Women", definition=WOMEN, now=T
    )
    return segment


def launched(client, installation, name: str, draft: dict[str, Any]) -> str:
    created = ask(client, installation, CREATE, name=name, draft=draft)
    journey_id: str = created["data"]["createJourney"]["journey"]["id"]
    published = ask(client, installation, PUBLISH, id=journey_id)
    assert published["data"]["publishJourney"] == {"journey": {"status": "active"}, "errors": []}
    return journey_id


def message(installation, run: JourneyRun, status: str) -> Message:
    return Message.objects.create(
        installation=installation,
        contact=run.contact,
        dedupe_key=f"run:{run.pk}",
        kind="marketing",
        to_address=run.contact.email or "" if run.contact else "",
        status=status,
        send_after=T,
        created_at=T,
        template=Template.objects.get(installation=installation, key="welcome-1"),
        journey_id=run.journey_id,
        journey_version_id=run.version_id,
        journey_node="mail",
        broadcast=True,
    )


def test_progress_counts_the_snapshot_runs_and_messages_by_state(
    client, standin_installation, women
):
    # given: eight women, a broadcast to them at T, and its snapshot taken
    shop = standin_installation
    for _ in range(8):
        make_contact(shop, gender="f", email_consent="granted")
    make_contact(shop, gender="m", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    journey_id = launched(client, shop, "June sale", broadcast(women.pk, T))
    before = ask(client, shop, PROGRESS, id=journey_id)["data"]["broadcastProgress"]
    assert broadcasts_due(now=T) == 8
    runs = list(JourneyRun.objects.order_by("pk"))
    # two sent (one since delivered), one deferred by quiet hours, one queued, one
    # suppressed, one failed; those six runs are done, one run failed at its step, one waits
    for run, status in zip(
        runs, ["sent", "delivered", "deferred", "queued", "suppressed", "failed"], strict=False
    ):
        message(shop, run, status)
        run.status, run.exited_at, run.node = JourneyRun.Status.EXITED, T, "end"
        run.save()
    JourneyRun.objects.filter(pk=runs[6].pk).update(status=JourneyRun.Status.FAILED)

    # when
    body = ask(client, shop, PROGRESS, id=journey_id)

    # then
    assert before == {"journey": {"name": "June sale", "status": "active"}, **ZERO}
    assert body["data"]["broadcastProgress"] == {
        "journey": {"name": "June sale", "status": "active"},
        **ZERO,
        "snapshotAt": T.isoformat(),
        "recipients": 8,
        "runsDue": 1,
        "runsFailed": 1,
        "queued": 1,
        "deferred": 1,
        "sent": 2,
        "suppressed": 1,
        "failed": 1,
    }


def test_runs_waiting_for_their_local_time_and_a_tests_rest_are_counted_apart(
    client, standin_installation, women
):
    # given: 09:00 local time; it is 09:00 in Tokyo (UTC+9) and not yet in New York
    shop = standin_installation
    for zone in ("Asia/Tokyo", "Asia/Tokyo", "America/New_York"):
        make_contact(shop, gender="f", email_consent="granted", time_zone=zone)
    segment_rebuild(segment=women, now=T)
    wall = datetime(2026, 6, 16, 9, 0, tzinfo=UTC)  # the wall-clock time counts, not the zone
    journey_id = launched(client, shop, "Local", broadcast(women.pk, wall, local_time=True))
    tokyo_nine = datetime(2026, 6, 16, 0, 0, tzinfo=UTC)
    assert broadcasts_due(now=tokyo_nine) == 3
    version = Journey.objects.get().current_version
    assert version is not None
    BroadcastRest.objects.create(version=version, contact=make_contact(shop, gender="f"))

    # when: asked at Tokyo's nine o'clock
    with time_machine.travel(tokyo_nine, tick=False):
        body = ask(client, shop, PROGRESS, id=journey_id)

    # then: the New Yorker waits
    progress = body["data"]["broadcastProgress"]
    assert {k: progress[k] for k in ("recipients", "runsDue", "runsLocalTime", "testRest")} == {
        "recipients": 4,
        "runsDue": 2,
        "runsLocalTime": 1,
        "testRest": 1,
    }


def test_cancel_archives_and_cancels_the_messages_not_yet_handed_over(
    client, standin_installation, women
):
    # given: four runs; their messages queued, deferred, being sent and sent
    shop = standin_installation
    for _ in range(4):
        make_contact(shop, gender="f", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    journey_id = launched(client, shop, "Cancel me", broadcast(women.pk, T))
    broadcasts_due(now=T)
    runs = list(JourneyRun.objects.order_by("pk"))
    for run, status in zip(runs, ["queued", "deferred", "sending", "sent"], strict=True):
        message(shop, run, status)

    # when
    body = ask(client, shop, CANCEL, id=journey_id)
    again = ask(client, shop, CANCEL, id=journey_id)

    # then
    assert body["data"]["cancelBroadcast"] == {
        "journey": {"status": "archived"},
        "cancelledMessages": 2,
    }
    assert sorted(Message.objects.values_list("status", "status_reason")) == [
        ("cancelled", "the broadcast was cancelled"),
        ("cancelled", "the broadcast was cancelled"),
        ("sending", ""),
        ("sent", ""),
    ]
    assert again["errors"][0]["extensions"]["code"] == "INVALID_STATUS"
    progress = ask(client, shop, PROGRESS, id=journey_id)["data"]["broadcastProgress"]
    assert (progress["journey"]["status"], progress["cancelled"], progress["queued"]) == (
        "archived",
        2,
        1,
    )


def test_cancel_refuses_a_journey_that_is_not_a_broadcast_and_changes_nothing(
    client, standin_installation, women
):
    # given
    shop = standin_installation
    manual = {**broadcast(women.pk, T), "entry": {"type": "manual"}}
    journey_id = launched(client, shop, "Manual", manual)

    # when
    body = ask(client, shop, CANCEL, id=journey_id)

    # then
    assert body["errors"][0]["extensions"]["code"] == "NOT_A_BROADCAST"
    assert Journey.objects.get().status == "active"


def test_the_list_has_this_shops_broadcasts_only_drafts_and_cancelled_ones_too(
    client, standin_installation, women
):
    # given: a launched broadcast, a draft one, a cancelled one, a manual journey, and
    # another shop's broadcast
    shop = standin_installation
    make_contact(shop, gender="f", email_consent="granted")
    segment_rebuild(segment=women, now=T)
    launched(client, shop, "Sent", broadcast(women.pk, T))
    broadcasts_due(now=T)
    ask(client, shop, CREATE, name="Draft", draft=broadcast(women.pk, T + timedelta(days=1)))
    cancelled = launched(client, shop, "Cancelled", broadcast(women.pk, T + timedelta(days=2)))
    ask(client, shop, CANCEL, id=cancelled)
    launched(client, shop, "Manual", {**broadcast(women.pk, T), "entry": {"type": "manual"}})
    other = make_installation(saleor_api_url="https://other.example/graphql/")
    templates_builtin_ensure(installation_id=other.pk, now=T)
    Journey.objects.create(
        installation=other, key="theirs", name="Theirs", draft=broadcast(women.pk, T)
    )

    # when
    body = ask(client, shop, LIST)

    # then: newest first
    assert body["data"]["broadcasts"] == [
        {"journey": {"name": "Cancelled", "status": "archived"}, "recipients": 0, "sent": 0},
        {"journey": {"name": "Draft", "status": "draft"}, "recipients": 0, "sent": 0},
        {"journey": {"name": "Sent", "status": "active"}, "recipients": 1, "sent": 0},
    ]


def test_progress_of_an_unknown_or_other_journey_is_null(client, standin_installation, women):
    # given
    shop = standin_installation
    journey_id = launched(
        client, shop, "Manual", {**broadcast(women.pk, T), "entry": {"type": "manual"}}
    )

    # when
    manual = ask(client, shop, PROGRESS, id=journey_id)
    unknown = ask(client, shop, PROGRESS, id=gid("Journey", 999999))

    # then
    assert manual["data"]["broadcastProgress"] is None
    assert unknown["data"]["broadcastProgress"] is None


FORM_DEFINITIONS = (
    Path(__file__).resolve().parents[2]
    / "dashboard_extension/src/broadcasts/fixtures/definitions.json"
)
CHECK = """query K($d: GenericScalar!) { journeyCheck(definition: $d) {
  errors { nodeId code } warnings { nodeId code } } }"""


@pytest.mark.parametrize(
    "kind", ["single-now", "single-at", "single-local", "templates", "subjects"]
)
def test_what_the_dashboard_form_builds_passes_the_check_and_is_published(
    client, standin_installation, women, kind
):
    # given: the form's definition (dashboard_extension/src/broadcasts/form.test.ts), the
    # segment being this test's
    definition = json.loads(FORM_DEFINITIONS.read_text())[kind]
    definition["entry"]["segment_id"] = women.pk

    # when
    checked = ask(client, standin_installation, CHECK, d=definition)
    journey_id = launched(client, standin_installation, kind, definition)

    # then
    assert checked["data"]["journeyCheck"] == {"errors": [], "warnings": []}
    progress = ask(client, standin_installation, PROGRESS, id=journey_id)
    assert progress["data"]["broadcastProgress"]["journey"] == {"name": kind, "status": "active"}
