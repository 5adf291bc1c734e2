import base64
import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from saleor_mautomation.contacts import selectors
from saleor_mautomation.contacts.models import (
    ConsentRecord,
    Contact,
    ContactAlias,
    EmailConsent,
    LifecycleStage,
    PushSubscription,
)
from saleor_mautomation.contacts.selectors import (
    ContactFilters,
    ContactSort,
    InvalidPagination,
    SpendAtLeast,
)
from tests.contacts.factories import (
    T0,
    make_checkout,
    make_contact,
    make_event,
    make_order,
    make_shop,
    make_spend,
)


@pytest.fixture
def shop(db):
    return make_shop("shop")


def walk(read, first):
    """Every page of a list, in order: the ids seen and the page sizes."""
    seen, sizes, after = [], [], None
    while True:
        page = read(first=first, after=after)
        seen += [node.pk for node in page.nodes]
        sizes.append(len(page.edges))
        if not page.has_next_page:
            return seen, sizes
        after = page.end_cursor


def listing(installation, **kwargs):
    return lambda first, after: selectors.contacts_page(
        installation_id=installation.pk, first=first, after=after, **kwargs
    )


def listed(installation, **kwargs):
    page = selectors.contacts_page(installation_id=installation.pk, first=100, **kwargs)
    return [contact.pk for contact in page.nodes]


def cursor(payload):
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def test_pages_hold_every_contact_once_newest_first(shop):
    # given
    contacts = [make_contact(shop, created_at=T0 + timedelta(days=i)) for i in range(5)]

    # when
    seen, sizes = walk(listing(shop), first=2)

    # then
    assert seen == [c.pk for c in reversed(contacts)]
    assert sizes == [2, 2, 1]


def test_contacts_created_between_pages_neither_repeat_nor_skip_rows(shop):
    # given
    contacts = [make_contact(shop, created_at=T0 + timedelta(days=i)) for i in range(6)]
    first_page = selectors.contacts_page(installation_id=shop.pk, first=2)

    # when
    newer = make_contact(shop, created_at=T0 + timedelta(days=30))
    behind = make_contact(shop, created_at=T0 + timedelta(days=2, hours=12))
    second_page = selectors.contacts_page(
        installation_id=shop.pk, first=2, after=first_page.end_cursor
    )
    make_contact(shop, created_at=T0 + timedelta(days=31))
    third_page = selectors.contacts_page(
        installation_id=shop.pk, first=10, after=second_page.end_cursor
    )

    # then
    assert [c.pk for c in first_page.nodes] == [contacts[5].pk, contacts[4].pk]
    assert [c.pk for c in second_page.nodes] == [contacts[3].pk, behind.pk]
    assert [c.pk for c in third_page.nodes] == [contacts[2].pk, contacts[1].pk, contacts[0].pk]
    assert third_page.has_next_page is False
    assert newer.pk not in [c.pk for c in second_page.nodes + third_page.nodes]


def test_contacts_created_at_the_same_moment_are_ordered_by_id(shop):
    # given
    contacts = [make_contact(shop, created_at=T0) for _ in range(3)]

    # when
    seen, sizes = walk(listing(shop), first=1)

    # then
    assert seen == [c.pk for c in reversed(contacts)]
    assert sizes == [1, 1, 1]


def test_last_order_sort_puts_contacts_without_orders_last(shop):
    # given
    never_a = make_contact(shop)
    old = make_contact(shop, last_order_at=T0, orders_count=1)
    never_b = make_contact(shop)
    recent_a = make_contact(shop, last_order_at=T0 + timedelta(days=9), orders_count=1)
    recent_b = make_contact(shop, last_order_at=T0 + timedelta(days=9), orders_count=2)

    # when
    seen, _ = walk(listing(shop, sort=ContactSort.LAST_ORDER_AT), first=1)

    # then
    assert seen == [recent_b.pk, recent_a.pk, old.pk, never_b.pk, never_a.pk]


