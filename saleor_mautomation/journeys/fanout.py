"""A broadcast snapshot's runs, inserted a page at a time without a model per row.

``services.runs_create`` makes a model instance per run and per entered step and lets the ORM
render each value: fine for an event's few runs, most of the time of a million-recipient
snapshot. On PostgreSQL the page goes in as one ``INSERT ... SELECT FROM unnest(arrays)``
returning the runs' ids, its entered steps as another; the holdout, the entered tallies and
the rows are the same as ``runs_create`` makes (the tests compare the two). Elsewhere (the
embedded SQLite default, a demo's few thousand) ``runs_create`` itself.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import connection

from saleor_mautomation.contacts.models import Contact
from saleor_mautomation.events.tallies import tallies_add
from saleor_mautomation.journeys.conversions import entered_tallies
from saleor_mautomation.journeys.engine import in_holdout
from saleor_mautomation.journeys.models import Journey, JourneyRun, JourneyVersion, RunStep
from saleor_mautomation.journeys.runner import version_definition
from saleor_mautomation.journeys.services import runs_create

_RUNS = """
INSERT INTO {runs} (installation_id, journey_id, version_id, contact_id, entry_key, status,
    node, node_entered_at, wake_at, holdout, exit_reason, context, entered_at, attempts, error,
    branches, goal_currency)
SELECT %s, %s, %s, page.contact_id, %s, %s, %s, page.begin, page.begin, false, '', %s::jsonb,
    page.begin, 0, '', '{{}}'::jsonb, ''
FROM unnest(%s::bigint[], %s::timestamptz[]) AS page (contact_id, begin)
ORDER BY page.contact_id
RETURNING id, entered_at
"""

_STEPS = """
INSERT INTO {steps} (run_id, node, kind, at, detail)
SELECT run_id, %s, 'entered', %s, '{{}}'::jsonb FROM unnest(%s::bigint[]) AS page (run_id)
"""


def broadcast_runs_insert(
    *,
    journey: Journey,
    version: JourneyVersion,
    page: list[tuple[int, datetime]],
    now: datetime,
    entry_key: str,
    context: dict[str, Any],
) -> int:
    """Runs at the start node for a page of (contact id, start), checked by the caller as for
    ``runs_create``; returns how many were created."""
    if not page:
        return 0
    if connection.vendor != "postgresql":
        starts = dict(page)
        return len(
            runs_create(
                journey=journey,
                version=version,
                contacts=[
                    Contact(pk=contact_id, installation_id=journey.installation_id)
                    for contact_id, _ in page
                ],
                now=now,
                entry_key=entry_key,
                starts_at=starts,
                context=context,
            )
        )
    definition = version_definition(version)
    with connection.cursor() as cursor:
        cursor.execute(
            _RUNS.format(runs=connection.ops.quote_name(JourneyRun._meta.db_table)),
            [
                journey.installation_id,
                journey.pk,
                version.pk,
                entry_key,
                JourneyRun.Status.WAITING.value,
                definition.start,
                json.dumps(context),
                [contact_id for contact_id, _ in page],
                [begin for _, begin in page],
            ],
        )
        created: list[tuple[int, datetime]] = cursor.fetchall()
        run_ids = [run_id for run_id, _ in created]
        held = set()
        if definition.holdout_percent:
            held = {r for r in run_ids if in_holdout(r, definition.holdout_percent)}
            JourneyRun.objects.filter(pk__in=held).update(holdout=True)
        cursor.execute(
            _STEPS.format(steps=connection.ops.quote_name(RunStep._meta.db_table)),
            [definition.start, now, run_ids],
        )
    # One tally per distinct start and holdout (a few: the zones of a local-time broadcast),
    # counted, rather than one per run.
    entered = Counter((entered_at, run_id in held) for run_id, entered_at in created)
    tallies = []
    for (entered_at, holdout), n in entered.items():
        run = JourneyRun(
            installation_id=journey.installation_id,
            journey_id=journey.pk,
            version_id=version.pk,
            holdout=holdout,
            entered_at=entered_at,
        )
        tallies += [replace(tally, count=n) for tally in entered_tallies([run])]
    tallies_add(tallies)
    return len(created)
