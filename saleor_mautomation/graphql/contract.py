"""What the dashboard extension builds against, written from the Python source of truth:
the app's GraphQL schema as SDL (``schema.graphql``, every front-end document is validated
against it) and the journey JSON fixtures its definition <-> canvas round-trips read
(``fixtures/journeys/``: one definition with every node type and every entry type beside it,
and every preset with its description and layout).

``mautomation dump_contract`` (``make schema``) writes them; a test fails when a committed
file differs from what this module produces, so neither side drifts silently.
"""

from __future__ import annotations

import json
from typing import Any

from graphql import lexicographic_sort_schema, print_schema

from saleor_mautomation.graphql.schema import schema
from saleor_mautomation.journeys.layout import layout_layered
from saleor_mautomation.journeys.presets import LAYOUTS, PRESETS

SCHEMA_FILE = "schema.graphql"
EVERY_NODE_FILE = "fixtures/journeys/every-node.json"
PRESETS_FILE = "fixtures/journeys/presets.json"

# Every entry type (a broadcast also with a test share of the split, which cannot go with local
# time); each is a valid ``entry`` of ``EVERY_NODE`` (which uses the first).
ENTRIES: list[dict[str, Any]] = [
    {
        "type": "event",
        "event_type": "checkout.abandoned",
        "where": [{"property": "total", "op": "gte", "value": 50}],
        "entry_key": "checkout_id",
    },
    {"type": "segment_entered", "segment_id": 1},
    {"type": "date", "field": "birthday", "days_offset": -3, "at_hour": 10},
    {
        "type": "date",
        "field": "attribute",
        "attribute": "check_up_due",
        "repeat": "yearly",
        "days_offset": -14,
        "at_hour": 9,
    },
    {
        "type": "recurring",
        "segment_id": 1,
        "every": 1,
        "unit": "months",
        "start": "2027-01-31",
        "at_hour": 10,
    },
    {"type": "trigger", "key": "rainy-day"},
    {"type": "manual"},
    {
        "type": "broadcast",
        "segment_id": 1,
        "send_at": "2027-01-15T09:00:00+01:00",
        "local_time": True,
    },
    {
        "type": "broadcast",
        "segment_id": 1,
        "send_at": "2027-01-15T09:00:00+01:00",
        "local_time": False,
        "test": {"split": "split", "share_percent": 20, "wait_hours": 24, "metric": "conversion"},
    },
]

# Every node type, every setting (a subject-line test too), every kind of output (next, yes/no,
# event/timeout, branches).
EVERY_NODE: dict[str, Any] = {
    "version": 1,
    "entry": ENTRIES[0],
    "reentry": {"mode": "after_days", "days": 7},
    "goal": {"event_type": "order.placed", "where": []},
    "holdout_percent": 10,
    "start": "wait",
    "nodes": {
        "wait": {
            "type": "wait",
            "duration": {"days": 0, "hours": 1, "minutes": 30},
            "next": "wait-until",
        },
        "wait-until": {
            "type": "wait_until",
            "hour": 9,
            "weekdays": [0, 1, 2, 3, 4],
            "next": "wait-for-event",
        },
        "wait-for-event": {
            "type": "wait_for_event",
            "event_type": "checkout.updated",
            "where": [{"property": "channel", "op": "eq", "value": "default-channel"}],
            "timeout": {"days": 2, "hours": 0, "minutes": 0},
            "on_event": "condition",
            "on_timeout": "split",
        },
        "condition": {
            "type": "condition",
            "condition": {"type": "order"},
            "yes": "send-email",
            "no": "send-sms",
        },
        "split": {
            "type": "split",
            "branches": [
                {"percent": 60, "next": "send-push"},
                {"percent": 40, "next": "give-voucher"},
            ],
        },
        "send-email": {
            "type": "send_email",
            "template": "abandoned-checkout-1",
            "at_best_hour": True,
            "subject_variants": [
                "You left something behind",
                "{{ contact.first_name }}, your cart is waiting",
            ],
            "next": "update-profile",
        },
        "send-sms": {
            "type": "send_sms",
            "template": "abandoned-checkout-sms",
            "at_best_hour": False,
            "next": "update-profile",
        },
        "send-push": {
            "type": "send_push",
            "template": "abandoned-checkout-push",
            "at_best_hour": False,
            "next": "webhook",
        },
        "give-voucher": {
            "type": "give_voucher",
            "discount_type": "fixed",
            "values": {"default-channel": "5", "*": "4.5"},
            "valid_days": 7,
            "code_prefix": "CART",
            "currency": "EUR",
            "next": "webhook",
        },
        "update-profile": {
            "type": "update_profile",
            "fields": {"language_code": "de", "preferences.news": "true"},
            "metadata": {"mautomation.reminded": "true"},
            "next": "list-add",
        },
        "webhook": {
            "type": "webhook",
            "url": "https://crm.example.com/hooks/journey",
            "next": "send-preferred",
        },
        "send-preferred": {
            "type": "send_preferred",
            "templates": {
                "email": "abandoned-checkout-1",
                "sms": "abandoned-checkout-sms",
                "push": "abandoned-checkout-push",
            },
            "fallback": ["sms", "push", "email"],
            "at_best_hour": False,
            "next": "list-add",
        },
        "list-add": {"type": "list_add", "list": "reminded", "next": "list-remove"},
        "list-remove": {"type": "list_remove", "list": "newsletter-paused", "next": "send-postal"},
        "send-postal": {
            "type": "send_postal",
            "template": "win-back-card",
            "max_per_batch": 500,
            "cutoff_hour": 15,
            "next": "exit",
        },
        "exit": {"type": "exit"},
    },
}


def schema_sdl() -> str:
    """The schema printed with types and fields in alphabetical order: a change to the API
    is a small diff, never a reshuffle."""
    return print_schema(lexicographic_sort_schema(schema.graphql_schema)) + "\n"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def every_node() -> dict[str, Any]:
    return {"definition": EVERY_NODE, "layout": layout_layered(EVERY_NODE), "entries": ENTRIES}


def presets() -> list[dict[str, Any]]:
    return [
        {
            "key": key,
            "name": preset.name,
            "description": preset.description,
            "definition": preset.definition,
            "layout": LAYOUTS[key],
        }
        for key, preset in PRESETS.items()
    ]


def contract_files() -> dict[str, str]:
    """Each file's text by its path under ``dashboard_extension/``."""
    return {
        SCHEMA_FILE: schema_sdl(),
        EVERY_NODE_FILE: _json(every_node()),
        PRESETS_FILE: _json(presets()),
    }
