"""A backfill page is ingested in bulk: it must leave exactly what ingesting its nodes one by
one (the webhooks' path) leaves. Two shops in one database start from the same state: one is
backfilled from the stand-in, the other gets the same nodes through ``services.INGEST`` one at
a time; their records are then compared, and the interesting cases checked by value.
"""

import base64
import copy
import json
from datetime import UTC, datetime
from decimal import Decimal

import time_machine
from django.db import transaction

from saleor_mautomation.backfill import services
from saleor_mautomation.backfill.models import BackfillRun
from saleor_mautomation.backfill.services import Outcome, PagePacer, backfill_execute
from saleor_mautomation.commerce.models import CheckoutRecord, OrderRecord
from saleor_mautomation.contacts.attributes import contact_attributes_set
from saleor_mautomation.contacts.figures import engagement_deferred, engagement_touch
from saleor_mautomation.contacts.models import ConsentRecord, Contact, ContactSpend
from saleor_mautomation.contacts.writeback import DEBOUNCE
from saleor_mautomation.core import clock
from saleor_mautomation.events.models import Event
from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.services import saleor_client
from tests.backfill.test_backfill import nodes_of, paged, shop_customers, shop_orders
from tests.conftest import make_installation

ROBERT = "robert.garcia@example.com"
OLD = datetime(2020, 1, 1, tzinfo=UTC)
NEWER = datetime(2030, 1, 1, tzinfo=UTC)


def b64(text):
    return base64.b64encode(text.encode()).decode()


def customers():
    nodes = shop_customers()
    nodes[0]["metadata"] = [{"key": "marketing_consent", "value": "granted"}]
    nodes[3]["firstName"] = "Renamed"
    return nodes


def orders():
    nodes = shop_orders()
    nodes[1]["checkoutId"] = b64("Checkout:robert")
    return nodes


def given(installation, nodes):
    """The state both shops start from: customers known from before (one with an older profile,
    one with a newer one), a guest whose email a customer takes, a stored order newer than the
    page's, a checkout an order completes, and a spend in a currency Robert no longer has."""
    users = {node["email"]: node for node in nodes}
    known = Contact.objects.create(
        installation=installation,
        saleor_user_id=users[ROBERT]["id"],
        email=ROBERT,
        first_name="Old",
        source_updated_at=OLD,
    )
    # A loyalty system's attribute (trigger API), which Saleor's customer does not have.
    contact_attributes_set(contact=known, attributes={"loyalty_points": "120"}, now=OLD)
    ContactSpend.objects.create(contact=known, currency="EUR", orders=1, total=Decimal(5))
    fourth = nodes[3]
    Contact.objects.create(
        installation=installation,
        saleor_user_id=fourth["id"],
        email=fourth["email"],
        first_name="Newer",
        source_updated_at=NEWER,
    )
    Contact.objects.create(installation=installation, email=nodes[5]["email"])  # a guest
    stored = orders()[0]
    OrderRecord.objects.create(
        installation=installation,
        saleor_id=stored["id"],
        number="kept",
        status="unfulfilled",
        channel_slug="default-channel",
        currency="USD",
        total_gross=Decimal(1),
        total_net=Decimal(1),
        placed_at=OLD,
        source_updated_at=NEWER,
    )
    CheckoutRecord.objects.create(
        installation=installation,
        saleor_id=b64("Checkout:robert"),
        channel_slug="default-channel",
        currency="PLN",
        created_at=OLD,
        last_change_at=OLD,
        source_updated_at=OLD,
    )


def one_by_one(installation, resource, nodes, model):
    """The nodes through the webhooks' path, each parsed from JSON text as a delivery is."""
    now = clock.now()
    with transaction.atomic(), engagement_deferred(now=clock.now):
        for node in nodes:
            parsed = model.model_validate_json(json.dumps(node))
            services.INGEST[resource](installation.pk, parsed, now)