def test_total_orders_sort_lists_frequent_buyers_first(shop):
    # given
    one = make_contact(shop, orders_count=1)
    none = make_contact(shop, orders_count=0)
    seven = make_contact(shop, orders_count=7)
    also_one = make_contact(shop, orders_count=1)

    # when
    seen, sizes = walk(listing(shop, sort=ContactSort.TOTAL_ORDERS), first=3)

    # then
    assert seen == [seven.pk, also_one.pk, one.pk, none.pk]
    assert sizes == [3, 1]


def test_a_cursor_of_another_sort_is_refused(shop):
    # given
    make_contact(shop)
    make_contact(shop)
    page = selectors.contacts_page(installation_id=shop.pk, first=1)

    # when
    with pytest.raises(InvalidPagination) as error:
        selectors.contacts_page(
            installation_id=shop.pk, first=1, after=page.end_cursor, sort=ContactSort.TOTAL_ORDERS
        )

    # then
    assert error.value.code == "invalid_cursor"


@pytest.mark.parametrize(
    "after",
    [
        "not a cursor",
        "",
        cursor(["created_at", "yesterday", 1]),
        cursor(["created_at", "2025-01-01T00:00:00", 1]),
        cursor(["created_at", "2025-01-01T00:00:00+00:00", "1"]),
        cursor(["created_at", "2025-01-01T00:00:00+00:00", 2**64]),
        cursor(["created_at", None, 1]),
        cursor({"created_at": 1}),
        cursor(["created_at", "2025-01-01T00:00:00+00:00", 1]) + "A" * 300,
    ],
)
def test_a_malformed_cursor_is_refused(shop, after):
    with pytest.raises(InvalidPagination) as error:
        selectors.contacts_page(installation_id=shop.pk, first=1, after=after)

    assert error.value.code == "invalid_cursor"


def test_a_negative_page_size_is_refused(shop):
    with pytest.raises(InvalidPagination) as error:
        selectors.contacts_page(installation_id=shop.pk, first=-1)

    assert error.value.code == "invalid_page_size"


def test_a_page_holds_at_most_100_contacts(shop):
    # given
    Contact.objects.bulk_create(
        Contact(installation=shop, email=f"bulk{i}@example.com") for i in range(101)
    )

    # when
    page = selectors.contacts_page(installation_id=shop.pk, first=500)

    # then
    assert len(page.edges) == 100
    assert page.has_next_page is True


def test_the_total_is_counted_only_when_asked(shop, django_assert_num_queries):
    # given
    make_spend(make_contact(shop), "USD", "10")
    make_contact(shop)

    # when
    with django_assert_num_queries(2):  # the contacts, their spend
        page = selectors.contacts_page(installation_id=shop.pk, first=1)
        spend = [list(contact.spend.all()) for contact in page.nodes]

    # then
    with django_assert_num_queries(1):
        assert page.total_count() == 2
    assert len(spend) == 1


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("JANE", ["jane"]),
        ("doe", ["jane", "john"]),
        ("jane doe", ["jane"]),
        ("  Doe   JOHN ", ["john"]),
        ("shop.example", ["john"]),
        ("nobody", []),
    ],
)
def test_search_matches_every_word_in_email_or_names(shop, search, expected):
    # given
    people = {
        "jane": make_contact(shop, email="jd@mail.example", first_name="Jane", last_name="Doe"),
        "john": make_contact(shop, email="john@shop.example", first_name="John", last_name="Doe"),
        "max": make_contact(shop, email="max@mail.example", first_name="Max", last_name="Mu"),
    }

    # when
    found = listed(shop, search=search)

    # then
    assert found == [people[name].pk for name in reversed(list(people)) if name in expected]


