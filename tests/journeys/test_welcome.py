"""The welcome programme end to end (issue 21): who enters, once, and the two branches.

The shop runs as in ``test_e2e_presets``: Saleor posts signed deliveries (minted from the
captured CUSTOMER_CREATED and ORDER_CREATED samples), the storefront calls the app's GraphQL
API, a person follows the links of the emails, the scheduler's tasks run at simulated moments
and the emails arrive at a loopback SMTP server.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys.models import JourneyRun
from saleor_mautomation.segments.models import Membership
from tests.journeys.catalogue_rows import catalogue_urls, make_product
from tests.journeys.e2e import Email, Shop, day
from tests.journeys.test_e2e_presets import assert_marketing, outline
from tests.support import deliveries as d
from tests.support.deliveries import Minted

USER, EMAIL = "VXNlcjo5MDE=", "ada@example.com"
ORDER = "T3JkZXI6OTAx"
MINUTE = timedelta(minutes=1)
HREF = re.compile(r'href="([^"]+)"')
SUBSCRIBE = """mutation S($email: String!) { subscribe(email: $email) { status } }"""
# The captured ORDER_CREATED holds Apple Juice and Monospace Tee; another shopper's order of
# Apple Juice with Cold Brew makes Cold Brew what is bought together with Ada's order.
APPLE_JUICE, TEE, COLD_BREW = "UHJvZHVjdDoxNTI=", "UHJvZHVjdDoxMzQ=", "UHJvZHVjdDo5MDE="


def storefront(shop: Shop, query: str, **variables: Any) -> Any:
    """An anonymous storefront call."""
    response = shop.client.post(
        "/graphql/",
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        headers={"Saleor-Api-Url": shop.shop.saleor_api_url},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def registered(*, days: float, consent: bool = False) -> Minted:
    """Ada creates an account; with ``consent`` the shop keeps her marketing consent in the
    customer's private metadata."""
    metadata = [{"key": "time_zone", "value": "Europe/Berlin"}]
    if consent:
        metadata.append({"key": "marketing_consent", "value": "granted"})
    return d.customer(
        "CUSTOMER_CREATED",
        user_id=USER,
        email=EMAIL,
        day=days,
        firstName="Ada",
        lastName="Lovelace",
        privateMetadata=metadata,
    )


def ordered(*, days: float, order_id: str = ORDER, number: str = "901") -> Minted:
    return d.order(
        "ORDER_CREATED",
        order_id=order_id,
        number=number,
        user_id=USER,
        email=EMAIL,
        placed=days,
        day=days,
    )


def cold_brew_with_juice(*, days: float) -> Minted:
    """Grace (a guest) orders Apple Juice with Cold Brew: the captured order, its second line
    made Cold Brew."""
    minted = d.order(
        "ORDER_CREATED",
        order_id="T3JkZXI6OTk5",
        number="999",
        user_id=None,
        email="grace@example.com",
        placed=days,
        day=days,
    )
    body = json.loads(minted.body)
    line = body["order"]["lines"][1]
    line["productName"] = "Cold Brew"
    line["variant"]["id"] = line["productVariantId"] = f"{COLD_BREW}-V"
    line["variant"]["product"] = {
        **line["variant"]["product"],
        "id": COLD_BREW,
        "name": "Cold Brew",
        "slug": "cold-brew",
    }
    return Minted(minted.event, json.dumps(body).encode())


def catalogue(shop: Shop) -> None:
    """The three products, sold in the orders' channel and category."""
    catalogue_urls(shop.shop)
    for saleor_id, name, price in (
        (APPLE_JUICE, "Apple Juice", "1.99"),
        (TEE, "Monospace Tee", "20.00"),
        (COLD_BREW, "Cold Brew", "4.50"),
    ):
        make_product(shop.shop, saleor_id, name, price=price, category="Juices", at=day(0))


def ada() -> Contact:
    return Contact.objects.get(email=EMAIL)


