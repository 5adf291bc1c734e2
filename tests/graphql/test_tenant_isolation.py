"""Tenant isolation, walked over the whole schema by introspection.

Shop A holds a row of every kind an id can name. For every query, mutation and field that
takes an id, shop B's Dashboard token, naming A's row, can neither read it nor change it: the
answer carries nothing of A, and every row of the database is as it was. A field that takes
an id and has no case here fails the coverage test, so a new one cannot be forgotten. Every
Dashboard field also refuses a missing, expired or foreign token, or one without MANAGE_USERS.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from django.apps import apps
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
    is_non_null_type,
)

from saleor_mautomation.graphql.audiences import STOREFRONT_FIELDS
from saleor_mautomation.graphql.schema import schema
from saleor_mautomation.imports.models import ImportJob
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message, Offer, Template
from saleor_mautomation.postal.models import PostalBatch
from saleor_mautomation.programmes.models import Draw, DrawEntry, Survey
from saleor_mautomation.saleor.api_keys import api_key_create
from saleor_mautomation.segments.membership import segment_rebuild
from saleor_mautomation.segments.models import Membership
from saleor_mautomation.segments.services import segment_create
from tests.conftest import make_installation
from tests.contacts.factories import make_contact, make_signed_shop
from tests.support.keys import dashboard_claims, signing_key

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
SECRET = "augusta.secret@a.example"  # A's person: must never appear in B's answers
GRAPHQL = schema.graphql_schema
WOMEN = {"root": {"type": "profile", "field": "gender", "op": "eq", "value": "f"}}


@dataclass
class Seeds:
    ids: dict[str, int] = field(default_factory=dict)  # global id type -> A's pk


def _gid(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode()


@pytest.fixture
def shops(db):
    """Shop A with a row of every kind an id names; shop B with its own builtins only."""
    a, b = make_signed_shop("a-shop", now=T), make_signed_shop("b-shop", now=T)
    b.app_id = "QXBwOjI="
    b.save(update_fields=["app_id"])
    seeds = Seeds()
    contact = make_contact(
        a, email=SECRET, first_name="Augusta", email_consent="granted", gender="f"
    )
    segment = segment_create(installation_id=a.pk, name="Women", definition=WOMEN, now=T)
    segment_rebuild(segment=segment, now=T)
    journey = Journey.objects.create(
        installation=a,
        key="welcome",
        name="Welcome",
        draft={
            "entry": {"type": "manual"},
            "start": "pause",
            "nodes": {
                "pause": {"type": "wait", "duration": {"days": 1}, "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=T)
    run = journey_enroll(journey=journey, contact=contact, now=T)
    assert run is not None
    JourneyRun.objects.filter(pk=run.pk).update(status="failed", error="boom", exited_at=T)
    message = Message.objects.create(
        installation=a,
        contact=contact,
        dedupe_key="failed:1",
        kind="marketing",
        to_address=SECRET,
        subject="For Augusta",
        status=Message.Status.FAILED,
        status_reason="UnknownChannel",
        send_after=T,
        created_at=T,
    )
    delivery = Delivery.objects.create(
        installation=a,
        event="ORDER_CREATED",
        body=json.dumps({"order": {"userEmail": SECRET}}).encode(),
        body_sha256="0" * 64,
        status=Delivery.Status.FAILED,
        error="boom",
        received_at=T,
        processed_at=T,
    )
    offer = Offer.objects.create(installation=a, title="Ten off", url="https://a.example/ten")
    sms = Template.objects.create(installation=a, key="sms-hello", name="Hello", channel="sms")
    survey = Survey.objects.create(
        installation=a, key="nps", name="NPS", question="Recommend us?", created_at=T
    )
    draw = Draw.objects.create(installation=a, key="summer", name="Summer", created_at=T)
    DrawEntry.objects.create(installation=a, draw=draw, contact=contact, entered_at=T)
    batch = PostalBatch.objects.create(
        installation=a,
        journey_id=journey.pk,
        journey_name="Welcome",
        node="card",
        template="win-back-card",
        day=T.date(),
        max_items=10,
        status=PostalBatch.Status.CLOSED,
        created_at=T,
        closes_at=T,
    )
    seeds.ids = {
        "Contact": contact.pk,
        "Segment": segment.pk,
        "Journey": journey.pk,
        "JourneyRun": run.pk,
        "Message": message.pk,
        "Delivery": delivery.pk,
        "Offer": offer.pk,
        "Template": Template.objects.get(installation=a, key="welcome-1").pk,
        "SmsTemplate": sms.pk,
        "Survey": survey.pk,
        "Draw": draw.pk,
        "PostalBatch": batch.pk,
        "ApiKey": api_key_create(installation_id=a.pk, name="A's loyalty system", now=T)[0].pk,
        "SegmentMembership": Membership.objects.get(segment=segment, contact=contact).pk,
        "CsvImport": ImportJob.objects.create(
            installation=a, kind="contacts", file_name="a.csv", total=1, created_at=T, updated_at=T
        ).pk,
    }
    return a, b, seeds


# What each id argument names, and the other required arguments a call needs to go through
# were it not refused (so that a missing scope would show as a change).
ID_ARGS: dict[tuple[str, str, str], str] = {
    ("Query", "template", "id"): "Template",
    ("Query", "templatePreview", "templateId"): "Template",
    ("Query", "templatePreview", "contactId"): "Contact",
    ("Query", "segment", "id"): "Segment",
    ("Query", "csvImport", "id"): "CsvImport",
    ("Query", "journey", "id"): "Journey",
    ("Query", "contactRuns", "contactId"): "Contact",
    ("Query", "journeyTest", "journeyId"): "Journey",
    ("Query", "journeyTest", "contactId"): "Contact",
    ("Query", "contact", "id"): "Contact",
    ("Query", "contactExport", "id"): "Contact",
    ("Query", "contactRecommendations", "contactId"): "Contact",
    ("Query", "journeyAnalytics", "journeyId"): "Journey",
    ("Query", "templateAnalytics", "templateId"): "Template",
    ("Query", "broadcastAnalytics", "journeyId"): "Journey",
    ("Query", "abTestResults", "journeyId"): "Journey",
    ("Query", "broadcastProgress", "journeyId"): "Journey",
    ("Mutation", "createTemplateVersion", "templateId"): "Template",
    ("Mutation", "sendTestEmail", "templateId"): "Template",
    ("Mutation", "copyTemplate", "id"): "Template",
    ("Mutation", "renameTemplate", "id"): "Template",
    ("Mutation", "updateSegment", "id"): "Segment",
    ("Mutation", "archiveSegment", "id"): "Segment",
    ("Mutation", "retryFailure", "id"): "Failure",
    ("Mutation", "discardFailure", "id"): "Failure",
    ("Mutation", "setOfferActive", "id"): "Offer",
    ("Mutation", "updateOffer", "id"): "Offer",
    ("Mutation", "deleteOffer", "id"): "Offer",
    ("Mutation", "revokeApiKey", "id"): "ApiKey",
    ("Query", "survey", "id"): "Survey",
    ("Mutation", "updateSurvey", "id"): "Survey",
    ("Mutation", "deleteSurvey", "id"): "Survey",
    ("Mutation", "updateDraw", "id"): "Draw",
    ("Mutation", "deleteDraw", "id"): "Draw",
    ("Mutation", "runDraw", "id"): "Draw",
    ("Mutation", "markPostalBatchSent", "id"): "PostalBatch",
    ("Mutation", "setSegmentStorefrontVisible", "id"): "Segment",
    ("Mutation", "updateJourneyDraft", "id"): "Journey",
    ("Mutation", "publishJourney", "id"): "Journey",
    ("Mutation", "setJourneyStatus", "id"): "Journey",
    ("Mutation", "enrolContact", "contactId"): "Contact",
    ("Mutation", "enrolContact", "journeyId"): "Journey",
    ("Mutation", "newTriggerSecret", "id"): "Journey",
    ("Mutation", "cancelBroadcast", "id"): "Journey",
    ("Mutation", "pauseBroadcast", "id"): "Journey",
    ("Mutation", "resumeBroadcast", "id"): "Journey",
    ("Mutation", "eraseContact", "id"): "Contact",
    ("Mutation", "setContactPostalConsent", "contactId"): "Contact",
    ("Mutation", "createChannelTemplateVersion", "templateId"): "SmsTemplate",
    ("Segment", "history", "contactId"): "Contact",
    ("Segment", "history", "before"): "SegmentMembership",
}
OTHER_ARGS: dict[str, dict[str, Any]] = {
    "createTemplateVersion": {
        "language": "en",
        "subject": "Hijacked",
        "mjml": "<mjml><mj-body><mj-section><mj-column><mj-text>B</mj-text></mj-column>"
        "</mj-section></mj-body></mjml>",
    },
    "sendTestEmail": {"to": "b-admin@b.example"},
    "copyTemplate": {"name": "Hijacked"},
    "renameTemplate": {"name": "Hijacked", "description": "Hijacked"},
    "updateSegment": {"input": {"name": "Hijacked", "definition": {"root": {"type": "and"}}}},
    "setOfferActive": {"active": False},
    "updateOffer": {"input": {"title": "Hijacked", "url": "https://b.example/hijacked"}},
    "updateSurvey": {
        "input": {"name": "Hijacked", "question": "Hijacked?", "askComment": False, "open": False}
    },
    "updateDraw": {"input": {"name": "Hijacked", "winnersCount": 3}},
    "runDraw": {"seed": "hijacked"},
    "setSegmentStorefrontVisible": {"visible": True},
    "updateJourneyDraft": {"draft": {}, "name": "Hijacked"},
    "setJourneyStatus": {"status": "paused"},
    "createChannelTemplateVersion": {"language": "en", "text": "Hijacked"},
    "setContactPostalConsent": {"granted": True, "evidence": "Hijacked form"},
    "journeyAnalytics": {"from": "2026-01-01", "to": "2026-12-31"},
    "templateAnalytics": {"from": "2026-01-01", "to": "2026-12-31"},
    "abTestResults": {"nodeId": "ab"},
    "contactRecommendations": {"strategy": "PERSONALISED", "channel": "default-channel"},
}
FAILURE_KINDS = {"DELIVERY": "Delivery", "RUN": "JourneyRun", "MESSAGE": "Message"}


def _id_fields() -> set[tuple[str, str, str]]:
    """Every (type, field, argument) of the schema whose argument is an ID."""
    found = set()
    for type_name, type_ in GRAPHQL.type_map.items():
        if type_name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        for field_name, field_ in type_.fields.items():
            for arg_name, arg in field_.args.items():
                if get_named_type(arg.type).name == "ID":
                    found.add((type_name, field_name, arg_name))
    return found


def test_every_field_that_takes_an_id_has_a_case():
    assert _id_fields() - set(ID_ARGS) == set()
    assert set(ID_ARGS) - _id_fields() == set()  # no stale case either


def _type_of(value: Any) -> str:
    match value:
        case bool():
            return "Boolean"
        case str():
            return "String"
        case _:
            return "GenericScalar"


def _document(root: str, name: str, ids: dict[str, str], extra: dict[str, Any]) -> str:
    """A call of ``name`` with its arguments as variables, selecting ``__typename`` only."""
    field_ = (GRAPHQL.query_type if root == "Query" else GRAPHQL.mutation_type).fields[name]
    declared, passed = [], []
    for arg_name in [*ids, *extra]:
        declared.append(f"${arg_name}: {field_.args[arg_name].type}")
        passed.append(f"{arg_name}: ${arg_name}")
    selection = "" if is_leaf_type(get_named_type(field_.type)) else " { __typename }"
    operation = "query" if root == "Query" else "mutation"
    return f"{operation}({', '.join(declared)}) {{ {name}({', '.join(passed)}){selection} }}"


def _cases() -> list[tuple[str, str, str | None]]:
    """(root, field, failure kind): the root fields that take an id, retry and discard once
    per kind of failure."""
    fields = sorted({(root, name) for root, name, _ in ID_ARGS if root in ("Query", "Mutation")})
    cases: list[tuple[str, str, str | None]] = []
    for root, name in fields:
        kinds = FAILURE_KINDS if name in ("retryFailure", "discardFailure") else {None: None}
        cases += [(root, name, kind) for kind in kinds]
    return cases


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every row of every model: what a refused call must leave as it was."""
    return {
        model._meta.label: [
            {k: v for k, v in row.items() if k not in ("jwks_fetched_at", "last_seen_at")}
            for row in model._default_manager.order_by("pk").values()
        ]
        for model in apps.get_app_config("mautomation").get_models()
    }


