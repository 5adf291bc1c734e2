"""The segments every shop gets on day one: one per lifecycle stage and the usual RFM classes.

They are ordinary definitions (the admin may adjust their thresholds); their keys are fixed so
that journeys and the write-back to Saleor can rely on them. The RFM mapping (scores 1-5 are
quintiles within the installation, see ``contacts/sweeps.py``) is documented in
``docs/segments.md``; the classes may overlap (a champion is also loyal).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from saleor_mautomation.contacts.models import LifecycleStage
from saleor_mautomation.segments.models import Segment
from saleor_mautomation.segments.services import segment_create


def _score(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"type": "profile", "field": f"rfm_{field}", "op": op, "value": value}


def _all(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"version": 1, "root": {"type": "and", "conditions": list(conditions)}}


RFM_CLASSES: list[tuple[str, str, str, dict[str, Any]]] = [
    (
        "champions",
        "Champions",
        "Bought recently and often (R >= 4, F >= 4).",
        _all(_score("recency", "gte", 4), _score("frequency", "gte", 4)),
    ),
    (
        "loyal",
        "Loyal customers",
        "Buy often and not long ago (F >= 4, R >= 3).",
        _all(_score("frequency", "gte", 4), _score("recency", "gte", 3)),
    ),
    (
        "potential-loyalists",
        "Potential loyalists",
        "Recent customers with a few orders (R >= 4, F 2-3).",
        _all(_score("recency", "gte", 4), _score("frequency", "between", [2, 3])),
    ),
    (
        "new-customers",
        "New customers",
        "Bought for the first time, very recently (R = 5, F = 1).",
        _all(_score("recency", "eq", 5), _score("frequency", "eq", 1)),
    ),
    (
        "at-risk",
        "At risk",
        "Used to buy often, not lately (R <= 2, F >= 3).",
        _all(_score("recency", "lte", 2), _score("frequency", "gte", 3)),
    ),
    (
        "hibernating",
        "Hibernating",
        "Bought rarely and long ago (R <= 2, F <= 2).",
        _all(_score("recency", "lte", 2), _score("frequency", "lte", 2)),
    ),
]

STAGE_NAMES = {
    LifecycleStage.SUBSCRIBER: ("Subscribers", "Opted in, no order yet."),
    LifecycleStage.PROSPECT: ("Prospects", "Known, neither buyer nor subscriber."),
    LifecycleStage.FIRST_TIME_BUYER: ("First-time buyers", "Exactly one order."),
    LifecycleStage.REPEAT: ("Repeat customers", "More than one order."),
    LifecycleStage.VIP: ("VIPs", "At least the VIP order count (settings)."),
    LifecycleStage.LAPSING: ("Lapsing", "No order for the lapsing period (settings)."),
    LifecycleStage.LAPSED: ("Lapsed", "No order for the lapsed period (settings)."),
}


def builtin_definitions() -> list[tuple[str, str, str, dict[str, Any]]]:
    """(key, name, description, definition) of every built-in segment."""
    stages = [
        (
            f"stage-{stage.value.replace('_', '-')}",
            name,
            description,
            {
                "version": 1,
                "root": {
                    "type": "profile",
                    "field": "lifecycle_stage",
                    "op": "eq",
                    "value": stage.value,
                },
            },
        )
        for stage, (name, description) in STAGE_NAMES.items()
    ]
    return stages + RFM_CLASSES


def segments_builtin_ensure(*, installation_id: int, now: datetime) -> list[Segment]:
    """Create the built-in segments the installation lacks (idempotent); returns new ones."""
    existing = set(
        Segment.objects.filter(installation_id=installation_id, is_builtin=True).values_list(
            "key", flat=True
        )
    )
    return [
        segment_create(
            installation_id=installation_id,
            name=name,
            description=description,
            definition=definition,
            key=key,
            is_builtin=True,
            now=now,
        )
        for key, name, description, definition in builtin_definitions()
        if key not in existing
    ]
