"""The engine's part of send-time optimisation: a broadcast at each recipient's best time asks
every send of it, whatever its channel or node, for the contact's best moment; other journeys
only where a node asks (``at_best_hour``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from saleor_mautomation.journeys.definition import journey_parse
from saleor_mautomation.journeys.engine import Facts, RunState, advance
from saleor_mautomation.segments.errors import DefinitionInvalid

T = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
BROADCAST = {"type": "broadcast", "segment_id": 1, "send_at": T.isoformat()}
NODES: dict[str, Any] = {
    "mail": {"type": "send_email", "template": "sale", "next": "text"},
    "text": {"type": "send_sms", "template": "sale-sms", "next": "push"},
    "push": {"type": "send_push", "template": "sale-push", "next": "pick"},
    "pick": {
        "type": "send_preferred",
        "templates": {"email": "sale", "sms": "sale-sms"},
        "fallback": ["email", "sms"],
        "next": "own",
    },
    "own": {"type": "send_email", "template": "sale", "at_best_hour": True, "next": "end"},
    "end": {"type": "exit"},
}


def best_hours(entry: dict[str, Any]) -> list[tuple[str, object]]:
    definition = journey_parse({"entry": entry, "start": "mail", "nodes": NODES})
    outcome = advance(
        definition,
        RunState(run_id=1, node="mail", node_entered_at=T),
        Facts(reachable=frozenset({"email"})),
        T,
    )
    return [(action.node, action.params["at_best_hour"]) for action in outcome.actions]


def test_a_best_time_broadcast_sends_every_step_at_the_best_hour():
    assert best_hours({**BROADCAST, "best_time": True}) == [
        ("mail", True),
        ("text", True),
        ("push", True),
        ("pick", True),
        ("own", True),
    ]


@pytest.mark.parametrize(
    "entry",
    [BROADCAST, {"type": "event", "event_type": "checkout.abandoned"}],
    ids=["broadcast", "event"],
)
def test_otherwise_only_the_steps_that_ask(entry):
    assert best_hours(entry) == [
        ("mail", False),
        ("text", False),
        ("push", False),
        ("pick", False),
        ("own", True),
    ]


def test_best_time_and_local_time_are_refused_together():
    with pytest.raises(DefinitionInvalid, match="best time, or one local time"):
        journey_parse(
            {
                "entry": {**BROADCAST, "best_time": True, "local_time": True},
                "start": "end",
                "nodes": {"end": {"type": "exit"}},
            }
        )