def welcome_runs() -> list[tuple[str, str]]:
    """Each welcome run of Ada: (status, node)."""
    return list(
        JourneyRun.objects.filter(journey__key="welcome-series", contact=ada())
        .order_by("pk")
        .values_list("status", "node")
    )


def page_links(mail: Email) -> list[str]:
    """The paths of the app's pages an email links to, redirects of tracked links followed."""
    paths = []
    for href in HREF.findall(mail.html):
        path = urlsplit(href).path
        if path.startswith("/t/c/"):
            path = urlsplit(mail_redirect(path)).path
        paths.append(path)
    return paths


def mail_redirect(path: str) -> str:
    from django.test import Client

    location: str = Client().get(path)["Location"]
    return location


def subscriber_segment_members() -> list[int]:
    return list(
        Membership.objects.filter(
            segment__key="stage-subscriber", exited_at__isnull=True
        ).values_list("contact_id", flat=True)
    )


# -- a newsletter sign-up -----------------------------------------------------------------------


def test_a_confirmed_newsletter_sign_up_is_welcomed_and_becomes_a_subscriber(shop):
    # given
    shop.install("welcome-series")
    # when: Ada signs up on the storefront; the confirmation email arrives
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    (confirmation,) = shop.tick(day(0))
    assert confirmation.template == "double-opt-in"
    (confirm,) = {path for path in page_links(confirmation) if path.startswith("/p/")}

    # then: opening the link shows the button and changes nothing
    assert shop.client.get(confirm).status_code == 200
    assert (ada().email_consent, ada().lifecycle_stage) == ("pending", "prospect")
    assert shop.tick(day(0) + MINUTE) == []
    assert not Event.objects.filter(type__in=["newsletter.subscribed", "contact.signed_up"])

    # when: she presses the button an hour later
    shop.at(day(0) + timedelta(hours=1))
    assert shop.client.post(confirm).status_code == 200

    # then: she is a subscriber, in the built-in segment, and welcomed at once
    contact = ada()
    assert (contact.email_consent, contact.lifecycle_stage) == ("granted", "subscriber")
    assert subscriber_segment_members() == [contact.pk]
    events = Event.objects.filter(type__in=["contact.signed_up", "newsletter.subscribed"])
    assert sorted(events.values_list("type", "properties", "occurred_at")) == [
        ("contact.signed_up", {"via": "newsletter"}, day(0) + timedelta(hours=1)),
        ("newsletter.subscribed", {"source": "confirm-page"}, day(0) + timedelta(hours=1)),
    ]
    (welcome,) = shop.tick(day(0) + timedelta(hours=1))
    assert welcome.template == "welcome-1"
    assert welcome.to == EMAIL
    assert welcome_runs() == [("waiting", "pause")]

    # when: she presses the button again
    assert shop.client.post(confirm).status_code == 200

    # then: nothing new
    assert Event.objects.filter(type="newsletter.subscribed").count() == 1
    assert shop.tick(day(0) + timedelta(hours=2)) == []


def test_an_unsubscribe_takes_the_subscriber_back_to_prospect(shop):
    # given: a confirmed subscriber, welcomed
    shop.install("welcome-series")
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    (confirmation,) = shop.tick(day(0))
    (confirm,) = {path for path in page_links(confirmation) if path.startswith("/p/")}
    shop.client.post(confirm)
    (welcome,) = shop.tick(day(0) + MINUTE)
    assert ada().lifecycle_stage == "subscriber"

    # when: one click on the welcome email's List-Unsubscribe
    unsubscribe = urlsplit(str(welcome.mime["List-Unsubscribe"])[1:-1])
    response = shop.client.post(
        f"{unsubscribe.path}?{unsubscribe.query}", data={"List-Unsubscribe": "One-Click"}
    )

    # then
    assert response.status_code == 200
    assert (ada().email_consent, ada().lifecycle_stage) == ("withdrawn", "prospect")
    assert subscriber_segment_members() == []
    assert shop.tick(day(30)) == []  # the programme's mails are not sent to her any more


# -- one welcome per contact --------------------------------------------------------------------


