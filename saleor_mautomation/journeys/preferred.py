"""What a "send on the preferred channel" step needs to know about its runs' contacts: the
channels each can be reached on now (``contacts.channel_preference``), read for a batch in one
query, and only for runs whose journey has such a step."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from saleor_mautomation.contacts.channel_preference import channels_reachable
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.models import JourneyRun


def _sends_preferred(definition: d.JourneyDefinition) -> bool:
    return any(isinstance(node, d.SendPreferred) for node in definition.nodes.values())


def reachable_channels(
    runs: Iterable[tuple[JourneyRun, d.JourneyDefinition]],
) -> dict[int, frozenset[str]]:
    """Contact id -> the channels it can be reached on, for the runs whose definition has a
    ``send_preferred`` step (the others need nothing read)."""
    contacts = {
        run.contact.pk: run.contact
        for run, definition in runs
        if run.contact is not None and _sends_preferred(definition)
    }
    return channels_reachable(list(contacts.values())) if contacts else {}


def channels_sent(raw: dict[str, Any]) -> set[str]:
    """The channels a (raw) definition's steps may send on: a preset installs their default
    templates."""
    sent: set[str] = set()
    for node in raw.get("nodes", {}).values():
        if node.get("type") in d.SENDS:
            sent.add(d.SENDS[node["type"]])
        elif node.get("type") == "send_preferred":
            sent |= set(node.get("templates", {}))
    return sent
