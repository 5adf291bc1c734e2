from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from graphql import parse, validate

from saleor_mautomation.contacts.models import Contact, ContactSpend
from saleor_mautomation.contacts.tasks import writeback_installation
from saleor_mautomation.contacts.writeback import (
    DEBOUNCE,
    MAX_BATCH_SIZE,
    REFUSAL_DELAYS,
    RETRY_AFTER,
    items_hash,
    writeback_flush,
    writeback_items,
    writeback_mark,
)
from saleor_mautomation.saleor.metadata import private_metadata_document
from tests.saleor.test_documents import saleor_schema
from tests.support.samples import graphql_response
from tests.support.standin_errors import DocumentStandIn, SaleorCustomers, SaleorUser

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
def standin(document_standin) -> DocumentStandIn:
    return document_standin


def ok_answer(variables):
    count = len([k for k in variables if k.startswith("id")])
    item = {"item": {"__typename": "User"}, "errors": []}
    return 200, {"data": {f"m{n}": item for n in range(count)}}


def customer(installation, n, **fields):
    contact = Contact(
        installation=installation,
        saleor_user_id=f"VXNlcjo{n}",
        email=f"c{n}@example.com",
        lifecycle_stage="repeat",
        orders_count=2,
        rfm_recency=5,
        rfm_frequency=4,
        rfm_monetary=5,
        **fields,
    )
    writeback_mark(contact, now=NOW)
    contact.save()
    return contact


def test_the_batched_document_validates_against_saleors_schema():
    assert validate(saleor_schema(), parse(private_metadata_document(3))) == []


def test_a_change_is_due_after_the_debounce_window_and_written_in_one_batch(
    standin, standin_installation
):
    # given
    standin.answers["WriteBack"] = ok_answer
    contacts = [customer(standin_installation, n) for n in range(3)]
    assert {c.writeback_due_at for c in contacts} == {NOW + DEBOUNCE}

    # when: too early, then once due
    early = writeback_flush(installation_id=standin_installation.pk, batch_size=50, now=NOW)
    written = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then
    assert (early.written, written.written) == (0, 3)
    [request] = standin.requests_to("/graphql/")
    variables = request.json()["variables"]
    assert sorted(variables) == ["id0", "id1", "id2", "input0", "input1", "input2"]
    assert variables["input0"] == [
        {"key": "mautomation.consent.email", "value": "unknown"},
        {"key": "mautomation.lifecycle", "value": "repeat"},
        {"key": "mautomation.orders", "value": "2"},
        {"key": "mautomation.rfm", "value": "545"},
    ]
    assert set(Contact.objects.values_list("writeback_due_at", flat=True)) == {None}


def test_unchanged_figures_are_not_written_again(standin, standin_installation):
    standin.answers["WriteBack"] = ok_answer
    contact = customer(standin_installation, 1)
    writeback_flush(installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE)
    contact.refresh_from_db()

    writeback_mark(contact, now=NOW + timedelta(hours=1))

    assert contact.writeback_due_at is None
    assert contact.writeback_hash == items_hash(writeback_items(contact))
    assert len(standin.requests_to("/graphql/")) == 1


def test_guests_without_a_saleor_account_are_never_written(standin, standin_installation):
    guest = Contact(installation=standin_installation, email="guest@example.com")
    writeback_mark(guest, now=NOW)

    assert guest.writeback_due_at is None


def test_saleor_unreachable_keeps_the_write_due_for_later(standin, standin_installation):
    standin.fail_next(*[(503, {})] * 3)
    customer(standin_installation, 1)

    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    assert (flushed.written, flushed.postponed) == (0, 1)
    assert Contact.objects.get().writeback_refusals == 0
    due_at = Contact.objects.get().writeback_due_at
    assert due_at is not None
    assert due_at > NOW + DEBOUNCE