def test_a_subscriber_who_registers_later_is_not_welcomed_twice(shop):
    # given: Ada subscribed and confirmed on day 0, welcomed
    shop.install("welcome-series")
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    (confirmation,) = shop.tick(day(0))
    (confirm,) = {path for path in page_links(confirmation) if path.startswith("/p/")}
    shop.client.post(confirm)
    assert [m.template for m in shop.tick(day(0) + MINUTE)] == ["welcome-1"]

    # when: she creates an account the next day, consenting there too
    shop.deliver(registered(days=1, consent=True))

    # then: one contact, one signed_up, one run, no second welcome
    assert Contact.objects.count() == 1
    assert list(Event.objects.filter(type="contact.signed_up").values_list("properties")) == [
        ({"via": "newsletter"},)
    ]
    assert Event.objects.filter(type="customer.created").count() == 1
    assert shop.tick(day(1) + MINUTE) == []
    assert welcome_runs() == [("waiting", "pause")]


def test_a_customer_registered_without_consent_is_welcomed_once_they_confirm_the_newsletter(
    shop,
):
    # given: Ada registered on day 0 without agreeing to marketing email
    shop.install("welcome-series")
    shop.deliver(registered(days=0))

    # then: nobody to welcome yet
    assert shop.tick(day(0) + MINUTE) == []
    assert welcome_runs() == []
    assert ada().lifecycle_stage == "prospect"

    # when: she subscribes to the newsletter on day 1 and confirms
    shop.at(day(1))
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    (confirmation,) = shop.tick(day(1))
    (confirm,) = {path for path in page_links(confirmation) if path.startswith("/p/")}
    assert shop.client.post(confirm).status_code == 200

    # then: a subscriber, welcomed now
    assert ada().lifecycle_stage == "subscriber"
    assert list(Event.objects.filter(type="contact.signed_up").values_list("properties")) == [
        ({"via": "newsletter"},)
    ]
    assert [m.template for m in shop.tick(day(1) + MINUTE)] == ["welcome-1"]
    assert welcome_runs() == [("waiting", "pause")]


def test_a_consenting_customer_who_resubscribes_later_is_not_welcomed_twice(shop):
    # given: Ada registered consenting on day 0, welcomed, then unsubscribed on day 1
    shop.install("welcome-series")
    shop.deliver(registered(days=0, consent=True))
    (welcome,) = shop.tick(day(0))
    assert welcome.template == "welcome-1"
    assert ada().lifecycle_stage == "subscriber"
    shop.at(day(1))
    unsubscribe = urlsplit(str(welcome.mime["List-Unsubscribe"])[1:-1])
    shop.client.post(
        f"{unsubscribe.path}?{unsubscribe.query}", data={"List-Unsubscribe": "One-Click"}
    )
    assert ada().lifecycle_stage == "prospect"

    # when: she signs up for the newsletter again on day 3 and confirms
    shop.at(day(3))
    assert storefront(shop, SUBSCRIBE, email=EMAIL) == {"subscribe": {"status": "PENDING"}}
    (confirmation,) = shop.tick(day(3))
    (confirm,) = {path for path in page_links(confirmation) if path.startswith("/p/")}
    assert shop.client.post(confirm).status_code == 200

    # then: a subscriber again, her subscription recorded, no second welcome
    assert ada().lifecycle_stage == "subscriber"
    assert Event.objects.filter(type="newsletter.subscribed").count() == 1
    assert list(Event.objects.filter(type="contact.signed_up").values_list("properties")) == [
        ({"via": "account"},)
    ]
    assert shop.tick(day(3) + MINUTE) == []
    assert len(welcome_runs()) == 1


# -- buyers -------------------------------------------------------------------------------------


