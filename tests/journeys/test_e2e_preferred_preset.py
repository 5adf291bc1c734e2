"""The "abandoned checkout on the preferred channel" preset end to end, driven like production
(``test_e2e_presets.py``'s harness): installed from the dashboard, signed Saleor deliveries,
the scheduler's tasks at simulated moments, the emails at the loopback SMTP server."""

from __future__ import annotations

from datetime import timedelta

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.journeys.models import RunStep
from saleor_mautomation.messages.models import Message, Template
from tests.journeys.e2e import day
from tests.journeys.test_e2e_presets import (
    CHECKOUT,
    EMAIL,
    MINUTE,
    ada,
    assert_marketing,
    cart,
    outline,
    run_of,
    signed_up,
)

PRESET = "abandoned-checkout-preferred"


def reminder_step() -> tuple[str, dict[str, object]]:
    step = RunStep.objects.get(run=run_of(PRESET), node="remind", detail__has_key="channel")
    return step.kind, {k: v for k, v in step.detail.items() if k != "message_id"}


def test_without_a_learned_channel_the_reminder_is_an_email_then_another_a_day_later(shop):
    # given: the preset brings its SMS and push templates along
    shop.install(PRESET)
    assert set(
        Template.objects.filter(installation=shop.shop, channel__in=["sms", "push"]).values_list(
            "key", flat=True
        )
    ) >= {"abandoned-checkout-sms", "abandoned-checkout-push"}
    shop.deliver(signed_up(days=0))

    # when: Ada leaves a cart on day 1
    shop.deliver(cart(days=1, event="CHECKOUT_CREATED", lines=1))
    quiet = day(1) + timedelta(hours=1)

    # then: the first reminder by email (the first of the fallback order she can be reached on)
    assert shop.tick(quiet - MINUTE) == []
    (first,) = shop.tick(quiet)
    assert outline([first]) == [
        ("abandoned-checkout-1", EMAIL, quiet, "You left something in your cart")
    ]
    assert_marketing(first)
    assert reminder_step() == (
        "sent",
        {"template": "abandoned-checkout-1", "channel": "email", "choice": "fallback"},
    )
    assert [m.template for m in shop.tick(quiet + timedelta(hours=23))] == ["abandoned-checkout-2"]
    assert shop.tick(day(30)) == []
    assert run_of(PRESET).entry_key == CHECKOUT


def test_a_customer_who_answers_on_sms_gets_the_reminder_as_a_text_not_an_email(shop):
    # given: Ada gave her number with consent, and SMS is what she answers on
    shop.install(PRESET)
    shop.deliver(signed_up(days=0))
    Contact.objects.filter(pk=ada().pk).update(
        phone="+4915112345678", sms_consent="granted", preferred_channel="sms"
    )

    # when
    shop.deliver(cart(days=1, event="CHECKOUT_CREATED", lines=1))
    mails = shop.tick(day(1) + timedelta(hours=1))

    # then: no email; the text is in the outbox (this shop has no Twilio account: it waits)
    assert mails == []
    (text,) = Message.objects.filter(contact=ada(), journey__key=PRESET).select_related("template")
    assert text.template is not None
    assert (text.channel, text.to_address, text.template.key) == (
        "sms",
        "+4915112345678",
        "abandoned-checkout-sms",
    )
    assert reminder_step()[1] == {
        "template": "abandoned-checkout-sms",
        "channel": "sms",
        "choice": "preferred",
        "reason": "SMS is not set up for this shop (no Twilio account)",
    }