@pytest.fixture
def people(shop):
    """Five contacts, one per trait the filters look at; listed newest (eve) first."""
    ada = make_contact(
        shop,
        lifecycle_stage=LifecycleStage.VIP,
        orders_count=6,
        country="GB",
        email_consent=EmailConsent.GRANTED,
        last_order_at=T0,
    )
    make_spend(ada, "USD", "50.0000")
    bob = make_contact(
        shop,
        lifecycle_stage=LifecycleStage.LAPSED,
        orders_count=1,
        country="FR",
        email_consent=EmailConsent.WITHDRAWN,
        last_order_at=T0 - timedelta(seconds=1),
    )
    make_spend(bob, "EUR", "500.0000")
    cyd = make_contact(shop, orders_count=2, country="DE", last_order_at=T0 + timedelta(days=7))
    make_spend(cyd, "USD", "49.9999")
    dee = make_contact(shop)
    eve = make_contact(shop, orders_count=3, country="US", last_order_at=T0 + timedelta(days=3))
    make_spend(eve, "USD", "80.0000")
    make_spend(eve, "EUR", "80.0000")
    return {"ada": ada, "bob": bob, "cyd": cyd, "dee": dee, "eve": eve}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ContactFilters(lifecycle_stages=["vip", "lapsed"]), ["bob", "ada"]),
        (ContactFilters(lifecycle_stages=[]), ["eve", "dee", "cyd", "bob", "ada"]),
        (ContactFilters(has_ordered=True), ["eve", "cyd", "bob", "ada"]),
        (ContactFilters(has_ordered=False), ["dee"]),
        (ContactFilters(countries=["de", "FR"]), ["cyd", "bob"]),
        (ContactFilters(email_consents=["granted", "unknown"]), ["eve", "dee", "cyd", "ada"]),
        (ContactFilters(spend_at_least=SpendAtLeast("usd", Decimal(50))), ["eve", "ada"]),
        (ContactFilters(spend_at_least=SpendAtLeast("EUR", Decimal(500))), ["bob"]),
        (ContactFilters(last_order_after=T0), ["eve", "cyd", "ada"]),
        (ContactFilters(last_order_before=T0 + timedelta(days=7)), ["eve", "bob", "ada"]),
        (
            ContactFilters(last_order_after=T0, last_order_before=T0 + timedelta(days=7)),
            ["eve", "ada"],
        ),
        (ContactFilters(countries=["GB", "US"], email_consents=["unknown"]), ["eve"]),
    ],
)
def test_filters_keep_the_matching_contacts(shop, people, filters, expected):
    # when
    found = listed(shop, filters=filters)

    # then
    assert found == [people[name].pk for name in expected]


def test_filters_and_search_combine(shop):
    # given
    match = make_contact(shop, first_name="Ada", country="GB", orders_count=1)
    make_contact(shop, first_name="Ada", country="GB")
    make_contact(shop, first_name="Bob", country="GB", orders_count=1)

    # when
    found = listed(shop, search="ada", filters=ContactFilters(countries=["GB"], has_ordered=True))

    # then
    assert found == [match.pk]


def test_contacts_of_another_installation_never_appear(shop):
    # given
    other = make_shop("other")
    mine = make_contact(shop, first_name="Ada", orders_count=1)
    theirs = make_contact(other, first_name="Ada", orders_count=1)

    # when
    found = listed(shop, search="ada", filters=ContactFilters(has_ordered=True))
    page = selectors.contacts_page(installation_id=shop.pk, first=10)

    # then
    assert found == [mine.pk]
    assert page.total_count() == 1
    assert selectors.contact_detail(installation_id=shop.pk, contact_id=theirs.pk) is None


def test_contact_detail_carries_spend_by_currency(shop):
    # given
    contact = make_contact(shop)
    make_spend(contact, "USD", "30.0000", orders=2, average="15.0000")
    make_spend(contact, "EUR", "12.5000")

    # when
    found = selectors.contact_detail(installation_id=shop.pk, contact_id=contact.pk)

    # then
    assert found == contact
    assert [(s.currency, s.orders, s.total) for s in found.spend.all()] == [
        ("EUR", 1, Decimal("12.5000")),
        ("USD", 2, Decimal("30.0000")),
    ]


