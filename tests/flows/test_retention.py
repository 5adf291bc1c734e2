"""Raw webhook bodies are kept DELIVERY_RETENTION_DAYS: drained ones then go, failed and
rejected ones keep their row without the body, pending ones are never touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from saleor_mautomation.flows.tasks import deliveries_retention_sweep_task
from saleor_mautomation.intake.models import Delivery
from saleor_mautomation.intake.retention import ERASED_BODY
from tests.flows.people import T

BODY = b'{"user": {"email": "ada@example.com"}}'


@pytest.fixture
def shop(standin_installation):
    return standin_installation


def delivery(shop, status: str, days_ago: float) -> Delivery:
    return Delivery.objects.create(
        installation=shop,
        event="CUSTOMER_UPDATED",
        body=BODY,
        body_sha256=f"{status}-{days_ago}",
        status=status,
        error="boom" if status in {"failed", "rejected"} else "",
        received_at=T - timedelta(days=days_ago),
    )


def stored(shop):
    return sorted(
        (d.body_sha256, d.status, d.error, bytes(d.body))
        for d in Delivery.objects.filter(installation=shop)
    )


@time_machine.travel(T, tick=False)
def test_the_sweep_applies_the_retention_by_status(shop, settings):
    # given
    settings.DELIVERY_RETENTION_DAYS = 30
    for status in ("processed", "ignored", "failed", "rejected", "pending"):
        delivery(shop, status, 31)
        delivery(shop, status, 29)

    # when
    swept = deliveries_retention_sweep_task()
    again = deliveries_retention_sweep_task()

    # then
    assert (swept, again) == (4, 0)  # two deleted, two blanked; then nothing left to do
    assert stored(shop) == [
        ("failed-29", "failed", "boom", BODY),
        ("failed-31", "failed", "boom", ERASED_BODY),
        ("ignored-29", "ignored", "", BODY),
        ("pending-29", "pending", "", BODY),
        ("pending-31", "pending", "", BODY),  # work not done yet: never touched
        ("processed-29", "processed", "", BODY),
        ("rejected-29", "rejected", "boom", BODY),
        ("rejected-31", "rejected", "boom", ERASED_BODY),
    ]


@time_machine.travel(T, tick=False)
def test_the_retention_is_a_setting(shop, settings):
    # given
    settings.DELIVERY_RETENTION_DAYS = 7
    delivery(shop, "processed", 8)
    delivery(shop, "processed", 6)

    # when
    deliveries_retention_sweep_task()

    # then
    assert [row[0] for row in stored(shop)] == ["processed-6"]
