"""Ready-made journeys, each installed in one action as an editable draft, published at once,
sending messaging's default templates. Vouchers are percentages valid in every channel
(``"*"``); the admin edits the value or names channels in the draft.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from saleor_mautomation.core.errors import PermanentError
from saleor_mautomation.journeys.models import Journey
from saleor_mautomation.journeys.services import journey_publish
from saleor_mautomation.messages.services import templates_builtin_ensure


def _send(template: str, then: str, best_hour: bool = False) -> dict[str, Any]:
    return {"type": "send_email", "template": template, "at_best_hour": best_hour, "next": then}


def _wait(then: str, **duration: int) -> dict[str, Any]:
    return {"type": "wait", "duration": duration, "next": then}


def _voucher(then: str, percent: int, days: int, prefix: str) -> dict[str, Any]:
    return {
        "type": "give_voucher",
        "discount_type": "percentage",
        "values": {"*": percent},
        "valid_days": days,
        "code_prefix": prefix,
        "next": then,
    }


EXIT = {"type": "exit"}
ORDERED = {"event_type": "order.placed"}

PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "welcome-series": (
        "Welcome series",
        {
            "entry": {"type": "event", "event_type": "customer.created"},
            "start": "welcome",
            "nodes": {
                "welcome": _send("welcome-1", "pause-1"),
                "pause-1": _wait("second", days=2),
                "second": _send("welcome-2", "pause-2", best_hour=True),
                "pause-2": _wait("ordered", days=3),
                "ordered": {
                    "type": "condition",
                    "condition": {"type": "order"},
                    "yes": "end",
                    "no": "third",
                },
                "third": _send("welcome-3", "end", best_hour=True),
                "end": EXIT,
            },
        },
    ),
    "abandoned-checkout": (
        "Abandoned checkout",
        {
            "entry": {
                "type": "event",
                "event_type": "checkout.abandoned",
                "entry_key": "checkout_id",
            },
            "reentry": {"mode": "every_time"},
            "goal": ORDERED,
            "start": "first",
            "nodes": {
                "first": _send("abandoned-checkout-1", "pause-1"),
                "pause-1": _wait("second", hours=23),
                "second": _send("abandoned-checkout-2", "pause-2"),
                "pause-2": _wait("code", days=2),
                "code": _voucher("third", 10, 7, "CART"),
                "third": _send("abandoned-checkout-3", "end"),
                "end": EXIT,
            },
        },
    ),
    "browse-abandonment": (
        "Browse abandonment",
        {
            "entry": {"type": "event", "event_type": "browse.abandoned"},
            "reentry": {"mode": "after_days", "days": 7},
            "goal": ORDERED,
            "start": "nudge",
            "nodes": {"nudge": _send("browse-abandonment", "end", best_hour=True), "end": EXIT},
        },
    ),
    "win-back": (
        "Win-back",
        {
            "entry": {"type": "event", "event_type": "customer.lapsed"},
            "reentry": {"mode": "after_days", "days": 180},
            "goal": ORDERED,
            "start": "miss-you",
            "nodes": {
                "miss-you": _send("win-back-1", "pause-1", best_hour=True),
                "pause-1": _wait("code", days=7),
                "code": _voucher("offer", 15, 21, "BACK"),
                "offer": _send("win-back-2", "pause-2", best_hour=True),
                "pause-2": _wait("last-call", days=7),
                "last-call": _send("win-back-3", "end", best_hour=True),
                "end": EXIT,
            },
        },
    ),
    "post-purchase": (
        "Post-purchase thanks and review",
        {
            "entry": {"type": "event", "event_type": "order.placed", "entry_key": "order_id"},
            "reentry": {"mode": "every_time"},
            "start": "thanks",
            "nodes": {
                "thanks": _send("post-purchase-thanks", "delivered"),
                "delivered": {
                    "type": "wait_for_event",
                    "event_type": "order.fulfilled",
                    "timeout": {"days": 14},
                    "on_event": "settle",
                    "on_timeout": "end",
                },
                "settle": _wait("review", days=5),
                "review": _send("post-purchase-review", "end", best_hour=True),
                "end": EXIT,
            },
        },
    ),
    "birthday": (
        "Birthday",
        {
            "entry": {"type": "date", "field": "birthday", "days_offset": 0, "at_hour": 9},
            "reentry": {"mode": "every_time"},
            "start": "code",
            "nodes": {
                "code": _voucher("greeting", 15, 14, "BDAY"),
                "greeting": _send("birthday", "end"),
                "end": EXIT,
            },
        },
    ),
    "spend-threshold": (
        "VIP spend threshold",
        {
            # Once: the first threshold crossed makes a VIP (set the thresholds per currency
            # in the contacts settings; filter on "threshold" here to start at a higher one).
            "entry": {"type": "event", "event_type": "spend.threshold_crossed"},
            "start": "tag",
            "nodes": {
                "tag": {
                    "type": "update_profile",
                    "metadata": {"mautomation.vip": "true"},
                    "next": "club",
                },
                "club": {"type": "list_add", "list": "vip-club", "next": "thanks"},
                "thanks": _send("vip", "end", best_hour=True),
                "end": EXIT,
            },
        },
    ),
    "vip": (
        "VIP welcome",
        {
            "entry": {
                "type": "event",
                "event_type": "segment.entered",
                "where": [{"property": "segment", "op": "eq", "value": "stage-vip"}],
            },
            "start": "vip",
            "nodes": {"vip": _send("vip", "end", best_hour=True), "end": EXIT},
        },
    ),
}


def journey_preset_install(*, installation_id: int, key: str, now: datetime) -> Journey:
    """Install a preset as a published journey (its draft stays editable). The default
    templates it sends are added first where the shop lacks them (one added to the app after
    the shop installed it): publishing refuses a step whose template does not exist."""
    if key not in PRESETS:
        raise PermanentError(f"No preset {key!r}", code="unknown_preset")
    name, definition = PRESETS[key]
    templates_builtin_ensure(installation_id=installation_id, now=now)
    with transaction.atomic():
        journey, created = Journey.objects.get_or_create(
            installation_id=installation_id, key=key, defaults={"name": name, "draft": definition}
        )
        if created:
            journey_publish(journey=journey, now=now)
    return journey
