"""One recipient's funnel: each message records when it was sent, delivered, first opened and
clicked by a person, unsubscribed through, bounced and complained about, and each of those
moments adds to the day's tally of the message's origin (``events.tallies``) the first time
only. A second open, a replayed ESP report or a late delivery report after a bounce adds
nothing: the timestamp is set already.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from django.db import connection

from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.tallies import (
    ADD_ON_CONFLICT,
    INSERT_INTO,
    Origin,
    Tally,
    tallies_add,
)
from saleor_mautomation.messages import tokens
from saleor_mautomation.messages.models import Message

Reached = Literal["delivered", "opened", "clicked", "unsubscribed", "bounced", "complained"]
COLUMNS: dict[str, str] = {
    "delivered": "delivered_at",
    "opened": "opened_at",
    "clicked": "clicked_at",
    "unsubscribed": "unsubscribed_at",
    "bounced": "bounced_at",
    "complained": "complained_at",
}
_ORIGIN = (
    "installation_id, journey_id, journey_version_id, journey_node, template_id, broadcast, "
    "channel, split_node, split_branch"
)
_TABLE = Message._meta.db_table
# One statement each: set the moment if it was empty, and say where the message came from.
_REACH = {
    metric: f"UPDATE {_TABLE} SET {column} = %s WHERE id = %s AND {column} IS NULL "  # noqa: S608
    f"RETURNING {_ORIGIN}"
    for metric, column in COLUMNS.items()
}
# PostgreSQL: the moment and its tally in one statement (one round trip, a third of the
# cost of a first open's tallying in bench/analytics.py): the UPDATE's row, if it changed,
# is inserted into the day's tallies, or added to its row.
_REACH_AND_TALLY = {
    metric: f"WITH m AS ({_REACH[metric]}) {INSERT_INTO} "  # noqa: S608
    "SELECT installation_id, %s::date, %s, COALESCE(journey_id, 0), "
    "COALESCE(journey_version_id, 0), journey_node, COALESCE(template_id, 0), broadcast, "
    "channel, split_node, COALESCE(split_branch, -1), false, '', 1, 0, 0 FROM m "
    f"{ADD_ON_CONFLICT} RETURNING 1"
    for metric in COLUMNS
}
MESSAGE_PARAMETER = "m"  # the message an unsubscribe link was sent in (a signed id)


def origin_of(
    *,
    journey_id: int | None,
    journey_version_id: int | None,
    journey_node: str,
    template_id: int | None,
    broadcast: bool,
    channel: str,
    split_node: str,
    split_branch: int | None,
) -> Origin:
    return Origin(
        journey_id=journey_id or 0,
        version_id=journey_version_id or 0,
        node=journey_node,
        template_id=template_id or 0,
        broadcast=bool(broadcast),
        channel=channel,
        split_node=split_node,
        split_branch=-1 if split_branch is None else split_branch,
    )


def message_origin(message: Message) -> Origin:
    return origin_of(
        journey_id=message.journey_id,
        journey_version_id=message.journey_version_id,
        journey_node=message.journey_node,
        template_id=message.template_id,
        broadcast=message.broadcast,
        channel=message.channel,
        split_node=message.split_node,
        split_branch=message.split_branch,
    )


def utc_day(at: datetime) -> date:
    """The day a moment counts on: reports are per UTC day."""
    return at.astimezone(UTC).date()


def message_sent_tally(message: Message, *, at: datetime) -> None:
    """The message was handed over (its status just became ``sent``): counted once, by the
    caller that made that change."""
    tallies_add(
        [
            Tally(
                installation_id=message.installation_id,
                day=utc_day(at),
                metric="sent",
                origin=message_origin(message),
            )
        ]
    )


def message_reached(*, message_id: int, metric: Reached, at: datetime) -> bool:
    """The message reached ``metric`` at ``at``: recorded and tallied if it had not yet;
    False when it had (or there is no such message)."""
    if connection.vendor == "postgresql":
        tallied = sql_rows(
            _REACH_AND_TALLY[metric], [at, message_id, utc_day(at), metric], prepare=True
        )
        return bool(tallied)
    rows = sql_rows(
        _REACH[metric],
        [connection.ops.adapt_datetimefield_value(at), message_id],
        prepare=True,
    )
    if not rows:
        return False
    (installation_id, *origin) = rows[0]
    journey_id, version_id, node, template_id, broadcast, channel, split_node, branch = origin
    tallies_add(
        [
            Tally(
                installation_id=installation_id,
                day=utc_day(at),
                metric=metric,
                origin=origin_of(
                    journey_id=journey_id,
                    journey_version_id=version_id,
                    journey_node=node,
                    template_id=template_id,
                    broadcast=bool(broadcast),
                    channel=channel,
                    split_node=split_node,
                    split_branch=branch,
                ),
            )
        ]
    )
    return True


def with_message_links(context: dict[str, Any], message_id: int) -> dict[str, Any]:
    """The recipient's context with an unsubscribe link that names this message (signed), so
    an unsubscribe counts against the message it came through."""
    links = context.get("links")
    if not isinstance(links, dict) or "unsubscribe" not in links:
        return context
    marked = f"{links['unsubscribe']}?{MESSAGE_PARAMETER}={tokens.open_token(message_id)}"
    return {**context, "links": {**links, "unsubscribe": marked}}
