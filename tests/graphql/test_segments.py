"""Dashboard GraphQL of segments, the CSV download, and segments kept current by the
storefront API and by drained Saleor deliveries."""

import base64
import csv
import io
import json
from datetime import timedelta

import pytest
import time_machine
from celery import current_app

from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.segments.builtin import segments_builtin_ensure
from saleor_mautomation.segments.models import Membership, Segment
from saleor_mautomation.segments.services import segment_create
from tests.contacts.factories import T0, make_contact, make_event, make_shop
from tests.graphql.test_contacts import ask
from tests.graphql.test_storefront import TRACK, call
from tests.support import deliveries as d
from tests.support.keys import dashboard_claims, signing_key

PREVIEW = """query Preview($definition: GenericScalar!) {
  segmentPreview(definition: $definition, sampleSize: 2) {
    count sample { email } errors { field message } } }"""
CREATE = """mutation Create($input: SegmentInput!) {
  createSegment(input: $input) { segment { id key name revision memberCount definition } } }"""
UPDATE = """mutation Update($id: ID!, $input: SegmentInput!) {
  updateSegment(id: $id, input: $input) { segment { name revision } } }"""
ARCHIVE = """mutation Archive($id: ID!) { archiveSegment(id: $id) { segment { status } } }"""
SEGMENTS = """query { segments { key name isBuiltin memberCount timeDependent } }"""
SEGMENT = """query One($id: ID!) { segment(id: $id) {
  name revisions { revision name }
  history(first: 10) { contact { email } enteredAt exitedAt } } }"""
WOMEN = {"version": 1, "root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}


def gid(kind, pk):
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


@pytest.fixture
def shop(standin_installation):
    return standin_installation


@pytest.fixture
def eager_tasks():
    """Tasks enqueued after commit run in place (the rebuild after a save)."""
    current_app.conf.task_always_eager = True
    yield
    current_app.conf.task_always_eager = False


def test_the_preview_counts_and_samples_before_saving(client, shop):
    # given
    for n in range(3):
        make_contact(shop, email=f"w{n}@example.com", gender="f")
    make_contact(shop, email="m@example.com", gender="m")
    make_contact(make_shop("other"), email="elsewhere@example.com", gender="f")

    # when
    body = ask(client, shop, PREVIEW, definition=WOMEN)

    # then
    preview = body["data"]["segmentPreview"]
    assert preview["count"] == 3
    assert [c["email"] for c in preview["sample"]] == ["w2@example.com", "w1@example.com"]
    assert preview["errors"] == []
    assert Segment.objects.count() == 0


def test_the_preview_lists_field_errors_while_editing(client, shop):
    # when
    body = ask(
        client,
        shop,
        PREVIEW,
        definition={
            "root": {
                "type": "and",
                "conditions": [
                    {"type": "profile", "field": "gender", "op": "gt", "value": "f"},
                    {"type": "age", "op": "between", "value": [50, 30]},
                ],
            }
        },
    )

    # then
    assert body["data"]["segmentPreview"] == {
        "count": 0,
        "sample": [],
        "errors": [
            {
                "field": "root.conditions.0.op",
                "message": "'gt' does not apply to the text field 'gender'",
            },
            {
                "field": "root.conditions.1.value",
                "message": "'between' takes [low, high] with low <= high",
            },
        ],
    }


def test_create_update_archive(client, shop, eager_tasks, django_capture_on_commit_callbacks):
    # given
    make_contact(shop, email="w@example.com", gender="f")

    # when: created (the rebuild runs after commit)
    with django_capture_on_commit_callbacks(execute=True):
        created = ask(client, shop, CREATE, input={"name": "Women", "definition": WOMEN})

    # then
    segment = created["data"]["createSegment"]["segment"]
    assert (segment["key"], segment["name"], segment["revision"]) == ("women", "Women", 1)
    assert segment["definition"]["root"]["value"] == "f"
    assert Membership.objects.filter(exited_at=None).count() == 1

    # when: renamed and redefined
    men = {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "m"}}
    with django_capture_on_commit_callbacks(execute=True):
        updated = ask(
            client, shop, UPDATE, id=segment["id"], input={"name": "Men", "definition": men}
        )
    assert updated["data"]["updateSegment"]["segment"] == {"name": "Men", "revision": 2}
    assert Membership.objects.filter(exited_at=None).count() == 0

    # the detail shows the revisions and the history of the stay
    detail = ask(client, shop, SEGMENT, id=segment["id"])["data"]["segment"]
    assert detail["revisions"] == [{"revision": 2, "name": "Men"}, {"revision": 1, "name": "Women"}]
    (stay,) = detail["history"]
    assert stay["contact"]["email"] == "w@example.com"
    assert stay["exitedAt"] is not None

    # when: archived
    archived = ask(client, shop, ARCHIVE, id=segment["id"])
    assert archived["data"]["archiveSegment"]["segment"]["status"] == "ARCHIVED"
    assert ask(client, shop, SEGMENTS)["data"]["segments"] == []


def test_an_invalid_definition_is_refused_field_by_field(client, shop):
    body = ask(
        client,
        shop,
        CREATE,
        input={"name": "Bad", "definition": {"root": {"type": "event", "event_type": "Nope"}}},
    )

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "INVALID_DEFINITION"
    assert error["extensions"]["fields"] == [
        {
            "field": "root.event_type",
            "message": "an event type such as 'product.viewed' or 'custom.quiz_done'",
        }
    ]
    assert Segment.objects.count() == 0


def test_another_shops_segment_is_not_found(client, shop):
    other = segment_create(
        installation_id=make_shop("other").pk, name="Theirs", definition=WOMEN, now=T0
    )

    body = ask(client, shop, ARCHIVE, id=gid("Segment", other.pk))

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    other.refresh_from_db()
    assert other.status == "active"