def test_a_customer_the_mutation_refuses_is_skipped_and_tried_an_hour_later(
    standin, standin_installation
):
    # given: the mutation's own errors for the second customer (an id Saleor cannot resolve)
    done = graphql_response("update-private-metadata")["response"]["data"]["updatePrivateMetadata"]
    standin.answers["WriteBack"] = lambda variables: (
        200,
        {
            "data": {
                "m0": done,
                "m1": {
                    "item": None,
                    "errors": [{"field": "id", "message": "Not found", "code": "NOT_FOUND"}],
                },
            }
        },
    )
    customer(standin_installation, 1)
    customer(standin_installation, 2)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then
    assert (flushed.claimed, flushed.written, flushed.refused) == (2, 1, 1)
    state = {
        c.saleor_user_id: (c.writeback_due_at, c.writeback_refusals) for c in Contact.objects.all()
    }
    assert state == {
        "VXNlcjo1": (None, 0),
        "VXNlcjo2": (NOW + DEBOUNCE + timedelta(hours=1), 1),
    }


def test_last_engaged_is_the_latest_of_visit_order_open_and_click():
    # given
    contact = Contact(
        saleor_user_id="VXNlcjox",
        last_seen_at=NOW - timedelta(days=9),
        last_order_at=NOW - timedelta(days=20),
        last_email_open_at=NOW - timedelta(days=3),
        last_email_click_at=NOW - timedelta(days=4),
    )

    # when
    items = writeback_items(contact)

    # then
    assert items["mautomation.last_engaged"] == "2026-05-29"


def test_a_buyer_never_seen_on_the_storefront_has_a_last_engaged_date():
    contact = Contact(saleor_user_id="VXNlcjox", last_order_at=NOW - timedelta(days=20))

    assert writeback_items(contact)["mautomation.last_engaged"] == "2026-05-12"


def test_no_last_engaged_without_any_engagement():
    assert "mautomation.last_engaged" not in writeback_items(Contact(saleor_user_id="VXNlcjox"))


def test_every_key_figure_is_written_under_the_apps_keys(standin, standin_installation):
    # given: a repeat customer who bought in two currencies, in two segments, consenting
    saleor = SaleorCustomers(users={"VXNlcjo3": SaleorUser()})
    saleor.install(standin)
    contact = Contact.objects.create(
        installation=standin_installation,
        saleor_user_id="VXNlcjo3",
        email="c7@example.com",
        email_consent="granted",
        lifecycle_stage="repeat",
        orders_count=3,
        rfm_recency=5,
        rfm_frequency=4,
        rfm_monetary=3,
        last_order_at=datetime(2026, 5, 20, 23, 30, tzinfo=UTC),
        predicted_next_order_at=datetime(2026, 7, 2, 8, 0, tzinfo=UTC),
        segments=["champions", "stage-repeat"],
    )
    ContactSpend.objects.create(contact=contact, currency="USD", orders=1, total=Decimal("1047.48"))
    ContactSpend.objects.create(contact=contact, currency="PLN", orders=2, total=Decimal("2359.7"))
    writeback_mark(contact, now=NOW)
    contact.save()

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then
    assert flushed.written == 1
    assert saleor.users["VXNlcjo3"].private_metadata == {
        "mautomation.consent.email": "granted",
        "mautomation.last_engaged": "2026-05-20",
        "mautomation.last_order": "2026-05-20",
        "mautomation.lifecycle": "repeat",
        "mautomation.next_order": "2026-07-02",
        "mautomation.orders": "3",
        "mautomation.rfm": "543",
        "mautomation.segments": "champions,stage-repeat",
        "mautomation.spend.PLN": "2359.7",
        "mautomation.spend.USD": "1047.48",
    }


def test_a_change_of_spend_alone_is_written(standin, standin_installation):
    # given: written once
    saleor = SaleorCustomers(users={"VXNlcjo1": SaleorUser()})
    saleor.install(standin)
    contact = customer(standin_installation, 1)
    ContactSpend.objects.create(contact=contact, currency="USD", orders=2, total=Decimal("80"))
    writeback_flush(installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE)
    contact.refresh_from_db()

    # when: a refund lowers the spend, nothing else changes
    writeback_mark(contact, now=NOW + timedelta(hours=1), spend={"USD": Decimal("50.00")})

    # then
    assert contact.writeback_due_at == NOW + timedelta(hours=1) + DEBOUNCE