def _post(client, installation, body: dict[str, Any], token: str | None) -> Any:
    headers = {"Saleor-Api-Url": installation.saleor_api_url}
    if token is not None:
        headers["Authorization-Bearer"] = token
    return client.post(
        "/graphql/", data=json.dumps(body), content_type="application/json", headers=headers
    )


def _token(installation, **overrides: Any) -> str:
    claims = dashboard_claims(
        api_url=installation.saleor_api_url, app_id=installation.app_id, **overrides
    )
    return signing_key(0).mint_token(claims)


@pytest.mark.parametrize(("root", "name", "kind"), _cases())
def test_another_shop_can_neither_read_nor_change_a_row_by_its_id(
    client, shops, mailoutbox, root, name, kind
):
    # given: B's token, A's ids
    _, b, seeds = shops
    ids: dict[str, str] = {}
    for (r, n, arg), target in ID_ARGS.items():
        if (r, n) == (root, name):
            kind_name = FAILURE_KINDS[kind] if target == "Failure" and kind else target
            id_type = "Template" if kind_name == "SmsTemplate" else kind_name
            ids[arg] = _gid(id_type, seeds.ids[kind_name])
    extra = {**OTHER_ARGS.get(name, {}), **({"kind": kind} if kind else {})}
    document = _document(root, name, ids, extra)
    before = _snapshot()

    # when
    response = _post(client, b, {"query": document, "variables": {**ids, **extra}}, _token(b))

    # then: nothing of A's in the answer, and nothing changed anywhere
    body = response.json()
    assert response.status_code in (200, 400), body
    assert (body.get("data") or {}).get(name) in (None, [], False), (document, body)
    assert SECRET not in response.content.decode()
    assert _snapshot() == before
    assert mailoutbox == []