def test_the_list_shows_builtins_with_member_counts(client, shop):
    segments_builtin_ensure(installation_id=shop.pk, now=T0)
    prospects = Segment.objects.get(installation=shop, key="stage-prospect")
    for _ in range(2):
        Membership.objects.create(
            installation=shop,
            segment=prospects,
            contact=make_contact(shop),
            entered_at=T0,
        )

    rows = ask(client, shop, SEGMENTS)["data"]["segments"]

    assert len(rows) == 13
    assert {
        "key": "stage-prospect",
        "name": "Prospects",
        "isBuiltin": True,
        "memberCount": 2,
        "timeDependent": False,
    } in rows


def test_segments_need_the_dashboard_token(client, shop):
    body = ask(client, shop, SEGMENTS, token=False)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def download(client, installation, segment_id, token=True):
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if token:
        claims = dashboard_claims(api_url=installation.saleor_api_url, app_id=installation.app_id)
        headers["Authorization-Bearer"] = signing_key(0).mint_token(claims)
    return client.get(f"/api/segments/{segment_id}/members.csv", headers=headers)


def test_members_download_as_csv(client, shop):
    # given
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)
    for email, name in [("a@example.com", "Ann"), ("b@example.com", "=HYPERLINK(1)")]:
        Membership.objects.create(
            installation=shop,
            segment=segment,
            contact=make_contact(shop, email=email, first_name=name),
            entered_at=T0,
        )

    # when
    response = download(client, shop, segment.pk)

    # then
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="segment-women.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["email", "saleor_user_id", "first_name"]
    assert [(r[0], r[2]) for r in rows[1:]] == [
        ("a@example.com", "Ann"),
        ("b@example.com", "'=HYPERLINK(1)"),  # never a formula in a spreadsheet
    ]


def test_the_csv_needs_the_token_and_stays_in_its_shop(client, shop):
    theirs = segment_create(
        installation_id=make_shop("other").pk, name="Theirs", definition=WOMEN, now=T0
    )
    assert download(client, shop, theirs.pk, token=False).status_code == 401
    assert download(client, shop, theirs.pk).status_code == 404


def test_storefront_tracking_moves_the_visitor_into_a_segment(client, shop):
    # given: "viewed a product twice"
    twice = {
        "root": {
            "type": "event",
            "event_type": "product.viewed",
            "count": {"op": "gte", "value": 2},
        }
    }
    segment = segment_create(installation_id=shop.pk, name="Interested", definition=twice, now=T0)
    view = {"type": "PRODUCT_VIEWED", "properties": {"product_id": "UHJvZHVjdDox"}}

    # when
    call(client, shop, TRACK, {"anon": "anon-12345678", "events": [{**view, "clientId": "1"}]})
    assert Membership.objects.filter(segment=segment).count() == 0
    call(client, shop, TRACK, {"anon": "anon-12345678", "events": [{**view, "clientId": "2"}]})

    # then
    membership = Membership.objects.get(segment=segment)
    assert membership.exited_at is None
    assert Event.objects.filter(contact=membership.contact, type="segment.entered").count() == 1


def test_drained_deliveries_move_the_customer_between_stages(client, key, shop):
    # given
    segments_builtin_ensure(installation_id=shop.pk, now=T0)
    user, email = "VXNlcjo3Nw==", "grace@example.com"
    register = d.customer("CUSTOMER_CREATED", user_id=user, email=email, day=0)
    first_order = d.order(
        "ORDER_CREATED",
        order_id="T3JkZXI6Nzc=",
        number="77",
        user_id=user,
        email=email,
        placed=1,
        day=1,
        total="20.00",
    )

    # when: registered (the captured customer consents to email in its metadata: a subscriber),
    # then (another batch, a day later) ordered
    with time_machine.travel(d.T0 + timedelta(hours=1)):
        assert d.post(client, key, shop.saleor_api_url, register).status_code == 200
        deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)
    with time_machine.travel(d.T0 + timedelta(days=1, hours=1)):
        assert d.post(client, key, shop.saleor_api_url, first_order).status_code == 200
        deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)

    # then
    stays = list(
        Membership.objects.filter(contact__email=email)
        .order_by("pk")
        .values_list("segment__key", "exited_at")
    )
    assert [(key, left is None) for key, left in stays] == [
        ("stage-subscriber", False),
        ("stage-first-time-buyer", True),
    ]
    types = list(
        Event.objects.filter(contact__email=email, type__startswith="segment.")
        .order_by("pk")
        .values_list("type", "properties__segment")
    )
    assert types == [
        ("segment.entered", "stage-subscriber"),
        ("segment.exited", "stage-subscriber"),
        ("segment.entered", "stage-first-time-buyer"),
    ]


def test_the_contact_lists_its_segment_memberships(client, shop):
    contact = make_contact(shop, gender="f")
    make_event(contact, "product.viewed", T0)
    segment = segment_create(installation_id=shop.pk, name="Women", definition=WOMEN, now=T0)
    Membership.objects.create(installation=shop, segment=segment, contact=contact, entered_at=T0)

    body = ask(
        client,
        shop,
        "query C($id: ID!) { contact(id: $id) { segmentMemberships { segmentId exitedAt } } }",
        id=gid("Contact", contact.pk),
    )

    assert body["data"]["contact"]["segmentMemberships"] == [
        {"segmentId": gid("Segment", segment.pk), "exitedAt": None}
    ]


def test_json_definitions_round_trip(client, shop):
    body = ask(client, shop, CREATE, input={"name": "J", "definition": WOMEN})
    stored = Segment.objects.get().definition
    assert json.loads(json.dumps(stored)) == body["data"]["createSegment"]["segment"]["definition"]