def test_a_customer_gone_from_saleor_is_skipped_and_counted_not_the_batch(
    standin, standin_installation
):
    # given: the second customer's user was deleted in Saleor
    saleor = SaleorCustomers(users={"VXNlcjo1": SaleorUser(), "VXNlcjo3": SaleorUser()})
    saleor.install(standin)
    for n in (1, 2, 3):
        customer(standin_installation, n)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then: one request, Saleor's refusal for that alias alone, the others written
    assert len(standin.requests_to("/graphql/")) == 1
    assert (flushed.claimed, flushed.written, flushed.refused) == (3, 2, 1)
    assert saleor.users["VXNlcjo1"].private_metadata["mautomation.orders"] == "2"
    assert saleor.users["VXNlcjo3"].private_metadata["mautomation.orders"] == "2"
    state = {
        c.saleor_user_id: (c.writeback_due_at, c.writeback_refusals, bool(c.writeback_hash))
        for c in Contact.objects.all()
    }
    assert state == {
        "VXNlcjo1": (None, 0, True),
        "VXNlcjo2": (NOW + DEBOUNCE + REFUSAL_DELAYS[0], 1, False),
        "VXNlcjo3": (None, 0, True),
    }


def test_the_stand_in_refuses_a_gone_user_as_saleor_does(standin, standin_installation):
    # given
    SaleorCustomers(users={"VXNlcjo1": SaleorUser()}).install(standin)
    customer(standin_installation, 1)
    customer(standin_installation, 2)

    # when
    writeback_flush(installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE)

    # then: HTTP 200, the alias null, a top-level error at its path, shaped as the captured
    # permission error (error-permission-denied.json)
    [(status, body)] = standin.answered
    captured = graphql_response("error-permission-denied")["response"]["errors"][0]
    [error] = body["errors"]
    assert status == 200
    assert body["data"]["m1"] is None
    assert body["data"]["m0"]["errors"] == []
    assert error["message"] == "You do not have permission to perform this action"
    assert error["path"] == ["m1"]
    assert error["extensions"] == captured["extensions"]
    assert set(error) == set(captured)


def test_a_refused_customer_is_tried_later_and_later_then_when_its_figures_change(
    standin, standin_installation
):
    # given: a customer whose user is gone
    SaleorCustomers(users={}).install(standin)
    contact = customer(standin_installation, 2)

    # when: flushed whenever it is due
    now = NOW + DEBOUNCE
    tries = []
    while (due := Contact.objects.get().writeback_due_at) is not None:
        now = max(now, due)
        tries.append(now)
        writeback_flush(installation_id=standin_installation.pk, batch_size=50, now=now)

    # then: four tries, then nothing until it is marked again
    first = NOW + DEBOUNCE
    assert tries == [
        first,
        first + REFUSAL_DELAYS[0],
        first + REFUSAL_DELAYS[0] + REFUSAL_DELAYS[1],
        first + REFUSAL_DELAYS[0] + REFUSAL_DELAYS[1] + REFUSAL_DELAYS[2],
    ]
    contact.refresh_from_db()
    assert contact.writeback_refusals == 4
    assert len(standin.requests_to("/graphql/")) == 4


def test_batches_are_paced(standin, standin_installation):
    # given: five due customers, batches of two, a second between requests
    saleor = SaleorCustomers(users={f"VXNlcjo{n}": SaleorUser() for n in range(5)})
    saleor.install(standin)
    for n in range(5):
        customer(standin_installation, n)
    sleeps: list[float] = []

    # when
    batches = writeback_installation(
        installation_id=standin_installation.pk,
        batch_size=2,
        interval=1.0,
        deadline=3600.0,
        sleep=sleeps.append,
        monotonic=lambda: 0.0,  # requests take no time: each pause is the whole interval
    )

    # then
    assert [(b.claimed, b.written) for b in batches] == [(2, 2), (2, 2), (1, 1)]
    assert sleeps == [1.0, 1.0]
    assert all(user.private_metadata for user in saleor.users.values())