def state(installation):
    contacts = Contact.objects.filter(installation=installation)
    return {
        "contacts": sorted(
            contacts.values_list(
                "email",
                "saleor_user_id",
                "first_name",
                "country",
                "time_zone",
                "is_customer",
                "email_consent",
                "orders_count",
                "first_order_at",
                "last_order_at",
                "lifecycle_stage",
                "favourite_categories",
                "source_updated_at",
                "merged_into__saleor_user_id",
                "metadata",
                "attribute_writes",
            ),
            key=str,
        ),
        "due": sorted(
            contacts.filter(writeback_due_at__isnull=False).values_list("email", flat=True)
        ),
        "spend": sorted(
            ContactSpend.objects.filter(contact__installation=installation).values_list(
                "contact__email", "currency", "orders", "total", "average_order_value"
            )
        ),
        "orders": sorted(
            OrderRecord.objects.filter(installation=installation).values_list(
                "saleor_id", "number", "contact__email", "total_gross", "lines", "source_updated_at"
            ),
            key=str,
        ),
        "checkouts": sorted(
            CheckoutRecord.objects.filter(installation=installation).values_list(
                "saleor_id", "completed_at", "order_saleor_id"
            )
        ),
        "events": sorted(
            Event.objects.filter(installation=installation).values_list(
                "type", "dedupe_key", "contact__email", "occurred_at", "properties", "source"
            ),
            key=str,
        ),
        "consent": sorted(
            ConsentRecord.objects.filter(installation=installation).values_list(
                "contact__email", "action", "source", "occurred_at"
            )
        ),
    }


def test_a_bulk_page_leaves_what_its_nodes_one_by_one_leave(standin, standin_installation):
    # given
    standin.answers["Customers"] = paged("customers-page", "customers", customers())
    standin.answers["Orders"] = paged("orders-page", "orders", orders())
    other = make_installation(saleor_api_url="https://other.example.com/graphql/")
    for installation in (standin_installation, other):
        given(installation, customers())
    one_by_one(other, "customers", customers(), payloads.User)
    one_by_one(other, "orders", orders(), payloads.Order)

    # when
    outcomes = backfill_execute(
        installation_id=standin_installation.pk,
        resources=["customers", "orders"],
        fresh=True,
        page_size=100,
        pacer=PagePacer(0),
    )

    # then
    assert outcomes == {"customers": Outcome.DONE, "orders": Outcome.DONE}
    bulk, single = state(standin_installation), state(other)
    # A bulk page records no sign-up, where a delivery granting the consent does (ADR 0040).
    signed_up = [e for e in single["events"] if e[0] == "contact.signed_up"]
    assert [(e[1].split(":")[0], e[2], e[4], e[5]) for e in signed_up] == [
        ("contact.signed_up", customers()[0]["email"], {"via": "account"}, "saleor.metadata")
    ]
    single["events"] = [e for e in single["events"] if e not in signed_up]
    for part in ("contacts", "spend", "orders", "checkouts", "events", "consent"):
        assert bulk[part] == single[part], part
    # A finished import marks every Saleor customer for the write-back (``writeback_mark_all``).
    customers_known = Contact.objects.filter(installation=standin_installation).exclude(
        saleor_user_id=None
    )
    assert bulk["due"] == sorted(str(c.email) for c in customers_known)
    robert = Contact.objects.get(installation=standin_installation, email=ROBERT)
    assert (robert.first_name, robert.orders_count) == ("Robert", 3)
    assert (robert.metadata["loyalty_points"], robert.attribute_writes) == (
        "120",
        {"loyalty_points": {"at": OLD.isoformat(), "saleor": None}},
    )
    assert sorted(robert.spend.values_list("currency", "orders", "total")) == [
        ("PLN", 2, Decimal("2359.7200")),
        ("USD", 1, Decimal("1047.4800")),
    ]
    newer = Contact.objects.get(
        installation=standin_installation, saleor_user_id=customers()[3]["id"]
    )
    assert newer.first_name == "Newer"
    guest_taken = Contact.objects.get(
        installation=standin_installation, email=customers()[5]["email"]
    )
    assert (guest_taken.saleor_user_id, guest_taken.is_customer) == (customers()[5]["id"], True)
    assert list(
        ConsentRecord.objects.filter(installation=standin_installation).values_list(
            "contact__email", "action"
        )
    ) == [(customers()[0]["email"], "confirmed")]
    kept = OrderRecord.objects.get(installation=standin_installation, saleor_id=orders()[0]["id"])
    assert (kept.number, kept.total_gross) == ("kept", Decimal(1))
    checkout = CheckoutRecord.objects.get(installation=standin_installation)
    assert checkout.order_saleor_id == orders()[1]["id"]
    assert checkout.completed_at == datetime.fromisoformat(orders()[1]["created"])