def test_a_customer_who_ordered_gets_cross_and_up_sell(shop):
    # given: the shop's catalogue; a guest bought Apple Juice with Cold Brew
    catalogue(shop)
    shop.install("welcome-series")
    shop.deliver(cold_brew_with_juice(days=-3))

    # when: Ada registers (consenting in the shop's metadata) and orders the next day
    shop.deliver(registered(days=0, consent=True))
    first = shop.tick(day(0))
    shop.deliver(ordered(days=1))

    # then: the welcome at once, the cross-sell two days after sign-up, the up-sell five
    # days after that; nothing a minute early, no code, no incentive
    assert outline(first) == [("welcome-1", EMAIL, day(0), "Welcome to Linden, Ada!")]
    assert shop.tick(day(2) - MINUTE) == []
    cross = shop.tick(day(2))
    assert outline(cross) == [
        ("welcome-buyer-1", EMAIL, day(2), "Great choice, Ada! What goes well with your order")
    ]
    text = cross[0].text
    assert "Apple Juice" in text  # what she chose
    assert "Monospace Tee" in text
    assert "Cold Brew (https://shop.example/default-channel/products/cold-brew/)" in text
    assert "Bought together with Apple Juice in 1 order\r\n" in text
    assert shop.tick(day(7) - MINUTE) == []
    up = shop.tick(day(7))
    assert outline(up) == [
        ("welcome-buyer-2", EMAIL, day(7), "Our customers' favourites, picked for you")
    ]
    assert "Cold Brew (https://shop.example/default-channel/products/cold-brew/)" in up[0].text
    assert "Best-seller in Juices: ordered once in 30 days" in up[0].text
    assert shop.tick(day(60)) == []
    for mail in [*first, *cross, *up]:
        assert_marketing(mail)
    assert shop.standin.codes == []
    assert welcome_runs() == [("exited", "end")]
    assert ada().lifecycle_stage == "first_time_buyer"


# -- non-buyers ---------------------------------------------------------------------------------


def test_a_customer_who_has_not_ordered_gets_a_unique_code_and_a_reminder(shop):
    # given
    shop.install("welcome-series")

    # when: Ada registers and does not order
    shop.deliver(registered(days=0, consent=True))

    # then: the welcome, two days later a code of her own, five days after that a reminder
    assert [m.template for m in shop.tick(day(0))] == ["welcome-1"]
    assert shop.tick(day(2) - MINUTE) == []
    incentive = shop.tick(day(2))
    assert outline(incentive) == [
        ("welcome-incentive", EMAIL, day(2), "A welcome gift for your first order")
    ]
    (code,) = shop.standin.codes
    assert code.startswith("HELLO-")
    assert code in incentive[0].text
    assert shop.tick(day(7) - MINUTE) == []
    reminder = shop.tick(day(7))
    assert outline(reminder) == [
        ("welcome-reminder", EMAIL, day(7), f"Your code {code} is still waiting")
    ]
    assert code in reminder[0].text
    assert shop.tick(day(14)) == []
    for mail in [*incentive, *reminder]:
        assert_marketing(mail)
    assert shop.standin.codes == [code]
    assert welcome_runs() == [("exited", "end")]
    exited: datetime | None = JourneyRun.objects.get(contact=ada()).exited_at
    assert exited == day(14)
    assert shop.tick(day(60)) == []


def test_a_customer_who_orders_after_the_code_moves_to_the_buyers_emails(shop):
    # given: Ada got her code on day 2
    catalogue(shop)
    shop.install("welcome-series")
    shop.deliver(cold_brew_with_juice(days=-3), registered(days=0, consent=True))
    assert [m.template for m in shop.tick(day(0))] == ["welcome-1"]
    assert [m.template for m in shop.tick(day(2))] == ["welcome-incentive"]

    # when: she orders on day 4
    shop.deliver(ordered(days=4))

    # then: no reminder; the buyers' emails two days after the order and five days later
    assert shop.tick(day(6) - MINUTE) == []
    cross = shop.tick(day(6))
    assert [m.template for m in cross] == ["welcome-buyer-1"]
    assert "Cold Brew" in cross[0].text
    assert shop.tick(day(11) - MINUTE) == []
    assert [m.template for m in shop.tick(day(11))] == ["welcome-buyer-2"]
    assert shop.tick(day(60)) == []
    assert welcome_runs() == [("exited", "end")]
    assert ada().lifecycle_stage == "first_time_buyer"
