"""Event-entered journeys in real time: a drained Saleor delivery enrols its customer and the
first step's message is queued in the same unit of work; a waiting run wakes on its event."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from saleor_mautomation.contacts.config import contacts_config
from saleor_mautomation.flows.drain import deliveries_drain
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.journeys.models import Journey, JourneyRun
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.journeys.triggers import triggers_sweep
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from tests.contacts.factories import make_contact, make_shop
from tests.journeys.test_triggers import NOW, cart
from tests.support import deliveries as d

USER, EMAIL = "VXNlcjo4OA==", "grace@example.com"


def order(number: str, day: float, event: str = "ORDER_CREATED", placed: float = 1, **fields):
    return d.order(
        event,
        order_id=f"T3JkZXI6{number}",
        number=number,
        user_id=USER,
        email=EMAIL,
        placed=placed,
        day=day,
        total="30.00",
        **fields,
    )


def post_purchase(installation):
    journey = Journey.objects.create(
        installation=installation,
        key="post-purchase",
        name="Post-purchase",
        draft={
            "entry": {"type": "event", "event_type": "order.placed", "entry_key": "order_id"},
            "reentry": {"mode": "every_time"},
            "start": "thanks",
            "nodes": {
                "thanks": {"type": "send_email", "template": "post-purchase-thanks", "next": "w"},
                "w": {
                    "type": "wait_for_event",
                    "event_type": "order.fulfilled",
                    "timeout": {"days": 10},
                    "on_event": "review",
                    "on_timeout": "end",
                },
                "review": {
                    "type": "send_email",
                    "template": "post-purchase-review",
                    "next": "end",
                },
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=d.T0)
    return journey


def drain():
    deliveries_drain(batch_size=10, max_batches=10, max_attempts=3)


def test_an_order_enrols_its_customer_and_fulfilment_wakes_the_run(
    client, key, standin_installation
):
    # given
    templates_builtin_ensure(installation_id=standin_installation.pk, now=d.T0)
    post_purchase(standin_installation)
    api = standin_installation.saleor_api_url

    # when: an order arrives
    with time_machine.travel(d.T0 + timedelta(days=1, minutes=1), tick=False):
        assert d.post(client, key, api, order("91", 1)).status_code == 200
        drain()

    # then: enrolled per order, thanks queued at once
    run = JourneyRun.objects.get()
    assert (run.entry_key, run.node) == ("T3JkZXI691", "w")  # the order id
    keys = list(Message.objects.values_list("template_version__template__key", flat=True))
    assert keys == ["post-purchase-thanks"]

    # when: the order is fulfilled two days later
    with time_machine.travel(d.T0 + timedelta(days=3), tick=False):
        fulfilled = order("91", 3, event="ORDER_FULFILLED", status="FULFILLED")
        assert d.post(client, key, api, fulfilled).status_code == 200
        drain()

    # then: the run woke on the event and asked for the review, then ended
    run.refresh_from_db()
    assert (run.status, run.exit_reason) == ("exited", "end")
    keys = list(
        Message.objects.order_by("pk").values_list("template_version__template__key", flat=True)
    )
    assert keys == ["post-purchase-thanks", "post-purchase-review"]


def test_a_derived_abandonment_enrols_the_abandoned_checkout_journey(db):
    # given: the preset-like journey and a checkout quiet for two hours
    shop = make_shop("abandon")
    templates_builtin_ensure(installation_id=shop.pk, now=NOW)
    journey = Journey.objects.create(
        installation=shop,
        key="abandoned-checkout",
        name="Abandoned checkout",
        draft={
            "entry": {
                "type": "event",
                "event_type": "checkout.abandoned",
                "entry_key": "checkout_id",
            },
            "reentry": {"mode": "every_time"},
            "goal": {"event_type": "order.placed"},
            "start": "first",
            "nodes": {
                "first": {"type": "send_email", "template": "abandoned-checkout-1", "next": "end"},
                "end": {"type": "exit"},
            },
        },
    )
    journey_publish(journey=journey, now=NOW)
    ada = make_contact(shop, email_consent="granted")
    checkout = cart(ada)

    # when
    triggers_sweep(
        installation_id=shop.pk,
        now=NOW,
        config=contacts_config(shop.pk),
        spend_thresholds={},
        unit=lambda: unit_of_work(now=NOW),
    )

    # then
    run = JourneyRun.objects.get(journey=journey)
    assert (run.contact, run.entry_key) == (ada, checkout.saleor_id)
    message = Message.objects.get(contact=ada)
    assert message.template_version is not None
    assert message.template_version.template.key == "abandoned-checkout-1"
    assert message.context["event"]["checkout_id"] == checkout.saleor_id