def test_a_batch_is_at_most_saleors_alias_limit(standin, standin_installation):
    # given: Saleor refuses a document with more than 100 aliases (GRAPHQL_ALIAS_COUNT_LIMIT)
    SaleorCustomers(users={f"VXNlcjo{n}": SaleorUser() for n in range(101)}).install(standin)
    for n in range(101):
        customer(standin_installation, n)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=500, now=NOW + DEBOUNCE
    )

    # then
    assert (flushed.claimed, flushed.written) == (MAX_BATCH_SIZE, 100)
    [request] = standin.requests_to("/graphql/")
    assert request.json()["query"].count("updatePrivateMetadata(") == 100


def test_a_staff_account_is_refused_for_itself_alone(standin, standin_installation):
    # given: the second customer is staff; its metadata needs MANAGE_STAFF, the app has not
    saleor = SaleorCustomers(
        users={"VXNlcjo1": SaleorUser(), "VXNlcjo2": SaleorUser(is_staff=True)}
    )
    saleor.install(standin)
    customer(standin_installation, 1)
    customer(standin_installation, 2)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then
    assert (flushed.written, flushed.refused, flushed.postponed) == (1, 1, 0)
    assert saleor.users["VXNlcjo2"].private_metadata == {}
    assert Contact.objects.get(saleor_user_id="VXNlcjo2").writeback_refusals == 1


def test_an_app_without_access_to_customers_counts_no_customer_as_refused(
    standin, standin_installation
):
    # given: the app's MANAGE_USERS is gone (a revoked token reads as anonymous: the same)
    SaleorCustomers(
        users={"VXNlcjo1": SaleorUser(), "VXNlcjo2": SaleorUser()}, app_permissions=frozenset()
    ).install(standin)
    customer(standin_installation, 1)
    customer(standin_installation, 2)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then: both stay claimed for the usual retry, neither is marked refused
    assert (flushed.written, flushed.refused, flushed.postponed) == (0, 0, 2)
    assert set(Contact.objects.values_list("writeback_refusals", "writeback_due_at")) == {
        (0, NOW + DEBOUNCE + RETRY_AFTER)
    }


def test_a_request_refused_as_a_whole_postpones_the_batch_without_failing(
    standin, standin_installation
):
    # given: Saleor does not know the app's token
    standin.valid_tokens = {"another-token"}
    customer(standin_installation, 1)

    # when
    flushed = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    # then
    assert (flushed.claimed, flushed.written, flushed.refused, flushed.postponed) == (1, 0, 0, 1)
    assert Contact.objects.get().writeback_refusals == 0


def test_a_run_stops_at_its_deadline_and_leaves_the_rest_due(standin, standin_installation):
    # given: five due customers, batches of two
    SaleorCustomers(users={f"VXNlcjo{n}": SaleorUser() for n in range(5)}).install(standin)
    for n in range(5):
        customer(standin_installation, n)
    ticks = iter(range(0, 1000, 10))  # every reading of the clock is ten seconds later

    # when
    batches = writeback_installation(
        installation_id=standin_installation.pk,
        batch_size=2,
        interval=1.0,
        deadline=25.0,
        sleep=lambda seconds: None,
        monotonic=lambda: float(next(ticks)),
    )

    # then: the clock reads 0 and 10 for the first batch (check, start), 20, 30 and 40 for the
    # second (check, pause, start), then 50, past the deadline: the fifth customer waits

    assert [b.written for b in batches] == [2, 2]
    assert Contact.objects.filter(writeback_due_at__isnull=False).count() == 1
