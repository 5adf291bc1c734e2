"""``/api/esp/<esp>/tracking/``: ESP webhooks, verified and parsed by django-anymail, whose
``tracking`` signal lands here and is applied by ``messages.esp`` (thin: parse, apply)."""

from __future__ import annotations

from typing import Any

from saleor_mautomation.core import clock
from saleor_mautomation.flows.unit import unit_of_work
from saleor_mautomation.messages.esp import esp_event_apply


def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    now = clock.now()
    with unit_of_work(now=now):  # deliveries and bounces reach segments and journeys
        _apply(event, esp_name, now)


def _apply(event: Any, esp_name: str, now: Any) -> None:
    esp_event_apply(
        esp=esp_name.lower().replace(" ", "_"),
        event_type=str(event.event_type),
        provider_id=event.message_id,
        event_id=event.event_id,
        detail=str(event.mta_response or event.description or event.reject_reason or ""),
        now=now,
    )