def test_timeline_pages_newest_first(shop):
    # given
    contact = make_contact(shop)
    events = [make_event(contact, "order.placed", T0 + timedelta(hours=i)) for i in range(3)]
    tied = make_event(contact, "email.opened", T0 + timedelta(hours=2))
    make_event(make_contact(shop), "order.placed", T0 + timedelta(hours=1))

    # when
    seen, sizes = walk(
        lambda first, after: selectors.contact_timeline(
            installation_id=shop.pk, contact_id=contact.pk, first=first, after=after
        ),
        first=3,
    )

    # then
    assert seen == [tied.pk, events[2].pk, events[1].pk, events[0].pk]
    assert sizes == [3, 1]


def test_timeline_keeps_the_asked_types(shop):
    # given
    contact = make_contact(shop)
    placed = make_event(contact, "order.placed", T0)
    make_event(contact, "checkout.updated", T0 + timedelta(hours=1))
    opened = make_event(contact, "email.opened", T0 + timedelta(hours=2))

    # when
    page = selectors.contact_timeline(
        installation_id=shop.pk, contact_id=contact.pk, types=["order.placed", "email.opened"]
    )

    # then
    assert [event.pk for event in page.nodes] == [opened.pk, placed.pk]
    assert page.total_count() == 2


def test_timeline_of_another_installations_contact_is_empty(shop):
    # given
    theirs = make_contact(make_shop("other"))
    make_event(theirs, "order.placed", T0)

    # when
    page = selectors.contact_timeline(installation_id=shop.pk, contact_id=theirs.pk)

    # then
    assert page.edges == []
    assert page.total_count() == 0


def test_timeline_refuses_a_contact_list_cursor(shop):
    # given
    contact = make_contact(shop)
    make_contact(shop)
    after = selectors.contacts_page(installation_id=shop.pk, first=1).end_cursor

    # when
    with pytest.raises(InvalidPagination):
        selectors.contact_timeline(installation_id=shop.pk, contact_id=contact.pk, after=after)


EXPORTED_AT = T0 + timedelta(days=100)


