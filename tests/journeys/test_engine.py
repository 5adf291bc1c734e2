"""The journey engine, pure: every node type, goals, holdout, splits, time zones and
daylight-saving changes, and the validation of definitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from saleor_mautomation.journeys.definition import BroadcastEntry, journey_parse
from saleor_mautomation.journeys.engine import Facts, RunState, advance, bucket, in_holdout
from saleor_mautomation.segments.errors import DefinitionInvalid

T = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # a Friday; Europe's clocks change on the 29th


def journey(nodes, start="a", **settings):
    return journey_parse(
        {
            "entry": {"type": "event", "event_type": "checkout.abandoned"},
            "start": start,
            "nodes": nodes,
            **settings,
        }
    )


def run(node="a", entered=T, run_id=1, holdout=False):
    return RunState(run_id=run_id, node=node, node_entered_at=entered, holdout=holdout)


ABANDONED_CHECKOUT = {
    "a": {"type": "wait", "duration": {"hours": 1}, "next": "b"},
    "b": {"type": "send_email", "template": "abandoned-checkout-1", "next": "c"},
    "c": {
        "type": "wait_for_event",
        "event_type": "order.placed",
        "timeout": {"days": 1},
        "on_event": "done",
        "on_timeout": "d",
    },
    "d": {"type": "give_voucher", "values": {"default-channel": 10}, "next": "e"},
    "e": {"type": "send_email", "template": "abandoned-checkout-3", "next": "done"},
    "done": {"type": "exit"},
}


def test_a_wait_holds_the_run_until_its_end_then_the_send_happens():
    definition = journey(ABANDONED_CHECKOUT)

    early = advance(definition, run(), Facts(), T + timedelta(minutes=59))
    due = advance(definition, run(), Facts(), T + timedelta(hours=1, minutes=3))

    assert (early.status, early.wake_at, early.actions) == ("waiting", T + timedelta(hours=1), ())
    assert due.status == "waiting"
    assert [(a.kind, a.node, a.params["template"]) for a in due.actions] == [
        ("send_email", "b", "abandoned-checkout-1")
    ]
    assert due.visited == ("a", "b")
    # the wait for an order counts from the send (when the scheduler got to it)
    assert due.state.node == "c"
    assert due.state.node_entered_at == T + timedelta(hours=1, minutes=3)
    assert due.wake_at == T + timedelta(days=1, hours=1, minutes=3)


def test_chained_waits_do_not_drift_with_the_schedulers_lag():
    definition = journey(
        {
            "a": {"type": "wait", "duration": {"days": 1}, "next": "b"},
            "b": {"type": "wait", "duration": {"days": 1}, "next": "c"},
            "c": {"type": "send_email", "template": "welcome-2", "next": "end"},
            "end": {"type": "exit"},
        }
    )

    # the scheduler runs 10 minutes late: b still ends two days after the start
    late = advance(definition, run(), Facts(), T + timedelta(days=1, minutes=10))

    assert (late.state.node, late.wake_at) == ("b", T + timedelta(days=2))


def test_waiting_for_an_event_takes_the_event_branch_or_the_timeout_branch():
    definition = journey(ABANDONED_CHECKOUT)
    waiting = run(node="c", entered=T)

    ordered = advance(
        definition,
        waiting,
        Facts(events_since_node=(("order.placed", T + timedelta(hours=2)),)),
        T + timedelta(hours=2),
    )
    timed_out = advance(definition, waiting, Facts(), T + timedelta(days=1))
    still = advance(
        definition,
        waiting,
        Facts(events_since_node=(("product.viewed", T + timedelta(hours=2)),)),
        T + timedelta(hours=3),
    )

    assert (ordered.status, ordered.exit_reason, ordered.actions) == ("exited", "end", ())
    # the voucher step asks the runner for a code, then the walk goes on with it
    assert (timed_out.status, timed_out.condition) == ("needs_voucher", "d")
    coded = advance(
        definition, waiting, Facts(vouchers={"d": "WB-ABCD-EFGH"}), T + timedelta(days=1)
    )
    assert [(a.kind, dict(a.params)) for a in coded.actions] == [
        ("give_voucher", {"code": "WB-ABCD-EFGH"}),
        ("send_email", {"template": "abandoned-checkout-3", "at_best_hour": False}),
    ]
    assert coded.status == "exited"
    assert (still.status, still.wake_at) == ("waiting", T + timedelta(days=1))


def test_the_goal_ends_the_run_before_any_further_step():
    definition = journey(ABANDONED_CHECKOUT, goal={"event_type": "order.placed"})

    outcome = advance(definition, run(), Facts(goal_reached=True), T + timedelta(hours=2))

    assert (outcome.status, outcome.exit_reason, outcome.actions) == ("exited", "goal", ())


def test_a_condition_is_asked_for_then_followed():
    definition = journey(
        {
            "a": {
                "type": "condition",
                "condition": {"type": "order", "window": {"last_days": 7}},
                "yes": "thanks",
                "no": "nudge",
            },
            "thanks": {"type": "exit"},
            "nudge": {"type": "send_email", "template": "welcome-2", "next": "end"},
            "end": {"type": "exit"},
        }
    )

    asked = advance(definition, run(), Facts(), T)
    no = advance(definition, run(), Facts(conditions={"a": False}), T)
    yes = advance(definition, run(), Facts(conditions={"a": True}), T)

    assert (asked.status, asked.condition) == ("needs_condition", "a")
    assert [a.params["template"] for a in no.actions] == ["welcome-2"]
    assert (yes.status, yes.actions) == ("exited", ())


def test_splits_follow_their_percentages_and_never_change_for_a_run():
    definition = journey(
        {
            "a": {
                "type": "split",
                "branches": [{"percent": 30, "next": "x"}, {"percent": 70, "next": "y"}],
            },
            "x": {"type": "send_email", "template": "vip", "next": "end"},
            "y": {"type": "exit"},
            "end": {"type": "exit"},
        }
    )

    outcomes = [advance(definition, run(run_id=n), Facts(), T) for n in range(2000)]
    share = sum(1 for o in outcomes if o.actions) / 2000

    assert 0.27 < share < 0.33
    assert advance(definition, run(run_id=7), Facts(), T) == outcomes[7]
    assert bucket(7, "a") == bucket(7, "a")


def test_a_holdout_run_walks_the_journey_but_its_sends_are_held_out():
    definition = journey(ABANDONED_CHECKOUT, holdout_percent=10)

    outcome = advance(definition, run(holdout=True), Facts(), T + timedelta(hours=2))
    # a held-out run makes no voucher code either: it is never asked for
    later = advance(definition, run(node="c", holdout=True), Facts(), T + timedelta(days=1))

    assert [(a.kind, a.held_out) for a in outcome.actions] == [("send_email", True)]
    assert later.status == "exited"
    assert [(a.kind, a.held_out) for a in later.actions] == [
        ("give_voucher", True),
        ("send_email", True),
    ]
    held = sum(in_holdout(n, 10) for n in range(5000)) / 5000
    assert 0.08 < held < 0.12


def test_wait_until_a_time_of_day_keeps_the_local_hour_across_daylight_saving():
    definition = journey(
        {
            "a": {"type": "wait_until", "hour": 9, "weekdays": [0], "next": "b"},
            "b": {"type": "send_email", "template": "win-back-1", "next": "end"},
            "end": {"type": "exit"},
        }
    )
    facts = Facts(time_zone="Europe/Berlin")

    outcome = advance(definition, run(), facts, T)

    # Friday 27 March (UTC+1) -> Monday 30 March 09:00 Berlin, which is UTC+2 by then
    assert outcome.wake_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    sent = advance(definition, run(), facts, datetime(2026, 3, 30, 7, 0, tzinfo=UTC))
    assert [a.params["template"] for a in sent.actions] == ["win-back-1"]
    # in New York, Monday 09:00 is 13:00 UTC
    new_york = advance(definition, run(), Facts(time_zone="America/New_York"), T)
    assert new_york.wake_at == datetime(2026, 3, 30, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("nodes", "start", "field", "message"),
    [
        ({"a": {"type": "exit"}}, "z", "start", "no node 'z'"),
        (
            {"a": {"type": "send_email", "template": "x", "next": "nowhere"}},
            "a",
            "nodes.a",
            "leads to a missing node 'nowhere'",
        ),
        (
            {"a": {"type": "exit"}, "orphan": {"type": "exit"}},
            "a",
            "nodes.orphan",
            "cannot be reached from the start",
        ),
        (
            {
                "a": {"type": "send_email", "template": "x", "next": "b"},
                "b": {"type": "update_profile", "metadata": {"k": "v"}, "next": "a"},
            },
            "a",
            "nodes.a",
            "is in a loop without a wait",
        ),
        (
            {
                "a": {
                    "type": "split",
                    "branches": [{"percent": 50, "next": "a"}, {"percent": 40, "next": "a"}],
                }
            },
            "a",
            "nodes.a",
            "the branches' percentages add up to 100",
        ),
    ],
)
def test_invalid_journeys_name_the_node(nodes, start, field, message):
    with pytest.raises(DefinitionInvalid) as invalid:
        journey(nodes, start=start)

    assert (invalid.value.errors[0].field, invalid.value.errors[0].message) == (field, message)


def test_a_loop_with_a_wait_is_fine():
    definition = journey(
        {
            "a": {"type": "send_email", "template": "x", "next": "b"},
            "b": {"type": "wait", "duration": {"days": 30}, "next": "a"},
        }
    )

    outcome = advance(definition, run(), Facts(), T)

    assert (outcome.status, outcome.state.node, len(outcome.actions)) == ("waiting", "b", 1)


def test_sms_push_profile_webhook_and_list_steps_become_actions_in_order():
    definition = journey(
        {
            "a": {"type": "send_sms", "template": "cart-sms", "next": "b"},
            "b": {"type": "send_push", "template": "cart-push", "next": "c"},
            "c": {
                "type": "update_profile",
                "fields": {"preferences.newsletter": "true"},
                "metadata": {"vip": "yes"},
                "next": "d",
            },
            "d": {"type": "webhook", "url": "https://crm.example/hook", "next": "e"},
            "e": {"type": "list_add", "list": "vip-club", "next": "f"},
            "f": {"type": "list_remove", "list": "prospects", "next": "end"},
            "end": {"type": "exit"},
        }
    )

    outcome = advance(definition, run(), Facts(), T)

    assert [(a.kind, a.node) for a in outcome.actions] == [
        ("send_sms", "a"),
        ("send_push", "b"),
        ("update_profile", "c"),
        ("webhook", "d"),
        ("list_add", "e"),
        ("list_remove", "f"),
    ]
    assert outcome.actions[2].params == {
        "fields": {"preferences.newsletter": "true"},
        "metadata": {"vip": "yes"},
    }
    assert outcome.status == "exited"


@pytest.mark.parametrize(
    ("node", "message"),
    [
        ({"type": "give_voucher", "values": {}, "next": "end"}, "nodes.a.values"),
        (
            {"type": "give_voucher", "values": {"default-channel": 120}, "next": "end"},
            "a percentage of at most 100",
        ),
        ({"type": "update_profile", "next": "end"}, "a field or a metadata key to set"),
        (
            {"type": "update_profile", "fields": {"email": "x@y.z"}, "next": "end"},
            "is not a field a journey sets",
        ),
        (
            {"type": "update_profile", "fields": {"preferences.news": "maybe"}, "next": "end"},
            "is 'true' or 'false'",
        ),
        ({"type": "webhook", "url": "ftp://crm.example", "next": "end"}, "nodes.a.url"),
        ({"type": "list_add", "list": "Has Spaces", "next": "end"}, "nodes.a.list"),
    ],
)
def test_action_steps_are_validated_with_the_node_named(node, message):
    with pytest.raises(DefinitionInvalid) as caught:
        journey({"a": node, "end": {"type": "exit"}})

    assert message in str(caught.value)


def test_a_broadcast_entry_needs_a_moment_with_its_offset():
    base = {"start": "a", "nodes": {"a": {"type": "exit"}}}
    entry = {"type": "broadcast", "segment_id": 3, "send_at": "2026-12-01T09:00:00"}

    with pytest.raises(DefinitionInvalid) as caught:
        journey_parse({**base, "entry": entry})
    parsed = journey_parse({**base, "entry": {**entry, "send_at": "2026-12-01T09:00:00+01:00"}})

    assert "entry.send_at" in str(caught.value)
    assert isinstance(parsed.entry, BroadcastEntry)
    assert parsed.entry.send_at == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