def test_a_segment_history_never_names_another_shops_contact_or_membership(client, shops):
    # given: B's own segment, with a member of B's; B reads its history for A's contact,
    # paging on A's membership
    _, b, seeds = shops
    own = segment_create(installation_id=b.pk, name="Women", definition=WOMEN, now=T)
    make_contact(b, gender="f")
    segment_rebuild(segment=own, now=T)
    query = """query H($c: ID!, $m: ID!) { segments { key
      history(contactId: $c, before: $m) { enteredAt exitedAt } } }"""
    variables = {
        "c": _gid("Contact", seeds.ids["Contact"]),
        "m": _gid("SegmentMembership", seeds.ids["SegmentMembership"]),
    }

    # when
    body = _post(client, b, {"query": query, "variables": variables}, _token(b)).json()

    # then: B's own segment, its history empty for A's contact
    assert body["data"]["segments"] == [{"key": own.key, "history": []}]
    assert SECRET not in json.dumps(body)


def _dashboard_fields() -> list[tuple[str, str]]:
    return sorted(
        (root.name, name)
        for root in (GRAPHQL.query_type, GRAPHQL.mutation_type)
        for name in root.fields
        if name not in STOREFRONT_FIELDS
    )


def _placeholder(type_: Any) -> Any:
    """A valid value of an argument's type (required input fields filled in), so that the
    call is refused for its token, not for its arguments."""
    named = get_named_type(type_)
    if isinstance(named, GraphQLEnumType):
        return next(iter(named.values))
    if isinstance(named, GraphQLInputObjectType):
        return {
            name: _placeholder(spec.type)
            for name, spec in named.fields.items()
            if is_non_null_type(spec.type)
        }
    return {
        "ID": _gid("Contact", 1),
        "String": "x",
        "Int": 1,
        "Float": 1.0,
        "Boolean": True,
        "Date": "2026-01-01",
    }.get(named.name, {})


