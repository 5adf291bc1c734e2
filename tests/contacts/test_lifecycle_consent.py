"""The lifecycle stage follows the email consent (issue 21), and sign-ups are recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.contacts.consent import (
    Evidence,
    Purpose,
    consent_imported,
    consent_token,
    consent_withdraw,
    subscription_confirm,
    subscription_request,
)
from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.contacts.services import (
    contact_upsert_from_user,
    contacts_upsert_from_users,
)
from saleor_mautomation.contacts.writeback import DEBOUNCE
from saleor_mautomation.events.models import Event
from saleor_mautomation.saleor import payloads
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
WEB = Evidence(source="confirm-page", ip_address="203.0.113.9")


@pytest.fixture
def shop(db):
    return make_shop("linden")


def events(contact: Contact) -> list[tuple[str, dict[str, str]]]:
    return sorted(Event.objects.filter(contact=contact).values_list("type", "properties"))


def user(*, consent: str | None, user_id: str = "VXNlcjo3", updated: datetime = T) -> payloads.User:
    metadata = [{"key": "marketing_consent", "value": consent}] if consent else []
    return payloads.User.model_validate(
        {
            "id": user_id,
            "email": "ada@example.com",
            "updatedAt": updated.isoformat(),
            "metadata": [],
            "privateMetadata": metadata,
        }
    )


def test_a_confirmed_subscription_makes_a_prospect_a_subscriber_and_is_recorded_once(shop):
    # given
    contact = subscription_request(
        installation_id=shop.pk, email="ada@example.com", anonymous_id=None, evidence=WEB, now=T
    )
    assert (contact.email_consent, contact.lifecycle_stage) == ("pending", "prospect")
    token = consent_token(contact, Purpose.CONFIRM)

    # when: the link is confirmed, then again an hour later
    subscription_confirm(token=token, evidence=WEB, now=T)
    subscription_confirm(token=token, evidence=WEB, now=T + timedelta(hours=1))

    # then
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", "subscriber")
    assert events(contact) == [
        ("contact.signed_up", {"via": "newsletter"}),
        ("newsletter.subscribed", {"source": "confirm-page"}),
    ]
    assert Event.objects.get(type="newsletter.subscribed").occurred_at == T


def test_an_unsubscribe_takes_a_subscriber_back_to_prospect_and_records_no_sign_up(shop):
    # given
    contact = make_contact(shop, email_consent="granted", lifecycle_stage="subscriber")

    # when
    consent_withdraw(contact=contact, evidence=Evidence(source="unsubscribe"), now=T)

    # then
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("withdrawn", "prospect")
    assert events(contact) == []


@pytest.mark.parametrize(
    ("orders", "last_order_days", "stage"),
    [(1, 10, "first_time_buyer"), (2, 10, "repeat"), (5, 10, "vip"), (1, 200, "lapsing")],
)
def test_a_buyers_stage_stays_the_orders_whatever_the_consent(shop, orders, last_order_days, stage):
    # given
    contact = make_contact(
        shop,
        email_consent="pending",
        orders_count=orders,
        last_order_at=T - timedelta(days=last_order_days),
        lifecycle_stage=stage,
    )

    # when / then: confirmed, then withdrawn
    subscription_confirm(token=consent_token(contact, Purpose.CONFIRM), evidence=WEB, now=T)
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", stage)
    consent_withdraw(contact=contact, evidence=Evidence(source="unsubscribe"), now=T)
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("withdrawn", stage)


def test_an_imported_consent_moves_the_stage_but_records_no_sign_up(shop):
    # given
    contact = make_contact(shop)

    # when
    changed = consent_imported(
        contact=contact,
        granted=True,
        evidence=Evidence(source="import:mailchimp"),
        occurred_at=T - timedelta(days=400),
        details={"file": "list.csv"},
    )

    # then
    contact.refresh_from_db()
    assert changed is True
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", "subscriber")
    assert events(contact) == []


def test_a_saleor_customer_consenting_in_its_metadata_signs_up_once(shop):
    # given: a customer without consent
    contact = contact_upsert_from_user(installation_id=shop.pk, user=user(consent=None))
    assert (contact.email_consent, contact.lifecycle_stage) == ("unknown", "prospect")
    assert events(contact) == []

    # when: the storefront writes the consent; later the customer is updated again
    contact_upsert_from_user(installation_id=shop.pk, user=user(consent="granted"))
    later = T + timedelta(days=1)
    contact_upsert_from_user(installation_id=shop.pk, user=user(consent="granted", updated=later))

    # then
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", "subscriber")
    assert events(contact) == [("contact.signed_up", {"via": "account"})]
    assert Event.objects.get(type="contact.signed_up").occurred_at == T

    # when: the metadata withdraws it
    contact_upsert_from_user(
        installation_id=shop.pk, user=user(consent="withdrawn", updated=T + timedelta(days=2))
    )

    # then
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("withdrawn", "prospect")


def test_a_page_of_consenting_customers_are_subscribers_without_a_sign_up(shop):
    # when: the backfill's bulk page
    (contact,) = contacts_upsert_from_users(installation_id=shop.pk, users=[user(consent="yes")])

    # then
    contact.refresh_from_db()
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", "subscriber")
    assert events(contact) == []


def test_a_consent_change_of_a_saleor_customer_is_due_for_the_write_back(shop, time_machine):
    # given: a customer whose figures were written back
    time_machine.move_to(T, tick=False)
    contact = make_contact(shop, saleor_user_id="VXNlcjo3", writeback_hash="written")

    # when
    subscription_confirm(token=consent_token(contact, Purpose.CONFIRM), evidence=WEB, now=T)

    # then
    contact.refresh_from_db()
    assert contact.writeback_due_at == T + DEBOUNCE
    assert contact.lifecycle_stage == "subscriber"
