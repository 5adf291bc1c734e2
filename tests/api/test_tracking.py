from datetime import timedelta

import pytest
import time_machine

from saleor_mautomation.api.views.tracking import PIXEL
from saleor_mautomation.events.models import Event
from saleor_mautomation.messages import tokens
from tests.contacts.factories import make_contact, make_shop
from tests.messages.test_tracking import IPHONE_SAFARI, T, make_message

LATER = T + timedelta(hours=3)
TEE = "https://shop.example/products/tee?size=m&utm_source=mautomation&utm_medium=email"


@pytest.fixture
def message(db):
    contact = make_contact(make_shop("acme"), email="ada@example.com", email_consent="granted")
    return make_message(contact)


def fetch(client, path, user_agent=IPHONE_SAFARI):
    with time_machine.travel(LATER, tick=False):
        return client.get(path, headers={"User-Agent": user_agent})


def test_the_pixel_records_a_human_open_and_updates_the_contacts_figures(client, message):
    # when
    response = fetch(client, f"/t/o/{tokens.open_token(message.pk)}")

    # then
    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == ("image/gif", "no-store")
    assert response.content == PIXEL
    event = Event.objects.get()
    assert (event.type, event.contact_id, event.source, event.occurred_at, event.properties) == (
        "email.opened",
        message.contact_id,
        "tracking",
        LATER,
        {"message_id": message.pk, "machine": False},
    )
    message.refresh_from_db()
    assert (message.opens, message.clicks) == (1, 0)
    message.contact.refresh_from_db()
    assert (message.contact.email_opens_30d, message.contact.last_email_open_at) == (1, LATER)


def test_each_open_is_its_own_event(client, message):
    # when
    fetch(client, f"/t/o/{tokens.open_token(message.pk)}")
    fetch(client, f"/t/o/{tokens.open_token(message.pk)}")

    # then
    assert Event.objects.filter(type="email.opened").count() == 2
    message.refresh_from_db()
    assert message.opens == 2


def test_a_privacy_proxy_open_is_recorded_as_machine_and_not_counted(client, message):
    # when: Apple Mail Privacy Protection's proxy
    response = fetch(client, f"/t/o/{tokens.open_token(message.pk)}", user_agent="Mozilla/5.0")

    # then
    assert response.status_code == 200
    event = Event.objects.get()
    assert (event.type, event.properties) == (
        "email.opened",
        {"message_id": message.pk, "machine": True},
    )
    message.refresh_from_db()
    assert message.opens == 0
    message.contact.refresh_from_db()
    assert (message.contact.email_opens_30d, message.contact.last_email_open_at) == (0, None)


def test_the_pixel_of_a_bad_token_is_an_image_and_records_nothing(client, message):
    # given: an open token with its last character changed
    token = tokens.open_token(message.pk)
    token = token[:-1] + ("A" if token[-1] != "A" else "B")

    # when
    response = fetch(client, f"/t/o/{token}")

    # then
    assert response.status_code == 200
    assert (response["Content-Type"], response["Cache-Control"]) == ("image/gif", "no-store")
    assert response.content == PIXEL
    assert Event.objects.count() == 0
    message.refresh_from_db()
    assert message.opens == 0


def test_a_click_redirects_to_the_signed_url_with_its_utm_and_is_recorded(client, message):
    # when
    response = fetch(client, f"/t/c/{tokens.click_token(message.pk, TEE)}")

    # then
    assert response.status_code == 302
    assert (response["Location"], response["Cache-Control"]) == (TEE, "no-store")
    event = Event.objects.get()
    assert (event.type, event.contact_id, event.source, event.properties) == (
        "email.clicked",
        message.contact_id,
        "tracking",
        {"message_id": message.pk, "url": TEE, "machine": False},
    )
    message.refresh_from_db()
    assert (message.opens, message.clicks) == (0, 1)
    message.contact.refresh_from_db()
    assert (message.contact.email_clicks_30d, message.contact.last_email_click_at) == (1, LATER)


def test_a_scanner_click_redirects_but_does_not_count(client, message):
    # when
    response = fetch(
        client, f"/t/c/{tokens.click_token(message.pk, TEE)}", user_agent="Mimecast URL Protect"
    )

    # then
    assert (response.status_code, response["Location"]) == (302, TEE)
    assert Event.objects.get().properties == {"message_id": message.pk, "url": TEE, "machine": True}
    message.refresh_from_db()
    assert message.clicks == 0


def test_a_click_within_two_seconds_of_sending_is_a_machine_click(client, message):
    # when
    with time_machine.travel(message.sent_at + timedelta(seconds=1), tick=False):
        client.get(
            f"/t/c/{tokens.click_token(message.pk, TEE)}", headers={"User-Agent": IPHONE_SAFARI}
        )

    # then
    assert Event.objects.get().properties["machine"] is True
    message.refresh_from_db()
    assert message.clicks == 0


def test_a_click_token_with_a_changed_url_is_not_found_and_never_redirects(client, message):
    # given: the genuine token's signature on a payload naming another site
    _, signature = tokens.click_token(message.pk, TEE).rsplit(":", 1)
    payload = tokens._b64(f'{{"m":{message.pk},"u":"https://evil.test/"}}'.encode())

    # when
    response = fetch(client, f"/t/c/{payload}:{signature}")

    # then
    assert response.status_code == 404
    assert "Location" not in response
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "This link is not valid" in response.content.decode()
    assert Event.objects.count() == 0
    message.refresh_from_db()
    assert message.clicks == 0


def test_a_head_request_redirects_without_recording(client, message):
    # when: a link checker
    with time_machine.travel(LATER, tick=False):
        response = client.head(f"/t/c/{tokens.click_token(message.pk, TEE)}")

    # then
    assert (response.status_code, response["Location"]) == (302, TEE)
    assert Event.objects.count() == 0
