"""A broadcast's test share decides, then the rest of the broadcast follows the winner.

``wait_hours`` after the test share was sent, the branch of the test's split with the best
rate by the test's metric (clicks or conversions, ``analytics.selectors.ab_result`` on the
version's tallies) wins: the significant winner when there is one, else the best rate seen
(ties: the lowest branch). The decision is recorded on the version, then the rest of the
snapshot (``BroadcastRest``) enters, chunk by chunk, its split forced to the winner.

Here in ``flows`` because it reads ``analytics``, which ``journeys`` may not import.

Exactly once: the decision is claimed with the version's row (SKIP LOCKED, still undecided),
and each chunk of the rest with its rows (SKIP LOCKED, deleted as they enter, in one
transaction with the runs), so a second run of the task, or two workers at once, never enrol
anyone twice (and the runs' own idempotent steps never send twice).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction

from saleor_mautomation.analytics.selectors import AbTest, ab_result
from saleor_mautomation.journeys import definition as d
from saleor_mautomation.journeys.entries import broadcast_rest_enter
from saleor_mautomation.journeys.models import Journey, JourneyVersion
from saleor_mautomation.journeys.runner import version_definition

logger = logging.getLogger(__name__)


def winner_of(result: AbTest) -> tuple[int, bool]:
    """The winning branch and whether it won significantly: the significant winner, else
    the best rate by the test's metric (ties: the lowest branch)."""
    if result.verdict == "winner" and result.winner is not None:
        return result.winner, True
    rates = [
        v.conversion_rate if result.metric == "conversion" else v.click_rate
        for v in result.variants
    ]
    return max(range(len(rates)), key=lambda i: (rates[i], -i)), False


def _test_of(version: JourneyVersion) -> tuple[d.JourneyDefinition, d.BroadcastTest] | None:
    definition = version_definition(version)
    entry = definition.entry
    if not isinstance(entry, d.BroadcastEntry) or entry.test is None:
        return None
    return definition, entry.test


def decision_due(version: JourneyVersion, entry: d.BroadcastEntry) -> datetime | None:
    """When the test share has waited long enough: ``wait_hours`` after it was sent (the
    send time, or the snapshot when that came later); None before the snapshot."""
    assert entry.test is not None
    if version.broadcast_enrolled_at is None:
        return None
    sent = max(entry.send_at, version.broadcast_enrolled_at)
    return sent + timedelta(hours=entry.test.wait_hours)


def broadcast_test_decide(*, version_id: int, now: datetime) -> bool:
    """Choose the winner of the version's test once it is due; True when it is (or was)
    decided. Another worker deciding it now: False (it will be done)."""
    with transaction.atomic():
        version = (
            JourneyVersion.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("journey")
            .filter(pk=version_id)
            .first()
        )
        if version is None:
            return False
        if version.test_decided_at is not None:
            return True
        test = _test_of(version)
        if test is None:
            return False
        definition, spec = test
        assert isinstance(definition.entry, d.BroadcastEntry)
        due = decision_due(version, definition.entry)
        if due is None or now < due:
            return False
        result = ab_result(
            installation_id=version.journey.installation_id,
            journey=version.journey,
            node_id=spec.split,
            definition=definition,
            metric=spec.metric,
            version_id=version.pk,
        )
        assert result is not None  # the definition's rule: the test's node is a split
        winner, significant = winner_of(result)
        version.test_decided_at = now
        version.test_winner = winner
        version.test_significant = significant
        version.save(update_fields=["test_decided_at", "test_winner", "test_significant"])
    logger.info(
        "Broadcast test of %s v%s: branch %s wins (%s)",
        version.journey.key,
        version.number,
        winner,
        "significant" if significant else "best rate seen",
    )
    return True


def broadcast_tests_decide(*, now: datetime) -> int:
    """Decide every due test of a running journey's broadcast and enrol its rest; returns
    the contacts of the rest taken."""
    open_tests = JourneyVersion.objects.filter(
        broadcast_enrolled_at__isnull=False,
        test_rest_entered_at__isnull=True,
        journey__status=Journey.Status.ACTIVE,
        definition__entry__test__has_key="split",
    ).values_list("pk", flat=True)
    entered = 0
    for version_id in list(open_tests):
        if not broadcast_test_decide(version_id=version_id, now=now):
            continue
        while taken := broadcast_rest_enter(version_id=version_id, now=now):
            entered += taken
    return entered
