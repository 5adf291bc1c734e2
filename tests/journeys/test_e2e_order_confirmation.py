"""An order confirmation built from the starter, end to end on PostgreSQL: the admin creates
the template from ``order-confirmation`` and a journey on ``order.placed`` through the
Dashboard's API; Saleor posts the order; the confirmation arrives at a real SMTP server on
loopback at once, transactional (to a guest buyer who never agreed to marketing, without the
one-click unsubscribe headers), with the order's number, lines and total."""

from __future__ import annotations

from saleor_mautomation.messages.context import shop_of
from saleor_mautomation.messages.models import Message
from tests.journeys.e2e import day
from tests.support import deliveries as d

GUEST = "guest.buyer@example.com"
CREATE_TEMPLATE = """mutation { createEmailTemplate(input: {name: "Order confirmation",
  start: {starter: "order-confirmation"}}) { template { key kind } } }"""
CREATE_JOURNEY = """mutation C($draft: GenericScalar) {
  createJourney(name: "Order confirmation", draft: $draft) { journey { id } } }"""
PUBLISH = """mutation P($id: ID!) { publishJourney(id: $id) {
  journey { status } errors { message } } }"""
DRAFT = {
    "entry": {"type": "event", "event_type": "order.placed", "entry_key": "order_id"},
    "reentry": {"mode": "every_time"},
    "start": "confirm",
    "nodes": {
        "confirm": {"type": "send_email", "template": "order-confirmation", "next": "end"},
        "end": {"type": "exit"},
    },
}


def test_a_guest_gets_the_confirmation_of_an_order_at_once(shop):
    # given: the template from the starter and a journey sending it on every order
    template = shop.dashboard(CREATE_TEMPLATE)["data"]["createEmailTemplate"]["template"]
    journey = shop.dashboard(CREATE_JOURNEY, draft=DRAFT)["data"]["createJourney"]["journey"]
    published = shop.dashboard(PUBLISH, id=journey["id"])["data"]["publishJourney"]
    name = shop_of(shop.shop)["name"]

    # when: a guest orders
    shop.deliver(
        d.order(
            "ORDER_CREATED",
            order_id="T3JkZXI6OTAy",
            number="902",
            user_id=None,
            email=GUEST,
            placed=1,
            day=1,
            total="43.98",
        )
    )
    (mail,) = shop.tick(day(1))

    # then
    assert template == {"key": "order-confirmation", "kind": "transactional"}
    assert published == {"journey": {"status": "active"}, "errors": []}
    assert (mail.template, mail.to, mail.subject) == (
        "order-confirmation",
        GUEST,
        f"Your order #902 at {name}",
    )
    assert mail.envelope_to == [GUEST]
    assert mail.mime["List-Unsubscribe"] is None
    assert mail.message.kind == "transactional"
    assert "$43.98" in mail.html
    assert "View your order" in mail.html  # its link tracked, to the order's page
    assert "We have received your order #902" in mail.text
    assert "Apple Juice" in mail.text
    assert "Monospace Tee\r\nS\r\nQty: 2 $20.00" in mail.text  # CRLF: a MIME part
    assert "Total $43.98" in mail.text
    assert "View your order (https://127.0.0.1/orders/902)" in mail.text
    assert "Unsubscribe" not in mail.html
    assert Message.objects.count() == 1
