"""Which table a bulk evaluation starts from, chosen by selectivity.

The compiled condition (``compiler.py``) is a filter on the contacts: the database reads every
contact of the installation and checks each one. When the definition requires some rows of a
selective condition (opened an email in the last 30 days, viewed a product 3 times this week)
and says nothing else about the contact's own columns, the members are among those rows'
contacts: the query then starts from them (an index range of the events or orders), and the
remaining conditions are checked per contact id found, as a query written by hand would do it,
without reading the contacts at all.

Which condition drives, if any, is decided from the planner's row estimates (``estimates``:
the statistics PostgreSQL keeps in ``pg_stats``, read through ``EXPLAIN``; no extra bookkeeping
and the same numbers the plan itself is made with). A driver must be estimated at fewer rows
than ``DRIVE_SHARE`` of the contacts; otherwise reading the contacts is the better start.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.segments import definition as d
from saleor_mautomation.segments.compiler import Compiler, Driver, Moments

DRIVE_SHARE = 0.25
# Conditions that read no column of the contact (only its id): evaluable per contact id.
BY_ID = (
    d.AllOf,
    d.AnyOf,
    d.Not,
    d.EventCondition,
    d.EmailCondition,
    d.OrderCondition,
    d.SegmentCondition,
    d.SpendCondition,
    d.PredictionCondition,
)

Estimate = Callable[[Any], float | None]  # a queryset's estimated rows, None if unknown


def candidates(definition: d.Definition) -> list[Driver]:
    """The conditions every member must have a row of: the root, or a condition of the root
    ``and``, counting "at least one" (or more). Empty when some condition reads a column of
    the contact (the contacts must be read then anyway)."""
    if not all(isinstance(node, BY_ID) for node in d.nodes(definition)):
        return []
    root = definition.root
    conjuncts = root.conditions if isinstance(root, d.AllOf) else [root]
    return [
        node
        for node in conjuncts
        if isinstance(node, d.EventCondition | d.EmailCondition | d.OrderCondition)
        and _at_least(node.count) >= 1
    ]


def _at_least(count: d.Count) -> int:
    """The fewest rows a contact has when ``count`` holds (0: possibly none)."""
    match count.op:
        case "gte" | "eq":
            return count.value
        case "gt":
            return count.value + 1
        case "lt" | "lte" | "ne":
            return 0


def driven_ids(
    definition: d.Definition,
    *,
    installation_id: int,
    now: datetime,
    estimate: Estimate,
) -> Any | None:
    """The members' contact ids as a query starting from the most selective driver's rows,
    or None when the contacts are the better start (or no estimate is known)."""
    found = candidates(definition)
    if not found:
        return None
    compiler = Compiler(
        installation_id=installation_id, moments=Moments(now), mode="bulk", subject="contact_id"
    )
    contacts = estimate(Contact.objects.filter(installation_id=installation_id))
    estimated = [(estimate(compiler.rows(node)), index) for index, node in enumerate(found)]
    known = [(rows, index) for rows, index in estimated if rows is not None]
    if contacts is None or not known:
        return None
    rows, index = min(known)
    if rows > DRIVE_SHARE * contacts:
        return None
    driver = found[index]
    root = definition.root
    others = [n for n in root.conditions if n is not driver] if isinstance(root, d.AllOf) else []
    selected = compiler.rows(driver).filter(contact_id__isnull=False)
    if others:
        # Checked on each driver row; they depend on its contact alone, so a contact's rows
        # are all kept or all dropped, and the count below is unchanged for those kept.
        selected = selected.filter(compiler.node(d.AllOf(type="and", conditions=others)))
    grouped = selected.order_by().values("contact_id")
    least = _at_least(driver.count)
    most = driver.count.value if driver.count.op == "eq" else None
    if least == 1 and most is None:
        return grouped.distinct()
    counted = grouped.annotate(n=Count("*")).filter(n__gte=least)
    if most is not None:
        counted = counted.filter(n__lte=most)
    return counted.values("contact_id")


def planner_estimate(queryset: Any) -> float | None:
    """The rows PostgreSQL's planner expects ``queryset`` to return (None elsewhere)."""
    if connection.vendor != "postgresql":
        return None
    plan = json.loads(queryset.explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])
