"""A journey's condition node on a predicted value: likely-active buyers take one branch, the
others (and those without a prediction) the other."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.runner import runs_wake
from saleor_mautomation.journeys.services import journey_enroll, journey_publish
from saleor_mautomation.messages.models import Message
from saleor_mautomation.messages.services import templates_builtin_ensure
from saleor_mautomation.predictions.models import ContactPrediction, ContactValuePrediction
from tests.contacts.factories import make_contact

T = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def shop(standin_installation):
    templates_builtin_ensure(installation_id=standin_installation.pk, now=T)
    return standin_installation


def scored(contact, active, clv):
    ContactPrediction.objects.create(
        contact=contact,
        installation_id=contact.installation_id,
        frequency=1,
        recency_days=30.0,
        age_days=200.0,
        probability_active=active,
        expected_orders_12m=1.5,
        expected_next_order_at=None,
        computed_at=T,
    )
    ContactValuePrediction.objects.create(
        contact=contact,
        installation_id=contact.installation_id,
        currency="USD",
        orders=2,
        average_order_value=Decimal("50"),
        expected_orders_12m=1.5,
        expected_order_value=Decimal("50"),
        clv_12m=Decimal(clv),
        computed_at=T,
    )


def test_a_condition_on_predicted_value_picks_the_branch(shop):
    # given: valuable and likely active, or not
    definition = {
        "entry": {"type": "manual"},
        "start": "a",
        "nodes": {
            "a": {"type": "wait", "duration": {"days": 1}, "next": "valuable"},
            "valuable": {
                "type": "condition",
                "condition": {
                    "type": "and",
                    "conditions": [
                        {
                            "type": "prediction",
                            "metric": "probability_active",
                            "op": "gte",
                            "value": "0.5",
                        },
                        {
                            "type": "prediction",
                            "metric": "clv",
                            "currency": "USD",
                            "op": "gte",
                            "value": "100",
                        },
                    ],
                },
                "yes": "thanks",
                "no": "nudge",
            },
            "thanks": {"type": "send_email", "template": "post-purchase-thanks", "next": "end"},
            "nudge": {"type": "send_email", "template": "welcome-2", "next": "end"},
            "end": {"type": "exit"},
        },
    }
    journey = Journey.objects.create(installation=shop, key="vip", name="vip", draft=definition)
    journey_publish(journey=journey, now=T)
    ann, bob, cyd, dee = (make_contact(shop, email_consent="granted") for _ in range(4))
    scored(ann, 0.9, "150")
    scored(bob, 0.3, "150")  # valuable but likely gone
    scored(cyd, 0.9, "40")
    for person in (ann, bob, cyd, dee):  # dee: no prediction
        journey_enroll(journey=journey, contact=person, now=T)

    # when
    assert runs_wake(now=T + timedelta(days=1), limit=100) == 4

    # then
    def template_of(person):
        version = Message.objects.get(contact=person).template_version
        assert version is not None
        return version.template.key

    assert template_of(ann) == "post-purchase-thanks"
    assert [template_of(p) for p in (bob, cyd, dee)] == ["welcome-2"] * 3