def test_export_holds_everything_about_the_contact_and_nothing_else(shop):
    # given
    with time_machine.travel(T0, tick=False):
        contact = make_contact(
            shop,
            saleor_user_id="VXNlcjox",
            email="ada@example.com",
            first_name="Ada",
            last_name="Lovelace",
            country="GB",
            city="London",
            birthday=T0.date(),
            metadata={"shoe_size": "38"},
            email_consent=EmailConsent.GRANTED,
            orders_count=1,
            first_order_at=T0,
            last_order_at=T0,
            lifecycle_stage=LifecycleStage.FIRST_TIME_BUYER,
            favourite_categories=["Shoes"],
            email_opens_30d=2,
            email_opens_90d=3,
            last_email_open_at=T0,
            best_send_hour=9,
            phone="+4915112345678",
            sms_consent=EmailConsent.GRANTED,
            writeback_extra={"loyalty.tier": "gold"},
        )
        other = make_contact(shop)
    push = PushSubscription.objects.create(
        installation=shop,
        contact=contact,
        endpoint="https://push.example/send/abc",
        p256dh="BKey",
        auth="secret-auth",
        user_agent="Firefox",
        created_at=T0,
    )
    spend = make_spend(contact, "USD", "10.0000")
    event = make_event(contact, "order.placed", T0, properties={"total": "10.00"})
    order = make_order(contact, lines=[{"sku": "SHOE-1", "quantity": 1}])
    checkout = make_checkout(contact, lines=[{"sku": "SHOE-1", "quantity": 1}])
    alias = ContactAlias.objects.create(installation=shop, contact=contact, anonymous_id="anon-1")
    consent = ConsentRecord.objects.create(
        installation=shop,
        contact=contact,
        action="confirmed",
        source="confirm",
        ip_address="203.0.113.9",
        occurred_at=T0,
    )
    ContactAlias.objects.create(installation=shop, contact=other, anonymous_id="anon-2")
    make_spend(other, "USD", "99.0000")
    make_event(other, "order.placed", T0)
    make_order(other)
    make_checkout(other)

    # when
    with time_machine.travel(EXPORTED_AT, tick=False):
        export = selectors.contact_export(installation_id=shop.pk, contact_id=contact.pk)
    assert export is not None

    # then
    assert json.loads(json.dumps(export)) == export
    assert export["exported_at"] == "2025-04-11T00:00:00+00:00"
    assert export["contact"] == {
        "id": contact.pk,
        "saleor_user_id": "VXNlcjox",
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "language_code": "",
        "country": "GB",
        "city": "London",
        "time_zone": "",
        "birthday": "2025-01-01",
        "gender": "",
        "metadata": {"shoe_size": "38"},
        "attribute_writes": {},
        "is_customer": False,
        "email_consent": "granted",
        "phone": "+4915112345678",
        "sms_consent": "granted",
        "push_consent": "unknown",
        "postal_consent": "unknown",
        "postal_address": {},
        "preferences": {},
        "date_joined": None,
        "created_at": "2025-01-01T00:00:00+00:00",
        "updated_at": "2025-01-01T00:00:00+00:00",
        "source_updated_at": None,
        "last_seen_at": None,
        "orders_count": 1,
        "first_order_at": "2025-01-01T00:00:00+00:00",
        "last_order_at": "2025-01-01T00:00:00+00:00",
        "lifecycle_stage": "first_time_buyer",
        "rfm_recency": None,
        "rfm_frequency": None,
        "rfm_monetary": None,
        "favourite_categories": ["Shoes"],
        "predicted_next_order_at": None,
        "prediction_basis": {},
        "email_opens_30d": 2,
        "email_opens_90d": 3,
        "email_clicks_30d": 0,
        "email_clicks_90d": 0,
        "last_email_open_at": "2025-01-01T00:00:00+00:00",
        "last_email_click_at": None,
        "best_send_hour": 9,
        "send_time_weights": {},
        "send_time_clicks": 0,
        "send_time_opens": 0,
        "send_time_oldest_at": None,
        "preferred_channel": "",
        "channel_scores": {},
        "channel_scores_at": None,
        "segments": [],
        "writeback_extra": {"loyalty.tier": "gold"},
        "metadata_consent_seen": None,
    }
    assert export["spend"] == [
        {
            "id": spend.pk,
            "currency": "USD",
            "orders": 1,
            "total": "10.0000",
            "average_order_value": "10.0000",
        }
    ]
    assert export["events"] == [
        {
            "id": event.pk,
            "type": "order.placed",
            "occurred_at": "2025-01-01T00:00:00+00:00",
            "recorded_at": event.recorded_at.isoformat(),
            "source": "webhook",
            "properties": {"total": "10.00"},
        }
    ]
    assert [row["saleor_id"] for row in export["orders"]] == [order.saleor_id]
    assert export["orders"][0]["lines"] == [{"sku": "SHOE-1", "quantity": 1}]
    assert export["orders"][0]["total_gross"] == "10.0000"
    assert [row["saleor_id"] for row in export["checkouts"]] == [checkout.saleor_id]
    assert export["checkouts"][0]["lines"] == [{"sku": "SHOE-1", "quantity": 1}]
    assert "token" not in export["checkouts"][0]
    assert [row["id"] for row in export["anonymous_ids"]] == [alias.pk]
    assert [(row["id"], row["ip_address"]) for row in export["consent_ledger"]] == [
        (consent.pk, "203.0.113.9")
    ]
    # the browser's push subscription, without its encryption keys (credentials, not data)
    assert export["push_subscriptions"] == [
        {
            "id": push.pk,
            "endpoint": "https://push.example/send/abc",
            "user_agent": "Firefox",
            "created_at": "2025-01-01T00:00:00+00:00",
            "last_used_at": None,
            "expired_at": None,
        }
    ]


def test_export_of_another_installations_contact_is_none(shop):
    # given
    theirs = make_contact(make_shop("other"))
    make_order(theirs)

    # when
    export = selectors.contact_export(installation_id=shop.pk, contact_id=theirs.pk)

    # then
    assert export is None
