"""One contact's (or a batch's) memberships of many segments, by SQL compiled once.

Compiling a handful of definitions through the ORM takes milliseconds of Python; running the
resulting query for one contact takes a fraction of one. So the per-contact query (every
segment's truth and open membership as columns) is compiled once per set of segment
revisions and batch size, with stand-ins for the contact ids and for every value derived from
"now" (``SymbolicMoments``), and each run only swaps the real values into the parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, OuterRef, Subquery

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.core.sql import sql_rows
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import Compiler, SymbolicMoments
from saleor_mautomation.segments.models import Membership

ID_BASE = -(10**15)  # contact id stand-ins: ID_BASE, ID_BASE - 1, ...

Resolve = Callable[[datetime, list[int]], Any]


@dataclass(frozen=True)
class Truth:
    member: bool
    open_membership: int | None  # the open row, if the contact is in the segment now


@dataclass(frozen=True)
class Prepared:
    sql: str
    params: tuple[Any, ...]
    slots: dict[int, Resolve]
    segment_ids: tuple[int, ...]
    size: int

    def run(self, *, now: datetime, contact_ids: list[int]) -> dict[int, dict[int, Truth]]:
        """``{contact: {segment: Truth}}`` at ``now`` for up to ``size`` contacts."""
        assert 0 < len(contact_ids) <= self.size
        ids = contact_ids + [contact_ids[0]] * (self.size - len(contact_ids))
        params = list(self.params)
        for index, resolve in self.slots.items():
            params[index] = resolve(now, ids)
        # Bound server-side. One contact's query (each event of the storefront and of a
        # drained delivery) is prepared: planning it cost about as much as running it, and its
        # plan (index look-ups by that contact) is the same for every contact. A batch's is
        # not: a generic plan ran five times slower over a drained batch's contacts than the
        # plan made for the actual ids.
        rows = sql_rows(self.sql, params, prepare=self.size == 1)
        found: dict[int, dict[int, Truth]] = {}
        for row in rows:
            values = iter(row[1:])
            found[row[0]] = {
                segment_id: Truth(member=bool(next(values)), open_membership=next(values))
                for segment_id in self.segment_ids
            }
        return found


def prepare(
    *, installation_id: int, definitions: list[tuple[int, d.Definition]], size: int
) -> Prepared:
    moments = SymbolicMoments()
    compiler = Compiler(installation_id=installation_id, moments=moments, mode="single")
    stand_ins = [ID_BASE - k for k in range(size)]
    columns: dict[str, Any] = {}
    for segment_id, definition in definitions:
        columns[f"s{segment_id}"] = ExpressionWrapper(
            compiler.compile(definition), output_field=BooleanField()
        )
        columns[f"m{segment_id}"] = Subquery(
            Membership.objects.filter(
                segment_id=segment_id, contact_id=OuterRef("pk"), exited_at__isnull=True
            ).values("pk")[:1]
        )
    query = Contact.objects.filter(pk__in=stand_ins).annotate(**columns).values_list("pk", *columns)
    sql, params = query.query.sql_with_params()
    return Prepared(
        sql=sql,
        params=tuple(params),
        slots=_slots(params, moments, size),
        segment_ids=tuple(segment_id for segment_id, _ in definitions),
        size=size,
    )


def _slots(params: tuple[Any, ...], moments: SymbolicMoments, size: int) -> dict[int, Resolve]:
    """Where each stand-in landed among the parameters (as the backend adapted it)."""
    adapt_datetime = connection.ops.adapt_datetimefield_value
    adapt_date = connection.ops.adapt_datefield_value
    by_value: dict[Any, Resolve] = {}
    for stand_in, resolve in moments.resolvers.items():
        by_value[stand_in] = partial(_moment, resolve=resolve, adapt=None)
        if isinstance(stand_in, datetime):
            by_value[adapt_datetime(stand_in)] = partial(
                _moment, resolve=resolve, adapt=adapt_datetime
            )
        elif isinstance(stand_in, date):
            by_value[adapt_date(stand_in)] = partial(_moment, resolve=resolve, adapt=adapt_date)
    slots: dict[int, Resolve] = {}
    for index, param in enumerate(params):
        if isinstance(param, int) and ID_BASE - size < param <= ID_BASE:
            slots[index] = partial(_contact, index=ID_BASE - param)
        elif _hashable(param) and param in by_value:
            slots[index] = by_value[param]
        elif _looks_like_stand_in(param):
            # Transformed beyond recognition: it would run with its fake value.
            raise AssertionError(f"A time-derived parameter was not found: {param!r}")
    return slots


def _looks_like_stand_in(param: Any) -> bool:
    text = str(param)
    return "~moment-" in text or text.startswith(str(SymbolicMoments.BASE.year))


def _moment(
    now: datetime,
    ids: list[int],
    resolve: Callable[[datetime], Any],
    adapt: Callable[[Any], Any] | None,
) -> Any:
    value = resolve(now)
    return adapt(value) if adapt else value


def _contact(now: datetime, ids: list[int], index: int) -> int:
    return ids[index]


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True