def test_a_customer_whose_email_meets_another_contact_is_merged_as_one_by_one(
    standin, standin_installation
):
    # given: Robert is known under an old email, and his new email is a guest's
    nodes = copy.deepcopy(nodes_of("customers-page", "customers"))
    robert = Contact.objects.create(
        installation=standin_installation, saleor_user_id=nodes[1]["id"], email="old@example.com"
    )
    guest = Contact.objects.create(installation=standin_installation, email=ROBERT)
    standin.answers["Customers"] = paged("customers-page", "customers", nodes)

    # when
    outcomes = backfill_execute(
        installation_id=standin_installation.pk,
        resources=["customers"],
        fresh=True,
        page_size=100,
        pacer=PagePacer(0),
    )

    # then
    assert outcomes == {"customers": Outcome.DONE}
    robert.refresh_from_db()
    guest.refresh_from_db()
    assert (robert.email, robert.first_name) == (ROBERT, "Robert")
    assert (guest.merged_into_id, guest.email) == (robert.pk, None)
    assert Contact.objects.filter(is_customer=True).count() == 3


def test_a_flush_of_contacts_without_orders_deletes_their_spend(standin_installation):
    # given: figures from orders that are gone (reassigned by a merge, say)
    contacts = [
        Contact.objects.create(installation=standin_installation, email=f"c{n}@example.com")
        for n in range(2)
    ]
    for contact in contacts:
        contact.orders_count = 2
        contact.save()
        ContactSpend.objects.create(contact=contact, currency="USD", orders=2, total=Decimal(9))

    # when
    with transaction.atomic(), engagement_deferred(now=clock.now):
        for contact in contacts:
            engagement_touch(contact=contact, now=clock.now())

    # then
    assert not ContactSpend.objects.exists()
    assert sorted(Contact.objects.values_list("email", "orders_count", "lifecycle_stage")) == [
        ("c0@example.com", 0, "prospect"),
        ("c1@example.com", 0, "prospect"),
    ]


FIGURES = (
    "orders_count",
    "first_order_at",
    "last_order_at",
    "favourite_categories",
    "predicted_next_order_at",
    "prediction_basis",
    "lifecycle_stage",
    "writeback_due_at",
    "writeback_hash",
)


def figures_of(installation):
    contacts = Contact.objects.filter(installation=installation)
    return sorted(contacts.values_list("email", "saleor_user_id", *FIGURES), key=str)


def test_order_pages_in_bulk_leave_the_figures_and_write_back_queue_one_by_one_leaves(
    standin, standin_installation
):
    # given: orders in pages of two, so Robert's three orders (two currencies) span pages and
    # his figures are recomputed from the orders of earlier pages; the time stands still, so
    # a write-back due time is the same on both sides
    standin.answers["Orders"] = paged("orders-page", "orders", orders())
    other = make_installation(saleor_api_url="https://other.example.com/graphql/")
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=UTC), tick=False):
        for installation in (standin_installation, other):
            given(installation, customers())
        one_by_one(other, "orders", orders(), payloads.Order)

        # when: the orders run alone (``backfill_execute`` would then mark every customer due)
        services.backfill_prepare(
            installation_id=standin_installation.pk, resources=["orders"], now=clock.now()
        )
        run = services.backfill_claim(
            installation_id=standin_installation.pk, resource="orders", owner="w", now=clock.now()
        )
        assert isinstance(run, BackfillRun)
        outcome = services.backfill_import(
            run=run,
            client=saleor_client(standin_installation),
            page_size=2,
            pacer=PagePacer(0),
        )

    # then
    assert (outcome, run.done, run.skipped) == (Outcome.DONE, 7, 0)
    assert len(standin.requests_to("/graphql/")) == 4
    bulk, single = state(standin_installation), state(other)
    for part in ("contacts", "spend", "orders", "checkouts", "events"):
        assert bulk[part] == single[part], part
    assert figures_of(standin_installation) == figures_of(other)
    due = datetime(2026, 12, 1, 9, tzinfo=UTC) + DEBOUNCE
    robert = Contact.objects.get(installation=standin_installation, email=ROBERT)
    assert (robert.orders_count, robert.lifecycle_stage, robert.writeback_due_at) == (
        3,
        "repeat",
        due,
    )
    assert sorted(robert.spend.values_list("currency", "orders", "total")) == [
        ("PLN", 2, Decimal("2359.7200")),
        ("USD", 1, Decimal("1047.4800")),
    ]
    # Jade's page order is older than the stored one (not written), her figures recomputed.
    assert bulk["due"] == single["due"] == [customers()[3]["email"], ROBERT]
