"""The offer pool: each recipient gets the offers that fit their profile, best first."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy

import pytest

from saleor_mautomation.messages.models import Offer, Template
from saleor_mautomation.messages.offers import offer_condition_check, offers_for
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.sending import messages_send_due
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.contacts.factories import make_contact, make_shop

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def offer(shop, title, condition=None, priority=0, active=True):
    return Offer.objects.create(
        installation=shop,
        title=title,
        url=f"https://shop.example/{title.lower().replace(' ', '-')}",
        condition=condition,
        priority=priority,
        active=active,
    )


def test_each_recipient_gets_the_offers_that_fit_best_first(db):
    # given
    shop = make_shop("offers")
    germans = {"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}}
    buyers = {"root": {"type": "profile", "field": "orders_count", "op": "gte", "value": 1}}
    offer(shop, "Free shipping")  # for everyone
    offer(shop, "Berlin pop-up", condition=germans, priority=10)
    offer(shop, "Loyalty points", condition=buyers, priority=5)
    offer(shop, "Old sale", priority=99, active=False)
    offer(make_shop("other"), "Not ours", priority=100)
    hans = make_contact(shop, country="DE", orders_count=2)
    jane = make_contact(shop, country="US")

    # when / then
    assert [o["title"] for o in offers_for(contact=hans, now=T)] == [
        "Berlin pop-up",
        "Loyalty points",
        "Free shipping",
    ]
    assert [o["title"] for o in offers_for(contact=jane, now=T)] == ["Free shipping"]
    assert [o["title"] for o in offers_for(contact=hans, now=T, limit=1)] == ["Berlin pop-up"]


def test_a_condition_that_cannot_run_is_refused():
    with pytest.raises(DefinitionInvalid):
        offer_condition_check({"root": {"type": "profile", "field": "shoe", "op": "eq"}})
    offer_condition_check(None)


def test_the_fitting_offer_is_in_the_sent_email(db, mailbox):
    # given
    shop = make_shop("offer-mail")
    templates_builtin_ensure(installation_id=shop.pk, now=T)
    offer(
        shop,
        "Berlin pop-up",
        condition={"root": {"type": "profile", "field": "country", "op": "eq", "value": "DE"}},
    )
    offer(
        shop,
        "US only",
        condition={"root": {"type": "profile", "field": "country", "op": "eq", "value": "US"}},
    )
    hans = make_contact(shop, country="DE", email_consent="granted", time_zone="Europe/Berlin")
    welcome = Template.objects.get(installation=shop, key="welcome-2")  # has an offers block
    message_enqueue(contact=hans, template=welcome, dedupe_key="w", now=T)

    # when
    messages_send_due(now=T, app_url="https://app.example", default_from="s@x.example")

    # then
    (raw,) = [content for _, _, content in mailbox.received]
    html = email.message_from_bytes(raw, policy=policy.default).get_body(preferencelist=("html",))
    assert html is not None
    assert "Berlin pop-up" in html.get_content()
    assert "US only" not in html.get_content()
