"""Erasure leaves nothing of the person in any column of any model, and the shop's figures
stay true."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection, models
from django.db.models import Count, Sum

from saleor_mautomation.commerce.models import OrderRecord
from saleor_mautomation.contacts.erasure import erasure_request
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ErasedIdentity,
    ErasureRequest,
)
from saleor_mautomation.events.models import Event
from saleor_mautomation.flows.erasure import erasures_run
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.retention import ERASED_BODY
from saleor_mautomation.journeys.models import JourneyRun, RunStep
from saleor_mautomation.messages.models import Message
from tests.contacts.factories import make_contact, make_event, make_order
from tests.flows.people import EMAIL, PHONE, USER, T, a_person

TEXT_COLUMNS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def text_of(value) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode(errors="replace").lower()
    return json.dumps(value, default=str).lower()


def traces_left(traces) -> list[str]:
    """Every (model.column, trace) where a trace of the person is found, in every model."""
    found = []
    for model in apps.get_app_config("mautomation").get_models():
        columns = [f.name for f in model._meta.concrete_fields if isinstance(f, TEXT_COLUMNS)]
        for row in model._default_manager.values(*columns) if columns else []:
            for column, value in row.items():
                text = text_of(value)
                found += [f"{model.__name__}.{column}: {t}" for t in traces if t in text]
    return found


def linked_to_contact() -> list[type[models.Model]]:
    """Every model with a foreign key to a contact (but the contact's own, to another)."""
    return [
        model
        for model in apps.get_app_config("mautomation").get_models()
        if model is not Contact
        and any(
            isinstance(f, models.ForeignKey) and f.related_model is Contact
            for f in model._meta.concrete_fields
        )
    ]


def figures(shop):
    orders = OrderRecord.objects.filter(installation=shop).aggregate(
        n=Count("pk"), total=Sum("total_gross")
    )
    messages = Message.objects.filter(installation=shop).aggregate(
        n=Count("pk"), opens=Sum("opens"), clicks=Sum("clicks")
    )
    events = sorted(Event.objects.filter(installation=shop).values_list("type", "occurred_at"))
    return orders, messages, events


def erase(shop, contact):
    erasure_request(
        installation_id=shop.pk,
        source=ErasureRequest.Source.SALEOR,
        saleor_user_id=USER,
        email=EMAIL,
        now=T,
    )
    return erasures_run(now=T)


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def test_the_fixture_puts_the_person_in_every_model_linked_to_a_contact(shop):
    # given
    person = a_person(shop)

    # then: a model added later that links contacts must be added to the person too
    empty = [
        model.__name__
        for model in linked_to_contact()
        if model.__name__ != "ErasureRequest"
        and not model._default_manager.filter(
            **{
                f.name: person.contact
                for f in model._meta.concrete_fields
                if isinstance(f, models.ForeignKey) and f.related_model is Contact
            }
        ).exists()
    ]
    assert empty == []
    assert traces_left(person.traces)  # the search finds them before the erasure


def test_erasure_leaves_no_trace_of_the_person_in_any_column(shop):
    # given
    person = a_person(shop)

    # when
    completed = erase(shop, person.contact)

    # then
    assert completed == 1
    assert traces_left(person.traces) == []


def test_erasure_keeps_the_shops_figures_and_the_facts_of_consent(shop):
    # given
    person = a_person(shop)
    before = figures(shop)

    # when
    erase(shop, person.contact)

    # then
    assert figures(shop) == before
    assert figures(shop)[0] == {"n": 1, "total": Decimal("43.98")}
    assert figures(shop)[1] == {"n": 2, "opens": 2, "clicks": 1}
    record = ConsentRecord.objects.get()
    assert (record.contact_id, record.ip_address, record.channel, record.action) == (
        None,
        None,
        "sms",
        "confirmed",
    )
    assert (record.source, record.text_version, record.occurred_at) == ("storefront", "v2", T)
    assert record.details == {"phone": "", "keyword": "", "topics": {"newsletter": True}}
    placed = Event.objects.get(type="order.placed")
    assert (placed.contact_id, placed.properties) == (
        None,
        {"order_id": "T3JkZXI6MQ==", "total": "43.98", "currency": "USD", "lines": 2},
    )
    custom = Event.objects.get(type="custom.callback_requested")
    assert custom.properties == {"comment": "", "rating": 5}
    assert list(Message.objects.order_by("pk").values_list("status", "status_reason")) == [
        ("bounced", ""),
        ("suppressed", "contact erased"),  # queued: it is never sent now
    ]


def test_erasure_touches_no_one_else(shop):
    # given
    person = a_person(shop)
    bob = make_contact(shop, email="bob@example.com", first_name="Bob", phone="+4917000000000")
    make_order(bob)
    make_event(bob, "custom.note", T, properties={"comment": "Bob likes hats"})
    Delivery.objects.create(
        installation=shop,
        event="CUSTOMER_UPDATED",
        body=b'{"user": {"email": "bob@example.com"}}',
        body_sha256="bob",
        status="processed",
        received_at=T,
    )

    # when
    erase(shop, person.contact)

    # then
    assert list(Contact.objects.values_list("email", "first_name", "phone")) == [
        ("bob@example.com", "Bob", "+4917000000000")
    ]
    assert OrderRecord.objects.get(contact=bob).email == "bob@example.com"
    assert Event.objects.get(contact=bob).properties == {"comment": "Bob likes hats"}
    assert bytes(Delivery.objects.get(body_sha256="bob").body) == (
        b'{"user": {"email": "bob@example.com"}}'
    )


def test_a_delivery_still_waiting_keeps_the_request_open_until_it_is_drained(shop):
    # given: a delivery that names the person is not drained yet
    person = a_person(shop)
    waiting = Delivery.objects.create(
        installation=shop,
        event="ORDER_CREATED",
        body=json.dumps({"order": {"userEmail": EMAIL}}).encode(),
        body_sha256="waiting",
        status="pending",
        received_at=T,
    )

    # when
    first = erase(shop, person.contact)
    kept = bytes(Delivery.objects.get(pk=waiting.pk).body)
    Delivery.objects.filter(pk=waiting.pk).update(status="processed")
    second = erasures_run(now=T)

    # then
    assert (first, second) == (0, 1)
    assert EMAIL.encode() in kept  # the drain still needs it
    assert not Contact.objects.exists()  # everything else went at once
    assert bytes(Delivery.objects.get(pk=waiting.pk).body) == ERASED_BODY
    request = ErasureRequest.objects.get()
    assert (request.completed_at, request.email, request.saleor_user_id) == (T, "", "")


def test_a_request_takes_the_identity_off_the_contact_at_once(shop):
    # given
    person = a_person(shop)

    # when
    request = erasure_request(
        installation_id=shop.pk,
        source=ErasureRequest.Source.DASHBOARD,
        contact_id=person.contact.pk,
        now=T,
    )

    # then: nothing else happened yet
    assert request is not None
    contact = Contact.objects.get()
    assert (contact.email, contact.saleor_user_id, contact.first_name) == (
        None,
        None,
        "Augusta",
    )
    assert ErasedIdentity.objects.count() == 1
    assert (request.contact_id, request.email, request.saleor_user_id) == (
        contact.pk,
        EMAIL,
        USER,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email, saleor_user_id FROM {ErasureRequest._meta.db_table}")  # noqa: S608
        stored = cursor.fetchall()
    assert EMAIL not in str(stored)  # encrypted at rest
    assert USER not in str(stored)
    assert Message.objects.filter(to_address=PHONE).exists()


def test_an_unknown_contact_asks_for_nothing(shop):
    # when
    request = erasure_request(
        installation_id=shop.pk,
        source=ErasureRequest.Source.DASHBOARD,
        contact_id=123456,
        now=T,
    )

    # then
    assert request is None
    assert not ErasureRequest.objects.exists()
    assert not ErasedIdentity.objects.exists()


def test_the_persons_runs_stay_blanked_and_end_so_reports_still_count_them(shop):
    # given: the person's waiting run, and a failed one
    person = a_person(shop)
    waiting = JourneyRun.objects.get(contact=person.contact)
    failed = JourneyRun.objects.create(
        installation=shop,
        journey=waiting.journey,
        version=waiting.version,
        contact=person.contact,
        entry_key="checkout:1",
        status="failed",
        error=f"could not reach {EMAIL}",
        node="send",
        node_entered_at=T,
        entered_at=T,
        holdout=True,
        branches={"ab": 1},
    )

    # when
    erase(shop, person.contact)

    # then
    runs = JourneyRun.objects.filter(pk__in=[waiting.pk, failed.pk]).order_by("pk")
    assert list(
        runs.values_list(
            "contact",
            "status",
            "exit_reason",
            "context",
            "entry_key",
            "error",
            "holdout",
            "branches",
        )
    ) == [
        (None, "exited", "erased", {}, "", "", False, {}),
        (None, "exited", "erased", {}, "", "", True, {"ab": 1}),
    ]
    assert not RunStep.objects.filter(run__in=runs).exists()
