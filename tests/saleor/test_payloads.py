from decimal import Decimal

import pytest

from saleor_mautomation.saleor import payloads
from saleor_mautomation.saleor.webhooks import SPECS_BY_EVENT
from tests.support.samples import webhook_sample, webhook_sample_names

SUBSCRIBED = [name for name in webhook_sample_names() if name.split("--")[0] in SPECS_BY_EVENT]


@pytest.mark.parametrize("name", SUBSCRIBED)
def test_captured_delivery_parses_with_its_payload_model(name):
    # given
    sample = webhook_sample(name)
    spec = SPECS_BY_EVENT[sample["event"]]

    # when
    payload = spec.parse(sample["raw_body"])

    # then
    assert isinstance(payload, spec.payload)
    assert payload.typename == spec.typename
    assert payload.issued_at.tzinfo is not None


def test_order_payload_keeps_money_exact_with_currency():
    payload = SPECS_BY_EVENT["ORDER_CREATED"].parse(webhook_sample("ORDER_CREATED")["raw_body"])

    assert isinstance(payload, payloads.OrderEvent)
    order = payload.order
    assert order is not None
    assert order.number == "21"
    assert order.total.gross == payloads.Money(amount=Decimal("43.98"), currency="USD")
    assert [(line.product_name, line.quantity) for line in order.lines] == [
        ("Apple Juice", 2),
        ("Monospace Tee", 2),
    ]
    assert order.checkout_id == "Q2hlY2tvdXQ6ZjA1ZWExZTgtNDdmZC00Y2YxLTg0NTAtZmRjZTkxNzZiMDA4"


def test_guest_checkout_has_no_user_and_anonymous_principal():
    payload = SPECS_BY_EVENT["CHECKOUT_CREATED"].parse(
        webhook_sample("CHECKOUT_CREATED--guest")["raw_body"]
    )

    assert isinstance(payload, payloads.CheckoutEvent)
    assert payload.issuing_principal is None
    assert payload.checkout is not None
    assert payload.checkout.user is None


def test_payload_model_rejects_a_body_missing_required_fields():
    with pytest.raises(ValueError, match="issuedAt"):
        SPECS_BY_EVENT["ORDER_CREATED"].parse(b'{"__typename": "OrderCreated"}')
