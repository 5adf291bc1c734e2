"""The "send on the preferred channel" step end to end: a contact who clicked a text's link gets
the step's SMS at the loopback Twilio stand-in; one who clicked a text too but has since texted
STOP gets the email, at the loopback SMTP server; the steps record the channel and why."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.models import Event
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.definition import journey_parse
from saleor_mautomation.journeys.engine import Action, Facts, RunState, advance
from saleor_mautomation.journeys.models import Journey, RunStep
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.journeys.simulate import journey_simulate
from saleor_mautomation.journeys.validation import journey_check
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.outbox import message_enqueue
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.messages.sms import sms_inbound_apply, sms_provider_update
from saleor_mautomation.segments.errors import DefinitionInvalid
from tests.contacts.factories import make_contact
from tests.journeys.e2e import parsed
from tests.messages.test_sms import (
    SID,
    TOKEN,
    sms_template,
    twilio,  # noqa: F401 (the loopback Twilio fixture)
)
from tests.messages.test_sms import send as sms_send

T = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile"
ADA, BOB = "+4915112345678", "+4915187654321"
PREFERRED = {
    "type": "send_preferred",
    "templates": {"email": "welcome-2", "sms": "news-sms"},
    "fallback": ["email", "sms"],
    "next": "end",
}


@pytest.fixture
def shop(standin_installation):
    sms_provider_update(
        installation_id=standin_installation.pk,
        account_sid=SID,
        auth_token=TOKEN,
        from_number="+15005550006",
    )
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


def texter(shop, name: str, phone: str) -> Contact:
    return make_contact(
        shop,
        email=f"{name}@example.com",
        first_name=name.title(),
        email_consent="granted",
        phone=phone,
        sms_consent="granted",
        time_zone="Europe/Berlin",
    )


def click_the_texts_link(client, twilio, phone: str) -> None:  # noqa: F811
    """The person follows the link of the text Twilio delivered to ``phone``."""
    (body,) = [r["form"]["Body"] for r in twilio.created if r["form"]["To"] == phone]
    (link,) = re.findall(r"https://marketing\.example(/s/[A-Za-z0-9]{10})", body)
    response = client.get(link, headers={"User-Agent": BROWSER})
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/new"


def test_each_contact_gets_the_step_on_the_channel_they_answer_on_where_they_can_be_reached(
    shop,
    twilio,  # noqa: F811
    mailbox,
    client,
    time_machine,
):
    # given: both got a text with a link and clicked it an hour later
    time_machine.move_to(T, tick=False)
    news = sms_template(
        shop, key="news-sms", text="New in at {{ shop.name }}: https://shop.example/new"
    )
    ada, bob = texter(shop, "ada", ADA), texter(shop, "bob", BOB)
    for contact in (ada, bob):
        message_enqueue(contact=contact, template=news, dedupe_key=f"news:{contact.pk}", now=T)
    assert sms_send(twilio, now=T) == {"sent": 2}
    time_machine.move_to(T + timedelta(hours=1), tick=False)
    click_the_texts_link(client, twilio, ADA)
    click_the_texts_link(client, twilio, BOB)
    # then Bob texted STOP
    sms_inbound_apply(
        installation_id=shop.pk, from_number=BOB, body="Stop", now=T + timedelta(hours=2)
    )
    ada.refresh_from_db()
    bob.refresh_from_db()
    assert (ada.preferred_channel, bob.preferred_channel, bob.sms_consent) == (
        "sms",
        "sms",
        "withdrawn",
    )
    assert Event.objects.filter(type="sms.clicked").count() == 2

    # when: three days later both enter a journey that sends on the preferred channel
    later = T + timedelta(days=3)
    time_machine.move_to(later, tick=False)
    definition = {
        "entry": {"type": "manual"},
        "start": "send",
        "nodes": {"send": PREFERRED, "end": {"type": "exit"}},
    }
    journey = Journey.objects.create(installation=shop, key="pref", name="pref", draft=definition)
    journey_publish(journey=journey, now=later)
    journey_enroll(journey=journey, contact=ada, now=later)
    journey_enroll(journey=journey, contact=bob, now=later)
    sent = sms_send(twilio, now=later)

    # then: Ada's text went to Twilio, Bob's email to the SMTP server
    assert sent == {"sent": 2}
    texts = [(r["form"]["To"], r["form"]["Body"]) for r in twilio.created[2:]]
    ada_message = Message.objects.get(contact=ada, journey=journey)
    bob_message = Message.objects.get(contact=bob, journey=journey)
    assert [to for to, _ in texts] == [ADA]
    assert texts[0][1].startswith("New in at ")
    (envelope,) = mailbox.received
    assert envelope[1] == ["bob@example.com"]
    assert parsed(envelope[2])["Message-ID"] == bob_message.message_id
    assert (ada_message.channel, bob_message.channel) == ("sms", "email")
    steps = {
        s.run.contact_id: (s.kind, s.detail)
        for s in RunStep.objects.filter(run__journey=journey, node="send").select_related("run")
    }
    assert steps == {
        ada.pk: (
            "queued",  # the sender's outcome follows by a later task (message_steps_follow)
            {
                "template": "news-sms",
                "channel": "sms",
                "choice": "preferred",
                "message_id": ada_message.pk,
            },
        ),
        bob.pk: (
            "queued",
            {
                "template": "welcome-2",
                "channel": "email",
                "choice": "fallback",
                "message_id": bob_message.pk,
            },
        ),
    }


def test_publishing_names_each_channels_missing_or_mismatched_template(shop):
    # given: no "news-sms" template, and an SMS template offered as the email
    definition = {
        "entry": {"type": "manual"},
        "start": "send",
        "nodes": {
            "send": {**PREFERRED, "templates": {"email": "sms-like", "sms": "news-sms"}},
            "end": {"type": "exit"},
        },
    }
    sms_template(shop, key="sms-like", text="Hello")

    # when
    problems = journey_check(installation_id=shop.pk, definition=journey_parse(definition), now=T)

    # then
    assert [(p.node_id, p.code, p.field) for p in problems] == [
        ("send", "template_channel_mismatch", "templates.email"),
        ("send", "template_not_found", "templates.sms"),
    ]


def _definition(node: dict[str, Any]) -> d.JourneyDefinition:
    return journey_parse(
        {
            "entry": {"type": "manual"},
            "start": "send",
            "nodes": {"send": node, "end": {"type": "exit"}},
        }
    )


def test_the_engine_sends_on_the_preferred_channel_and_says_why():
    # given
    definition = _definition(
        {
            "type": "send_preferred",
            "templates": {"email": "mail", "sms": "text", "push": "note"},
            "fallback": ["sms", "email", "push"],
            "at_best_hour": True,
            "next": "end",
        }
    )
    state = RunState(run_id=7, node="send", node_entered_at=T)

    # when
    preferred = advance(
        definition,
        state,
        Facts(preferred_channel="push", reachable=frozenset({"email", "push"})),
        T,
    )
    fallback = advance(
        definition, state, Facts(preferred_channel="push", reachable=frozenset({"email"})), T
    )
    held_out = advance(definition, replace(state, holdout=True), Facts(), T)

    # then
    assert preferred.actions == (
        Action(
            "send_push",
            "send",
            {"template": "note", "at_best_hour": True, "channel": "push", "choice": "preferred"},
        ),
    )
    assert fallback.actions == (
        Action(
            "send_email",
            "send",
            {"template": "mail", "at_best_hour": True, "channel": "email", "choice": "fallback"},
        ),
    )
    assert held_out.actions == (
        Action(
            "send_sms",
            "send",
            {"template": "text", "at_best_hour": True, "channel": "sms", "choice": "unreachable"},
            held_out=True,
        ),
    )
    assert preferred.status == fallback.status == "exited"


@pytest.mark.parametrize(
    ("templates", "fallback", "message"),
    [
        ({"email": "mail", "sms": "text"}, ["email"], "names exactly the channels with a template"),
        ({"email": "mail"}, ["email", "email"], "each channel once"),
        ({"email": "mail"}, ["email", "sms"], "names exactly the channels with a template"),
        ({}, [], "at least 1 item"),
        ({"fax": "mail"}, ["fax"], "'email', 'sms' or 'push'"),
    ],
)
def test_a_step_needs_a_template_for_each_channel_of_its_fallback_order(
    templates, fallback, message
):
    node = {"type": "send_preferred", "templates": templates, "fallback": fallback, "next": "end"}

    with pytest.raises(DefinitionInvalid) as refused:
        _definition(node)

    assert message in str(refused.value.errors)
    assert all(e.field.startswith("nodes.send") for e in refused.value.errors)


def test_testing_a_journey_with_a_contact_shows_the_channel_it_would_take(shop):
    # given: Ada prefers SMS but has no phone number; she can be reached by email
    ada = make_contact(
        shop, email="ada@example.com", email_consent="granted", preferred_channel="sms"
    )
    definition = _definition(PREFERRED)

    # when
    trace = journey_simulate(definition, contact=ada, now=T)

    # then
    assert [(step.node, step.kind, step.detail) for step in trace] == [
        ("send", "passed", {}),
        (
            "send",
            "send_email",
            {
                "template": "welcome-2",
                "at_best_hour": False,
                "channel": "email",
                "choice": "fallback",
            },
        ),
        ("end", "passed", {}),
        ("end", "exited", {"reason": "end"}),
    ]
