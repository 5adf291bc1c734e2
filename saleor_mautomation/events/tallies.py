"""Daily rollups, added to as things happen: a message sent, opened for the first time by a
person, an order attributed, a run that entered or reached its goal.

Every writer (messages, journeys, analytics, contacts' consent) calls ``tallies_add`` in the
transaction of the change it counts, so a rolled-back change counts nothing and a committed one
is counted once: each metric of a message or run is counted the first time it happens (its
timestamp goes from empty to set), never again. Reports (``analytics.selectors``) read these
rows only; ``analytics.rollups.tallies_recompute`` derives the same rows from the messages,
runs and attributions, which erasure keeps (blanked), so both agree after any history.

One INSERT ... ON CONFLICT DO UPDATE per call adds every row, in the key's order, so two
writers adding to the same rows lock them in the same order and never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection

from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.events.models import DailyTally


@dataclass(frozen=True, order=True)
class Origin:
    """Where a counted thing comes from: what a report groups by (0 and '' for none)."""

    journey_id: int = 0
    version_id: int = 0
    node: str = ""
    template_id: int = 0
    broadcast: bool = False
    channel: str = ""
    split_node: str = ""
    split_branch: int = -1
    holdout: bool = False


NONE = Origin()


@dataclass(frozen=True, order=True)
class Tally:
    installation_id: int
    day: date
    metric: str
    origin: Origin = NONE
    currency: str = ""
    count: int = 1
    amount: Decimal = Decimal(0)


_Key = tuple[int, date, str, Origin, str]


@dataclass
class _Sum:
    count: int = 0
    amount: Decimal = Decimal(0)
    amount_sq: Decimal = Decimal(0)


_KEY = (
    "installation_id, day, metric, journey_id, version_id, node, template_id, broadcast, "
    "channel, split_node, split_branch, holdout, currency"
)
_TABLE = DailyTally._meta.db_table
_ROW = "(" + ", ".join(["%s"] * 16) + ")"
_ROWS_PER_STATEMENT = 200  # 3,200 parameters


# Into the tallies: rows of the key's columns, then count, amount, amount_sq; then ADD_ON.
INSERT_INTO = f"INSERT INTO {_TABLE} ({_KEY}, count, amount, amount_sq)"
ADD_ON_CONFLICT = (
    f"ON CONFLICT ({_KEY}) DO UPDATE SET count = {_TABLE}.count + excluded.count, "
    f"amount = {_TABLE}.amount + excluded.amount, "
    f"amount_sq = {_TABLE}.amount_sq + excluded.amount_sq"
)


def _statement(rows: int) -> str:
    values = ", ".join([_ROW] * rows)
    return f"{INSERT_INTO} VALUES {values} {ADD_ON_CONFLICT}"


def tallies_add(tallies: Iterable[Tally]) -> int:
    """Add the tallies to their rows (created at zero when missing); how many rows changed.

    Tallies with the same key are summed first; ``amount_sq`` adds each tally's own
    ``amount`` squared (a tally of a run's revenue is one recipient's)."""
    summed: dict[_Key, _Sum] = {}
    for tally in tallies:
        if not tally.count and not tally.amount:
            continue
        key = (tally.installation_id, tally.day, tally.metric, tally.origin, tally.currency)
        slot = summed.setdefault(key, _Sum())
        slot.count += tally.count
        slot.amount += tally.amount
        slot.amount_sq += tally.amount * tally.amount
    if not summed:
        return 0
    adapt_day = connection.ops.adapt_datefield_value
    adapt_amount = connection.ops.adapt_decimalfield_value
    params: list[object] = []
    for key in sorted(summed):
        installation_id, day, metric, origin, currency = key
        total = summed[key]
        params += (
            installation_id,
            adapt_day(day),
            metric,
            origin.journey_id,
            origin.version_id,
            origin.node,
            origin.template_id,
            origin.broadcast,
            origin.channel,
            origin.split_node,
            origin.split_branch,
            origin.holdout,
            currency,
            total.count,
            adapt_amount(total.amount, 18, 4),
            adapt_amount(total.amount_sq, 24, 4),
        )
    width = 16
    for start in range(0, len(params), _ROWS_PER_STATEMENT * width):
        chunk = params[start : start + _ROWS_PER_STATEMENT * width]
        # Prepared: the hot paths add one row or a few per call, the same statements each
        # time, and parsing and planning the upsert was a third of a call's cost (psycopg
        # keeps at most 100 prepared statements per connection).
        sql_rows(_statement(len(chunk) // width), chunk, prepare=True)
    return len(summed)