@pytest.fixture
def two_shops(db):
    a, b = (
        make_signed_shop("a-shop", now=T),
        make_installation(
            saleor_api_url="https://b-shop.example/graphql/",
            app_id="QXBwOjI=",
            jwks={"keys": [signing_key(0).public_jwk]},
        ),
    )
    return a, b


@pytest.mark.parametrize(("root", "name"), _dashboard_fields())
def test_every_dashboard_field_refuses_a_token_it_must_not_trust(client, two_shops, root, name):
    # given: a call with valid arguments, and each token shop A must not trust
    a, b = two_shops
    field_ = (GRAPHQL.query_type if root == "Query" else GRAPHQL.mutation_type).fields[name]
    required = [arg for arg, spec in field_.args.items() if is_non_null_type(spec.type)]
    selection = "" if is_leaf_type(get_named_type(field_.type)) else " { __typename }"
    declared = ", ".join(f"${arg}: {field_.args[arg].type}" for arg in required)
    passed = ", ".join(f"{arg}: ${arg}" for arg in required)
    operation = "query" if root == "Query" else "mutation"
    head = f"{operation}({declared})" if declared else operation
    call = f"{name}({passed})" if passed else name
    body = {
        "query": f"{head} {{ {call}{selection} }}",
        "variables": {arg: _placeholder(field_.args[arg].type) for arg in required},
    }
    tokens = {
        "missing": None,
        "expired": _token(a, exp=1_000_000_000),
        "foreign": _token(b),
        "no_manage_users": _token(a, user_permissions=["MANAGE_ORDERS"]),
    }
    before = _snapshot()

    # when
    answers = {bad: _post(client, a, body, token).json() for bad, token in tokens.items()}

    # then: each refused for its token, nothing answered, nothing changed
    for bad, answer in answers.items():
        assert (answer.get("data") or {}).get(name) in (None, [], False), (bad, body, answer)
        codes = {e.get("extensions", {}).get("code") for e in answer.get("errors") or []}
        assert codes & {"UNAUTHENTICATED", "PERMISSION_DENIED"}, (bad, body, answer)
    assert _snapshot() == before
