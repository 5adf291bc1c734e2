from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from saleor_mautomation.contacts.consent import Purpose, consent_token
from saleor_mautomation.contacts.models import ConsentRecord
from saleor_mautomation.events.models import Event
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def subscriber(db):
    return make_contact(make_shop("acme"), email="ada@example.com", email_consent="granted")


def ledger(contact):
    return list(
        ConsentRecord.objects.filter(contact=contact)
        .order_by("pk")
        .values_list("action", "source", "ip_address", "details")
    )


def test_the_one_click_post_unsubscribes_at_once(client, subscriber):
    # given
    token = consent_token(subscriber, Purpose.PREFERENCES)

    # when: the mailbox provider's RFC 8058 POST, no cookie, no CSRF token; then again
    responses = [
        client.post(
            f"/u/{token}",
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
            REMOTE_ADDR="203.0.113.9",
        )
        for _ in range(2)
    ]

    # then
    assert [response.status_code for response in responses] == [200, 200]
    subscriber.refresh_from_db()
    assert subscriber.email_consent == "withdrawn"
    assert ledger(subscriber) == [("withdrawn", "one-click", "203.0.113.9", {})]
    event = Event.objects.get()
    assert (event.type, event.contact_id, event.source, event.properties) == (
        "email.unsubscribed",
        subscriber.pk,
        "tracking",
        {"via": "one-click"},
    )


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)  # one token per second
def test_opening_the_unsubscribe_link_changes_nothing(client, subscriber):
    # given
    token = consent_token(subscriber, Purpose.PREFERENCES)

    # when: a person, or a link scanner
    response = client.get(f"/u/{token}")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post"><button type="submit">Unsubscribe</button></form>' in page
    assert "Stop marketing emails from Acme to ada@example.com?" in page
    assert f'<a href="/p/{token}">Manage your email preferences</a>' in page
    assert (response["X-Frame-Options"], response["Cache-Control"]) == ("DENY", "no-store")
    subscriber.refresh_from_db()
    assert subscriber.email_consent == "granted"
    assert ledger(subscriber) == []
    assert Event.objects.count() == 0


@time_machine.travel(datetime(2026, 6, 1, 12, tzinfo=UTC), tick=False)  # one token per second
def test_the_button_on_the_page_unsubscribes(client, subscriber):
    # given
    token = consent_token(subscriber, Purpose.PREFERENCES)

    # when
    response = client.post(f"/u/{token}")

    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>You are unsubscribed</h1>" in page
    assert f'<a href="/p/{token}">Manage your email preferences</a>' in page
    subscriber.refresh_from_db()
    assert subscriber.email_consent == "withdrawn"
    assert ledger(subscriber) == [("withdrawn", "unsubscribe-page", "127.0.0.1", {})]


def test_a_german_contact_gets_the_german_page(client, db):
    # given
    contact = make_contact(
        make_shop("kaufhaus"),
        email="max@example.de",
        language_code="de-DE",
        email_consent="granted",
    )

    # when
    response = client.get(f"/u/{consent_token(contact, Purpose.PREFERENCES)}")

    # then
    page = response.content.decode()
    assert '<html lang="de">' in page
    assert "<title>Abmelden | Kaufhaus</title>" in page
    assert "Keine Marketing-E-Mails von Kaufhaus mehr an max@example.de senden?" in page
    assert '<button type="submit">Abmelden</button>' in page


def test_an_unknown_unsubscribe_link_shows_a_page_and_changes_nothing(client, subscriber):
    # when
    response = client.post(
        "/u/bm90LWEtdG9rZW4:abc",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    # then
    assert response.status_code == 400
    assert "<h1>This link is not valid</h1>" in response.content.decode()
    assert ConsentRecord.objects.count() == 0


def test_the_preference_centre_shows_the_topics_and_saves_them(client, subscriber):
    # given
    subscriber.preferences = {"offers": False}
    subscriber.save()
    token = consent_token(subscriber, Purpose.PREFERENCES)

    # when
    shown = client.get(f"/p/{token}").content.decode()
    response = client.post(f"/p/{token}", data={"topics": ["newsletter", "offers"]})

    # then
    assert "You receive marketing emails from Acme at ada@example.com." in shown
    assert (
        '<label><input type="checkbox" name="topics" value="newsletter" checked> Newsletter</label>'
        '<label><input type="checkbox" name="topics" value="offers"> Offers and discounts</label>'
        '<label><input type="checkbox" name="topics" value="product_news" checked> Product news'
        "</label>"
    ) in shown
    assert response.status_code == 200
    assert '<p class="notice">Your preferences are saved.</p>' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.preferences == {"newsletter": True, "offers": True, "product_news": False}
    assert subscriber.email_consent == "granted"
    topics = {"newsletter": True, "offers": True, "product_news": False}
    assert ledger(subscriber) == [
        ("preferences", "preference-centre", "127.0.0.1", {"topics": topics})
    ]


def test_unsubscribe_from_all_in_the_preference_centre_withdraws_consent(client, subscriber):
    # given
    token = consent_token(subscriber, Purpose.PREFERENCES)

    # when
    response = client.post(f"/p/{token}", data={"topics": ["newsletter"], "unsubscribe_all": "1"})

    # then
    assert response.status_code == 200
    assert "You are unsubscribed: Acme sends no marketing emails" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.email_consent == "withdrawn"
    assert [row[:2] for row in ledger(subscriber)] == [
        ("preferences", "preference-centre"),
        ("withdrawn", "preference-centre"),
    ]


def test_the_confirmation_link_asks_first_and_the_button_confirms(client, db):
    # given
    contact = make_contact(make_shop("acme"), email="bo@example.com", email_consent="pending")
    token = consent_token(contact, Purpose.CONFIRM)

    # when
    asked = client.get(f"/p/{token}")
    contact.refresh_from_db()
    after_get = contact.email_consent
    confirmed = client.post(f"/p/{token}")

    # then
    assert asked.status_code == 200
    assert '<button type="submit">Confirm subscription</button>' in asked.content.decode()
    assert after_get == "pending"
    assert confirmed.status_code == 200
    page = confirmed.content.decode()
    assert "<h1>Your subscription is confirmed</h1>" in page
    preferences = consent_token(contact, Purpose.PREFERENCES)
    assert f'<a href="/p/{preferences}">Manage your email preferences</a>' in page
    contact.refresh_from_db()
    assert contact.email_consent == "granted"
    assert ledger(contact) == [("confirmed", "confirm-page", "127.0.0.1", {})]


def test_an_expired_confirmation_link_shows_a_page_and_confirms_nothing(client, db):
    # given: minted 8 days ago (links are valid for 7)
    contact = make_contact(make_shop("acme"), email="bo@example.com", email_consent="pending")
    with time_machine.travel(T, tick=False):
        token = consent_token(contact, Purpose.CONFIRM)

    # when
    with time_machine.travel(T + timedelta(days=8), tick=False):
        shown = client.get(f"/p/{token}", headers={"Accept-Language": "de-DE,de;q=0.9"})
        posted = client.post(f"/p/{token}")

    # then
    assert shown.status_code == 400
    assert "<h1>Dieser Link ist abgelaufen</h1>" in shown.content.decode()
    assert posted.status_code == 400
    assert "<h1>This link has expired</h1>" in posted.content.decode()
    contact.refresh_from_db()
    assert contact.email_consent == "pending"
    assert ledger(contact) == []
