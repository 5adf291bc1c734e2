from datetime import UTC, datetime, timedelta

from graphql import parse, validate

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.writeback import (
    DEBOUNCE,
    items_hash,
    writeback_flush,
    writeback_items,
    writeback_mark,
)
from saleor_mautomation.saleor.metadata import private_metadata_document
from tests.saleor.test_documents import saleor_schema
from tests.support.samples import graphql_response

NOW = datetime(2026, 6, 1, tzinfo=UTC)


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
    assert (early, written) == (0, 3)
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

    written = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    assert written == 0
    due_at = Contact.objects.get().writeback_due_at
    assert due_at is not None
    assert due_at > NOW + DEBOUNCE


def test_a_per_customer_error_leaves_only_that_customer_due(standin, standin_installation):
    error = graphql_response("update-private-metadata")["response"]["data"]["updatePrivateMetadata"]
    standin.answers["WriteBack"] = lambda variables: (
        200,
        {
            "data": {
                "m0": error,
                "m1": {
                    "item": None,
                    "errors": [{"field": "id", "message": "Not found", "code": "NOT_FOUND"}],
                },
            }
        },
    )
    customer(standin_installation, 1)
    customer(standin_installation, 2)

    written = writeback_flush(
        installation_id=standin_installation.pk, batch_size=50, now=NOW + DEBOUNCE
    )

    assert written == 1
    due = dict(Contact.objects.values_list("saleor_user_id", "writeback_due_at"))
    assert due["VXNlcjo1"] is None
    assert due["VXNlcjo2"] is not None


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
